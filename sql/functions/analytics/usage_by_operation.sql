-- The body is _usage_by_operation: PL/pgSQL cannot have an argument and a result
-- column both named service_name, and a PL/pgSQL body gets plans made for the
-- actual date range.
create or replace function litellm._usage_by_operation(days integer, service text, tenant text)
returns table (
    service_name text,
    operation text,
    request_count bigint,
    failure_count bigint,
    total_tokens bigint,
    avg_latency_ms numeric,
    avg_cost_per_call numeric,
    total_cost numeric,
    total_cost_usd numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(_usage_by_operation.days);
begin
    return query
    select
        nullif(a.service_name, ''),
        nullif(a.operation, ''),
        sum(a.request_count)::bigint,
        sum(a.failure_count)::bigint,
        sum(a.total_tokens)::bigint,
        round(sum(a.total_latency_ms) / nullif(sum(a.latency_count), 0), 1),
        round(sum(a.total_cost) / nullif(sum(a.request_count), 0), 6),
        sum(a.total_cost),
        sum(a.total_cost_usd)
    from litellm.llm_usage_attribution_summary as a
    where
        a.date >= v_since
        and (_usage_by_operation.service is null or a.service_name = _usage_by_operation.service)
        and (_usage_by_operation.tenant is null or a.tenant_id = _usage_by_operation.tenant)
    group by a.service_name, a.operation
    order by 8 desc, 1 nulls last, 2 nulls last;
end
$$;

comment on function litellm._usage_by_operation(integer, text, text) is
'The body of usage_by_operation(). LD021 for days outside 1..36600.';

create or replace function litellm.usage_by_operation(
    days integer default 7,
    service_name text default null,
    tenant_id text default null
)
returns table (
    service_name text,
    operation text,
    request_count bigint,
    failure_count bigint,
    total_tokens bigint,
    avg_latency_ms numeric,
    avg_cost_per_call numeric,
    total_cost numeric,
    total_cost_usd numeric
)
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    select
        u.service_name,
        u.operation,
        u.request_count,
        u.failure_count,
        u.total_tokens,
        u.avg_latency_ms,
        u.avg_cost_per_call,
        u.total_cost,
        u.total_cost_usd
    from litellm._usage_by_operation($1, $2, $3) as u;
end;

comment on function litellm.usage_by_operation(integer, text, text) is
'Per service and operation over the last days UTC days (today included), optionally of one service and/or one tenant: '
'calls, failures, tokens, average latency (ms), average cost per call, cost in credits and USD; highest cost first. '
'NULL service or operation: calls without one. From llm_usage_attribution_summary. '
'LD021 for days outside 1..36600.';
