"""The documentation matches the code: every SQLSTATE raised is documented and mapped."""

from __future__ import annotations

import re

import psycopg

from litellm_db import apidoc, errors
from repo import REPO

RAISED = re.compile(r"errcode\s*=\s*'(LD\d{3})'")


def raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in (REPO / "sql").rglob("*.sql"):
        # sql/releases/ holds what earlier releases installed, not what this one raises.
        if "tests" not in path.parts and "releases" not in path.parts:
            codes |= set(RAISED.findall(path.read_text()))
    return codes


def test_sql_raises_project_codes() -> None:
    assert {"LD001", "LD004", "LD101", "LD901"} <= raised_codes()


def test_every_raised_sqlstate_is_in_docs_errors() -> None:
    documented = set(re.findall(r"^\|\s*`(LD\d{3})`", (REPO / "docs" / "errors.md").read_text(),
                                re.M))
    assert raised_codes() - documented == set(), "undocumented SQLSTATEs"
    assert documented - raised_codes() == set(), "documented SQLSTATEs nothing raises"


def test_every_raised_sqlstate_has_an_exception_class() -> None:
    unmapped = {c for c in raised_codes() if errors.error_class(c) is errors.DatabaseError}
    assert unmapped == set()


def test_docs_api_md_matches_the_catalog(conn: psycopg.Connection) -> None:
    """docs/api.md is generated; regenerate it with `litellm-db docs > docs/api.md`."""
    generated = apidoc.api_reference(conn)
    assert (REPO / "docs" / "api.md").read_text() == generated, (
        "docs/api.md is stale: run `.venv/bin/litellm-db docs --dsn <db> > docs/api.md`"
    )


def test_every_public_function_says_what_it_raises(conn: psycopg.Connection) -> None:
    """A function whose body raises LDxxx names those codes in its COMMENT."""
    rows = conn.execute(
        "select p.proname, p.prosrc, coalesce(obj_description(p.oid, 'pg_proc'), '')"
        " from pg_proc as p where p.pronamespace = 'litellm'::regnamespace"
        " and p.proname !~ '^_'"
    ).fetchall()
    missing = {
        name: sorted(set(RAISED.findall(src)) - set(re.findall(r"LD\d{3}", comment)))
        for name, src, comment in rows
    }
    assert {k: v for k, v in missing.items() if v} == {}
