-- A row older than every partition lands in the default partition and moves
-- into its month's partition when that partition is created, without being
-- counted twice in the summary.
begin;
select plan(8);
set local client_min_messages = warning;

insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values
('tap-late', 'openai', 'gpt-4', 1, 2, 0.5, '2001-03-31 23:59:59.999999+00'),
('tap-late', 'openai', 'gpt-4', 3, 4, 0.25, '2001-03-01 00:00:00+00'),
('tap-late', 'openai', 'gpt-4', 5, 6, 1, '2001-04-01 00:00:00+00');

select results_eq(
    $$ select tableoid::regclass, count(*) from litellm.llm_usage_log where user_id = 'tap-late' group by 1 $$,
    $$ values ('litellm.llm_usage_log_default'::regclass, 3::bigint) $$,
    'rows no partition covers land in the default partition'
);
select cmp_ok(litellm.refresh_usage_summary(), '>=', 1::bigint, 'the summary is refreshed');

select is(litellm._ensure_usage_log_partition('2001-03-17'), 'llm_usage_log_p200103', 'creating March 2001 returns its name');
select results_eq(
    $$ select tableoid::regclass, created_at from litellm.llm_usage_log where user_id = 'tap-late' order by created_at $$,
    $$ values ('litellm.llm_usage_log_p200103'::regclass, '2001-03-01 00:00:00+00'::timestamptz),
              ('litellm.llm_usage_log_p200103', '2001-03-31 23:59:59.999999+00'),
              ('litellm.llm_usage_log_default', '2001-04-01 00:00:00+00') $$,
    'March''s rows moved into the new partition, April''s stayed'
);
select is(litellm._ensure_usage_log_partition('2001-03-01'), null, 'a second call for the same month creates nothing');
select is(
    litellm._ensure_usage_log_partition('2001-04-30'), 'llm_usage_log_p200104', 'the next month is created too'
);
select is(
    (
        select count(*) from litellm.llm_usage_log_default
        where user_id = 'tap-late'
    ), 0::bigint,
    'the default partition is left empty'
);
select results_eq(
    $$ select date, request_count, total_tokens, total_cost from litellm.llm_usage_summary
       where user_id = 'tap-late' and litellm.refresh_usage_summary() >= 0 order by date $$,
    $$ values ('2001-03-01'::date, 1::bigint, 7::bigint, 0.25::numeric),
              ('2001-03-31', 1, 3, 0.5),
              ('2001-04-01', 1, 11, 1) $$,
    'moving rows between partitions does not change the summary'
);

select * from finish();
rollback;
