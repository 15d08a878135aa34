"""No function of the budgets and ledger areas does more than one job: a ceiling on body length.

Length is a proxy, but a cheap and honest one: a function that checks its arguments, finds
what a charge counts against, moves counters, raises alerts and attributes spend runs to
hundreds of lines (``_apply_budgets`` was 211 lines of code), and one whose body is a list of
calls to helpers with one job each is short. The ceiling is ``LIMIT`` lines of code in the
body -- between ``as $$`` and ``$$`` or ``begin atomic`` and ``end;`` -- not counting blank
lines and comment lines, so that explaining a rule in plain language never costs a split.
80 lines is what one screen shows; the longest single-job helpers here (moving a charge's
budget counters, the fast path and the locked path together; one check of the auditor)
stay well below it, and a body that needs more is doing two things.

The bodies are read from ``sql/functions/<area>/*.sql``, the text a reader opens; each
function found is checked against the catalog so that the parser cannot miss one silently.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from repo import REPO

AREAS = ("budgets", "ledger")
LIMIT = 80

# The one function allowed past LIMIT for good: the debit's hot path is a single statement
# (account, journal entry, lots and budgets in one round of the executor) whose parts cannot
# be separate statements without costing a statement each (docs/ledger.md, "A debit in one
# statement"). Its ceiling is today's length: it may shrink, not grow.
HOT_PATH = {"debit_user_credits": 188}

# Functions not yet split into helpers with one job each, each capped at its length today so
# that none grows while it waits. Remove an entry when its function is split (the test below
# fails when an entry is no longer needed).
PENDING = {
    "settle_reservation": 121,
    "set_budget": 102,
    "get_budget_status": 101,
    "reserve_credits": 85,
    "add_user_credits": 85,
    "refund_transaction": 82,
}

_START = re.compile(r"^create (?:or replace )?function litellm\.(\w+)\(", re.M)
_BODY = re.compile(r"^(as \$\$|begin atomic)$", re.M)
_END_ATOMIC = re.compile(r"^end;$", re.M)


def code_lines(body: str) -> int:
    """Lines of ``body`` that are neither blank nor a comment."""
    stripped = (line.strip() for line in body.splitlines())
    return sum(1 for line in stripped if line and not line.startswith("--"))


def function_bodies() -> dict[str, tuple[str, int]]:
    """Every function of AREAS: its file (relative to sql/functions) and lines of code."""
    found: dict[str, tuple[str, int]] = {}
    for area in AREAS:
        for path in sorted((REPO / "sql" / "functions" / area).glob("*.sql")):
            text = path.read_text()
            for start in _START.finditer(text):
                rest = text[start.end():]
                opening = _BODY.search(rest)
                assert opening is not None, (path, start[1])
                after = rest[opening.end():]
                if opening[1] == "as $$":
                    body = after[: after.index("\n$$")]
                else:
                    closing = _END_ATOMIC.search(after)
                    assert closing is not None, (path, start[1])
                    body = after[: closing.start()]
                found[start[1]] = (f"{area}/{path.name}", code_lines(body))
    return found


BODIES = function_bodies()


def test_the_parser_finds_the_functions_of_the_areas(conn: psycopg.Connection) -> None:
    names = {
        row[0]
        for row in conn.execute(
            "select p.proname from pg_proc as p where p.pronamespace = 'litellm'::regnamespace"
        )
    }
    assert len(BODIES) > 40
    assert set(BODIES) <= names


@pytest.mark.parametrize("name", sorted(BODIES))
def test_function_body_is_short(name: str) -> None:
    path, lines = BODIES[name]
    ceiling = HOT_PATH.get(name) or PENDING.get(name) or LIMIT
    assert lines <= ceiling, (
        f"{path}: {name} has {lines} lines of code (ceiling {ceiling}): split it into helpers"
        " with one job each"
    )


def test_allowances_are_still_needed() -> None:
    for name in {**HOT_PATH, **PENDING}:
        assert name in BODIES, f"{name} no longer exists: remove it from the allowances"
    for name in PENDING:
        assert BODIES[name][1] > LIMIT, f"{name} is short now: remove it from PENDING"
