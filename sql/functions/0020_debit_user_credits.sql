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
declare
    v_user text := litellm._check_user_id(debit_user_credits.user_id);
    v_cost numeric := litellm._check_amount(debit_user_credits.cost, 'cost', true);
    v_metadata jsonb := litellm._check_metadata(debit_user_credits.metadata);
    v_level text := lower(btrim(debit_user_credits.power_level));
    v_prompt bigint := coalesce(debit_user_credits.prompt_tokens, 0);
    v_completion bigint := coalesce(debit_user_credits.completion_tokens, 0);
    v_key text;
    v_balance numeric;
    v_seq bigint;
    v_prior litellm.credit_transactions;
    v_id bigint;
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

    -- The conditional UPDATE is the lock and the balance check in one write:
    -- concurrent debits of one user queue on the row, and none can take the
    -- balance below zero.
    update litellm.user_credits as uc
    set credits_remaining = uc.credits_remaining - v_cost,
        total_spent = uc.total_spent + v_cost,
        last_seq = uc.last_seq + 1,
        updated_at = pg_catalog.now()
    where uc.user_id = v_user and uc.credits_remaining >= v_cost
    returning uc.credits_remaining, uc.last_seq into v_balance, v_seq;

    if found and v_key is not null then
        -- With the row locked, every earlier use of this key has committed and
        -- is visible. A replay (rare) takes back the charge it just made.
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.user_id = v_user and t.idempotency_key = v_key;
        if found then
            update litellm.user_credits as uc
            set credits_remaining = uc.credits_remaining + v_cost,
                total_spent = uc.total_spent - v_cost,
                last_seq = uc.last_seq - 1
            where uc.user_id = v_user;
        end if;
    elsif v_key is not null then
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.user_id = v_user and t.idempotency_key = v_key;
    end if;

    if v_prior.id is not null then
        if v_prior.transaction_type <> 'usage' then
            perform litellm._idempotency_conflict('request_id', v_key, 'transaction_type', v_prior.transaction_type, 'usage');
        elsif -v_prior.amount is distinct from v_cost then
            perform litellm._idempotency_conflict('request_id', v_key, 'cost', (-v_prior.amount)::text, v_cost::text);
        elsif v_prior.provider is distinct from debit_user_credits.provider then
            perform litellm._idempotency_conflict('request_id', v_key, 'provider', v_prior.provider, debit_user_credits.provider);
        elsif v_prior.model is distinct from debit_user_credits.model then
            perform litellm._idempotency_conflict('request_id', v_key, 'model', v_prior.model, debit_user_credits.model);
        elsif v_prior.prompt_tokens is distinct from v_prompt then
            perform litellm._idempotency_conflict('request_id', v_key, 'prompt_tokens', v_prior.prompt_tokens::text, v_prompt::text);
        elsif v_prior.completion_tokens is distinct from v_completion then
            perform litellm._idempotency_conflict('request_id', v_key, 'completion_tokens',
                                                  v_prior.completion_tokens::text, v_completion::text);
        elsif v_prior.power_level is distinct from v_level then
            perform litellm._idempotency_conflict('request_id', v_key, 'power_level', v_prior.power_level, v_level);
        end if;
        return query select true, v_prior.id, v_prior.balance_after, -v_prior.amount, null::text, null::text, true;
        return;
    end if;

    if v_seq is null then
        select uc.credits_remaining into v_balance
        from litellm.user_credits as uc
        where uc.user_id = v_user;
        if not found then
            return query select false, null::bigint, 0::numeric, 0::numeric, 'unknown_user',
                format('Unknown user %s: no credits have been added for this user', v_user), false;
        else
            return query select false, null::bigint, v_balance, 0::numeric, 'insufficient_credits',
                format('Insufficient credits: balance %s, cost %s', v_balance, v_cost), false;
        end if;
        return;
    end if;

    insert into litellm.credit_transactions (
        user_id, seq, transaction_type, amount, balance_after, provider, model,
        power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
    ) values (
        v_user, v_seq, 'usage', -v_cost, v_balance, debit_user_credits.provider, debit_user_credits.model,
        v_level, v_prompt, v_completion, v_key, v_metadata
    )
    returning id into v_id;

    return query select true, v_id, v_balance, v_cost, null::text, null::text, false;
end
$$;

comment on function litellm.debit_user_credits(text, numeric, text, text, bigint, bigint, text, jsonb, text) is
'Charges a user for one LLM call and journals it as a usage entry. Never takes a balance below zero: running out of credits '
'returns success = false with error_code insufficient_credits (unknown_user for an account that does not exist) and writes nothing. '
'Idempotent by request_id (or metadata->>''request_id''): a replay returns the original result with replayed = true; a replay with '
'different arguments raises LD101. Raises LD001, LD002, LD003, LD004, LD007 for bad input.';
