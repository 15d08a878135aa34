-- A function body is parsed with the caller's standard_conforming_strings:
-- with it off, a backslash in a string literal becomes an escape, and the
-- literal means something else. So no body of the package contains one (a
-- regular expression writes [(] instead of \().
begin;
select plan(1);

select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace
         and pg_catalog.strpos(p.prosrc, pg_catalog.chr(92)) > 0 $$,
    'no function body contains a backslash'
);

select * from finish();
rollback;
