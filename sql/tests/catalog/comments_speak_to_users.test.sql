-- The package's COMMENTs are written for its users: they cite no design
-- document ("seed 000") and no issue number, which a user never sees.
begin;
select plan(2);

create temporary view package_comments as
select d.description
from pg_catalog.pg_description as d
where
    (d.classoid = 'pg_catalog.pg_class'::regclass and d.objoid in (
        select c.oid from pg_catalog.pg_class as c
        where c.relnamespace = 'litellm'::regnamespace
    ))
    or (d.classoid = 'pg_catalog.pg_proc'::regclass and d.objoid in (
        select p.oid from pg_catalog.pg_proc as p
        where p.pronamespace = 'litellm'::regnamespace
    ))
    or (d.classoid = 'pg_catalog.pg_type'::regclass and d.objoid in (
        select t.oid from pg_catalog.pg_type as t
        where t.typnamespace = 'litellm'::regnamespace
    ))
    or (d.classoid = 'pg_catalog.pg_policy'::regclass)
    or (d.classoid = 'pg_catalog.pg_trigger'::regclass);

select cmp_ok((select count(*) from package_comments), '>', 100::bigint, 'the package''s comments are read');
select is_empty(
    $$ select description from package_comments where description ~* '\mseeds?\M|\missue\s*#?[0-9]' $$,
    'no comment cites a design document or an issue'
);

select * from finish();
rollback;
