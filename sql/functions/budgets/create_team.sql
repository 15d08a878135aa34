create or replace function litellm.create_team(
    team_id text,
    organization_id text default null,
    name text default null,
    metadata jsonb default '{}'
)
returns litellm.teams
language plpgsql
volatile
-- definer: the application role does not write the hierarchy tables directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_id text := litellm._check_hierarchy_id(create_team.team_id, 'team_id');
    v_org text := litellm._check_text(create_team.organization_id, 'organization_id', 255);
    v_name text := litellm._check_text(create_team.name, 'name', 255);
    v_metadata jsonb := litellm._check_metadata(create_team.metadata);
    v_row litellm.teams;
begin
    if v_org is not null
       and not exists (select from litellm.organizations as o where o.organization_id = v_org) then
        raise exception using
            errcode = 'LD250',
            message = format('unknown organization %s', quote_literal(v_org)),
            hint = 'Create it first with litellm.create_organization().';
    end if;
    insert into litellm.teams as t (team_id, organization_id, name, metadata)
    values (v_id, v_org, v_name, v_metadata)
    on conflict on constraint teams_pkey do update
    set organization_id = excluded.organization_id,
        name = excluded.name,
        metadata = excluded.metadata,
        updated_at = pg_catalog.now()
    where (t.organization_id, t.name, t.metadata)
          is distinct from (excluded.organization_id, excluded.name, excluded.metadata)
    returning t.* into v_row;
    if v_row.team_id is null then
        select t.* into v_row from litellm.teams as t where t.team_id = v_id;
    end if;
    return v_row;
end
$$;

comment on function litellm.create_team(text, text, text, jsonb) is
'Creates the team in organization_id (NULL: in no organisation), or sets the organisation, name and metadata of an '
'existing one: every argument is the new value, so calling it again with the same arguments changes nothing and '
'moving a team is calling it with another organisation. From then on the team''s charges count against the new '
'organisation''s budgets. Returns the row. Raises LD250 (unknown organisation), LD054 (team_id NULL or blank), '
'LD007 (an id or name over 255 characters, bad metadata).';
