-- Bad arguments to the partition functions raise LD007 and create nothing.
begin;
select plan(6);

select throws_ok(
    $$ select litellm.ensure_usage_log_partitions(-1) $$, 'LD007', null, 'a negative months_ahead is rejected'
);
select throws_ok(
    $$ select litellm.ensure_usage_log_partitions(121) $$, 'LD007', null, 'more than 120 months ahead is rejected'
);
select throws_ok(
    $$ select litellm.ensure_usage_log_partitions(null) $$, 'LD007', null, 'a NULL months_ahead is rejected'
);
select throws_ok(
    $$ select litellm.ensure_usage_log_partitions(months_behind => -1) $$, 'LD007', null,
    'a negative months_behind is rejected'
);
select throws_ok(
    $$ select litellm._ensure_usage_log_partition(null) $$, 'LD007', null, 'a NULL month is rejected'
);

create table litellm.llm_usage_log_p199901 (note text);
select throws_ok(
    $$ select litellm._ensure_usage_log_partition('1999-01-15') $$, 'LD007',
    'litellm.llm_usage_log_p199901 exists but is not a partition of litellm.llm_usage_log',
    'a table in the way (an archived month) is reported, not overwritten'
);

select * from finish();
rollback;
