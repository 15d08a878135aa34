create or replace function litellm.provider_breakdown(days integer default 7)
returns table (
    provider text,
    users bigint,
    request_count bigint,
    success_count bigint,
    failure_count bigint,
    total_tokens bigint,
    revenue numeric,
    total_cost_usd numeric,
    avg_latency_ms numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since date := litellm._usage_since(provider_breakdown.days);
begin
    return query
    select
        s.provider,
        count(distinct s.user_id),
        sum(s.request_count)::bigint,
        sum(s.success_count)::bigint,
        sum(s.failure_count)::bigint,
        sum(s.total_tokens)::bigint,
        sum(s.total_cost),
        sum(s.total_cost_usd),
        round(sum(s.total_latency_ms) / nullif(sum(s.latency_count), 0), 1)
    from litellm.llm_usage_summary as s
    where s.date >= v_since
    group by s.provider
    order by 7 desc, 1;
end
$$;

comment on function litellm.provider_breakdown(integer) is
'Per provider over the last days UTC days (today included): distinct users, calls, successes, failures, tokens, revenue '
'(credits charged), cost in USD and average latency in ms; highest revenue first. From llm_usage_summary. LD021 for days '
'outside 1..36600.';
