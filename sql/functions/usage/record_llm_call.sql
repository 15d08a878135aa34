-- One call per LLM request: charge the user (through debit_user_credits), log
-- the call in llm_usage_log linked to the debit, and (through the log's
-- triggers) queue the summary deltas, all in the caller's transaction.
--
-- The public function is a thin SQL wrapper: its arguments success and
-- error_message share their names with result columns, which PL/pgSQL cannot
-- tell apart, so the work is done by _record_llm_call, whose arguments are
-- named call_success and call_error_message.

create or replace function litellm._usage_call_cost(
    user_id text,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    power_level text
)
returns numeric
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_tier text;
    v_cost numeric;
begin
    select uc.tier into v_tier
    from litellm.user_credits as uc
    where uc.user_id = _usage_call_cost.user_id;
    v_cost := litellm.calculate_cost(provider, model, prompt_tokens, completion_tokens, power_level, v_tier,
                                     pg_catalog.now());
    if v_cost is null then
        raise exception using
            errcode = 'LD020',
            message = format('no price for %s/%s: litellm.calculate_cost() returned NULL', provider, model),
            hint = 'Add the model''s price, or pass cost (in credits).';
    end if;
    -- calculate_cost rounds up to the micro-credit already; the check keeps it honest.
    return litellm._check_amount(v_cost, 'calculated cost', true);
end
$$;

comment on function litellm._usage_call_cost(text, text, text, bigint, bigint, text) is
'Cost in credits of a call: litellm.calculate_cost(provider, model, prompt_tokens, completion_tokens, power_level, '
'the user''s tier, now()). LD020 if it returns NULL.';

create or replace function litellm._check_usage_row(
    provider text,
    model text,
    latency_ms integer,
    cost_usd numeric,
    litellm_call_id text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text
)
returns numeric
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if _check_usage_row.provider is null or btrim(_check_usage_row.provider) = '' then
        raise exception using errcode = 'LD021', message = 'provider is required';
    end if;
    if _check_usage_row.model is null or btrim(_check_usage_row.model) = '' then
        raise exception using errcode = 'LD021', message = 'model is required';
    end if;
    perform litellm._check_text(_check_usage_row.provider, 'provider', 255);
    perform litellm._check_text(_check_usage_row.model, 'model', 255);
    if _check_usage_row.latency_ms < 0 then
        raise exception using
            errcode = 'LD021', message = format('latency_ms must not be negative, got %s', _check_usage_row.latency_ms);
    end if;
    perform litellm._check_text(_check_usage_row.litellm_call_id, 'litellm_call_id', 255);
    perform litellm._check_text(_check_usage_row.tenant_id, 'tenant_id', 255);
    perform litellm._check_text(_check_usage_row.team_id, 'team_id', 255);
    perform litellm._check_text(_check_usage_row.organization_id, 'organization_id', 255);
    perform litellm._check_text(_check_usage_row.service_name, 'service_name', 255);
    perform litellm._check_text(_check_usage_row.operation, 'operation', 255);
    perform litellm._check_text(_check_usage_row.session_id, 'session_id', 255);
    if _check_usage_row.cost_usd is null then
        return null;
    end if;
    return round(litellm._check_usd(_check_usage_row.cost_usd, 'cost_usd'), 8);
end
$$;

comment on function litellm._check_usage_row(text, text, integer, numeric, text, text, text, text, text, text, text) is
'Checks the arguments that describe a usage row (provider and model required, latency not negative, labels at most '
'255 characters; LD021) and returns cost_usd rounded to 8 decimals. Shared by record_llm_call and settle_llm_call.';

create or replace function litellm._check_llm_call_args(
    prompt_tokens bigint,
    completion_tokens bigint,
    power_level text,
    cost numeric,
    request_id text,
    error_type text
)
returns numeric
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_cost numeric;
begin
    perform litellm._check_tokens(prompt_tokens, completion_tokens);
    if prompt_tokens + completion_tokens > 2147483647 then
        raise exception using
            errcode = 'LD002',
            message = format('total tokens must be below 2^31 (prompt %s, completion %s)', prompt_tokens,
                             completion_tokens);
    end if;
    perform litellm._check_power_level(power_level);
    if cost is not null then
        v_cost := litellm._check_amount(cost, 'cost', true);
    end if;
    perform litellm._check_text(request_id, 'request_id', 255);
    perform litellm._check_text(error_type, 'error_type', 255);
    return v_cost;
end
$$;

