create or replace function litellm.organization_usage(days integer default 30)
returns table (
    organization_id text,
    teams bigint,
    tenants bigint,
    request_count bigint,
    total_tokens bigint,
    total_cost numeric,
    total_cost_usd numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(organization_usage.days);
begin
    return query
    select
        nullif(a.organization_id, ''),
        count(distinct a.team_id) filter (where a.team_id <> ''),
        count(distinct a.tenant_id) filter (where a.tenant_id <> ''),
        sum(a.request_count)::bigint,
        sum(a.total_tokens)::bigint,
        sum(a.total_cost),
        sum(a.total_cost_usd)
    from litellm.llm_usage_attribution_summary as a
    where a.date >= v_since
    group by a.organization_id
    order by 6 desc, 1 nulls last;
end
$$;

comment on function litellm.organization_usage(integer) is
'Spend per organisation over the last days UTC days (today included): teams and tenants that made calls, calls, tokens, '
'cost in credits and USD, highest cost first. NULL organisation: calls not attributed to one. From '
'llm_usage_attribution_summary. LD021 for days outside 1..36600.';
