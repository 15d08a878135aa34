-- The end-user role may select four tables (under row-level security) and nothing else.
begin;
select plan(3);

select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace
         and has_function_privilege('litellm_end_user', p.oid, 'execute') $$,
    'it may execute no function'
);
select results_eq(
    $$ select count(*) from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relkind in ('r', 'p', 'v', 'm', 'S')
         and (has_table_privilege('litellm_end_user', c.oid, 'select, insert, update, delete, truncate, references, trigger')
              or c.relkind = 'S' and has_sequence_privilege('litellm_end_user', c.oid, 'usage, select, update')) $$,
    $$ values (4::bigint) $$,
    'it has privileges on exactly four relations'
);
select results_eq(
    $$ select count(*) from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relname in ('user_credits', 'credit_transactions', 'llm_usage_log', 'user_provider_keys')
         and has_table_privilege('litellm_end_user', c.oid, 'select')
         and not has_table_privilege('litellm_end_user', c.oid, 'insert, update, delete, truncate') $$,
    $$ values (4::bigint) $$,
    'user_credits, credit_transactions, llm_usage_log and user_provider_keys, read-only'
);

select * from finish();
rollback;
