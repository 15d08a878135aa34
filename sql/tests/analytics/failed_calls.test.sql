-- failed_calls() counts the failures of the last N hours straight from the log
-- (no refresh needed).
begin;
select plan(3);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

insert into litellm.llm_usage_log (user_id, provider, model, success, error_type)
values ('tap-an-4', 'openai', 'gpt-4', false, 'Unrefreshed');

select results_eq(
    $$ select * from litellm.failed_calls(24) $$,
    $$ select l.provider, l.error_type, count(*), max(l.created_at)
       from litellm.llm_usage_log as l
       where not l.success and l.created_at >= now() - interval '24 hours'
       group by 1, 2 order by 3 desc, 1, 2 $$,
    'failures of the last 24 hours per provider and error type, unrefreshed ones included'
);
select results_eq(
    $$ select * from litellm.failed_calls(200, 'tap-an-4') $$,
    $$ select l.provider, l.error_type, count(*), max(l.created_at)
       from litellm.llm_usage_log as l
       where not l.success and l.created_at >= now() - interval '200 hours' and l.user_id = 'tap-an-4'
       group by 1, 2 order by 3 desc, 1, 2 $$,
    'one user''s'
);
select ok(
    (select sum(failures) from litellm.failed_calls(24)) < (select sum(failures) from litellm.failed_calls(48)),
    'a longer window finds more'
);

select * from finish();
rollback;
