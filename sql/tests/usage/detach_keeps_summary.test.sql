-- Archiving leaves the summary as it was: detaching a month's partition, or the
-- seed's DELETE of old rows, removes rows from the log but not from the summary;
-- rows later written to a detached partition are not counted either.
begin;
select plan(7);
set local client_min_messages = warning;

select litellm._ensure_usage_log_partition('2001-05-01');
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values
('tap-archive', 'openai', 'gpt-4', 10, 20, 1.5, '2001-05-02 10:00:00+00'),
('tap-archive', 'openai', 'gpt-4', 1, 2, 0.5, '2001-05-02 11:00:00+00'),
('tap-archive', 'anthropic', 'claude-3', 3, 4, 2, '2001-05-20 11:00:00+00');
select litellm.refresh_usage_summary();

create temporary table summary_before as
select * from litellm.llm_usage_summary
where user_id = 'tap-archive';

prepare summary_now as
select * from litellm.llm_usage_summary
where user_id = 'tap-archive';

select is((select count(*) from summary_before), 2::bigint, 'the archived month has two summary rows');

select lives_ok(
    $$ alter table litellm.llm_usage_log detach partition litellm.llm_usage_log_p200105 $$,
    'the month is archived by detaching its partition'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-archive'
    ), 0::bigint,
    'the detached month''s rows are gone from the log'
);
select litellm.refresh_usage_summary();
select set_eq('summary_now', 'select * from summary_before', 'detaching a partition leaves the summary unchanged');

insert into litellm.llm_usage_log_p200105 (user_id, provider, model, prompt_tokens, completion_tokens, total_tokens, created_at)
values ('tap-archive', 'openai', 'gpt-4', 100, 100, 200, '2001-05-03 00:00:00+00');
select litellm.refresh_usage_summary();
select set_eq('summary_now', 'select * from summary_before', 'a row written to the detached table is not counted');

-- The seed's archive statement (a DELETE through the parent).
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values ('tap-archive', 'openai', 'gpt-4', 7, 7, 7, '1999-01-01 00:00:00+00');
select litellm.refresh_usage_summary();
delete from summary_before;
insert into summary_before
select * from litellm.llm_usage_summary
where user_id = 'tap-archive';

select lives_ok(
    $$ CREATE TEMPORARY TABLE llm_usage_log_archive AS
       SELECT * FROM llm_usage_log
       WHERE created_at < NOW() - INTERVAL '90 days' AND user_id = 'tap-archive';

       DELETE FROM llm_usage_log
       WHERE created_at < NOW() - INTERVAL '90 days' AND user_id = 'tap-archive' $$,
    'the seed''s archive-by-DELETE runs'
);
select litellm.refresh_usage_summary();
select set_eq('summary_now', 'select * from summary_before', 'deleting archived rows leaves the summary unchanged');

select * from finish();
rollback;
