-- No package function waits on a lock another role can take, and none waits
-- without a bound. Advisory locks need no privilege (any login may take any
-- key), so no function takes one; the package's own named locks are rows of
-- litellm.locks, on which no other role has any privilege. Every API function
-- that writes sets lock_timeout, so it fails with 55P03 after 5 s. None
-- catches the timeout: a handler would cost every call a subtransaction.
begin;
select plan(6);

select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prosrc ilike '%advisory%lock%' $$,
    'no function takes an advisory lock'
);
select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prokind = 'f' and p.provolatile = 'v'
         and p.proname not like '\_%'
         and not coalesce('lock_timeout=5s' = any(p.proconfig), false) $$,
    'every API function that writes sets lock_timeout = 5s'
);
select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       join pg_language as l on l.oid = p.prolang
       where p.pronamespace = 'litellm'::regnamespace and 'lock_timeout=5s' = any(p.proconfig)
         and l.lanname = 'plpgsql' and p.prosrc ilike '%when lock_not_available%' $$,
    'and none catches the timeout (which would start a subtransaction in every call)'
);
select is_empty(
    $$ select r.rolname || ' ' || pr.privilege
       from pg_roles as r,
            unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) as pr (privilege)
       where r.rolname in ('litellm_app', 'litellm_analyst', 'litellm_end_user')
         and has_table_privilege(r.oid, 'litellm.locks', pr.privilege) $$,
    'no package role has any privilege on litellm.locks'
);

set local role litellm_app;
select throws_ok(
    $$ select from litellm.locks for update $$,
    '42501', null, 'the application cannot lock a row of litellm.locks'
);
select throws_ok(
    $$ lock table litellm.model_prices in share row exclusive mode $$,
    '42501', null, 'nor take the lock set_model_price takes'
);
reset role;

select * from finish();
rollback;
