-- Every function in the package either pins search_path to exactly
-- "pg_catalog, pg_temp", or is a security-invoker BEGIN ATOMIC body with no SET
-- clause (its names are bound when it is created, so no path is consulted when
-- it runs). PostgreSQL searches the caller's temporary schema first for
-- relations and types unless the path names pg_temp: with search_path = '' a
-- caller's pg_temp.text would be used inside a SECURITY DEFINER function.
-- A procedure that commits cannot have a SET clause, so each procedure must run
-- as its caller instead: it can then do nothing its caller's role could not do.
begin;
select plan(5);

select ok(
    (
        select count(*) from pg_proc
        where pronamespace = 'litellm'::regnamespace
    ) >= 5,
    'the package has functions to check'
);
select is_empty(
    $$ select p.oid::regprocedure::text
       from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prokind <> 'p'
         and not coalesce('search_path=pg_catalog, pg_temp' = any(p.proconfig), false)
         and not (p.prosqlbody is not null and not p.prosecdef and p.proconfig is null) $$,
    'every function sets search_path = pg_catalog, pg_temp, or is a security invoker BEGIN ATOMIC body'
);
select is_empty(
    $$ select p.oid::regprocedure::text || ' ' || c
       from pg_proc as p, unnest(p.proconfig) as c
       where p.pronamespace = 'litellm'::regnamespace
         and c like 'search_path=%' and c <> 'search_path=pg_catalog, pg_temp' $$,
    'no function sets any other search_path'
);
select ok(
    exists (
        select from pg_proc
        where pronamespace = 'litellm'::regnamespace and prokind = 'p'
    ),
    'the package has procedures to check'
);
select is_empty(
    $$ select p.oid::regprocedure::text
       from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace and p.prokind = 'p' and p.prosecdef $$,
    'every procedure is security invoker'
);

select * from finish();
rollback;
