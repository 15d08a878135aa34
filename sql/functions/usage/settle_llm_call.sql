-- One call per served LLM request that was held before it ran: settle the
-- hold (through settle_reservation, which keeps every settlement rule) and
-- write the call's usage row linked to that settlement, in the caller's
-- transaction. What record_llm_call after settle_reservation does, without
-- its second pass through the debit (an update of the account undone again,
-- a journal lookup) to find that the request was charged already.

-- definer: writes the journal (through settle_reservation) and the usage log's queue, which the application may not.
create or replace function litellm.settle_llm_call(
    user_id text,
    request_id text,
    actual_cost numeric,
    provider text,
    model text,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    power_level text default null,
    litellm_call_id text default null,
    latency_ms integer default null,
    cost_usd numeric default null,
    tenant_id text default null,
    team_id text default null,
    organization_id text default null,
    service_name text default null,
    operation text default null,
    session_id text default null,
    request_metadata jsonb default '{}',
    response_metadata jsonb default '{}',
    metadata jsonb default '{}'
)
returns table (
    transaction_id bigint,
    usage_log_id bigint,
    credits_remaining numeric,
    amount_charged numeric,
    amount_released numeric,
    amount_uncovered numeric,
    replayed boolean
)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_user text := settle_llm_call.user_id;
    v_prompt bigint := coalesce(settle_llm_call.prompt_tokens, 0);
    v_completion bigint := coalesce(settle_llm_call.completion_tokens, 0);
    v_level text := litellm._power_level_key(settle_llm_call.power_level);
    v_request_metadata jsonb := coalesce(settle_llm_call.request_metadata, '{}');
    v_response_metadata jsonb := coalesce(settle_llm_call.response_metadata, '{}');
    v_cost_usd numeric;
    v_log_id bigint;
    v_settled record;
    v_logged bigint;
begin
    -- The usage row's arguments, checked before anything is written (settle_reservation
    -- checks the rest: the request id, the cost, the tokens, the power level). A
    -- valid call costs two inlined tests (the debit's, for the arguments a debit
    -- has, and the usage row's); the checks run only when one fails.
    if litellm._debit_args_invalid(
        v_user, coalesce(settle_llm_call.actual_cost, 0), v_request_metadata, settle_llm_call.request_id,
        settle_llm_call.provider, settle_llm_call.model, v_prompt, v_completion
    ) or litellm._usage_args_invalid(
        settle_llm_call.provider, settle_llm_call.model, v_prompt, v_completion, settle_llm_call.latency_ms,
        settle_llm_call.cost_usd, settle_llm_call.litellm_call_id, settle_llm_call.tenant_id,
        settle_llm_call.team_id, settle_llm_call.organization_id, settle_llm_call.service_name,
        settle_llm_call.operation, settle_llm_call.session_id, null, v_response_metadata
    ) then
        perform litellm._check_user_id(v_user);
        perform litellm._check_metadata(v_request_metadata);
        perform litellm._check_metadata(v_response_metadata);
        perform litellm._check_usage_row(
            settle_llm_call.provider, settle_llm_call.model, settle_llm_call.latency_ms, settle_llm_call.cost_usd,
            settle_llm_call.litellm_call_id, settle_llm_call.tenant_id, settle_llm_call.team_id,
            settle_llm_call.organization_id, settle_llm_call.service_name, settle_llm_call.operation,
            settle_llm_call.session_id
        );
    end if;
    v_cost_usd := round(settle_llm_call.cost_usd, 8);

    -- The row's id is taken first so that the journal entry can name it, as a
    -- debit by record_llm_call does.
    v_log_id := pg_catalog.nextval('litellm.llm_usage_log_id_seq');
    select s.* into v_settled
    from litellm.settle_reservation(
        user_id => v_user,
        request_id => settle_llm_call.request_id,
        actual_cost => settle_llm_call.actual_cost,
        provider => settle_llm_call.provider,
        model => settle_llm_call.model,
        prompt_tokens => v_prompt,
        completion_tokens => v_completion,
        power_level => v_level,
        metadata => litellm._check_metadata(settle_llm_call.metadata) || jsonb_build_object('usage_log_id', v_log_id)
    ) as s;

    if v_settled.replayed then
        -- Settled before (a retry whose first commit's acknowledgement was lost, or a
        -- concurrent twin that committed first): that settlement's row is the answer.
        v_logged := litellm._usage_log_of_charge(v_settled.transaction_id);
        if v_logged is null then
            select l.id into v_logged
            from litellm.llm_usage_log as l
            where l.user_id = v_user and l.request_id = settle_llm_call.request_id
              and l.transaction_id = v_settled.transaction_id
            limit 1;
        end if;
        if v_logged is not null then
            return query select v_settled.transaction_id, v_logged, v_settled.credits_remaining,
                v_settled.amount_charged, v_settled.amount_released, v_settled.amount_uncovered, true;
            return;
        end if;
    end if;

    insert into litellm.llm_usage_log (
        id, user_id, provider, model, power_level, prompt_tokens, completion_tokens, total_tokens, cost_credits, cost_usd,
        success, latency_ms, request_id, litellm_call_id, tenant_id, team_id, organization_id, service_name, operation,
        session_id, transaction_id, request_metadata, response_metadata
    ) values (
        v_log_id, v_user, settle_llm_call.provider, settle_llm_call.model, v_level, v_prompt, v_completion,
        v_prompt + v_completion, v_settled.amount_charged, v_cost_usd, true, settle_llm_call.latency_ms,
        settle_llm_call.request_id, settle_llm_call.litellm_call_id, settle_llm_call.tenant_id, settle_llm_call.team_id,
        settle_llm_call.organization_id, settle_llm_call.service_name, settle_llm_call.operation,
        settle_llm_call.session_id, v_settled.transaction_id, v_request_metadata, v_response_metadata
    );

    return query select v_settled.transaction_id, v_log_id, v_settled.credits_remaining, v_settled.amount_charged,
        v_settled.amount_released, v_settled.amount_uncovered, v_settled.replayed;
end
$$;

comment on function litellm.settle_llm_call(
    text, text, numeric, text, text, bigint, bigint, text, text, integer, numeric, text, text, text, text, text, text,
    jsonb, jsonb, jsonb
) is
'Settles the hold of a served call (settle_reservation: the actual cost in credits, charged up to the hold and beyond it '
'as far as the balance, the monthly cap and the budgets allow) and writes its llm_usage_log row (cost_credits = the '
'amount charged, transaction_id = the settlement, which names the row in its metadata as usage_log_id), in one '
'transaction. The gateway''s one statement after a held call, instead of settle_reservation then record_llm_call. '
'metadata goes to the journal entry, request_metadata and response_metadata to the usage row. Idempotent by request_id: '
'a replay returns the original settlement and row with replayed = true (once that charge is on disk); a replay with a '
'different cost, provider, model, tokens or power level raises LD101. Raises LD201 (no such reservation), LD302 '
'(expired: charge the call with record_llm_call instead), LD303 (released), LD021 (provider or model missing, '
'latency_ms negative, cost_usd not a finite amount >= 0), LD001, LD002, LD003, LD004, LD007.';
