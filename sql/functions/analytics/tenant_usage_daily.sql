create or replace function litellm.tenant_usage_daily(tenant_id text, days integer default 30)
returns table (
    date date,
    request_count bigint,
    failure_count bigint,
    total_tokens bigint,
    total_cost numeric,
    total_cost_usd numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(tenant_usage_daily.days);
begin
    return query
    select
        a.date,
        sum(a.request_count)::bigint,
        sum(a.failure_count)::bigint,
        sum(a.total_tokens)::bigint,
        sum(a.total_cost),
        sum(a.total_cost_usd)
    from litellm.llm_usage_attribution_summary as a
    where a.tenant_id = coalesce(tenant_usage_daily.tenant_id, '') and a.date >= v_since
    group by a.date
    order by a.date desc;
end
$$;

comment on function litellm.tenant_usage_daily(text, integer) is
'One tenant''s usage per UTC day over the last days days (today included), newest first: calls, failures, tokens and '
'cost (credits and USD) per day. tenant_id NULL means calls without a tenant. From llm_usage_attribution_summary. '
'LD021 for days outside 1..36600.';
