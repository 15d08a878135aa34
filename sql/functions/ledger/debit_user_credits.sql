-- The debit and its helpers. The debit's one statement is the common case;
-- each helper below does one of the other jobs: argument checks, the answer to
-- a replay, and the journal entry of a charge that budgets apply to. A refusal
-- is _charge_refusal()'s (ledger/account_rules.sql).

create or replace function litellm._debit_args_invalid(
    user_id text,
    cost numeric,
    metadata jsonb,
    request_id text,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint
)
returns boolean
language sql
immutable
security invoker
begin atomic
    -- NaN compares above every number, so it fails the upper bound.
    select
        user_id is null or length(user_id) > 255 or btrim(user_id) = ''
        or cost is null
        or not (cost >= 0 and cost < 1e14 and cost = round(cost, 6))
        or litellm._metadata_invalid(metadata)
        or length(request_id) > 255 or length(provider) > 255 or length(model) > 255
        or prompt_tokens < 0 or completion_tokens < 0 or greatest(prompt_tokens, completion_tokens) > 2147483647;
end;

comment on function litellm._debit_args_invalid(text, numeric, jsonb, text, text, text, bigint, bigint) is
'Whether an argument of a debit is outside what it accepts (a plain expression the planner inlines, so a valid debit '
'calls no check); _check_debit_args() then raises the documented error.';

create or replace function litellm._check_debit_args(
    user_id text,
    cost numeric,
    metadata jsonb,
    request_id text,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint
)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    perform litellm._check_user_id(user_id);
    perform litellm._check_amount(cost, 'cost', true);
    perform litellm._check_metadata(metadata);
    perform litellm._check_text(request_id, 'request_id', 255);
    perform litellm._check_text(provider, 'provider', 255);
    perform litellm._check_text(model, 'model', 255);
    perform litellm._check_tokens(prompt_tokens, completion_tokens);
end
$$;

comment on function litellm._check_debit_args(text, numeric, jsonb, text, text, text, bigint, bigint) is
'Raises the error a debit documents for the first argument out of bounds: LD001, LD002, LD003, LD004 or LD007.';

