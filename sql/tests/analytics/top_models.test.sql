-- top_models() equals a from-scratch aggregate of the log, for one user and for all.
begin;
select plan(2);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

select results_eq(
    $$ select * from litellm.top_models(30, 5, 'tap-an-2') $$,
    $$ select l.provider, l.model, count(*), sum(l.total_tokens)::bigint, sum(l.cost_credits)
       from litellm.llm_usage_log as l
       where l.user_id = 'tap-an-2' and (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by 1, 2 order by 5 desc, 3 desc, 1, 2 limit 5 $$,
    'one user''s top models'
);
select results_eq(
    $$ select * from litellm.top_models(10, 3) $$,
    $$ select l.provider, l.model, count(*), sum(l.total_tokens)::bigint, sum(l.cost_credits)
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 9
       group by 1, 2 order by 5 desc, 3 desc, 1, 2 limit 3 $$,
    'everyone''s top 3 of the last 10 days'
);

select * from finish();
rollback;
