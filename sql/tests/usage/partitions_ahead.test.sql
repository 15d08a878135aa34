-- ensure_usage_log_partitions() keeps monthly partitions (UTC) from this month
-- to months_ahead ahead, creates only what is missing, and is idempotent.
begin;
select plan(6);

create temporary table months_before as
select c.relname::text as relname
from pg_inherits as i inner join pg_class as c on i.inhrelid = c.oid
where i.inhparent = 'litellm.llm_usage_log'::regclass;

select lives_ok($$ select litellm.ensure_usage_log_partitions() $$, 'the first call succeeds');
select set_has(
    $$ select c.relname::text from pg_inherits as i inner join pg_class as c on i.inhrelid = c.oid
       where i.inhparent = 'litellm.llm_usage_log'::regclass $$,
    $$ select 'llm_usage_log_p' || to_char(date_trunc('month', now() at time zone 'UTC') + make_interval(months => g), 'YYYYMM')
       from generate_series(0, 3) as g $$,
    'partitions exist for this month and the three months ahead'
);
select is_empty($$ select * from litellm.ensure_usage_log_partitions() $$, 'a second call creates nothing');
select results_eq(
    $$ select * from litellm.ensure_usage_log_partitions(months_ahead => 0, months_behind => 2) $$,
    $$ select n from (
           select 'llm_usage_log_p' || to_char(date_trunc('month', now() at time zone 'UTC') + make_interval(months => g), 'YYYYMM')
           from generate_series(-2, -1) as g
       ) as m (n)
       where n not in (select relname from months_before) $$,
    'months_behind creates the missing past months, oldest first'
);
select is_empty(
    $$ select * from litellm.ensure_usage_log_partitions(months_ahead => 3, months_behind => 2) $$,
    'after that nothing is missing'
);
set local timezone = 'America/Los_Angeles';
select is(
    (
        select pg_get_expr(c.relpartbound, c.oid) from pg_class as c
        where c.oid = format('litellm.llm_usage_log_p%s', to_char(now() at time zone 'UTC', 'YYYYMM'))::regclass
    ),
    format(
        'FOR VALUES FROM (%L) TO (%L)',
        to_char(date_trunc('month', now() at time zone 'UTC') at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SSOF'),
        to_char((date_trunc('month', now() at time zone 'UTC') + interval '1 month') at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SSOF')
    ),
    'a month''s bounds are midnight UTC whatever the session time zone'
);

select * from finish();
rollback;
