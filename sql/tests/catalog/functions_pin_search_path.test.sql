-- Every function in the package pins search_path to '' (no object can be
-- shadowed by a caller's schema). A procedure that commits cannot have a SET
-- clause, so each procedure must run as its caller instead: it can then do
-- nothing its caller's role could not do anyway.
begin;
select plan(4);

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
         and not coalesce('search_path=""' = any(p.proconfig), false) $$,
    'every function sets search_path = '''''
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
