"""Quality gates: lint, static checks of PL/pgSQL, and the Python style checker.

Each test fails with the findings listed, so a broken rule names what broke it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from repo import REPO

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


# The two slow linters start with the session, in the background (conftest.py: early_command).
@pytest.mark.early_command(
    [_tool("sqlfluff"), "lint", "--disable-progress-bar", "--nocolor", "sql"], cwd=REPO,
    timeout=600)
def test_sqlfluff_finds_nothing_in_sql(early_command: subprocess.CompletedProcess[str]) -> None:
    proc = early_command
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_finds_nothing_in_python() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "check", "python", "tests", "scripts", "bench", "conftest.py"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.early_command(
    [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", "/dev/null"], cwd=REPO,
    timeout=600)
def test_mypy_strict_finds_nothing_in_the_package(
    early_command: subprocess.CompletedProcess[str],
) -> None:
    """The package ships py.typed: its annotations hold under ``mypy --strict`` ([tool.mypy])."""
    proc = early_command
    assert proc.returncode == 0, proc.stdout + proc.stderr


PLPGSQL_FINDINGS = """
select p.oid::regprocedure::text as function, f.lineno, f.level, f.sqlstate, f.message, f.detail
from pg_catalog.pg_proc as p
inner join pg_catalog.pg_language as l on l.oid = p.prolang and l.lanname = 'plpgsql'
left join lateral (
    select tg.tgrelid, tg.tgnewtable, tg.tgoldtable
    from pg_catalog.pg_trigger as tg where tg.tgfoid = p.oid limit 1
) as trg on true
cross join lateral public.plpgsql_check_function_tb(
    p.oid,
    coalesce(trg.tgrelid, 0),
    fatal_errors => false,
    other_warnings => true,
    extra_warnings => true,
    security_warnings => true,
    oldtable => trg.tgoldtable,
    newtable => trg.tgnewtable
) as f
where p.pronamespace = 'litellm'::regnamespace
order by 1, 2
"""


def test_plpgsql_check_finds_nothing(conn: psycopg.Connection) -> None:
    checked = conn.execute(
        "select count(*) from pg_proc as p join pg_language as l on l.oid = p.prolang"
        " where l.lanname = 'plpgsql' and p.pronamespace = 'litellm'::regnamespace"
    ).fetchone()
    assert checked and checked[0] >= 4, "no PL/pgSQL functions were found to check"
    findings = conn.execute(PLPGSQL_FINDINGS).fetchall()
    assert findings == [], "\n".join(" | ".join(str(c) for c in row) for row in findings)


def test_trigger_functions_are_attached(conn: psycopg.Connection) -> None:
    """plpgsql_check can only check a trigger function against a table it fires on."""
    orphans = conn.execute(
        "select p.oid::regprocedure::text from pg_proc as p"
        " where p.pronamespace = 'litellm'::regnamespace"
        " and p.prorettype = 'trigger'::regtype"
        " and not exists (select from pg_trigger as t where t.tgfoid = p.oid)"
    ).fetchall()
    assert orphans == []
