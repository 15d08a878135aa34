begin;
select plan(3);

select is_empty(
    $$ select p.oid::regprocedure::text from pg_proc as p
       where p.pronamespace = 'litellm'::regnamespace
         and obj_description(p.oid, 'pg_proc') is null $$,
    'every function has a COMMENT'
);
select is_empty(
    $$ select c.oid::regclass::text from pg_class as c
       where c.relnamespace = 'litellm'::regnamespace
         and c.relkind in ('r', 'p', 'v', 'm')
         and not c.relispartition
         and obj_description(c.oid, 'pg_class') is null $$,
    'every table and view has a COMMENT'
);
select isnt(obj_description('litellm'::regnamespace, 'pg_namespace'), null, 'the schema has a COMMENT');

select * from finish();
rollback;
