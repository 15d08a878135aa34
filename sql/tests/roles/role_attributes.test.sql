-- The package's roles are groups without special powers; PUBLIC gets nothing.
begin;
select plan(4);

select results_eq(
    $$ select count(*) from pg_roles
       where rolname in ('litellm_owner', 'litellm_app', 'litellm_analyst', 'litellm_end_user') $$,
    $$ values (4::bigint) $$,
    'the installer created the owner, application, analyst and end-user roles'
);
select is_empty(
    $$ select rolname from pg_roles
       where rolname in ('litellm_owner', 'litellm_app', 'litellm_analyst', 'litellm_end_user')
         and (rolcanlogin or rolsuper or rolbypassrls or rolcreaterole or rolcreatedb or rolreplication) $$,
    'all are NOLOGIN group roles without superuser, BYPASSRLS, CREATEROLE, CREATEDB or replication'
);
select is_empty(
    $$ select c.oid::regclass::text from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and exists (select from aclexplode(c.relacl) as a where a.grantee = 0) $$,
    'no table, view or sequence grants anything to PUBLIC'
);
select ok(
    not has_schema_privilege('public', 'litellm', 'usage'),
    'PUBLIC may not even use the schema'
);

select * from finish();
rollback;
