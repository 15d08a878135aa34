-- The end-user role may select four tables (under row-level security), never a key's ciphertext, and
-- execute the one function its policies call.
begin;
select plan(5);

select results_eq(
    $$ select p.oid from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace
         and has_function_privilege('litellm_end_user', p.oid, 'execute') $$,
    $$ values ('litellm.current_end_user_id()'::regprocedure::oid) $$,
    'it may execute one function: current_end_user_id(), which its policies call'
);
select results_eq(
    $$ select count(*) from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relkind in ('r', 'p', 'v', 'm', 'S')
         and (has_table_privilege('litellm_end_user', c.oid, 'select, insert, update, delete, truncate, references, trigger')
              or has_any_column_privilege('litellm_end_user', c.oid, 'select, insert, update, references')
              or c.relkind = 'S' and has_sequence_privilege('litellm_end_user', c.oid, 'usage, select, update')) $$,
    $$ values (4::bigint) $$,
    'it has privileges on exactly four relations'
);
select results_eq(
    $$ select count(*) from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relname in ('user_credits', 'credit_transactions', 'llm_usage_log', 'user_provider_keys')
         and has_any_column_privilege('litellm_end_user', c.oid, 'select')
         and not has_any_column_privilege('litellm_end_user', c.oid, 'insert, update, references')
         and not has_table_privilege('litellm_end_user', c.oid, 'insert, update, delete, truncate') $$,
    $$ values (4::bigint) $$,
    'user_credits, credit_transactions, llm_usage_log and user_provider_keys, read-only'
);
select is(
    array(
        select a.attname from pg_attribute as a
        where
            a.attrelid = 'litellm.user_provider_keys'::regclass and a.attnum > 0 and not a.attisdropped
            and not has_column_privilege('litellm_end_user', a.attrelid, a.attnum, 'select')
    ),
    array['encrypted_api_key']::name[],
    'every column of user_provider_keys but the ciphertext'
);
select ok(
    not has_table_privilege('litellm_end_user', 'litellm.end_user_token_keys', 'select')
    and not has_any_column_privilege('litellm_end_user', 'litellm.end_user_token_keys', 'select'),
    'not the keys that sign end-user tokens'
);

select * from finish();
rollback;
