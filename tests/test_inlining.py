"""Each rule helper of the ledger is inlined by the planner where it is called.

A rule has one home -- a plain ``BEGIN ATOMIC`` SQL function without a SET
clause -- and the hot path (the debit's single UPDATE) calls it at no cost only
because PostgreSQL replaces the call with the function's expression. Each test
asks ``EXPLAIN (VERBOSE, FORMAT JSON)`` for the plan of a statement that calls
the helper as the package does, with arguments that are not constants (an
immutable call with constant arguments is folded to its value, inlined or not):
an inlined helper leaves no trace of its name in the plan, a called one appears
as ``litellm.<name>(...)``.

A control checks that the method can fail: the same expression as a function
with a SET clause is never inlined, and its name shows in the plan.
"""

from __future__ import annotations

import json

import psycopg
import pytest

# Each helper with a statement that calls it the way the package does. The
# UPDATEs are planned, never run (EXPLAIN without ANALYZE).
CALLS = {
    "_available": "select litellm._available(uc) from litellm.user_credits as uc",
    "_month_of": "select litellm._month_of(t.created_at) from litellm.credit_transactions as t",
    "_current_month": "select litellm._current_month()",
    "_month_spent": (
        "select litellm._month_spent(uc, litellm._current_month()) from litellm.user_credits as uc"
    ),
    "_effective_monthly_cap": (
        "select (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c)"
        " from litellm.user_credits as uc"
    ),
    "_within_monthly_cap": (
        "select litellm._within_monthly_cap(uc, litellm._current_month(), 1, uc.monthly_cap)"
        " from litellm.user_credits as uc"
    ),
    "_expiry_due": "select litellm._expiry_due(uc) from litellm.user_credits as uc",
    "_power_level_key": (
        "select litellm._power_level_key(pl.power_level) from litellm.power_levels as pl"
    ),
    "_budget_period_start": (
        "select litellm._budget_period_start(b.period, now()) from litellm.budgets as b"
    ),
    "_budget_period_end": (
        "select litellm._budget_period_end(b.period, current_date) from litellm.budgets as b"
    ),
    "_charge_team": (
        "select litellm._charge_team(null, s) from litellm.budget_subjects as s"
    ),
    "_first_lot": "select (select f.lot_id from litellm._first_lot('u1') as f)",
    "_usage_log_month_begun": "select litellm._usage_log_month_begun(current_date)",
    "_charged": (
        "select (litellm._charged(uc, uc.credits_held, 0, litellm._current_month(), 1)).month_spent"
        " from litellm.user_credits as uc"
    ),
    "_debit_args_invalid": (
        "select litellm._debit_args_invalid(uc.user_id, uc.credits_held, '{}'::jsonb, uc.tier,"
        " uc.tier, uc.tier, uc.last_seq, uc.last_seq) from litellm.user_credits as uc"
    ),
    "_usage_args_invalid": (
        "select litellm._usage_args_invalid(l.provider, l.model, l.prompt_tokens,"
        " l.completion_tokens, l.latency_ms, l.cost_usd, l.litellm_call_id, l.tenant_id,"
        " l.team_id, l.organization_id, l.service_name, l.operation, l.session_id,"
        " l.error_type, l.response_metadata) from litellm.llm_usage_log as l"
    ),
    "_metadata_invalid": (
        "select litellm._metadata_invalid(l.request_metadata) from litellm.llm_usage_log as l"
    ),
    "_usage_log_current_slot": (
        "select s.slot from pg_catalog.pg_class as c"
        " cross join lateral litellm._usage_log_current_slot(c.oid) as s"
    ),
    "_budget_share_takes": (
        "select litellm._budget_share_takes('charge', 1, c.spent, c.held, c.quota)"
        " from litellm.budget_counters as c"
    ),
    "_budget_share_limit": (
        "select litellm._budget_share_limit(c.share, 1, c.quota) from litellm.budget_counters as c"
    ),
    "_budgets_applying": (
        "select b.budget_id from litellm._budgets_applying('u1', 't1', 'o1', 'm', true, true) as b"
    ),
    "_charge_team_of": (
        "select (select t.charge_team from litellm._charge_team_of(s.user_id, null) as t)"
        " from litellm.budget_subjects as s"
    ),
    "_subject_budgets": (
        "select b.budget_id from litellm._subject_budgets('u1', 't1', 'o1', true, true) as b"
    ),
    "_budget_args_to_check": (
        "select litellm._budget_args_to_check(b.user_id, b.hard_limit, b.team_id, b.model,"
        " b.period, b.soft_thresholds::text[]) from litellm.budgets as b"
    ),
    "_within_budget": (
        "update litellm.budget_counters as c set spent = c.spent + 1"
        " where c.budget_id = 1 and litellm._within_budget(c.spent, c.held, 1, c.spent + 2)"
    ),
    "_budget_refusal": (
        "select litellm._budget_refusal(b.level, b.budget_id, b.period, b.model, b.hard_limit,"
        " 0, 0, 'hold', 1) from litellm.budgets as b"
    ),
    "_slot_account": (
        "select litellm._available(litellm._slot_account(s)) from litellm.credit_slots as s"
    ),
    "_slot_share": (
        "select litellm._slot_share(s.cap_fraction, s.credits_remaining)"
        " from litellm.credit_slots as s"
    ),
    "_slot_spare": "select s.spare from litellm._slot_spare('u1') as s",
    "_slot_hinted": "select litellm._slot_hinted(uc.user_id) from litellm.user_credits as uc",
    "_audit_slots": "select s.label from litellm._audit_slots() as s",
    "_balance_now": (
        "select b.held from litellm.credit_slots as s"
        " cross join lateral litellm._balance_now(litellm._slot_account(s), s.slot) as b"
    ),
    "_audit_slot_label": (
        "select litellm._audit_slot_label(t.slot) from litellm.credit_transactions as t"
    ),
    "_slot_covers": (
        "select s.slot from litellm.credit_slots as s"
        " where litellm._slot_covers(s, s.credits_remaining, s.credits_held, current_date)"
    ),
    "_soft_threshold_crossed": (
        "select litellm._soft_threshold_crossed(t.threshold, b.hard_limit, 0, b.hard_limit)"
        " from litellm.budgets as b cross join lateral unnest(b.soft_thresholds) as t (threshold)"
    ),
}

