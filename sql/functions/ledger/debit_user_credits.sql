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
    -- validation helpers are called only to raise their documented errors.
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
    v_prior litellm.credit_transactions;
    v_id bigint;
    v_allocated boolean;
    v_refusal record;
    v_budget record;
    v_over_budget boolean := false;
begin
    -- NaN compares above every number, so it fails the upper bound.
    if v_user is null or length(v_user) > 255 or btrim(v_user) = ''
       or debit_user_credits.cost is null
       or not (debit_user_credits.cost >= 0 and debit_user_credits.cost < 1e14 and debit_user_credits.cost = v_cost)
       or jsonb_typeof(v_metadata) <> 'object' or octet_length(v_metadata::text) > 65536
       or length(v_key) > 255 or length(debit_user_credits.provider) > 255 or length(debit_user_credits.model) > 255
       or v_prompt < 0 or v_completion < 0 or greatest(v_prompt, v_completion) > 2147483647 then
        perform litellm._check_user_id(v_user);
        perform litellm._check_amount(debit_user_credits.cost, 'cost', true);
        perform litellm._check_metadata(v_metadata);
        perform litellm._check_text(v_key, 'request_id', 255);
        perform litellm._check_text(debit_user_credits.provider, 'provider', 255);
        perform litellm._check_text(debit_user_credits.model, 'model', 255);
        perform litellm._check_tokens(v_prompt, v_completion);
    end if;

    -- One statement is the whole debit in the common case. Its UPDATE of the
    -- account row is the lock and every check: the available balance (less
    -- live holds), the monthly cap (its own, else the tier's; holds count), no
    -- expiry due and a known power level. Concurrent debits of one user queue
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
    -- the helpers' (_available, _expiry_due, _month_spent, _within_monthly_cap,
    -- _effective_monthly_cap): the planner inlines them, so they cost nothing.
    -- The first lot is litellm._first_lot()'s, as in litellm._consume_lots().
    for attempt in 1..2 loop
        with charged as (
            update litellm.user_credits as uc
            set credits_remaining = uc.credits_remaining - v_cost,
                total_spent = uc.total_spent + v_cost,
                month_spent = litellm._month_spent(uc, v_month) + v_cost,
                month_start = v_month,
                last_seq = uc.last_seq + 1,
                updated_at = pg_catalog.now()
            where uc.user_id = v_user
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

        perform litellm._check_power_level(debit_user_credits.power_level);
        if v_key is not null then
            select t.* into v_prior
            from litellm.credit_transactions as t
            where t.user_id = v_user and t.idempotency_key = v_key;
            if found then
                perform litellm._check_usage_replay(v_prior, v_key, v_cost, debit_user_credits.provider,
                                                    debit_user_credits.model, v_prompt, v_completion, v_level);
                -- This answer reports a charge that may not be on disk yet
                -- (committed early by the procedure): the commit waits for it.
                perform litellm._flush_at_commit();
                return query select true, v_prior.id, v_prior.balance_after, -v_prior.amount, null::text, null::text, true;
                return;
            end if;
        end if;
        v_refusal := litellm._refusal(v_user, v_cost);
        if v_refusal.sweep_due and attempt = 1 then
            perform litellm._sweep_expired_before(v_user, v_metadata ->> 'team_id', debit_user_credits.model);
            continue;
        end if;
        continue when v_refusal.error_code is null and attempt = 1;
        perform litellm._check_refused(v_user, v_refusal.error_code);
        return query select false, null::bigint, v_refusal.balance, 0::numeric, v_refusal.error_code,
            v_refusal.error_message, false;
        return;
    end loop;

    -- Budgets of the user, membership, team and organisation (sql/schema/0051):
    -- their counters are locked after the account row (docs/ledger.md, "Lock order").
    -- A refusal journals nothing (the account gets its charge back below). A
    -- replay must not touch the budgets, so the journal is asked first.
    if (v_team is not null or v_check_budgets)
       and (
           v_key is null
           or not exists (
               select from litellm.credit_transactions as t
               where t.user_id = v_user and t.idempotency_key = v_key
           )
       ) then
        select b.* into v_budget
        from litellm._apply_budgets(v_user, v_team, debit_user_credits.model, v_cost, 'charge') as b;
        v_over_budget := not v_budget.ok;
        if not v_over_budget then
            if v_team is not null then
                v_metadata := v_metadata || jsonb_build_object('budget_team', v_team);
            end if;
            insert into litellm.credit_transactions (
                user_id, seq, transaction_type, amount, balance_after, provider, model,
                power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
            ) values (
                v_user, v_seq, 'usage', -v_cost, v_balance, debit_user_credits.provider, debit_user_credits.model,
                v_level, v_prompt, v_completion, v_key, v_metadata
            )
            on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
            returning id into v_id;
            v_allocated := v_cost = 0;
            if v_id is null then
                perform litellm._apply_budgets(v_user, v_team, debit_user_credits.model, v_cost, 'refund');
            end if;
        end if;
    end if;

    if v_id is null then
        -- Nothing was journalled: take back the account's charge. Either a
        -- budget refused it, or the request id is in the journal (an earlier
        -- call made this charge, or a concurrent one committed it while we
        -- waited for the row) and this is a replay.
        update litellm.user_credits as uc
        set credits_remaining = uc.credits_remaining + v_cost,
            total_spent = uc.total_spent - v_cost,
            month_spent = uc.month_spent - v_cost,
            last_seq = uc.last_seq - 1
        where uc.user_id = v_user;
        if v_over_budget then
            return query select false, null::bigint, v_balance + v_cost, 0::numeric, 'budget_exceeded',
                v_budget.error_message, false;
            return;
        end if;
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.user_id = v_user and t.idempotency_key = v_key;
        perform litellm._check_usage_replay(v_prior, v_key, v_cost, debit_user_credits.provider,
                                            debit_user_credits.model, v_prompt, v_completion, v_level);
        perform litellm._flush_at_commit();
        return query select true, v_prior.id, v_prior.balance_after, -v_prior.amount, null::text, null::text, true;
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
'different arguments raises LD101. Raises LD001, LD002, LD003, LD004, LD007 for bad input.';
