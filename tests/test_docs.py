"""The documentation matches the code: every SQLSTATE raised is documented and mapped."""

from __future__ import annotations

import re

from litellm_db import errors

from conftest import REPO

RAISED = re.compile(r"errcode\s*=\s*'(LD\d{3})'")


def raised_codes() -> set[str]:
    codes: set[str] = set()
    for path in (REPO / "sql").rglob("*.sql"):
        if "tests" not in path.parts:
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
