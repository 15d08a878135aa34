"""Test harness: the package's pytest plugin (litellm_db.testing), plus what this repository adds.

The plugin gives each session a throwaway PostgreSQL (``LITELLM_DB_TEST_DSN``, else
the system's binaries, else testcontainers) and a template database with the
package installed; every test gets a fresh copy (``db``, ``conn``). Here the
template also gets pgTAP, plpgsql_check and the pgTAP fixtures, which
``tests/test_pgtap.py`` runs each ``sql/tests/**/*.test.sql`` file against, one
pytest item per file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

if TYPE_CHECKING:
    from litellm_db.testing import TemplateSetup

pytest_plugins = ["litellm_db.testing", "pytester"]

FIXTURES = Path(__file__).resolve().parent / "sql" / "tests" / "fixtures.sql"


@pytest.fixture(scope="session")
def litellm_db_template_extensions() -> Sequence[str]:
    """pgTAP and plpgsql_check, which the pgTAP files and the quality gates use."""
    return ("pgtap", "plpgsql_check")


@pytest.fixture(scope="session")
def litellm_db_template_setup() -> TemplateSetup:
    """The pgTAP files' shared fixtures (a test-only schema)."""

    def setup(conn: psycopg.Connection[Any]) -> None:
        conn.execute(FIXTURES.read_text().encode())

    return setup
