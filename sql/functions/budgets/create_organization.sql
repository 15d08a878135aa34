create or replace function litellm.create_organization(
    organization_id text,
    name text default null,
    metadata jsonb default '{}'
)
returns litellm.organizations
language plpgsql
volatile
-- definer: the application role does not write the hierarchy tables directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_id text := litellm._check_hierarchy_id(create_organization.organization_id, 'organization_id');
    v_name text := litellm._check_text(create_organization.name, 'name', 255);
    v_metadata jsonb := litellm._check_metadata(create_organization.metadata);
    v_row litellm.organizations;
begin
    insert into litellm.organizations as o (organization_id, name, metadata)
    values (v_id, v_name, v_metadata)
    on conflict on constraint organizations_pkey do update
    set name = excluded.name, metadata = excluded.metadata, updated_at = pg_catalog.now()
    where (o.name, o.metadata) is distinct from (excluded.name, excluded.metadata)
    returning o.* into v_row;
    if v_row.organization_id is null then
        select o.* into v_row from litellm.organizations as o where o.organization_id = v_id;
    end if;
    return v_row;
end
$$;

comment on function litellm.create_organization(text, text, jsonb) is
'Creates the organisation, or sets the name and metadata of an existing one (calling it again with the same arguments '
'changes nothing). Returns the row. Raises LD054 (organization_id NULL or blank), LD007 (an id or name over 255 '
'characters, metadata not a JSON object or over 64 KiB).';
