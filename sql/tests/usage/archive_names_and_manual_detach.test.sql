-- A month archived twice gets a second name (indexes renamed with it), and a
-- month detached by hand (and left in schema litellm) is filed by the next call.
begin;
select plan(7);
set local client_min_messages = warning;

select litellm._ensure_usage_log_partition('2001-05-01');
insert into litellm.llm_usage_log (user_id, provider, model, created_at)
values ('tap-arch2', 'openai', 'gpt-4', '2001-05-02 00:00:00+00');
select litellm.archive_usage_logs(interval '1 year');

-- The month comes back (rows restored by hand, say) and is archived again.
select litellm._ensure_usage_log_partition('2001-05-01');
insert into litellm.llm_usage_log (user_id, provider, model, created_at)
values ('tap-arch2', 'openai', 'gpt-4', '2001-05-03 00:00:00+00');
select results_eq(
    $$ select partition_name, archived_as from litellm.archive_usage_logs(interval '1 year') $$,
    $$ values ('llm_usage_log_p200105'::text, 'llm_usage_log_p200105_2'::text) $$,
    'the second archive of a month gets a suffix'
);
select is(
    (select count(*) from litellm_archive.llm_usage_log_p200105_2),
    1::bigint,
    'and its own rows'
);
select is_empty(
    $$ select i.indexrelid::regclass::text from pg_index as i
       where i.indrelid = 'litellm_archive.llm_usage_log_p200105_2'::regclass
         and i.indexrelid::regclass::text not like 'litellm_archive.llm_usage_log_p200105_2%' $$,
    'its indexes were renamed with it'
);

-- Detached by hand, left in schema litellm.
select litellm._ensure_usage_log_partition('2001-08-01');
select lives_ok(
    $$ alter table litellm.llm_usage_log detach partition litellm.llm_usage_log_p200108 $$,
    'a month detached by hand stays in schema litellm'
);
select results_eq(
    $$ select partition_name, archived_as, range_start, range_end from litellm.archive_usage_logs(interval '1 year') $$,
    $$ values ('llm_usage_log_p200108'::text, 'llm_usage_log_p200108'::text, '2001-08-01 00:00:00+00'::timestamptz,
               '2001-09-01 00:00:00+00'::timestamptz) $$,
    'a month detached by hand is filed too'
);
select is(to_regclass('litellm.llm_usage_log_p200108'), null, 'it is no longer in schema litellm');
select is(
    litellm._ensure_usage_log_partition('2001-08-01'),
    'llm_usage_log_p200108',
    'so the month can be created again'
);

select * from finish();
rollback;
