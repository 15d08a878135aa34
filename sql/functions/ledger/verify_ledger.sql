create or replace function litellm.verify_ledger()
returns table (
    user_id text,
    problem text,
    detail text
)
language sql
stable
-- definer: the analyst role may audit without reading accounts directly.
security definer
set search_path = pg_catalog, pg_temp
begin atomic
    select * from litellm._audit_journal_sum()
    union all
    select * from litellm._audit_last_balance_after()
    union all
    select * from litellm._audit_journal_sequence()
    union all
    select * from litellm._audit_journal_never_negative()
    union all
    select * from litellm._audit_journal_totals()
    union all
    select * from litellm._audit_lots_sum()
    union all
    select * from litellm._audit_lot_ranges()
    union all
    select * from litellm._audit_lot_allocations()
    union all
    select * from litellm._audit_entry_allocations()
    union all
    select * from litellm._audit_held_vs_holds()
    union all
    select * from litellm._audit_held_within_balance()
    union all
    select * from litellm._audit_hold_states()
    union all
    select * from litellm._audit_references()
    order by user_id, problem;
end;

comment on function litellm.verify_ledger() is
'The auditor: one row per broken invariant (empty result = healthy). Checks, per account: balance = sum of the '
'journal = last balance_after = sum of lot remainders; the journal sequence is 1..last_seq without gaps and never '
'went below zero; running totals match the journal; every lot''s remainder equals its amount less its allocations and '
'every consuming entry is fully allocated; credits_held equals the live holds and does not exceed the balance; no '
'hold is in an impossible state; every account, entry and lot that entries, allocations and holds name exists. '
'Reads everything: run it off-peak on large ledgers.';
