"""The reasons a charge is refused have one home, the SQL: errors.py maps exactly them.

A refused debit, hold or recorded call returns ``success = false`` and an
``error_code`` (not an exception). The test reads every ``error_code`` the
installed functions can return straight from their bodies, and checks that
``errors.REFUSAL_CLASSES`` maps exactly that set: a reason the SQL adds without
a class here fails, and so does a code Python invents.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from litellm_db import Client, errors

# Every function of the package with an error_code result column: its outputs and body.
FUNCTIONS = """
select p.oid::regprocedure::text,
       array(select a.n from unnest(p.proargnames, p.proargmodes) as a (n, m)
             where a.m in ('o', 't', 'b')) as outputs,
       p.prosrc
from pg_proc as p
where p.pronamespace = 'litellm'::regnamespace
  and 'error_code' = any (array(select a.n from unnest(p.proargnames, p.proargmodes) as a (n, m)
                                where a.m in ('o', 't', 'b')))
"""

_LITERAL = r"'([a-z][a-z0-9_]*)'(?:::text)?"
_ASSIGNED = re.compile(r"\berror_code\s*:=\s*" + _LITERAL, re.I)
_NAMED = re.compile(_LITERAL + r"\s+as\s+error_code\b", re.I)
_RETURNED = re.compile(r"\breturn\s+query\s+select\s+(.*?);", re.I | re.S)


def _items(select_list: str) -> list[str]:
    """A select list split at its top-level commas (not inside brackets or quotes)."""
    items, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(select_list):
        if ch == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(select_list[start:i].strip())
            start = i + 1
    items.append(select_list[start:].strip())
    return items


def refusal_reasons(conn: psycopg.Connection) -> dict[str, set[str]]:
    """reason -> the functions that return it, read from the installed function bodies: an
    ``error_code := '...'`` assignment, ``'...' as error_code``, or a literal in the
    error_code position of a ``return query select``."""
    found: dict[str, set[str]] = {}
    for function, outputs, body in conn.execute(FUNCTIONS).fetchall():
        reasons = {*_ASSIGNED.findall(body), *_NAMED.findall(body)}
        position = outputs.index("error_code")
        for select_list in _RETURNED.findall(body):
            items = _items(select_list)
            if len(items) == len(outputs):
                literal = re.fullmatch(_LITERAL, items[position])
                if literal:
                    reasons.add(literal.group(1))
        for reason in reasons:
            found.setdefault(reason, set()).add(function)
    return found


def test_errors_maps_exactly_the_reasons_the_sql_returns(conn: psycopg.Connection) -> None:
    sql = refusal_reasons(conn)
    assert sql, "no refusal reason found in the function bodies: the reader needs updating"
    python = set(errors.REFUSAL_CLASSES)
    assert sorted(set(sql) - python) == [], "refusal reasons without a class in errors.py"
    assert sorted(python - set(sql)) == [], "errors.py maps codes the SQL never returns"


def test_an_unknown_reason_gets_the_base_class() -> None:
    err = errors.charge_error("a_reason_of_a_newer_release", None)
    assert type(err) is errors.InsufficientCreditsError
    assert err.error_code == "a_reason_of_a_newer_release" and err.status_code == 402


@pytest.mark.parametrize(("reason", "arrange"), [
    ("unknown_user", []),
    ("insufficient_credits", ["select litellm.add_user_credits('refused', 1, 'bonus')"]),
    ("monthly_cap_exceeded", [
        "select litellm.add_user_credits('refused', 100, 'bonus')",
        "update litellm.user_credits set monthly_cap = 1 where user_id = 'refused'",
    ]),
    ("budget_exceeded", [
        "select litellm.add_user_credits('refused', 100, 'bonus')",
        "select litellm.set_budget('user', 1, user_id => 'refused')",
    ]),
])
def test_charge_raises_the_class_of_each_refusal(
    conn: psycopg.Connection, reason: str, arrange: list[str],
) -> None:
    """Each reason, returned by the real debit, becomes its class through Client.charge."""
    for statement in arrange:
        conn.execute(statement)
    with pytest.raises(errors.InsufficientCreditsError) as refused:
        Client(conn).charge("refused", 2)
    assert refused.value.error_code == reason
    assert type(refused.value) is errors.REFUSAL_CLASSES[reason]