# The auditor's checks: verify_ledger() is their union, each inlined into it.
AUDITS = (
    "_audit_journal_sum",
    "_audit_last_balance_after",
    "_audit_journal_sequence",
    "_audit_journal_never_negative",
    "_audit_journal_totals",
    "_audit_lots_sum",
    "_audit_lot_ranges",
    "_audit_lot_allocations",
    "_audit_entry_allocations",
    "_audit_allocation_slots",
    "_audit_held_vs_holds",
    "_audit_held_within_balance",
    "_audit_hold_states",
    "_audit_transfer_pairs",
    "_audit_retired_slots",
    "_audit_slot_count",
    "_audit_cap_fractions",
    "_audit_references",
)
CALLS.update({name: f"select a.user_id from litellm.{name}() as a" for name in AUDITS})

# SQL helpers without a SET clause that are not inlined, and why that is fine.
NOT_INLINED = {
    # A scalar function that reads a table is never inlined; it runs once per
    # partition check, never on a charge.
    "_session_owns_usage_log",
    # Reads provider_aliases; runs once per key function call, never on a charge.
    "canonical_provider",
    # Looks up the usage row of a charge that record_llm_call finds replayed.
    "_usage_log_of_charge",
    # A slot's next expiry (two subqueries): once per expiry sweep, never on a charge.
    "_next_expiry",
    # Sums a slot account's slots: once per refusal or consolidation of a slot account.
    "_slot_totals",
}

# SQL helpers of end-user tokens: no charge calls them, and nothing here
# relies on their being inlined.
NOT_CHECKED = {
    "_end_user_token_max_validity",
    "_hmac_key_pad",
    "_hmac_sha256",
    "_base64url_encode",
    "_base64url_decode",
}

