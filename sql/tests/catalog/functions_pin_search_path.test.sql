-- Every function in the package pins search_path to '' (no object can be
-- shadowed by a caller's schema).
begin;
select plan(2);

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
       where p.pronamespace = 'litellm'::regnamespace
         and not coalesce('search_path=""' = any(p.proconfig), false) $$,
    'every function sets search_path = '''''
);

select * from finish();
rollback;
