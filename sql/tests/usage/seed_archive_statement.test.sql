-- Seed 000's "Archive old logs (90+ days)" runs verbatim: it creates
-- llm_usage_log_archive (a name this package never uses) in the first schema of
-- the search_path the session may create in (litellm for the package owner, as
-- the installer puts litellm before public) and deletes the rows from the log;
-- the summary keeps them, and archive_usage_logs() works afterwards.
begin;
select plan(6);
set local client_min_messages = warning;

select litellm._ensure_usage_log_partition('2001-05-01');
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, created_at) values
('tap-seed-arch', 'openai', 'gpt-4', 1, '2001-05-02 00:00:00+00'),
('tap-seed-arch', 'openai', 'gpt-4', 2, '1990-05-02 00:00:00+00'),
('tap-seed-arch', 'openai', 'gpt-4', 4, now());
select litellm.refresh_usage_summary();
create temporary table summary_before as
select * from litellm.llm_usage_summary
where user_id = 'tap-seed-arch';

select lives_ok(
    $$
  CREATE TABLE llm_usage_log_archive AS
  SELECT * FROM llm_usage_log
  WHERE created_at < NOW() - INTERVAL '90 days';

  DELETE FROM llm_usage_log
  WHERE created_at < NOW() - INTERVAL '90 days';
    $$,
    'the seed''s archive statement runs unchanged'
);
select is(
    (
        select count(*) from llm_usage_log_archive
        where user_id = 'tap-seed-arch'
    ),
    2::bigint,
    'llm_usage_log_archive holds the old rows'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-seed-arch'
    ),
    1::bigint,
    'the log keeps the recent row'
);
select litellm.refresh_usage_summary();
select set_eq(
    $$ select * from litellm.llm_usage_summary where user_id = 'tap-seed-arch' $$,
    $$ select * from summary_before $$,
    'the summary is unchanged'
);
select results_eq(
    $$ select partition_name from litellm.archive_usage_logs(interval '90 days') where range_start < '2002-01-01' $$,
    $$ values ('llm_usage_log_p200105'::text) $$,
    'archive_usage_logs() still works and moves the emptied month'
);
select is(
    (
        select count(*) from llm_usage_log_archive
        where user_id = 'tap-seed-arch'
    ),
    2::bigint,
    'and leaves the seed''s archive table alone'
);

select * from finish();
rollback;
