-- SECURITY DEFINER functions: search_path pinned with pg_temp last, owned by the schema's owner, one for end users.
begin;
select plan(3);

select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prosecdef
         and not coalesce('search_path=pg_catalog, pg_temp' = any(p.proconfig), false) $$,
    'every SECURITY DEFINER function pins search_path to pg_catalog, pg_temp'
);
select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prosecdef
         and p.proowner <> (select n.nspowner from pg_namespace as n where n.oid = 'litellm'::regnamespace) $$,
    'every one is owned by the package owner'
);
select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prosecdef
         and (has_function_privilege('litellm_end_user', p.oid, 'execute')
              and p.oid <> 'litellm.current_end_user_id()'::regprocedure
              or p.proname like '\_%' and has_function_privilege('litellm_analyst', p.oid, 'execute')) $$,
    'none is executable by end users but the one their policies call, and no internal one by the analyst'
);

select * from finish();
rollback;
