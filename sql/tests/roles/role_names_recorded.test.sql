-- litellm.role_names records the roles this database uses, and the grants and policies name exactly those.
begin;
select plan(6);

select results_eq(
    $$ select purpose from litellm.role_names order by purpose $$,
    $$ values ('analyst'), ('app'), ('end_user'), ('owner') $$,
    'one recorded name per purpose'
);
select is_empty(
    $$ select n.role_name from litellm.role_names as n
       where not exists (select from pg_roles as r where r.rolname = n.role_name) $$,
    'every recorded role exists'
);
select is_empty(
    $$ (select n.role_name from litellm.role_names as n where n.purpose in ('app', 'analyst')
        except
        select r.rolname::text from pg_policy as p, unnest(p.polroles) as u (oid), pg_roles as r
        where r.oid = u.oid and p.polname = 'service_roles' and p.polrelid = 'litellm.user_credits'::regclass)
       union all
       (select r.rolname::text from pg_policy as p, unnest(p.polroles) as u (oid), pg_roles as r
        where r.oid = u.oid and p.polname = 'service_roles' and p.polrelid = 'litellm.user_credits'::regclass
        except
        select n.role_name from litellm.role_names as n where n.purpose in ('app', 'analyst')) $$,
    'the service policy names exactly the recorded application and analyst roles'
);
select is_empty(
    $$ select p.polrelid::regclass::text from pg_policy as p
       where p.polname = 'own_rows'
         and p.polroles <> array[(select r.oid from pg_roles as r, litellm.role_names as n
                                  where n.purpose = 'end_user' and r.rolname = n.role_name)] $$,
    'every own_rows policy names exactly the recorded end-user role'
);
select results_eq(
    $$ select n.purpose from litellm.role_names as n
       where n.purpose <> 'owner' and has_schema_privilege(n.role_name, 'litellm', 'usage') order by 1 $$,
    $$ values ('analyst'), ('app'), ('end_user') $$,
    'the recorded application, analyst and end-user roles may use the schema'
);
select results_eq(
    $$ select has_function_privilege(n.role_name, 'litellm.get_user_balance(text)', 'execute')
       from litellm.role_names as n where n.purpose = 'app' $$,
    $$ values (true) $$,
    'the recorded application role executes the API'
);

select * from finish();
rollback;