create or replace function litellm._debit_replay(
    user_id text,
    request_id text,
    cost numeric,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    power_level text
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_debited numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_prior litellm.credit_transactions;
begin
    if _debit_replay.request_id is null then
        return;
    end if;
    select t.* into v_prior
    from litellm.credit_transactions as t
    where t.user_id = _debit_replay.user_id and t.idempotency_key = _debit_replay.request_id;
    if not found then
        return;
    end if;
    perform litellm._check_usage_replay(v_prior, _debit_replay.request_id, _debit_replay.cost, _debit_replay.provider,
                                        _debit_replay.model, _debit_replay.prompt_tokens,
                                        _debit_replay.completion_tokens, _debit_replay.power_level);
    -- This answer reports a charge that may not be on disk yet (committed
    -- early by the procedure): the commit waits for it.
    perform litellm._flush_at_commit();
    return query select true, v_prior.id, v_prior.balance_after, -v_prior.amount, null::text, null::text, true;
end
$$;

comment on function litellm._debit_replay(text, text, numeric, text, text, bigint, bigint, text) is
'The answer of debit_user_credits() when request_id is already in the user''s journal: that charge''s result with '
'replayed = true (the commit then waits until the charge is on disk). No row when the request id is NULL or not '
'journalled. Raises LD101 when the arguments differ from the journalled charge.';

create or replace function litellm._journal_budgeted_debit(
    user_id text,
    seq bigint,
    balance numeric,
    team_id text,
    cost numeric,
    request_id text,
    provider text,
    model text,
    power_level text,
    prompt_tokens bigint,
    completion_tokens bigint,
    metadata jsonb,
    slot smallint default 0,
    out transaction_id bigint,
    out over_budget boolean,
    out error_message text
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_budget record;
begin
    -- Budgets of the user, membership, team and organisation: their counters
    -- are locked after the account row (docs/ledger.md, "Lock order"). A
    -- replay must not touch the budgets, so the journal is asked first.
    over_budget := false;
    if _journal_budgeted_debit.request_id is not null and exists (
        select from litellm.credit_transactions as t
        where t.user_id = _journal_budgeted_debit.user_id and t.idempotency_key = _journal_budgeted_debit.request_id
    ) then
        return;
    end if;
    select b.* into v_budget
    from litellm._apply_budgets(_journal_budgeted_debit.user_id, team_id, model, cost, 'charge') as b;
    if not v_budget.ok then
        over_budget := true;
        error_message := v_budget.error_message;
        return;
    end if;
    transaction_id := litellm._journal_usage(
        _journal_budgeted_debit.user_id, seq, -cost, balance, provider, model, power_level, prompt_tokens,
        completion_tokens, _journal_budgeted_debit.request_id,
        case when team_id is null then metadata else metadata || jsonb_build_object('budget_team', team_id) end,
        _journal_budgeted_debit.slot
    );
    if transaction_id is null then
        -- A concurrent debit journalled the request id while we waited.
        perform litellm._apply_budgets(_journal_budgeted_debit.user_id, team_id, model, cost, 'refund');
    end if;
end
$$;

comment on function litellm._journal_budgeted_debit(
    text, bigint, numeric, text, numeric, text, text, text, text, bigint, bigint, jsonb, smallint
) is
'For a debit that budgets apply to (team_id: the team it counts against, NULL: none), after its account''s slot (0: '
'the account row) was charged (seq and balance: the slot''s after the charge): charges the budgets and journals the usage entry (metadata '
'names budget_team). transaction_id NULL when nothing was journalled: over_budget with a budget''s error_message, or '
'the request id is journalled already (a replay; the budgets are left as they were).';

create or replace function litellm.debit_user_credits(
    user_id text,
    cost numeric,
    provider text default null,
    model text default null,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    power_level text default null,
    metadata jsonb default '{}',
    request_id text default null
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_debited numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
-- definer: the journal and accounts are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    -- Written for the common case: every check that can be is part of the one
    -- UPDATE below, and a debit that passes them costs two statements. The
    -- helpers do the rest, when there is a rest.
    v_user text := debit_user_credits.user_id;
    v_cost numeric := round(debit_user_credits.cost, 6);
    v_metadata jsonb := coalesce(debit_user_credits.metadata, '{}');
    v_level text := litellm._power_level_key(debit_user_credits.power_level);
    v_prompt bigint := coalesce(debit_user_credits.prompt_tokens, 0);
    v_completion bigint := coalesce(debit_user_credits.completion_tokens, 0);
    v_key text := coalesce(debit_user_credits.request_id, v_metadata ->> 'request_id');
    v_month date := litellm._current_month();
    v_balance numeric;
    v_seq bigint;
    v_team text;
    v_check_budgets boolean;
    v_id bigint;
    v_allocated boolean;
    v_refusal record;
    v_budgeted record;
    v_over_budget boolean := false;
begin
    if litellm._debit_args_invalid(v_user, debit_user_credits.cost, v_metadata, v_key, debit_user_credits.provider,
                                   debit_user_credits.model, v_prompt, v_completion) then
        perform litellm._check_debit_args(v_user, debit_user_credits.cost, v_metadata, v_key, debit_user_credits.provider,
                                          debit_user_credits.model, v_prompt, v_completion);
    end if;
    -- An account this session charged as a slot account lately (_slot_hinted)
    -- goes to _charge_slots() first: the statement below would charge it
    -- nothing, at the cost of most of a statement. The hint only orders the
    -- tries, each of which checks the slot count itself: a stale or forged
    -- hint costs time, never a guarantee.
    if litellm._slot_hinted(v_user) then
        return query select * from litellm._charge_slots(v_user, v_cost, debit_user_credits.provider,
                                                         debit_user_credits.model, v_prompt, v_completion,
                                                         debit_user_credits.power_level, v_level, v_metadata, v_key,
                                                         v_month, true);
        if found then
            return;
        end if;
    end if;

    -- One statement is the whole debit in the common case. Its UPDATE of the
    -- account row is the lock and every check: the available balance (less
    -- live holds), the monthly cap (its own, else the tier's; holds count), no
    -- expiry due and a known power level. An account split into slots
    -- (slot_count > 1) is left to _charge_slots(). Concurrent debits of one user queue
    -- on the row and re-check it. A replayed request id is found by the
    -- journal insert (ON CONFLICT), which undoes the charge below.
    -- When no budget applies (the user is in no team, metadata names none, and
    -- the user has no budget of their own) the same statement writes the
    -- journal entry and takes the charge from the first lot in consumption
    -- order, if that lot covers it. Lots change only with a journal entry,
    -- under the account row's lock, so the lots this statement's snapshot
    -- shows are current exactly when the snapshot saw the account at the
    -- sequence number just before ours; else the lots are left to
    -- _consume_lots() below, which reads them afresh. The account's rules are
    -- the helpers' (_charged, _available, _expiry_due, _within_monthly_cap,
    -- _effective_monthly_cap): the planner inlines them, so they cost nothing.
    -- The first lot is litellm._first_lot()'s, as in litellm._consume_lots().
    for attempt in 1..2 loop
        with charged as (
            update litellm.user_credits as uc
            set credits_remaining = (litellm._charged(uc, v_cost, 0, v_month, 1)).credits_remaining,
                credits_held = (litellm._charged(uc, v_cost, 0, v_month, 1)).credits_held,
                total_spent = (litellm._charged(uc, v_cost, 0, v_month, 1)).total_spent,
                month_spent = (litellm._charged(uc, v_cost, 0, v_month, 1)).month_spent,
                month_start = (litellm._charged(uc, v_cost, 0, v_month, 1)).month_start,
                last_seq = (litellm._charged(uc, v_cost, 0, v_month, 1)).last_seq,
                updated_at = (litellm._charged(uc, v_cost, 0, v_month, 1)).updated_at
            where uc.user_id = v_user
              and uc.slot_count = 1
              and litellm._available(uc) >= v_cost
              and not litellm._expiry_due(uc)
              and litellm._within_monthly_cap(
                  uc, v_month, v_cost, (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c)
              )
              and (v_level is null or exists (select from litellm.power_levels as pl where pl.power_level = v_level))
            returning
                uc.credits_remaining,
                uc.last_seq,
                (select s from litellm.budget_subjects as s where s.user_id = v_user) as subject
        ),

        account as (
            select
                c.credits_remaining,
                c.last_seq,
                litellm._charge_team(v_metadata ->> 'team_id', c.subject) as team_id,
                coalesce((c.subject).has_user_budgets or (c.subject).has_membership_budgets, false) as own_budgets
            from charged as c
        ),

        entry as (
            insert into litellm.credit_transactions (
                user_id, seq, transaction_type, amount, balance_after, provider, model,
                power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
            )
            select
                v_user, a.last_seq, 'usage', -v_cost, a.credits_remaining, debit_user_credits.provider,
                debit_user_credits.model, v_level, v_prompt, v_completion, v_key, v_metadata
            from account as a
            where a.team_id is null and not a.own_budgets
            on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
            returning id
        ),

        taken as (
            update litellm.credit_lots as l
            set remaining = l.remaining - v_cost
            where l.lot_id = (select f.lot_id from litellm._first_lot(v_user) as f)
            and l.remaining >= v_cost
            and v_cost > 0
            and exists (select from entry)
            and (select seen.last_seq + 1 from litellm.user_credits as seen where seen.user_id = v_user)
            = (select a.last_seq from account as a)
            returning l.lot_id
        ),

        allocated as (
            insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
            select entry.id, taken.lot_id, v_user, v_cost from entry, taken
            returning true as done
        )

        select
            a.credits_remaining,
            a.last_seq,
            a.team_id,
            a.own_budgets,
            (select entry.id from entry),
            v_cost = 0 or exists (select from allocated)
        into v_balance, v_seq, v_team, v_check_budgets, v_id, v_allocated
        from account as a;
        exit when found;

        -- Not charged: an account of several slots (charged by its own path),
        -- an unknown power level, a replay or a refusal.
        return query select * from litellm._charge_slots(v_user, v_cost, debit_user_credits.provider,
                                                         debit_user_credits.model, v_prompt, v_completion,
                                                         debit_user_credits.power_level, v_level, v_metadata, v_key,
                                                         v_month, false);
        if found then
            return;
        end if;
        perform litellm._check_power_level(debit_user_credits.power_level);
        return query select * from litellm._debit_replay(v_user, v_key, v_cost, debit_user_credits.provider,
                                                         debit_user_credits.model, v_prompt, v_completion, v_level);
        if found then
            return;
        end if;
        select r.* into v_refusal
        from litellm._charge_refusal(v_user, v_cost, v_metadata ->> 'team_id', debit_user_credits.model, attempt = 1) as r;
        continue when v_refusal.retry;
        return query select false, null::bigint, v_refusal.balance, 0::numeric, v_refusal.error_code,
            v_refusal.error_message, false;
        return;
    end loop;

    if v_team is not null or v_check_budgets then
        select b.* into v_budgeted
        from litellm._journal_budgeted_debit(v_user, v_seq, v_balance, v_team, v_cost, v_key, debit_user_credits.provider,
                                             debit_user_credits.model, v_level, v_prompt, v_completion, v_metadata) as b;
        v_id := v_budgeted.transaction_id;
        v_over_budget := v_budgeted.over_budget;
    end if;

    if v_id is null then
        -- Nothing was journalled: take back the account's charge. Either a
        -- budget refused it, or the request id is in the journal (an earlier
        -- call made this charge, or a concurrent one committed it while we
        -- waited for the row) and this is a replay.
        update litellm.user_credits as uc
        set credits_remaining = (litellm._charged(uc, -v_cost, 0, v_month, -1)).credits_remaining,
            credits_held = (litellm._charged(uc, -v_cost, 0, v_month, -1)).credits_held,
            total_spent = (litellm._charged(uc, -v_cost, 0, v_month, -1)).total_spent,
            month_spent = (litellm._charged(uc, -v_cost, 0, v_month, -1)).month_spent,
            month_start = (litellm._charged(uc, -v_cost, 0, v_month, -1)).month_start,
            last_seq = (litellm._charged(uc, -v_cost, 0, v_month, -1)).last_seq,
            updated_at = (litellm._charged(uc, -v_cost, 0, v_month, -1)).updated_at
        where uc.user_id = v_user;
        if v_over_budget then
            return query select false, null::bigint, v_balance + v_cost, 0::numeric, 'budget_exceeded',
                v_budgeted.error_message, false;
            return;
        end if;
        return query select * from litellm._debit_replay(v_user, v_key, v_cost, debit_user_credits.provider,
                                                         debit_user_credits.model, v_prompt, v_completion, v_level);
        return;
    end if;
    if not v_allocated then
        perform litellm._consume_lots(v_user, v_id, v_cost);
    end if;

    success := true;
    transaction_id := v_id;
    credits_remaining := v_balance;
    amount_debited := v_cost;
    replayed := false;
    return next;
end
$$;

comment on function litellm.debit_user_credits(text, numeric, text, text, bigint, bigint, text, jsonb, text) is
'Charges a user for one LLM call and journals it as a usage entry, taking the credits from the user''s lots in order. '
'Never takes the available balance (balance less live holds) below zero nor the month''s spending past the monthly cap: '
'a refused debit returns success = false with error_code insufficient_credits, monthly_cap_exceeded, budget_exceeded '
'(a user, membership, team or organisation budget; the message names it) or unknown_user, and writes nothing. The '
'team whose budgets apply is metadata->>''team_id'', else the user''s primary team. '
'Idempotent by request_id (or metadata->>''request_id''): a replay returns the original result with replayed = true '
'(once that charge is on disk, as synchronous_commit says, even if it was committed early); a replay with '
'different arguments raises LD101. Raises LD001, LD002, LD003, LD004, LD007 for bad input. An account split into '
'slots (set_account_slots) is charged on one slot, and refused only when the account as a whole cannot pay; its '
'credits_remaining is then the balance of the slot charged (the entry''s balance_after).';
