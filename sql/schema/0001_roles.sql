-- Cluster-wide roles the grants refer to. Both are NOLOGIN group roles: grant
-- them to the login roles your gateway and your analysts use.
--   litellm_app     executes the API functions; may insert usage rows and
--                   provider health directly (the seed's statements), never
--                   writes the journal except through the functions.
--   litellm_analyst reads summaries, catalogues and views.
-- The role that runs the installer owns every object (the owner role).
do $roles$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'litellm_app') then
        create role litellm_app nologin;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'litellm_analyst') then
        create role litellm_analyst nologin;
    end if;
end
$roles$;
