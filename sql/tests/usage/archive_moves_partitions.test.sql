-- archive_usage_logs() moves whole monthly partitions that ended before the
-- cut-off into litellm_archive, and nothing else: not the default partition,
-- not the current month. The summaries do not change.
begin;
select plan(13);
set local client_min_messages = warning;

select litellm._ensure_usage_log_partition('2001-05-01');
select litellm._ensure_usage_log_partition('2001-06-01');
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, tenant_id, created_at) values
('tap-arch', 'openai', 'gpt-4', 1, 'acme', '2001-05-01 00:00:00+00'),
('tap-arch', 'openai', 'gpt-4', 2, null, '2001-05-31 23:59:59+00'),
('tap-arch', 'anthropic', 'claude-3', 4, 'acme', '2001-06-15 12:00:00+00'),
('tap-arch', 'openai', 'gpt-4', 8, null, '1990-01-01 00:00:00+00'),
('tap-arch', 'openai', 'gpt-4', 16, null, now());
analyze litellm.llm_usage_log_p200105;
select litellm.refresh_usage_summary();

create temporary table summary_before as
select * from litellm.llm_usage_summary
where user_id = 'tap-arch';
create temporary table attribution_before as
select *
from litellm.llm_usage_attribution_summary
where (date < '2001-07-01' or date = current_date) and provider in ('openai', 'anthropic');

select results_eq(
    $$ select partition_name, archived_as, range_start, range_end, row_estimate
       from litellm.archive_usage_logs(interval '90 days') order by range_start $$,
    $$ values ('llm_usage_log_p200105'::text, 'llm_usage_log_p200105'::text, '2001-05-01 00:00:00+00'::timestamptz,
               '2001-06-01 00:00:00+00'::timestamptz, 2::bigint),
              ('llm_usage_log_p200106', 'llm_usage_log_p200106', '2001-06-01 00:00:00+00', '2001-07-01 00:00:00+00', null) $$,
    'the two old months are moved, with their ranges and row estimates (NULL: never analysed)'
);
select
    ok(
        bool_or(l.mode = 'AccessExclusiveLock'),
        'the detach holds ACCESS EXCLUSIVE on llm_usage_log until the transaction ends'
    )
from pg_locks as l
where l.relation = 'litellm.llm_usage_log'::regclass and l.pid = pg_backend_pid() and l.granted;
select results_eq(
    $$ select c.relnamespace::regnamespace::text, c.relispartition from pg_class as c
       where c.relname in ('llm_usage_log_p200105', 'llm_usage_log_p200106') order by c.relname $$,
    $$ values ('litellm_archive'::text, false), ('litellm_archive', false) $$,
    'they are plain tables in litellm_archive'
);
select results_eq(
    $$ select (select count(*) from litellm_archive.llm_usage_log_p200105), (select count(*) from litellm_archive.llm_usage_log_p200106) $$,
    $$ values (2::bigint, 1::bigint) $$,
    'with their rows'
);
select results_eq(
    $$ select tableoid::regclass, cost_credits from litellm.llm_usage_log where user_id = 'tap-arch' order by cost_credits $$,
    $$ values ('litellm.llm_usage_log_default'::regclass, 8.000000::numeric),
              (('litellm.llm_usage_log_p' || to_char(now() at time zone 'UTC', 'YYYYMM'))::regclass, 16.000000) $$,
    'the default partition''s row and the current month stay in the log'
);
select is(
    (
        select count(*) from litellm.usage_log_archives
        where partition_name in ('llm_usage_log_p200105', 'llm_usage_log_p200106')
    ),
    2::bigint,
    'usage_log_archives records both'
);
select is(
    (
        select count(*) from litellm_archive.llm_usage_log_p200105 as a
        where a.id is null
    )
    + (
        select count(*) from pg_trigger as t
        where t.tgrelid = 'litellm_archive.llm_usage_log_p200105'::regclass
    ),
    0::bigint,
    'the archived table keeps its rows and has no summary triggers'
);

select litellm.refresh_usage_summary();
select set_eq(
    $$ select * from litellm.llm_usage_summary where user_id = 'tap-arch' $$,
    $$ select * from summary_before $$,
    'the per-user summary is unchanged'
);
select set_eq(
    $$ select * from litellm.llm_usage_attribution_summary
       where (date < '2001-07-01' or date = current_date) and provider in ('openai', 'anthropic') $$,
    $$ select * from attribution_before $$,
    'the attribution summary is unchanged'
);

select is_empty(
    $$ select * from litellm.archive_usage_logs(interval '90 days') where range_start < '2002-01-01' $$,
    'a second call moves nothing more'
);
select is_empty(
    $$ select * from litellm.archive_usage_logs(interval '0') where range_end > now() $$,
    'a month that has not ended is never moved, even with older_than 0'
);
select ok(
    exists (
        select from pg_inherits
        where inhrelid = 'litellm.llm_usage_log_default'::regclass
    ),
    'the default partition is still attached'
);

-- A late row for an archived month lands in the default partition and is counted.
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, created_at)
values ('tap-arch', 'openai', 'gpt-4', 32, '2001-05-10 00:00:00+00');
select litellm.refresh_usage_summary();
select results_eq(
    $$ select l.tableoid::regclass, s.total_cost
       from litellm.llm_usage_log as l
       inner join litellm.llm_usage_summary as s on s.user_id = l.user_id and s.date = '2001-05-10'
       where l.user_id = 'tap-arch' and l.created_at = '2001-05-10 00:00:00+00' $$,
    $$ values ('litellm.llm_usage_log_default'::regclass, 32.000000::numeric) $$,
    'a late row for an archived month goes to the default partition and into the summary'
);

select * from finish();
rollback;
