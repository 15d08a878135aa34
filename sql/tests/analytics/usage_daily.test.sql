-- usage_daily() equals a from-scratch aggregate of the log for the same days.
begin;
select plan(3);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

select results_eq(
    $$ select * from litellm.usage_daily('tap-an-4', 7) $$,
    $$ select
           (l.created_at at time zone 'UTC')::date, count(*), count(*) filter (where l.success),
           count(*) filter (where not l.success), sum(l.total_tokens)::bigint, sum(l.cost_credits),
           coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where l.user_id = 'tap-an-4' and (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 6
       group by 1 order by 1 desc $$,
    'a user''s last 7 days (today included), newest first'
);
select is(
    (
        select count(*) from litellm.usage_daily('tap-an-4', 1)
        where date <> (now() at time zone 'UTC')::date
    ),
    0::bigint,
    'days = 1 is today only'
);
select is_empty($$ select * from litellm.usage_daily('tap-an-nobody', 30) $$, 'a user without calls has no rows');

select * from finish();
rollback;
