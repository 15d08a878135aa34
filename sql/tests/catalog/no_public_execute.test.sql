-- A function whose ACL is NULL has the default ACL, which lets PUBLIC execute it.
begin;
select plan(2);

select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace
         and (p.proacl is null
              or exists (select from aclexplode(p.proacl) as a
                         where a.grantee = 0 and a.privilege_type = 'EXECUTE')) $$,
    'no function is executable by PUBLIC'
);
select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prosecdef
         and p.proname like '\_%' and has_function_privilege('litellm_app', p.oid, 'execute') $$,
    'internal SECURITY DEFINER helpers are not granted to the application'
);

select * from finish();
rollback;
