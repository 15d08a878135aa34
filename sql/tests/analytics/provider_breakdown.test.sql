-- provider_breakdown() equals a from-scratch aggregate of the log.
begin;
select plan(1);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

select results_eq(
    $$ select * from litellm.provider_breakdown(7) $$,
    $$ select
           l.provider, count(distinct l.user_id), count(*), count(*) filter (where l.success),
           count(*) filter (where not l.success), sum(l.total_tokens)::bigint, sum(l.cost_credits),
           coalesce(sum(l.cost_usd), 0), round(sum(l.latency_ms)::numeric / nullif(count(l.latency_ms), 0), 1)
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 6
       group by 1 order by 7 desc, 1 $$,
    'users, calls, revenue and latency per provider over the last 7 days'
);

select * from finish();
rollback;
