"""No function of the budgets, ledger or usage areas does more than one job: its body stays short.

A body is counted from the files in sql/functions/<area>/: for PL/pgSQL, the
lines from its ``begin`` to its end (declarations are a list of names, not
steps); for ``begin atomic``, the whole body; blank lines and comment lines are
not counted. A function longer than LIMIT is doing several things: give each
its own helper. The one exception is a hot path's single statement, which is
one step however long it is, and is fast because it is one statement.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from tests.repo import REPO

AREAS = ("budgets", "ledger", "usage")

# Lines of code a body may have. The longest body that is one job today (a
# public function's checks, lock, statement and answer) is about 70.
LIMIT = 80

# Single statements exempt from the count, each named by its function and its
# first line, with why it must stay one statement.
HOT_STATEMENTS = {
    # The debit's common case in one statement: the account's UPDATE (its lock
    # and every check), the journal entry, the first lot and the allocation.
    # Split into several, it costs a statement each (docs/benchmarks.md).
    "debit_user_credits": "with charged as (",
    # The same for a slot account: the slot picked without waiting and its
    # charge, the journal entry, the first lot and the allocation.
    "_charge_slots": "with account as (",
    # The summary refresh folds a queue slot into both summaries in one
    # statement: the slot is read (and its leftovers deleted) once for both.
    "refresh_usage_summary": "execute format(",
}

# Functions not split yet: counted, but not failed on. Remove an entry once its
# function is short (test_each_pending_split_is_still_needed fails until then).
SPLIT_ELSEWHERE: set[str] = set()

_FUNCTION = re.compile(r"^create or replace (?:function|procedure) litellm\.(\w+)", re.M)


def _body(rest: str) -> list[str]:
    """The counted lines of the function whose definition starts ``rest``."""
    plpgsql = re.search(r"^as \$\$\n(.*?)^\$\$", rest, re.S | re.M)
    atomic = re.search(r"^begin atomic\n(.*?)^end;", rest, re.S | re.M)
    if plpgsql and (not atomic or plpgsql.start() < atomic.start()):
        lines = plpgsql.group(1).splitlines()
        lines = lines[next(i for i, line in enumerate(lines) if line.strip() == "begin"):]
    else:
        assert atomic, rest[:200]
        lines = atomic.group(1).splitlines()
    return [line for line in lines if line.strip() and not line.strip().startswith("--")]


def _without_statement(lines: list[str], first: str) -> list[str]:
    """``lines`` without the statement that starts with the line ``first`` and ends with ';'."""
    start = next(i for i, line in enumerate(lines) if line.strip() == first)
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith(";"))
    return lines[:start] + lines[end + 1:]


def function_lengths(area: str) -> dict[str, int]:
    """Counted lines of each function defined in sql/functions/<area>/."""
    lengths = {}
    for path in sorted((REPO / "sql" / "functions" / area).glob("*.sql")):
        text = path.read_text()
        for m in _FUNCTION.finditer(text):
            lines = _body(text[m.end():])
            if m.group(1) in HOT_STATEMENTS:
                lines = _without_statement(lines, HOT_STATEMENTS[m.group(1)])
            lengths[f"{Path(path).name}: {m.group(1)}"] = len(lines)
    return lengths


@pytest.mark.parametrize("area", AREAS)
def test_no_function_body_is_longer_than_the_limit(area: str) -> None:
    lengths = function_lengths(area)
    assert lengths, f"no functions found in sql/functions/{area}"
    too_long = {name: n for name, n in lengths.items()
                if n > LIMIT and name.split(": ")[1] not in SPLIT_ELSEWHERE}
    assert not too_long, f"bodies over {LIMIT} lines of code: {too_long}"


def test_each_pending_split_is_still_needed() -> None:
    lengths = {
        name.split(": ")[1]: n for area in AREAS for name, n in function_lengths(area).items()
    }
    for name in SPLIT_ELSEWHERE:
        assert lengths.get(name, 0) > LIMIT, f"{name} is short now: remove it from SPLIT_ELSEWHERE"


def test_the_count_sees_every_function_of_the_areas(conn: psycopg.Connection) -> None:
    """Each function the files define is installed (the pattern misses none it counts)."""
    counted = {name.split(": ")[1] for area in AREAS for name in function_lengths(area)}
    installed = {row[0] for row in conn.execute(
        "select p.proname from pg_proc as p where p.pronamespace = 'litellm'::regnamespace")}
    assert len(counted) > 60
    assert counted <= installed


def test_each_hot_statement_is_found() -> None:
    """An exemption whose statement is gone would exempt nothing: it must be removed."""
    for area in AREAS:
        for path in (REPO / "sql" / "functions" / area).glob("*.sql"):
            text = path.read_text()
            for m in _FUNCTION.finditer(text):
                if m.group(1) in HOT_STATEMENTS:
                    lines = _body(text[m.end():])
                    assert len(_without_statement(lines, HOT_STATEMENTS[m.group(1)])) < len(lines)
