create or replace function litellm.usage_daily(user_id text, days integer default 7)
returns table (
    date date,
    request_count bigint,
    success_count bigint,
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
    v_since date := litellm._usage_since(usage_daily.days);
begin
    return query
    select
        s.date,
        sum(s.request_count)::bigint,
        sum(s.success_count)::bigint,
        sum(s.failure_count)::bigint,
        sum(s.total_tokens)::bigint,
        sum(s.total_cost),
        sum(s.total_cost_usd)
    from litellm.llm_usage_summary as s
    where s.user_id = usage_daily.user_id and s.date >= v_since
    group by s.date
    order by s.date desc;
end
$$;

comment on function litellm.usage_daily(text, integer) is
'A user''s usage per UTC day over the last days days (today included), newest first: calls, successes, failures, tokens, '
'cost in credits and in USD. Days without calls are absent. From llm_usage_summary (as of the last refresh). LD021 for '
'days outside 1..36600.';