comment on function litellm._check_llm_call_args(bigint, bigint, text, numeric, text, text) is
'Checks the arguments of record_llm_call() that describe the charge (token counts and their total, power level, cost, '
'request id, error type), with the debit''s codes where the debit checks the same (LD002, LD003, LD004, LD007); '
'returns the cost, NULL when none is given.';

create or replace function litellm._usage_args_invalid(
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    latency_ms integer,
    cost_usd numeric,
    litellm_call_id text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text,
    error_type text,
    response_metadata jsonb
)
returns boolean
language sql
immutable
security invoker
begin atomic
    -- What a usage row asks beyond a debit's arguments (_debit_args_invalid
    -- tests the user id, cost, request metadata and id, the lengths of
    -- provider and model, each token count). NaN compares above every
    -- number, so it fails the upper bound; the token total in numeric, so
    -- that two counts near 2^63 do not overflow here. NULLs pass, as in the
    -- checks.
    select
        provider is null or btrim(provider) = ''
        or model is null or btrim(model) = ''
        or prompt_tokens::numeric + completion_tokens > 2147483647
        or latency_ms < 0
        or not (cost_usd is null or (cost_usd >= 0 and cost_usd < 1e12))
        or greatest(
            length(litellm_call_id), length(tenant_id), length(team_id), length(organization_id),
            length(service_name), length(operation), length(session_id), length(error_type)
        ) > 255
        or litellm._metadata_invalid(response_metadata);
end;

comment on function litellm._usage_args_invalid(
    text, text, bigint, bigint, integer, numeric, text, text, text, text, text, text, text, text, jsonb
) is
'Whether an argument of record_llm_call() or settle_llm_call() that a debit does not have is outside what they '
'accept (provider and model required, the token total, latency, cost_usd, the labels and error type, the response '
'metadata): a plain expression the planner inlines. With _debit_args_invalid() for the arguments shared with a '
'debit, a valid call makes no check call; the checks then raise the documented error.';

create or replace function litellm._check_llm_call(
    user_id text,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    cost numeric,
    request_id text,
    litellm_call_id text,
    power_level text,
    latency_ms integer,
    cost_usd numeric,
    error_type text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text,
    request_metadata jsonb,
    response_metadata jsonb
)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    -- In the order record_llm_call() documents its errors: the first bad argument's.
    perform litellm._check_user_id(user_id);
    perform litellm._check_metadata(request_metadata);
    perform litellm._check_metadata(response_metadata);
    perform litellm._check_usage_row(provider, model, latency_ms, cost_usd, litellm_call_id, tenant_id, team_id,
                                     organization_id, service_name, operation, session_id);
    perform litellm._check_llm_call_args(prompt_tokens, completion_tokens, power_level, cost, request_id, error_type);
end
$$;

comment on function litellm._check_llm_call(
    text, text, text, bigint, bigint, numeric, text, text, text, integer, numeric, text, text, text, text, text, text,
    text, jsonb, jsonb
) is
'Raises the error record_llm_call() documents for its first argument out of bounds (LD001-LD004, LD007, LD021); '
'called only when _debit_args_invalid() or _usage_args_invalid() finds one.';

create or replace function litellm._check_llm_call_replay(
    prior litellm.llm_usage_log,
    key text,
    provider text,
    model text,
    success boolean,
    prompt_tokens bigint,
    completion_tokens bigint,
    cost numeric
)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if prior.provider is distinct from _check_llm_call_replay.provider then
        perform litellm._idempotency_conflict('request_id', key, 'provider', prior.provider, _check_llm_call_replay.provider);
    elsif prior.model is distinct from _check_llm_call_replay.model then
        perform litellm._idempotency_conflict('request_id', key, 'model', prior.model, _check_llm_call_replay.model);
    elsif prior.success is distinct from _check_llm_call_replay.success then
        perform litellm._idempotency_conflict('request_id', key, 'success', prior.success::text,
                                              _check_llm_call_replay.success::text);
    elsif prior.prompt_tokens is distinct from _check_llm_call_replay.prompt_tokens then
        perform litellm._idempotency_conflict('request_id', key, 'prompt_tokens', prior.prompt_tokens::text,
                                              _check_llm_call_replay.prompt_tokens::text);
    elsif prior.completion_tokens is distinct from _check_llm_call_replay.completion_tokens then
        perform litellm._idempotency_conflict('request_id', key, 'completion_tokens', prior.completion_tokens::text,
                                              _check_llm_call_replay.completion_tokens::text);
    elsif cost is not null and prior.cost_credits + coalesce(prior.uncharged_credits, 0) <> cost then
        perform litellm._idempotency_conflict('request_id', key, 'cost',
                                              (prior.cost_credits + coalesce(prior.uncharged_credits, 0))::text,
                                              cost::text);
    end if;
