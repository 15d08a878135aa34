"""Property-based: every public function, fed malformed input, fails cleanly or not at all.

For each function a valid baseline call is known; hypothesis replaces some of its
arguments with malformed values (NaN, +-Infinity, negative, huge, over-precise,
NULL, unknown names, very long strings, JSON that is not an object, bad
intervals). Every call must either succeed -- after which the ledger still
verifies -- or raise an SQLSTATE that the function's COMMENT documents, and then
nothing may have changed. A public function missing from ARGUMENTS fails the
suite, so new functions get their property test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

KNOWN_USER = "prop-user"

text_no_nul = st.text(
    alphabet=st.characters(blacklist_characters="\x00", codec="utf-8"), max_size=40
)
long_text = st.integers(min_value=256, max_value=4000).map(lambda n: "x" * n)

AMOUNT = st.one_of(
    st.sampled_from([
        Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal(0), Decimal("-0.01"),
        Decimal("1e14"), Decimal("1e30"), Decimal("0.0000001"), None,
    ]),
    st.decimals(
        min_value=Decimal("-1e6"), max_value=Decimal("1e6"), places=8, allow_nan=False
    ),
)
COUNT = st.one_of(st.sampled_from([None, -1, 2**31, 2**63 - 1]), st.integers(-(2**40), 2**40))
ID = st.one_of(st.sampled_from([None, -1, 0, 2**63 - 1]), st.integers(-(2**40), 2**40))
USER = st.one_of(
    st.sampled_from([None, "", "   ", "unknown-user", KNOWN_USER]), long_text, text_no_nul
)
TEXT = st.one_of(st.sampled_from([None, "", " "]), long_text, text_no_nul)
NAME = st.one_of(
    st.sampled_from([None, "", "warp", "ECO", "usage", "refund"]), long_text, text_no_nul
)
JSON = st.one_of(
    st.sampled_from([None, [], [1, 2], "text", 3, True, {"request_id": 5}]),
    st.integers(70_000, 80_000).map(lambda n: {"blob": "x" * n}),
).map(lambda v: v if v is None else Jsonb(v))
INTERVAL = st.one_of(
    st.sampled_from([None, timedelta(0), timedelta(seconds=-1), timedelta(days=8),
                     timedelta(days=36500)]),
    st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)),
)
TIMESTAMP = st.one_of(
    st.sampled_from([None]),
    st.integers(-10**6, 10**8).map(lambda s: datetime.now(UTC) + timedelta(seconds=s)),
)
INT32 = COUNT.filter(lambda v: v is None or -(2**31) <= v < 2**31)
DATE = st.one_of(st.sampled_from([None, date(1, 1, 1), date(9999, 12, 31)]), st.dates())
MONTHS = st.one_of(st.sampled_from([None, -1, 0, 121, 2**31 - 1]), st.integers(-5, 200))

# function -> {argument: (valid value, strategy of malformed values)}
ARGUMENTS: dict[str, dict[str, tuple[Any, st.SearchStrategy[Any]]]] = {
    "add_user_credits": {
        "user_id": (KNOWN_USER, USER), "amount": (Decimal(1), AMOUNT),
        "transaction_type": ("bonus", NAME), "payment_method": (None, TEXT),
        "stripe_transaction_id": (None, TEXT), "package_id": (None, COUNT.filter(
            lambda v: v is None or -(2**31) <= v < 2**31)),
        "description": (None, TEXT), "metadata": (Jsonb({}), JSON),
        "idempotency_key": (None, TEXT), "expires_at": (None, TIMESTAMP),
    },
    "debit_user_credits": {
        "user_id": (KNOWN_USER, USER), "cost": (Decimal("0.01"), AMOUNT),
        "provider": ("openai", TEXT), "model": ("gpt-4", TEXT),
        "prompt_tokens": (1, COUNT), "completion_tokens": (1, COUNT),
        "power_level": ("eco", NAME), "metadata": (Jsonb({}), JSON), "request_id": (None, TEXT),
    },
    "get_user_balance": {"user_id": (KNOWN_USER, USER)},
    "account_statement": {
        "user_id": (KNOWN_USER, USER), "from_time": (None, TIMESTAMP), "to_time": (None, TIMESTAMP),
        "max_rows": (None, INT32),
    },
    "reserve_credits": {
        "user_id": (KNOWN_USER, USER), "amount": (Decimal("0.5"), AMOUNT),
        "request_id": ("prop-hold", TEXT), "ttl": (timedelta(minutes=5), INTERVAL),
        "metadata": (Jsonb({}), JSON),
    },
    "settle_reservation": {
        "user_id": (KNOWN_USER, USER), "request_id": ("prop-hold", TEXT),
        "actual_cost": (Decimal("0.25"), AMOUNT), "provider": (None, TEXT), "model": (None, TEXT),
        "prompt_tokens": (0, COUNT), "completion_tokens": (0, COUNT), "power_level": (None, NAME),
        "metadata": (Jsonb({}), JSON),
    },
    "settle_llm_call": {
        "user_id": (KNOWN_USER, USER), "request_id": ("prop-hold", TEXT),
        "actual_cost": (Decimal("0.25"), AMOUNT), "provider": ("openai", TEXT),
        "model": ("gpt-4", TEXT), "prompt_tokens": (0, COUNT), "completion_tokens": (0, COUNT),
        "power_level": (None, NAME), "litellm_call_id": (None, TEXT),
        "latency_ms": (None, INT32), "cost_usd": (None, AMOUNT), "tenant_id": (None, TEXT),
        "team_id": (None, TEXT), "organization_id": (None, TEXT), "service_name": (None, TEXT),
        "operation": (None, TEXT), "session_id": (None, TEXT),
        "request_metadata": (Jsonb({}), JSON), "response_metadata": (Jsonb({}), JSON),
        "metadata": (Jsonb({}), JSON),
    },
    "release_reservation": {"user_id": (KNOWN_USER, USER), "request_id": ("prop-hold", TEXT)},
    "refund_transaction": {
        "transaction_id": (None, ID), "reason": ("property test", TEXT),
        "idempotency_key": ("prop-refund", TEXT), "amount": (Decimal("0.01"), AMOUNT),
    },
    "adjust_credits": {
        "user_id": (KNOWN_USER, USER), "amount": (Decimal(1), AMOUNT),
        "reason": ("property test", TEXT), "idempotency_key": ("prop-adjust", TEXT),
        "expires_at": (None, TIMESTAMP),
    },
    "expire_credits": {"max_users": (10, COUNT.filter(lambda v: v is None or abs(v) < 2**31))},
    "verify_ledger": {},
    "refresh_usage_summary": {},
    "ensure_usage_log_partitions": {"months_ahead": (1, MONTHS), "months_behind": (0, MONTHS)},
    # pricing and routing
    "calculate_cost": {
        "provider": ("openai", TEXT), "model": ("gpt-4o", TEXT), "prompt_tokens": (1, COUNT),
        "completion_tokens": (1, COUNT), "power_level": (None, NAME), "tier": (None, NAME),
        "at": (None, TIMESTAMP),
    },
    "get_model_price": {
        "provider": ("openai", TEXT), "model": ("gpt-4o", TEXT), "at": (None, TIMESTAMP),
    },
    "usd_to_credits": {"usd": (Decimal("0.0075"), AMOUNT)},
    "set_model_price": {
        "provider": ("tap", TEXT), "model": ("prop-model", TEXT),
        "prompt_per_1m": (Decimal(1), AMOUNT), "completion_per_1m": (Decimal(2), AMOUNT),
        "cached_per_1m": (None, AMOUNT),
        "effective_from": (datetime.now(UTC) + timedelta(days=1), TIMESTAMP), "note": (None, TEXT),
        "source": ("manual", NAME),
    },
    "purchase_credit_package": {
        "user_id": (KNOWN_USER, USER), "package_id": (1, INT32), "payment_method": (None, TEXT),
        "charge_id": ("prop-charge", TEXT),
    },
    "set_user_tier": {
        "user_id": (KNOWN_USER, USER), "tier": ("starter", NAME), "reason": (None, TEXT),
    },
    # A valid split: verify_ledger() proves every slot and the account.
    "set_account_slots": {
        "user_id": (KNOWN_USER, USER),
        "slot_count": (3, st.sampled_from([None, 0, -1, 1, 64, 65, 2**31 - 1])),
    },
    "record_provider_health": {
        "provider": ("tap-p", TEXT), "status": (None, NAME), "avg_latency_ms": (100, INT32),
        "success_rate": (Decimal(99), AMOUNT), "error_count": (0, COUNT),
        "last_error": (None, TEXT), "notes": (None, TEXT),
    },
    "refresh_provider_health": {
        "window_minutes": (15, INT32), "dry_run": (True, st.sampled_from([None, False])),
    },
    "select_providers": {"power_level": ("balanced", NAME)},
    # usage metering (issue 4)
    "record_llm_call": {
        "user_id": (KNOWN_USER, USER), "provider": ("openai", TEXT), "model": ("gpt-4", TEXT),
        "prompt_tokens": (10, COUNT), "completion_tokens": (20, COUNT),
        "cost": (Decimal("0.01"), AMOUNT), "success": (True, st.sampled_from([None, False])),
        "request_id": (None, TEXT), "litellm_call_id": (None, TEXT), "power_level": (None, NAME),
        "latency_ms": (100, INT32), "cost_usd": (None, AMOUNT), "error_type": (None, TEXT),
        "error_message": (None, TEXT), "tenant_id": (None, TEXT), "team_id": (None, TEXT),
        "organization_id": (None, TEXT), "service_name": (None, TEXT), "operation": (None, TEXT),
        "session_id": (None, TEXT), "request_metadata": (Jsonb({}), JSON),
        "response_metadata": (Jsonb({}), JSON),
    },
    "usage_daily": {"user_id": (KNOWN_USER, USER), "days": (7, INT32)},
    "top_models": {"days": (30, INT32), "max_rows": (5, INT32), "user_id": (None, USER)},
    "top_spenders": {"days": (30, INT32), "max_rows": (10, INT32)},
    "provider_breakdown": {"days": (7, INT32)},
    "failed_calls": {"hours": (24, INT32), "user_id": (None, USER)},
    "usage_by_tenant": {"days": (30, INT32)},
    "tenant_usage_daily": {"tenant_id": ("acme", TEXT), "days": (30, INT32)},
    "usage_by_operation": {
        "days": (7, INT32), "service_name": (None, TEXT), "tenant_id": (None, TEXT),
    },
    "team_usage": {"days": (30, INT32), "organization_id": (None, TEXT)},
    "organization_usage": {"days": (30, INT32)},
    "usage_between": {
        "from_date": (date(2026, 1, 1), DATE), "to_date": (date(2026, 1, 31), DATE),
        "group_by": ("day", NAME), "user_id": (None, USER), "team_id": (None, TEXT),
        "organization_id": (None, TEXT), "tenant_id": (None, TEXT), "max_rows": (None, INT32),
    },
    "credit_flow_daily": {
        "from_date": (date(2026, 1, 1), DATE), "to_date": (date(2026, 1, 31), DATE),
        "user_id": (None, USER),
    },
    "credit_totals": {},
    "run_maintenance": {"job": ("expire_credits", NAME)},
    "busy_accounts": {
        "seconds": (Decimal(0), st.sampled_from([None, Decimal(-1), Decimal(61), Decimal("NaN"),
                                                 Decimal("Infinity")])),
        "samples": (1, st.sampled_from([None, 0, -1, 601, 2**31 - 1])),
    },
    "issue_end_user_token": {
        "user_id": (KNOWN_USER, USER), "valid_for": (timedelta(minutes=15), INTERVAL),
    },
    "current_end_user_id": {},  # its input is a setting: tests/test_end_user_identity.py
    "rotate_end_user_token_key": {"revoke_issued": (False, st.sampled_from([None, True]))},
    "archive_usage_logs": {"older_than": (timedelta(days=90), INTERVAL)},
    "drop_archived_usage_logs": {"older_than": (timedelta(days=400), INTERVAL)},
}

STATE = """
select (select count(*) from litellm.credit_transactions),
       (select count(*) from litellm.credit_lots),
       (select count(*) from litellm.credit_allocations),
       (select count(*) from litellm.credit_holds),
       (select count(*) from litellm.user_credits),
       (select coalesce(sum(credits_remaining), 0) from litellm.user_credits),
       (select coalesce(sum(credits_held), 0) from litellm.user_credits),
       (select count(*) from litellm.llm_usage_log)
