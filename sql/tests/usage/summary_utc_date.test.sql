-- The summary's date is the UTC date of created_at, whatever the session's time zone.
begin;
select plan(1);
set local timezone = 'America/New_York';

insert into litellm.llm_usage_log (user_id, provider, model, created_at) values
('tap-utc', 'openai', 'gpt-4', '2001-01-01 18:59:59-05'),
('tap-utc', 'openai', 'gpt-4', '2001-01-01 19:00:00-05');
select litellm.refresh_usage_summary();

select results_eq(
    $$ select date, request_count from litellm.llm_usage_summary where user_id = 'tap-utc' order by date $$,
    $$ values ('2001-01-01'::date, 1::bigint), ('2001-01-02', 1) $$,
    '19:00 in New York is the next day in UTC'
);

select * from finish();
rollback;
