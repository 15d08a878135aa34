-- Retention: drop_archived_usage_logs() drops archived months older than the
-- cut-off and records when; the summary keeps their history.
begin;
select plan(5);
set local client_min_messages = warning;

select litellm._ensure_usage_log_partition('2001-05-01');
select litellm._ensure_usage_log_partition('2002-05-01');
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, created_at) values
('tap-drop', 'openai', 'gpt-4', 1, '2001-05-02 00:00:00+00'),
('tap-drop', 'openai', 'gpt-4', 2, '2002-05-02 00:00:00+00');
select litellm.refresh_usage_summary();
select litellm.archive_usage_logs(interval '90 days');

select results_eq(
    $$ select archived_as, range_start from litellm.drop_archived_usage_logs(now() - '2002-01-01 00:00:00+00') $$,
    $$ values ('llm_usage_log_p200105'::text, '2001-05-01 00:00:00+00'::timestamptz) $$,
    'only the month that ended before the cut-off is dropped'
);
select results_eq(
    $$ select to_regclass('litellm_archive.llm_usage_log_p200105') is null, to_regclass('litellm_archive.llm_usage_log_p200205') is null $$,
    $$ values (true, false) $$,
    'the table is gone, the younger one stays'
);
select is(
    (
        select dropped_at from litellm.usage_log_archives
        where archived_as = 'llm_usage_log_p200105'
    ),
    now(),
    'usage_log_archives says when'
);
select is_empty(
    $$ select * from litellm.drop_archived_usage_logs(now() - '2002-01-01 00:00:00+00') $$,
    'a second call drops nothing'
);
select results_eq(
    $$ select date, total_cost from litellm.llm_usage_summary where user_id = 'tap-drop' order by date $$,
    $$ values ('2001-05-02'::date, 1.000000::numeric), ('2002-05-02', 2.000000) $$,
    'the summary still has both months'
);

select * from finish();
rollback;
