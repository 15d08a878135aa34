"""Every pgTAP file under sql/tests/ is one test, run by pg_prove in a fresh database."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from litellm_db.testing import PgServer, clone_template
from repo import REPO, SQL_TESTS

FILES = sorted(SQL_TESTS.rglob("*.test.sql"))


def run_pg_prove(pg_server: PgServer, dbname: str, path: Path) -> subprocess.CompletedProcess[str]:
    """Run one pgTAP file with pg_prove against ``dbname``."""
    pg_prove = shutil.which("pg_prove")
    if pg_prove is None:
        pytest.fail("pg_prove not found: install libtap-parser-sourcehandler-pgtap-perl")
    p = pg_server.params
    env = dict(os.environ, PGHOST=p["host"], PGPORT=p.get("port", "5432"),
               PGUSER=p.get("user", "postgres"), PGDATABASE=dbname,
               PGPASSWORD=p.get("password", ""))
    env["PATH"] = str(Path(pg_server.tool("psql")).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [pg_prove, "--verbose", "--failures", "--set", "ON_ERROR_STOP=1", str(path)],
        env=env, capture_output=True, text=True, timeout=600,
    )


def test_pgtap_files_exist() -> None:
    assert len(FILES) >= 10, "the pgTAP suite is missing"


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(SQL_TESTS)) for f in FILES])
def test_pgtap(path: Path, pg_server: PgServer, template_db: str) -> None:
    name = clone_template(pg_server, template_db)
    try:
        proc = run_pg_prove(pg_server, name, path)
    finally:
        pg_server.drop_database(name)
    assert proc.returncode == 0, f"{path.relative_to(REPO)}\n{proc.stdout}{proc.stderr}"