# The debit's account UPDATE as sql/functions/ledger/debit_user_credits.sql
# writes it (with constants for its variables): every helper at once.
CHARGED = "(litellm._charged(uc, 1.5, 0, litellm._current_month(), 1))"
DEBIT_UPDATE = f"""
    update litellm.user_credits as uc
    set credits_remaining = {CHARGED}.credits_remaining,
        credits_held = {CHARGED}.credits_held,
        total_spent = {CHARGED}.total_spent,
        month_spent = {CHARGED}.month_spent,
        month_start = {CHARGED}.month_start,
        last_seq = {CHARGED}.last_seq,
        updated_at = {CHARGED}.updated_at
    where uc.user_id = 'u1'
      and litellm._available(uc) >= 1.5
      and not litellm._expiry_due(uc)
      and litellm._within_monthly_cap(
          uc, litellm._current_month(), 1.5,
          (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c)
      )
    returning uc.credits_remaining, litellm._available(uc)
"""

# The same UPDATE with the charge spelled out, as the debit wrote it before
# _charged: the plan must be the same, column for column.
DEBIT_UPDATE_SPELLED_OUT = """
    update litellm.user_credits as uc
    set credits_remaining = uc.credits_remaining - 1.5,
        credits_held = uc.credits_held - 0,
        total_spent = uc.total_spent + 1.5,
        month_spent = litellm._month_spent(uc, litellm._current_month()) + 1.5,
        month_start = litellm._current_month(),
        last_seq = uc.last_seq + 1,
        updated_at = pg_catalog.now()
    where uc.user_id = 'u1'
      and litellm._available(uc) >= 1.5
      and not litellm._expiry_due(uc)
      and litellm._within_monthly_cap(
          uc, litellm._current_month(), 1.5,
          (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c)
      )
    returning uc.credits_remaining, litellm._available(uc)
"""


def plan_text(conn: psycopg.Connection, statement: str) -> str:
    """The verbose JSON plan of ``statement``, as text."""
    row = conn.execute(f"explain (verbose, format json) {statement}").fetchone()
    assert row is not None
    return json.dumps(row[0])


@pytest.mark.parametrize("helper", sorted(CALLS))
def test_helper_is_inlined(conn: psycopg.Connection, helper: str) -> None:
    plan = plan_text(conn, CALLS[helper])
    assert f"{helper}(" not in plan, plan


def test_every_rule_helper_is_listed(conn: psycopg.Connection) -> None:
    """A new SQL helper without a SET clause gets a test here."""
    names = {
        row[0]
        for row in conn.execute(
            "select p.proname from pg_proc as p"
            " where p.pronamespace = 'litellm'::regnamespace and p.prosqlbody is not null"
            " and p.proconfig is null and p.provolatile <> 'v'"
        )
    }
    assert names == set(CALLS) | NOT_INLINED | NOT_CHECKED


def test_debit_update_inlines_every_helper(conn: psycopg.Connection) -> None:
    plan = plan_text(conn, DEBIT_UPDATE)
    for helper in CALLS:
        assert f"{helper}(" not in plan, (helper, plan)


def test_debit_update_costs_what_the_spelled_out_charge_costs(conn: psycopg.Connection) -> None:
    """_charged is read column by column: each read is its column's expression, nothing more."""
    assert plan_text(conn, DEBIT_UPDATE) == plan_text(conn, DEBIT_UPDATE_SPELLED_OUT)


def test_account_overview_inlines_the_cap_for_the_analyst(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("set local role litellm_analyst")
        plan = plan_text(conn, "select * from litellm.account_overview")
    assert "_effective_monthly_cap(" not in plan, plan


def test_a_helper_with_a_set_clause_shows_in_the_plan(conn: psycopg.Connection) -> None:
    """The control: the method sees a helper that is called, not inlined."""
    with conn.transaction():
        conn.execute(
            "create function pg_temp._available_not_inlined(account litellm.user_credits)"
            " returns numeric language sql immutable set search_path = pg_catalog, pg_temp"
            " return account.credits_remaining - account.credits_held"
        )
        plan = plan_text(
            conn, "select pg_temp._available_not_inlined(uc) from litellm.user_credits as uc"
        )
        conn.execute("rollback")
    assert "_available_not_inlined(" in plan, plan
