"""litellm_db.testing as an application uses it: a conftest line, then fresh databases."""

from __future__ import annotations

import pytest

from litellm_db.testing import PgServer

APP_TESTS = '''
import psycopg
from litellm_db import Client

pytest_plugins = ["litellm_db.testing"]


def test_a_fresh_database_with_the_package(conn: psycopg.Connection) -> None:
    db = Client(conn)
    assert db.get_user_balance("u") is None
    db.add_user_credits("u", 10, "bonus")
    assert db.debit_user_credits("u", 1).success
    assert db.verify_ledger() == []


def test_the_next_test_starts_empty(conn: psycopg.Connection) -> None:
    assert Client(conn).get_user_balance("u") is None
'''


def test_an_application_gets_a_database_per_test(
    pytester: pytest.Pytester, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytester.makepyfile(test_app=APP_TESTS)
    monkeypatch.setenv("LITELLM_DB_TEST_DSN", pg_server.base_dsn)  # no second cluster
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)
