"""Property-based: budget and hierarchy functions fed malformed input fail cleanly or not at all.

Like tests/test_malformed_input.py (whose ARGUMENTS the lead extends with these
functions), but the state compared covers the budget tables: every call either
succeeds or raises an SQLSTATE its COMMENT documents, and then nothing changed.
``_apply_budgets`` is included although internal: the debit functions pass it
what they were given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

text_no_nul = st.text(
    alphabet=st.characters(blacklist_characters="\x00", codec="utf-8"), max_size=40
)
long_text = st.integers(min_value=256, max_value=2000).map(lambda n: "x" * n)
TEXT = st.one_of(st.sampled_from([None, "", " ", "nobody"]), long_text, text_no_nul)
NAME = st.one_of(
    st.sampled_from([None, "", "USER", "team ", "yearly", "none", "superuser", "charge"]),
    long_text, text_no_nul,
)
AMOUNT = st.one_of(
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal(0),
                     Decimal("-0.01"), Decimal("1e14"), Decimal("0.0000001"), None]),
    st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=8, allow_nan=False),
)
THRESHOLDS = st.one_of(
    st.sampled_from([None, [], [None], [0], [Decimal("1.5")], [Decimal("NaN")], [[Decimal("0.5")]],
                     [Decimal("0.0000001")], [Decimal("0.1")] * 11]),
    st.lists(st.decimals(min_value=Decimal(-2), max_value=Decimal(2), places=7), max_size=12),
)
JSON = st.sampled_from([None, [], "text", 3, {"blob": "x" * 70_000}]).map(
    lambda v: v if v is None else Jsonb(v)
)
INT = st.one_of(st.sampled_from([None, -1, 0, 10001, 36601, 2**31 - 1]),
                st.integers(-(2**31), 2**31 - 1))
BIGINT = st.one_of(st.sampled_from([None, -1, 0, 2**63 - 1]), st.integers(-(2**40), 2**40))
TAGS = st.one_of(
    st.sampled_from([None, [], [None], [""], ["x" * 256], ["t"] * 17]),
    st.lists(text_no_nul, max_size=20),
)
BOOL = st.sampled_from([None, True, False])
TIMESTAMP = st.one_of(
    st.just(None),
    st.integers(-10**8, 10**8).map(lambda s: datetime.now(UTC) + timedelta(seconds=s)),
)

ARGUMENTS: dict[str, dict[str, tuple[Any, st.SearchStrategy[Any]]]] = {
    "create_organization": {
        "organization_id": ("mal-org", TEXT), "name": (None, TEXT), "metadata": (None, JSON),
    },
    "create_team": {
        "team_id": ("mal-team", TEXT), "organization_id": ("mal-org", TEXT),
        "name": (None, TEXT), "metadata": (None, JSON),
    },
    "add_team_member": {
        "user_id": ("mal-user", TEXT), "team_id": ("mal-team", TEXT),
        "role": ("member", NAME), "is_primary": (None, BOOL),
    },
    "remove_team_member": {"user_id": ("mal-user", TEXT), "team_id": ("mal-team", TEXT)},
    "set_budget": {
        "level": ("team", NAME), "hard_limit": (Decimal(10), AMOUNT),
        "user_id": (None, TEXT), "team_id": ("mal-team", TEXT), "organization_id": (None, TEXT),
        "period": ("monthly", NAME), "soft_thresholds": ([Decimal("0.5")], THRESHOLDS),
        "model": (None, TEXT), "active": (True, BOOL), "metadata": (None, JSON),
    },
    "set_budget_shares": {"budget_id": (1, BIGINT), "shares": (4, INT)},
    "get_budget_status": {
        "user_id": ("mal-user", TEXT), "team_id": (None, TEXT), "organization_id": (None, TEXT),
    },
    "list_budget_alerts": {
        "budget_id": (None, BIGINT), "user_id": (None, TEXT), "team_id": (None, TEXT),
        "organization_id": (None, TEXT), "since": (None, TIMESTAMP), "max_rows": (10, INT),
    },
    "get_daily_spend": {
        "user_id": (None, TEXT), "team_id": ("mal-team", TEXT), "organization_id": (None, TEXT),
        "tag": (None, TEXT), "days": (7, INT),
    },
    "_apply_budgets": {
        "user_id": ("mal-user", TEXT), "team_id": (None, TEXT), "model": (None, TEXT),
        "amount": (Decimal(1), AMOUNT), "kind": ("charge", NAME), "tags": (None, TAGS),
    },
}

STATE = """
select (select count(*) from litellm.organizations),
       (select count(*) from litellm.teams),
       (select count(*) from litellm.team_memberships),
       (select count(*) from litellm.budgets),
       (select count(*) from litellm.budget_counters),
       (select coalesce(sum(spent + held), 0) from litellm.budget_counters),
       (select count(*) from litellm.budget_alerts),
       (select count(*) from litellm.budget_subjects),
       (select coalesce(sum(spend + refunded), 0) from litellm.spend_daily),
       (select coalesce(sum(spend + refunded), 0) from litellm.spend_tag_daily)
"""

def documented_codes(conn: psycopg.Connection, function: str) -> set[str]:
    row = conn.execute(
        "select string_agg(coalesce(obj_description(p.oid, 'pg_proc'), ''), ' ')"
        " from pg_proc as p where p.pronamespace = 'litellm'::regnamespace and p.proname = %s",
        (function,),
    ).fetchone()
    return set(re.findall(r"LD\d{3}", row[0] if row and row[0] else ""))


def test_the_budget_functions_are_covered(conn: psycopg.Connection) -> None:
    names = {r[0] for r in conn.execute(
        "select proname from pg_proc where pronamespace = 'litellm'::regnamespace"
        " and proname in ('create_organization', 'create_team', 'add_team_member',"
        " 'remove_team_member', 'set_budget', 'set_budget_shares', 'get_budget_status',"
        " 'list_budget_alerts',"
        " 'get_daily_spend', '_apply_budgets')"
    )}
    assert names == set(ARGUMENTS)


@pytest.fixture
def prepared(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute("select litellm.create_organization('mal-org')")
    conn.execute("select litellm.create_team('mal-team', 'mal-org')")
    conn.execute("select litellm.add_team_member('mal-user', 'mal-team')")
    conn.execute("select litellm.set_budget('team', 1000, team_id => 'mal-team',"
                 " soft_thresholds => '{0.5}')")
    return conn


def check(conn: psycopg.Connection, function: str, args: dict[str, Any]) -> None:
    names = ", ".join(f"{k} => %({k})s" for k in args)
    before = conn.execute(STATE).fetchone()
    try:
        conn.execute(f"select * from litellm.{function}({names})".encode(), args).fetchall()
    except psycopg.Error as exc:
        code = exc.diag.sqlstate or ""
        allowed = documented_codes(conn, function)
        assert code in allowed, f"{function}({args}) raised undocumented {code}: {exc}"
        assert conn.execute(STATE).fetchone() == before, f"{function} failed but wrote"


def property_test(function: str) -> Callable[[psycopg.Connection], None]:
    spec = ARGUMENTS[function]

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(args=st.fixed_dictionaries({
        name: st.one_of(st.just(valid), bad) for name, (valid, bad) in spec.items()
    }))
    def run(prepared: psycopg.Connection, args: dict[str, Any]) -> None:
        check(prepared, function, args)

    return run


for _name in ARGUMENTS:
    globals()[f"test_malformed_budget_input_{_name.lstrip('_')}"] = property_test(_name)
