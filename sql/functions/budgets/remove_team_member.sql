create or replace function litellm.remove_team_member(user_id text, team_id text)
returns boolean
language plpgsql
volatile
-- definer: the application role does not write the hierarchy tables directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(remove_team_member.user_id);
    v_team text := litellm._check_hierarchy_id(remove_team_member.team_id, 'team_id');
begin
    delete from litellm.team_memberships as m where m.user_id = v_user and m.team_id = v_team;
    return found;
end
$$;

comment on function litellm.remove_team_member(text, text) is
'Takes the user out of the team; true if they were a member. Removing the primary membership leaves the user without '
'a primary team (charges that name no team then count in no team) until add_team_member(..., is_primary => true). '
'The user''s membership budgets for the team stay, and apply again if a charge names the team. Raises LD004 (bad '
'user_id), LD054 (team_id NULL or blank), LD007 (team_id over 255 characters).';
