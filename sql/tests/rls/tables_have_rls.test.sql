-- The per-user tables end users read have row-level security enabled, not forced (the owner is unaffected).
begin;
select plan(3);

select results_eq(
    $$ select count(*) from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relname in ('user_credits', 'credit_transactions', 'llm_usage_log', 'user_provider_keys')
         and c.relrowsecurity $$,
    $$ values (4::bigint) $$,
    'row-level security is enabled on the four tables'
);
select is_empty(
    $$ select c.oid::regclass::text from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace and c.relforcerowsecurity $$,
    'and forced on none: the owner (and so every SECURITY DEFINER function) is unaffected'
);
select is_empty(
    $$ select c.oid::regclass::text
       from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relkind in ('r', 'p', 'v', 'm')
         and has_any_column_privilege('litellm_end_user', c.oid, 'select')
         and not c.relrowsecurity $$,
    'everything an end user may read is under row-level security'
);

select * from finish();
rollback;
