"""``litellm-db usage``, ``top`` and ``transactions``: the same numbers as the SQL functions.

One seeded database for the module (tests/opsdata.py); each command's JSON is
compared with the analytics function that answers the same question.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from litellm_db import cli
from litellm_db.testing import PgServer, clone_template
from opsdata import make_login, seed

FIGURES = ("request_count", "total_tokens", "total_cost")


@pytest.fixture(scope="module")
def seeded(pg_server: PgServer, template_db: str) -> Iterator[str]:
    name = clone_template(pg_server, template_db)
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            seed(conn)
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def analyst_dsn(seeded: str) -> str:
    with psycopg.connect(seeded, autocommit=True) as conn:
        login = make_login(conn, "analyst")
    return make_conninfo(seeded, user=login)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(args: list[str], out: io.StringIO | None = None) -> tuple[int, str, str]:
    out = out if out is not None else io.StringIO()
    err = io.StringIO()
    code = cli.main(args, env={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def cli_rows(dsn: str, *args: str) -> list[dict[str, Any]]:
    code, out, err = run([*args, "--dsn", dsn, "--json"])
    assert code == 0, err
    rows: list[dict[str, Any]] = json.loads(out)["rows"]
    return rows


def sql_rows(dsn: str, query: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(dsn) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return [{k: v if v is None or isinstance(v, int) else str(v) for k, v in r.items()}
                for r in cur.fetchall()]


def project(rows: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[k] for k in keys) for r in rows)


def test_usage_per_day_of_a_user_equals_usage_daily(analyst_dsn: str) -> None:
    ours = cli_rows(analyst_dsn, "usage", "--user", "alice", "--days", "7")
    theirs = sql_rows(analyst_dsn, "select * from litellm.usage_daily('alice', 7)")
    assert len(ours) >= 3
    keys = ("date", "request_count", "failure_count", "total_tokens", "total_cost",
            "total_cost_usd")
    assert project(ours, *keys) == project(theirs, *keys)


def test_top_spenders_equal_top_spenders(analyst_dsn: str) -> None:
    ours = cli_rows(analyst_dsn, "top", "spenders", "--days", "30", "--limit", "3")
    theirs = sql_rows(analyst_dsn, "select * from litellm.top_spenders(30, 3)")
    assert [r["user_id"] for r in ours] == [r["user_id"] for r in theirs]
    assert project(ours, "user_id", *FIGURES) == project(theirs, "user_id", *FIGURES)


def test_top_models_of_a_user_equal_top_models(analyst_dsn: str) -> None:
    ours = cli_rows(analyst_dsn, "top", "models", "--days", "14", "--user", "bob")
    theirs = sql_rows(analyst_dsn, "select * from litellm.top_models(14, 10, 'bob')")
    assert project(ours, "provider", "model", *FIGURES) == \
        project(theirs, "provider", "model", *FIGURES)


def test_usage_per_provider_equals_provider_breakdown(analyst_dsn: str) -> None:
    ours = cli_rows(analyst_dsn, "usage", "--by", "provider", "--days", "7")
    theirs = sql_rows(analyst_dsn, "select *, revenue as total_cost"
                                   " from litellm.provider_breakdown(7)")
    keys = ("provider", "request_count", "failure_count", "total_cost", "avg_latency_ms")
    assert project(ours, *keys) == project(theirs, *keys)


def test_teams_tenants_and_organisations(analyst_dsn: str) -> None:
    ours = cli_rows(analyst_dsn, "top", "teams", "--organization", "acme")
    theirs = sql_rows(analyst_dsn, "select * from litellm.team_usage(30, 'acme')")
    assert project(ours, "team_id", *FIGURES) == project(theirs, "team_id", *FIGURES)
    assert {r["team_id"] for r in ours} == {"research", "support"}

    ours = cli_rows(analyst_dsn, "top", "tenants", "--limit", "100")
    theirs = sql_rows(analyst_dsn, "select * from litellm.usage_by_tenant(30)")
    assert project(ours, "request_count", "total_cost") == \
        project(theirs, "request_count", "total_cost")

    ours = cli_rows(analyst_dsn, "usage", "--tenant", "tenant-a")
    theirs = sql_rows(analyst_dsn, "select * from litellm.tenant_usage_daily('tenant-a', 30)")
    keys = ("date", "request_count", "total_cost")
    assert project(ours, *keys) == project(theirs, *keys)

    ours = cli_rows(analyst_dsn, "top", "organizations")
    theirs = sql_rows(analyst_dsn, "select * from litellm.organization_usage(30)")
    assert project(ours, "request_count", "total_cost") == \
        project(theirs, "request_count", "total_cost")


def test_from_to_is_the_same_period_as_days(analyst_dsn: str) -> None:
    with psycopg.connect(analyst_dsn) as conn:
        row = conn.execute("select (now() at time zone 'UTC')::date").fetchone()
    assert row is not None
    today = row[0]
    start = today.fromordinal(today.toordinal() - 9)
    by_days = cli_rows(analyst_dsn, "usage", "--by", "model", "--days", "10")
    by_dates = cli_rows(analyst_dsn, "usage", "--by", "model", "--from", start.isoformat(),
                        "--to", today.isoformat())
    assert by_days == by_dates


def test_csv_and_text_carry_the_same_rows(analyst_dsn: str) -> None:
    as_json = cli_rows(analyst_dsn, "top", "spenders")
    code, out, err = run(["top", "spenders", "--dsn", analyst_dsn, "--csv"])
    assert code == 0, err
    as_csv = list(csv.DictReader(io.StringIO(out)))
    assert [r["user_id"] for r in as_csv] == [r["user_id"] for r in as_json]
    assert [r["total_cost"] for r in as_csv] == [r["total_cost"] for r in as_json]

    code, out, err = run(["top", "spenders", "--dsn", analyst_dsn])
    assert code == 0, err
    assert out.startswith("Top spenders")
    assert as_json[0]["user_id"] in out and as_json[0]["total_cost"] in out

    code, out, err = run(["top", "spenders", "--dsn", analyst_dsn], out=_Tty())
    assert code == 0, err
    assert "┃" in out or "│" in out, out  # rich's table on a terminal
    assert as_json[0]["user_id"] in out


def test_a_user_with_a_team_is_refused_with_ld360(analyst_dsn: str) -> None:
    code, _out, err = run(["usage", "--dsn", analyst_dsn, "--user", "alice", "--team", "ops"])
    assert code == 1
    assert "cannot be combined" in err
    with psycopg.connect(analyst_dsn) as conn, pytest.raises(psycopg.Error) as caught:
        conn.execute("select * from litellm.usage_between(current_date, current_date, 'user',"
                     " team_id => 'ops')")
    assert caught.value.sqlstate == "LD360"


def test_bad_period_is_a_usage_error(analyst_dsn: str) -> None:
    code, _out, err = run(["usage", "--dsn", analyst_dsn, "--from", "2026-02-01",
                           "--to", "2026-01-01"])
    assert code == 2 and "after" in err
    code, _out, err = run(["usage", "--dsn", analyst_dsn, "--from", "yesterday"])
    assert code == 2


def test_empty_period_is_an_empty_table(analyst_dsn: str) -> None:
    rows = cli_rows(analyst_dsn, "usage", "--from", "2001-01-01", "--to", "2001-01-31")
    assert rows == []
    code, out, _err = run(["usage", "--dsn", analyst_dsn, "--from", "2001-01-01",
                           "--to", "2001-01-31"])
    assert code == 0 and "(no rows)" in out


def test_transactions_are_the_journal_newest_first(seeded: str) -> None:
    ours = cli_rows(seeded, "transactions", "alice", "--limit", "4")
    theirs = sql_rows(seeded, "select seq, transaction_type, amount, balance_after"
                              " from litellm.credit_transactions where user_id = 'alice'"
                              " order by id desc limit 4")
    assert [(r["seq"], r["transaction_type"], r["amount"], r["balance_after"]) for r in ours] \
        == [(r["seq"], r["transaction_type"], r["amount"], r["balance_after"])
            for r in theirs]
    assert ours[0]["transaction_type"] == "usage"


OPERATOR_COMMANDS = ["usage", "top", "transactions", "maintain", "schedule", "report", "metrics"]


@pytest.mark.parametrize("command", OPERATOR_COMMANDS)
def test_every_operator_command_has_help(command: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert run([command, "--help"])[0] == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"usage: litellm-db {command}")
    if command != "metrics":
        assert "--dsn" in shown and "--data-dir" in shown
    assert run(["--help"])[0] == 0
    assert re.search(rf"^ {{4}}{command}\b", capsys.readouterr().out, re.M)