"""


def documented_codes(conn: psycopg.Connection, function: str) -> set[str]:
    row = conn.execute(
        "select string_agg(coalesce(obj_description(p.oid, 'pg_proc'), ''), ' ')"
        " from pg_proc as p where p.pronamespace = 'litellm'::regnamespace and p.proname = %s",
        (function,),
    ).fetchone()
    return set(re.findall(r"LD\d{3}", row[0] if row and row[0] else ""))


def public_functions(conn: psycopg.Connection) -> set[str]:
    return {r[0] for r in conn.execute(
        "select proname from pg_proc where pronamespace = 'litellm'::regnamespace"
        " and proname !~ '^_' and prokind = 'f'"
    )}


@pytest.fixture
def prepared(conn: psycopg.Connection) -> psycopg.Connection:
    conn.execute("select litellm.add_user_credits(%s, 1000, 'purchase')", (KNOWN_USER,))
    tx = conn.execute(
        "select transaction_id from litellm.debit_user_credits(%s, 5, 'openai', 'gpt-4')",
        (KNOWN_USER,),
    ).fetchone()
    assert tx is not None
    ARGUMENTS["refund_transaction"]["transaction_id"] = (tx[0], ID)
    return conn


def test_every_public_function_has_a_property_test(conn: psycopg.Connection) -> None:
    # Areas with state of their own keep their tables beside their tests.
    from test_budgets_malformed import ARGUMENTS as BUDGET_ARGUMENTS
    from test_byok_malformed_input import BYOK_ARGUMENTS

    covered = set(ARGUMENTS) | set(BUDGET_ARGUMENTS) | set(BYOK_ARGUMENTS)
    assert public_functions(conn) - covered == set()


def call_with(conn: psycopg.Connection, function: str, args: dict[str, Any]) -> None:
    names = ", ".join(f"{k} => %({k})s" for k in args)
    conn.execute(f"select * from litellm.{function}({names})".encode(), args).fetchall()


def malformed_calls(function: str) -> st.SearchStrategy[dict[str, Any]]:
    spec = ARGUMENTS[function]
    if not spec:
        return st.just({})
    return st.fixed_dictionaries({
        name: st.one_of(st.just(valid), bad) for name, (valid, bad) in spec.items()
    })


def check(conn: psycopg.Connection, function: str, args: dict[str, Any]) -> None:
    before = conn.execute(STATE).fetchone()
    try:
        call_with(conn, function, args)
    except psycopg.Error as exc:
        code = exc.diag.sqlstate or ""
        allowed = documented_codes(conn, function)
        assert code in allowed, f"{function}({args}) raised undocumented {code}: {exc}"
        assert conn.execute(STATE).fetchone() == before, f"{function} failed but wrote"
        return
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []


def property_test(function: str) -> Callable[[psycopg.Connection], None]:
    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(args=malformed_calls(function))
    def run(prepared: psycopg.Connection, args: dict[str, Any]) -> None:
        check(prepared, function, args)

    return run


for _name in ARGUMENTS:
    globals()[f"test_malformed_input_{_name}"] = property_test(_name)