end
$$;

comment on function litellm._check_llm_call_replay(
    litellm.llm_usage_log, text, text, text, boolean, bigint, bigint, numeric
) is
'Raises LD101 naming the first field in which a replayed record_llm_call() differs from the logged call (a cost is '
'compared only when given).';

create or replace function litellm._llm_call_replay(
    user_id text,
    request_id text,
    litellm_call_id text,
    provider text,
    model text,
    call_success boolean,
    prompt_tokens bigint,
    completion_tokens bigint,
    cost numeric
)
returns table (
    success boolean,
    charged boolean,
    transaction_id bigint,
    usage_log_id bigint,
    credits_remaining numeric,
    amount_charged numeric,
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
    v_key text := coalesce(_llm_call_replay.request_id, _llm_call_replay.litellm_call_id);
    v_prior litellm.llm_usage_log;
    v_balance numeric;
begin
    if v_key is null then
        return;
    end if;
    -- One log row per (user, key). The user's call lock (a row of the
    -- owner-only litellm.locks) serialises this user's keyed calls until
    -- commit, so a concurrent replay waits here and then finds the original's
    -- row. The debit serialises them on the account row anyway; this lock
    -- also covers calls that are not charged.
    perform litellm._lock('call:' || _llm_call_replay.user_id);
    if _llm_call_replay.request_id is not null then
        select l.* into v_prior
        from litellm.llm_usage_log as l
        where l.request_id = v_key and l.user_id = _llm_call_replay.user_id
        limit 1;
    else
        select l.* into v_prior
        from litellm.llm_usage_log as l
        where l.litellm_call_id = v_key and l.user_id = _llm_call_replay.user_id
        limit 1;
    end if;
    if v_prior.id is null then
        return;
    end if;
    perform litellm._check_llm_call_replay(v_prior, v_key, _llm_call_replay.provider, _llm_call_replay.model,
                                           call_success, _llm_call_replay.prompt_tokens,
                                           _llm_call_replay.completion_tokens, cost);
    if v_prior.transaction_id is not null then
        select t.balance_after into v_balance from litellm.credit_transactions as t where t.id = v_prior.transaction_id;
        -- The answer reports a charge: only once it is on disk.
        perform litellm._flush_at_commit();
    else
        select uc.credits_remaining into v_balance
        from litellm.user_credits as uc
        where uc.user_id = _llm_call_replay.user_id;
    end if;
    return query select
        v_prior.billing_error is null,
        v_prior.transaction_id is not null,
        v_prior.transaction_id,
        v_prior.id,
        coalesce(v_balance, 0),
        case when v_prior.transaction_id is null then 0::numeric else v_prior.cost_credits::numeric end,
        v_prior.billing_error,
        case
            when v_prior.billing_error is not null
                then format('Not charged: %s (replay of the call logged as usage_log_id %s)',
                            v_prior.billing_error, v_prior.id)
        end,
        true;
end
$$;

comment on function litellm._llm_call_replay(text, text, text, text, text, boolean, bigint, bigint, numeric) is
'The answer of record_llm_call() to a call the user logged before under request_id, else litellm_call_id: the logged '
'result with replayed = true (credits_remaining: the balance after its charge, which the commit then waits for, or '
'the current balance when it was not charged). No row when neither key is given or nothing is logged under it; '
'either way the user''s call lock is held until commit when a key is given. Raises LD101 when the call differs.';

create or replace function litellm._usage_log_of_charge(transaction_id bigint)
returns bigint
language sql
stable
security invoker
begin atomic
    select l.id
    from litellm.credit_transactions as t
    inner join litellm.llm_usage_log as l
        on
            t.user_id = l.user_id and t.created_at = l.created_at
            and (t.metadata ->> 'usage_log_id')::bigint = l.id and t.id = l.transaction_id
    where t.id = _usage_log_of_charge.transaction_id and jsonb_typeof(t.metadata -> 'usage_log_id') = 'number';  -- noqa: RF01
end;

comment on function litellm._usage_log_of_charge(bigint) is
'The llm_usage_log row logged with a usage charge: the row its journal entry names as usage_log_id, written in the '
'same transaction (so with the same created_at) and linked to it; NULL when that call is not logged.';

