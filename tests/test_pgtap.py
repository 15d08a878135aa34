"""Every pgTAP file under sql/tests/ is one test, run by pg_prove in a fresh database.

The files of the session's selected items are run together when the first of them
starts, two at a time (each by its own pg_prove, in its own copy of the template):
pg_prove's start-up and the database copies of one file overlap the other's work.
Each item then reports its own file's result.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from litellm_db.testing import PgServer, clone_template
from repo import REPO, SQL_TESTS

FILES = sorted(SQL_TESTS.rglob("*.test.sql"))
# Files run at once. The files are independent (each in a database of its own), and
# two keep both cores of a small machine busy.
JOBS = 2


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


def run_in_fresh_database(pg_server: PgServer, template_db: str,
                          path: Path) -> subprocess.CompletedProcess[str]:
    """Run one pgTAP file in a new copy of the template, dropped afterwards."""
    name = clone_template(pg_server, template_db)
    try:
        return run_pg_prove(pg_server, name, path)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def pgtap_results(request: pytest.FixtureRequest, pg_server: PgServer,
                  template_db: str) -> dict[Path, subprocess.CompletedProcess[str]]:
    """The pg_prove run of every pgTAP file this session selected, by path."""
    selected = [item.callspec.params["path"] for item in request.session.items
                if isinstance(item, pytest.Function) and item.originalname == "test_pgtap"
                and item.module is request.module]
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        return dict(zip(selected, pool.map(
            lambda path: run_in_fresh_database(pg_server, template_db, path), selected),
            strict=True))


def test_pgtap_files_exist() -> None:
    assert len(FILES) >= 10, "the pgTAP suite is missing"


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(SQL_TESTS)) for f in FILES])
def test_pgtap(path: Path, pgtap_results: dict[Path, subprocess.CompletedProcess[str]]) -> None:
    proc = pgtap_results[path]
    assert proc.returncode == 0, f"{path.relative_to(REPO)}\n{proc.stdout}{proc.stderr}"
