create or replace function litellm.usage_by_tenant(days integer default 30)
returns table (
    tenant_id text,
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
    v_since date := litellm._usage_since(usage_by_tenant.days);
begin
    return query
    select
        nullif(a.tenant_id, ''),
        sum(a.request_count)::bigint,
        sum(a.failure_count)::bigint,
        sum(a.total_tokens)::bigint,
        sum(a.total_cost),
        sum(a.total_cost_usd)
    from litellm.llm_usage_attribution_summary as a
    where a.date >= v_since
    group by a.tenant_id
    order by 5 desc, 1 nulls last;
end
$$;

comment on function litellm.usage_by_tenant(integer) is
'Per tenant over the last days UTC days (today included): calls, failures, tokens, cost in credits and USD, highest '
'cost first; calls without a tenant are the row with tenant_id NULL. From llm_usage_attribution_summary. LD021 for days '
'outside 1..36600.';