create or replace function litellm._record_llm_call(
    user_id text,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    cost numeric,
    call_success boolean,
    request_id text,
    litellm_call_id text,
    power_level text,
    latency_ms integer,
    cost_usd numeric,
    error_type text,
    call_error_message text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text,
    request_metadata jsonb,
    response_metadata jsonb
)
returns table (
    success boolean,
    charged boolean,
    transaction_id bigint,
    usage_log_id bigint,
    credits_remaining numeric,
    amount_charged numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := _record_llm_call.user_id;
    v_success boolean := coalesce(_record_llm_call.call_success, true);
    v_prompt bigint := coalesce(_record_llm_call.prompt_tokens, 0);
    v_completion bigint := coalesce(_record_llm_call.completion_tokens, 0);
    v_level text := litellm._power_level_key(_record_llm_call.power_level);
    v_request_metadata jsonb := coalesce(_record_llm_call.request_metadata, '{}');
    v_response_metadata jsonb := coalesce(_record_llm_call.response_metadata, '{}');
    v_cost numeric;
    v_cost_usd numeric;
    v_log_id bigint;
    v_debit record;
    v_charged boolean := false;
    v_tx bigint;
    v_balance numeric;
    v_amount numeric := 0;
    v_code text;
    v_message text;
    v_replayed boolean := false;
    v_logged bigint;
begin
    -- Arguments: the debit's codes for what the debit also checks, LD021 for the rest.
    -- A valid call costs the two inlined tests (the debit's, for the arguments a
    -- debit has, and the usage row's); the checks, which raise the error of the
    -- first bad argument, run only when one fails. The power level is a lookup,
    -- made when one is named.
    if litellm._debit_args_invalid(v_user, coalesce(cost, 0), v_request_metadata, request_id, provider, model,
                                   v_prompt, v_completion)
       or litellm._usage_args_invalid(provider, model, v_prompt, v_completion, latency_ms, cost_usd, litellm_call_id,
                                      tenant_id, team_id, organization_id, service_name, operation, session_id,
                                      error_type, v_response_metadata) then
        perform litellm._check_llm_call(v_user, provider, model, v_prompt, v_completion, cost, request_id,
                                        litellm_call_id, power_level, latency_ms, cost_usd, error_type, tenant_id,
                                        team_id, organization_id, service_name, operation, session_id,
                                        v_request_metadata, v_response_metadata);
    elsif v_level is not null then
        perform litellm._check_power_level(power_level);
    end if;
    v_cost_usd := round(_record_llm_call.cost_usd, 8);
    v_cost := round(_record_llm_call.cost, 6);

    return query select * from litellm._llm_call_replay(
        v_user, _record_llm_call.request_id, _record_llm_call.litellm_call_id, _record_llm_call.provider,
        _record_llm_call.model, v_success, v_prompt, v_completion, v_cost
    );
    if found then
        return;
    end if;

    if v_success and v_cost is null then
        v_cost := litellm._usage_call_cost(v_user, _record_llm_call.provider, _record_llm_call.model, v_prompt,
                                            v_completion, v_level);
    end if;
    -- The log row's id is taken first so that the journal entry can name it.
    v_log_id := pg_catalog.nextval('litellm.llm_usage_log_id_seq');

    if v_success and v_cost > 0 then
        select d.success, d.transaction_id, d.credits_remaining, d.amount_debited, d.error_code, d.error_message,
               d.replayed
        into v_debit
        from litellm.debit_user_credits(
            user_id => v_user,
            cost => v_cost,
            provider => _record_llm_call.provider,
            model => _record_llm_call.model,
            prompt_tokens => v_prompt,
            completion_tokens => v_completion,
            power_level => v_level,
            metadata => jsonb_strip_nulls(jsonb_build_object('usage_log_id', v_log_id, 'team_id', _record_llm_call.team_id)),
            request_id => coalesce(_record_llm_call.request_id, _record_llm_call.litellm_call_id)
        ) as d;
        v_balance := v_debit.credits_remaining;
        v_charged := v_debit.success;
        v_replayed := v_debit.replayed;
        if v_charged then
            v_tx := v_debit.transaction_id;
            v_amount := v_debit.amount_debited;
        else
            v_code := v_debit.error_code;
            v_message := v_debit.error_message;
        end if;
        -- The request id was charged before, by a debit or a settlement (or by
        -- this function under the other key). No new charge: the answer says
        -- so. If that charge's call is logged already, that row is the answer;
        -- otherwise this call's row is written, linked to the earlier charge.
        if v_replayed then
            v_logged := litellm._usage_log_of_charge(v_tx);
        end if;
        if v_logged is not null then
            return query select true, true, v_tx, v_logged, coalesce(v_balance, 0), v_amount, null::text, null::text, true;
            return;
        end if;
    else
        select uc.credits_remaining into v_balance
        from litellm.user_credits as uc
        where uc.user_id = v_user;
    end if;

    insert into litellm.llm_usage_log (
        id, user_id, provider, model, power_level, prompt_tokens, completion_tokens, total_tokens, cost_credits, cost_usd,
        success, latency_ms, request_id, litellm_call_id, error_type, error_message, tenant_id, team_id, organization_id,
        service_name, operation, session_id, transaction_id, uncharged_credits, billing_error, request_metadata,
        response_metadata
    ) values (
        v_log_id, v_user, _record_llm_call.provider, _record_llm_call.model, v_level, v_prompt, v_completion,
        v_prompt + v_completion, v_amount, v_cost_usd, v_success, _record_llm_call.latency_ms, _record_llm_call.request_id,
        _record_llm_call.litellm_call_id, _record_llm_call.error_type, left(_record_llm_call.call_error_message, 10000),
        _record_llm_call.tenant_id, _record_llm_call.team_id, _record_llm_call.organization_id,
        _record_llm_call.service_name, _record_llm_call.operation, _record_llm_call.session_id, v_tx,
        case when not v_charged and v_cost > 0 then v_cost end, v_code, v_request_metadata, v_response_metadata
    );

    return query select v_code is null, v_charged, v_tx, v_log_id, coalesce(v_balance, 0), v_amount, v_code, v_message,
        v_replayed;
end
$$;

comment on function litellm._record_llm_call(
    text, text, text, bigint, bigint, numeric, boolean, text, text, text, integer, numeric, text, text, text, text, text, text,
    text, text, jsonb, jsonb
) is
'The body of record_llm_call() (whose success and error_message arguments here are call_success and call_error_message). '
'Raises LD001, LD002, LD003, LD004, LD007, LD020, LD021, LD101.';

-- definer: writes the journal (through debit_user_credits) and the usage log's queue, which the application may not.
create or replace function litellm.record_llm_call(
    user_id text,
    provider text,
    model text,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    cost numeric default null,
    success boolean default true,
    request_id text default null,
    litellm_call_id text default null,
    power_level text default null,
    latency_ms integer default null,
    cost_usd numeric default null,
    error_type text default null,
    error_message text default null,
    tenant_id text default null,
    team_id text default null,
    organization_id text default null,
    service_name text default null,
    operation text default null,
    session_id text default null,
    request_metadata jsonb default '{}',
    response_metadata jsonb default '{}'
)
returns table (
    success boolean,
    charged boolean,
    transaction_id bigint,
    usage_log_id bigint,
    credits_remaining numeric,
    amount_charged numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
begin atomic
    select
        r.success,
        r.charged,
        r.transaction_id,
        r.usage_log_id,
        r.credits_remaining,
        r.amount_charged,
        r.error_code,
        r.error_message,
        r.replayed
    from litellm._record_llm_call(
        $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22
    ) as r;
end;

comment on function litellm.record_llm_call(
    text, text, text, bigint, bigint, numeric, boolean, text, text, text, integer, numeric, text, text, text, text, text, text,
    text, text, jsonb, jsonb
) is
'Records one LLM call in one transaction: charges the user through debit_user_credits when the call succeeded and cost > 0, '
'writes the llm_usage_log row (transaction_id = the debit) and queues the summary deltas. cost is in credits; NULL means '
'litellm.calculate_cost(provider, model, tokens, power_level, the user''s tier, now()), rounded up to the micro-credit '
'(LD020 if it returns NULL). A failed call (success = false) is logged and never charged. A successful call '
'the user cannot pay for has happened anyway: it is logged with cost_credits 0, uncharged_credits = cost and '
'billing_error, and the result has success = false, charged = false and error_code insufficient_credits (or unknown_user). '
'Idempotent by request_id, else litellm_call_id, per user: a replay (also a concurrent one) writes nothing and returns the '
'original row with replayed = true (credits_remaining: the balance after the original debit, or the current balance when '
'it was not charged). A request id already charged by debit_user_credits, its early-release procedure or '
'settle_reservation is not charged again: the result has replayed = true and that charge''s transaction_id, and the '
'call is logged (linked to that charge) only if that charge''s call is not logged already. A replay that differs '
'in provider, model, success, tokens or a given cost raises LD101. Raises '
'LD001, LD002, LD003, LD004, LD007 (as the debit does), LD020, LD021 (provider or model missing, latency_ms negative, '
'cost_usd not a finite amount >= 0); with cost NULL, the errors of calculate_cost() pass through (LD222 for a model '
'without a price, LD220).';
