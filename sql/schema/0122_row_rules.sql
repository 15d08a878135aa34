-- The CHECK constraints of the tables every charge writes become one rule
-- function per table, with the same conditions.
--
-- PostgreSQL 15 keeps a table's CHECK constraints as stored expression text,
-- and every statement that writes the table reads and plans all of them again
-- (ExecRelCheck, once per statement, whichever columns the statement sets):
-- on the four tables a debit writes that was 775,000 of its 1,615,000
-- instructions (bench/debit_cost.py --instructions; docs/benchmarks.md, "The
-- tables' rules"). One CHECK that calls a PL/pgSQL function with the
-- columns is one small expression to plan per statement, and the function's
-- own expression is planned once per session. (The columns are passed one by
-- one, not as the whole row: CREATE TABLE ... LIKE ... INCLUDING ALL cannot
-- copy a constraint on the whole row.) The conditions are the same, each as strict: a
-- row that breaks one is refused with SQLSTATE 23514 as before, the
-- constraint named <table>_rules.
--
-- The rule functions belong to the schema, not to the API: they are made
-- here, and a change to one is a new schema file that makes it again (and
-- so checks the stored rows again), never an edit of sql/functions. The
-- installer leaves functions that a constraint uses alone.
--
-- Tables whose few rules cost less than a call (credit_allocations'
-- amount <> 0) keep their CHECK constraints. The application role, which
-- inserts into llm_usage_log itself, may call that table's rule function
-- (sql/grants.sql).

create function litellm._user_credits_rules(
    user_id text,
    credits_remaining numeric,
    credits_held numeric,
    month_spent numeric,
    monthly_cap numeric,
    total_purchased numeric,
    total_granted numeric,
    total_spent numeric,
    last_seq bigint,
    slot_count smallint,
    cap_fraction numeric
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return length(user_id) >= 1 and length(user_id) <= 255
        and credits_remaining >= 0
        and credits_held >= 0
        and month_spent >= 0
        and monthly_cap >= 0
        and total_purchased >= 0
        and total_granted >= 0
        and total_spent >= 0
        and last_seq >= 0
        and slot_count >= 1 and slot_count <= 64
        and cap_fraction >= 0 and cap_fraction <= 1;
end
$$;

comment on function litellm._user_credits_rules(
    text, numeric, numeric, numeric, numeric, numeric, numeric, numeric, bigint, smallint, numeric
) is
'The rules of an account row (the CHECK constraint user_credits_rules): a user id of 1 to 255 characters; balance, '
'holds, spending, cap and totals never below zero; 1 to 64 slots; a cap fraction from 0 to 1.';

create function litellm._credit_slots_rules(
    slot smallint,
    credits_remaining numeric,
    credits_held numeric,
    month_spent numeric,
    total_spent numeric,
    last_seq bigint,
    cap_fraction numeric,
    active boolean
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return slot >= 1 and slot <= 63
        and credits_remaining >= 0
        and credits_held >= 0
        and month_spent >= 0
        and total_spent >= 0
        and last_seq >= 0
        and cap_fraction >= 0 and cap_fraction <= 1
        and (active or (credits_remaining = 0 and credits_held = 0 and cap_fraction = 0));
end
$$;

comment on function litellm._credit_slots_rules(
    smallint, numeric, numeric, numeric, numeric, bigint, numeric, boolean
) is
'The rules of a slot row (the CHECK constraint credit_slots_rules): slots 1 to 63; balance, holds and spending never '
'below zero; a cap fraction from 0 to 1; a retired slot holds nothing and no share of the cap.';

create function litellm._credit_transactions_rules(
    transaction_type text,
    amount numeric,
    transfer_of bigint,
    slot smallint,
    seq bigint,
    balance_after numeric,
    prompt_tokens integer,
    completion_tokens integer
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return transaction_type in (
            'purchase', 'bonus', 'trial', 'promo', 'usage', 'refund', 'adjustment', 'expiry', 'transfer'
        )
        and (
            (transaction_type in ('purchase', 'bonus', 'trial', 'promo') and amount > 0)
            or (transaction_type = 'usage' and amount <= 0)
            or (transaction_type = 'transfer' and amount <> 0)
            or transaction_type in ('refund', 'adjustment', 'expiry')
        )
        and case
            when transaction_type = 'transfer' then (transfer_of is null) = (amount < 0)
            else transfer_of is null
        end
        and slot >= 0 and slot <= 63
        and seq > 0
        and balance_after >= 0
        and prompt_tokens >= 0
        and completion_tokens >= 0;
end
$$;

comment on function litellm._credit_transactions_rules(
    text, numeric, bigint, smallint, bigint, numeric, integer, integer
) is
'The rules of a journal entry (the CHECK constraint credit_transactions_rules): a known kind; grants add credits, '
'usage takes them (or nothing), a transfer moves some; only a transfer''s credit half names the debit half it pairs '
'with (transfer_of); slots 0 to 63; seq from 1; a balance after it never below zero; token counts never below zero.';

create function litellm._credit_lots_rules(
    amount numeric,
    remaining numeric,
    slot smallint
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return amount > 0
        and remaining >= 0 and remaining <= amount
        and slot >= 0 and slot <= 63;
end
$$;

comment on function litellm._credit_lots_rules(numeric, numeric, smallint) is
'The rules of a lot (the CHECK constraint credit_lots_rules): an amount above zero, what remains from zero to that '
'amount, slots 0 to 63.';

create function litellm._credit_holds_rules(
    amount numeric,
    status text,
    settled_amount numeric,
    resolved_at timestamptz,
    slot smallint
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return amount > 0
        and status in ('held', 'settled', 'released', 'expired')
        and settled_amount >= 0
        and (status = 'held') = (resolved_at is null)
        and (status = 'settled') = (settled_amount is not null)
        and slot >= 0 and slot <= 63;
end
$$;

comment on function litellm._credit_holds_rules(numeric, text, numeric, timestamptz, smallint) is
'The rules of a hold (the CHECK constraint credit_holds_rules): an amount above zero; held, settled, released or '
'expired, with a resolution time exactly when no longer held and a settled amount (from zero) exactly when settled; '
'slots 0 to 63.';

create function litellm._budget_counters_rules(
    spent numeric,
    held numeric,
    share smallint,
    quota numeric
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return spent >= 0
        and held >= 0
        and share >= 0 and share <= 63
        and case when share = 0 then quota <= 0 else quota >= 0 end;
end
$$;

comment on function litellm._budget_counters_rules(numeric, numeric, smallint, numeric) is
'The rules of a budget counter row (the CHECK constraint budget_counters_rules): spent and held never below zero; '
'shares 0 to 63; share 0''s quota at most zero, the other shares'' at least zero.';

create function litellm._llm_usage_log_rules(
    prompt_tokens integer,
    completion_tokens integer,
    total_tokens integer,
    latency_ms integer,
    cost_usd numeric,
    cost_credits numeric,
    uncharged_credits numeric
)
returns boolean
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    return prompt_tokens >= 0
        and completion_tokens >= 0
        and total_tokens >= 0
        and latency_ms >= 0
        and cost_usd >= 0
        and cost_credits >= 0
        and uncharged_credits >= 0;
end
$$;

comment on function litellm._llm_usage_log_rules(integer, integer, integer, integer, numeric, numeric, numeric) is
'The rules of a usage-log row (the CHECK constraint llm_usage_log_rules, on every partition): token counts, latency, '
'costs and the part left uncharged never below zero.';

revoke all on function litellm._user_credits_rules(
    text, numeric, numeric, numeric, numeric, numeric, numeric, numeric, bigint, smallint, numeric
) from public;
revoke all on function litellm._credit_slots_rules(
    smallint, numeric, numeric, numeric, numeric, bigint, numeric, boolean
) from public;
revoke all on function litellm._credit_transactions_rules(
    text, numeric, bigint, smallint, bigint, numeric, integer, integer
) from public;
revoke all on function litellm._credit_lots_rules(numeric, numeric, smallint) from public;
revoke all on function litellm._credit_holds_rules(numeric, text, numeric, timestamptz, smallint) from public;
revoke all on function litellm._budget_counters_rules(numeric, numeric, smallint, numeric) from public;
revoke all on function litellm._llm_usage_log_rules(
    integer, integer, integer, integer, numeric, numeric, numeric
) from public;

-- Each new constraint is checked against the stored rows (which met the same
-- conditions already) before the old ones go.
alter table litellm.user_credits
add constraint user_credits_rules check (litellm._user_credits_rules(
    user_id, credits_remaining, credits_held, month_spent, monthly_cap, total_purchased, total_granted, total_spent,
    last_seq, slot_count, cap_fraction
)),
drop constraint user_credits_user_id_check,
drop constraint user_credits_credits_remaining_check,
drop constraint user_credits_credits_held_check,
drop constraint user_credits_month_spent_check,
drop constraint user_credits_monthly_cap_check,
drop constraint user_credits_total_purchased_check,
drop constraint user_credits_total_granted_check,
drop constraint user_credits_total_spent_check,
drop constraint user_credits_last_seq_check,
drop constraint user_credits_slot_count_check,
drop constraint user_credits_cap_fraction_check;

alter table litellm.credit_slots
add constraint credit_slots_rules check (litellm._credit_slots_rules(
    slot, credits_remaining, credits_held, month_spent, total_spent, last_seq, cap_fraction, active
)),
drop constraint credit_slots_slot_check,
drop constraint credit_slots_credits_remaining_check,
drop constraint credit_slots_credits_held_check,
drop constraint credit_slots_month_spent_check,
drop constraint credit_slots_total_spent_check,
drop constraint credit_slots_last_seq_check,
drop constraint credit_slots_cap_fraction_check,
drop constraint credit_slots_check;

alter table litellm.credit_transactions
add constraint credit_transactions_rules check (litellm._credit_transactions_rules(
    transaction_type, amount, transfer_of, slot, seq, balance_after, prompt_tokens, completion_tokens
)),
drop constraint credit_transactions_transaction_type_check,
drop constraint credit_transactions_check,
drop constraint credit_transactions_transfer_check,
drop constraint credit_transactions_slot_check,
drop constraint credit_transactions_seq_check,
drop constraint credit_transactions_balance_after_check,
drop constraint credit_transactions_prompt_tokens_check,
drop constraint credit_transactions_completion_tokens_check;

alter table litellm.credit_lots
add constraint credit_lots_rules check (litellm._credit_lots_rules(amount, remaining, slot)),
drop constraint credit_lots_amount_check,
drop constraint credit_lots_check,
drop constraint credit_lots_slot_check;

alter table litellm.credit_holds
add constraint credit_holds_rules check (litellm._credit_holds_rules(
    amount, status, settled_amount, resolved_at, slot
)),
drop constraint credit_holds_amount_check,
drop constraint credit_holds_status_check,
drop constraint credit_holds_settled_amount_check,
drop constraint credit_holds_check,
drop constraint credit_holds_check1,
drop constraint credit_holds_slot_check;

alter table litellm.budget_counters
add constraint budget_counters_rules check (litellm._budget_counters_rules(spent, held, share, quota)),
drop constraint budget_counters_spent_check,
drop constraint budget_counters_held_check,
drop constraint budget_counters_share_check,
drop constraint budget_counters_check;

-- On the partitioned log: every partition, now and later, gets it.
alter table litellm.llm_usage_log
add constraint llm_usage_log_rules check (litellm._llm_usage_log_rules(
    prompt_tokens, completion_tokens, total_tokens, latency_ms, cost_usd, cost_credits, uncharged_credits
)),
drop constraint llm_usage_log_prompt_tokens_check,
drop constraint llm_usage_log_completion_tokens_check,
drop constraint llm_usage_log_total_tokens_check,
drop constraint llm_usage_log_latency_ms_check,
drop constraint llm_usage_log_cost_usd_check,
drop constraint llm_usage_log_cost_credits_check,
drop constraint llm_usage_log_uncharged_credits_check;
