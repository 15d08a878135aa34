"""Every pgTAP file under sql/tests/ is one test, run by pg_prove in a fresh database."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, SQL_TESTS, PgServer, clone_template, run_pg_prove

FILES = sorted(SQL_TESTS.rglob("*.test.sql"))


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
