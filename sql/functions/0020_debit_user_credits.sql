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
set search_path = ''
as $$
#variable_conflict use_column
declare
    v_user text := litellm._check_user_id(debit_user_credits.user_id);
    v_cost numeric := litellm._check_amount(debit_user_credits.cost, 'cost', true);
    v_metadata jsonb := litellm._check_metadata(debit_user_credits.metadata);
    v_level text := lower(btrim(debit_user_credits.power_level));
    v_prompt bigint := coalesce(debit_user_credits.prompt_tokens, 0);
    v_completion bigint := coalesce(debit_user_credits.completion_tokens, 0);
    v_month date := litellm._current_month();
    v_key text;
    v_balance numeric;
    v_seq bigint;
    v_prior litellm.credit_transactions;
    v_id bigint;
    v_refusal record;
    v_team text;
    v_budget record;
begin
    v_key := litellm._check_text(coalesce(debit_user_credits.request_id, v_metadata ->> 'request_id'), 'request_id', 255);
    perform litellm._check_text(debit_user_credits.provider, 'provider', 255);
    perform litellm._check_text(debit_user_credits.model, 'model', 255);
    if v_prompt < 0 or v_completion < 0 then
        raise exception using
            errcode = 'LD002',
            message = format('token counts must not be negative (prompt %s, completion %s)', v_prompt, v_completion);
    end if;
    if greatest(v_prompt, v_completion) > 2147483647 then
        raise exception using
            errcode = 'LD002',
            message = format('token counts must be below 2^31 (prompt %s, completion %s)', v_prompt, v_completion);
    end if;
    if v_level is not null
       and not exists (select from litellm.power_levels as pl where pl.power_level = v_level) then
        raise exception using
            errcode = 'LD003',
            message = format('unknown power level %s', quote_literal(debit_user_credits.power_level)),
            hint = 'See litellm.power_levels for the configured levels.';
    end if;

    if v_key is not null then
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.user_id = v_user and t.idempotency_key = v_key;
        if found then
            perform litellm._check_usage_replay(v_prior, v_key, v_cost, debit_user_credits.provider,
                                                debit_user_credits.model, v_prompt, v_completion, v_level);
            return query select true, v_prior.id, v_prior.balance_after, -v_prior.amount, null::text, null::text, true;
            return;
        end if;
    end if;

    -- One conditional UPDATE is the lock and every check: the available
    -- balance (less live holds), the monthly cap (holds count), and no expiry
    -- due. Concurrent debits of one user queue on the row and re-check it.
    for attempt in 1..2 loop
        update litellm.user_credits as uc
        set credits_remaining = uc.credits_remaining - v_cost,
            total_spent = uc.total_spent + v_cost,
            month_spent = case when uc.month_start = v_month then uc.month_spent else 0 end + v_cost,
            month_start = v_month,
            last_seq = uc.last_seq + 1,
            updated_at = pg_catalog.now()
        where uc.user_id = v_user
          and uc.credits_remaining - uc.credits_held >= v_cost
          and (uc.next_expiry_at is null or uc.next_expiry_at > pg_catalog.now())
          and (
              litellm._monthly_cap(uc) is null
              or case when uc.month_start = v_month then uc.month_spent else 0 end
                 + uc.credits_held + v_cost <= litellm._monthly_cap(uc)
          )
        returning uc.credits_remaining, uc.last_seq into v_balance, v_seq;
        exit when found;

        v_refusal := litellm._refusal(v_user, v_cost);
        if v_refusal.sweep_due and attempt = 1 then
            perform litellm._sweep_expired(v_user);
            continue;
        end if;
        return query select false, null::bigint, v_refusal.balance, 0::numeric, v_refusal.error_code,
            v_refusal.error_message, false;
        return;
    end loop;

    -- Budgets of the user, membership, team and organisation (sql/schema/0051):
    -- their counters are locked after the account row, as the lock order says.
    -- The team is metadata->>'team_id', else the user's primary team.
    v_team := litellm._budget_team(v_user, v_metadata ->> 'team_id');
    select b.* into v_budget
    from litellm._apply_budgets(v_user, v_team, debit_user_credits.model, v_cost, 'charge') as b;
    if not v_budget.ok then
        update litellm.user_credits as uc
        set credits_remaining = uc.credits_remaining + v_cost,
            total_spent = uc.total_spent - v_cost,
            month_spent = uc.month_spent - v_cost,
            last_seq = uc.last_seq - 1
        where uc.user_id = v_user;
        return query select false, null::bigint, v_balance + v_cost, 0::numeric, 'budget_exceeded',
            v_budget.error_message, false;
        return;
    end if;
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

    if v_id is null then
        perform litellm._apply_budgets(v_user, v_team, debit_user_credits.model, v_cost, 'refund');
        -- A concurrent call with this request id committed while we waited for
        -- the row: take back this charge and answer as the replay.
        update litellm.user_credits as uc
        set credits_remaining = uc.credits_remaining + v_cost,
            total_spent = uc.total_spent - v_cost,
            month_spent = uc.month_spent - v_cost,
            last_seq = uc.last_seq - 1
        where uc.user_id = v_user;
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.user_id = v_user and t.idempotency_key = v_key;
        perform litellm._check_usage_replay(v_prior, v_key, v_cost, debit_user_credits.provider,
                                            debit_user_credits.model, v_prompt, v_completion, v_level);
        return query select true, v_prior.id, v_prior.balance_after, -v_prior.amount, null::text, null::text, true;
        return;
    end if;

    perform litellm._consume_lots(v_user, v_id, v_cost);

    return query select true, v_id, v_balance, v_cost, null::text, null::text, false;
end
$$;

comment on function litellm.debit_user_credits(text, numeric, text, text, bigint, bigint, text, jsonb, text) is
'Charges a user for one LLM call and journals it as a usage entry, taking the credits from the user''s lots in order. '
'Never takes the available balance (balance less live holds) below zero nor the month''s spending past the monthly cap: '
'a refused debit returns success = false with error_code insufficient_credits, monthly_cap_exceeded, budget_exceeded '
'(a user, membership, team or organisation budget; the message names it) or unknown_user, and writes nothing. The '
'team whose budgets apply is metadata->>''team_id'', else the user''s primary team. '
'Idempotent by request_id (or metadata->>''request_id''): a replay returns the original result with replayed = true; a replay with '
'different arguments raises LD101. Raises LD001, LD002, LD003, LD004, LD007 for bad input.';
