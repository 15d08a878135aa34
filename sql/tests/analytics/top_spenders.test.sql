-- top_spenders() equals a from-scratch aggregate of the log for the same days.
begin;
select plan(2);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

select results_eq(
    $$ select * from litellm.top_spenders(30, 5) $$,
    $$ select l.user_id, sum(l.cost_credits), count(*), sum(l.total_tokens)::bigint
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by l.user_id order by 2 desc, 1 limit 5 $$,
    'the top 5 of the last 30 days'
);
select results_eq(
    $$ select * from litellm.top_spenders(36600, null) $$,
    $$ select l.user_id, sum(l.cost_credits), count(*), sum(l.total_tokens)::bigint
       from litellm.llm_usage_log as l group by l.user_id order by 2 desc, 1 $$,
    'max_rows NULL: everyone, over all time'
);

select * from finish();
rollback;
