create or replace function litellm.add_team_member(
    user_id text,
    team_id text,
    role text default 'member',
    is_primary boolean default null
)
returns litellm.team_memberships
language plpgsql
volatile
-- definer: the application role does not write the hierarchy tables directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(add_team_member.user_id);
    v_team text := litellm._check_hierarchy_id(add_team_member.team_id, 'team_id');
    v_role text := lower(btrim(coalesce(add_team_member.role, 'member')));
    v_primary boolean := add_team_member.is_primary;
    v_row litellm.team_memberships;
begin
    if v_role not in ('owner', 'admin', 'member', 'viewer') then
        raise exception using
            errcode = 'LD055',
            message = format('unknown team role %s', quote_literal(left(add_team_member.role, 300))),
            hint = 'A team role is owner, admin, member or viewer.';
    end if;
    if not exists (select from litellm.teams as t where t.team_id = v_team) then
        raise exception using
            errcode = 'LD251',
            message = format('unknown team %s', quote_literal(v_team)),
            hint = 'Create it first with litellm.create_team().';
    end if;

    -- One membership change per user at a time (the lock _sync_budget_subject
    -- takes), so two concurrent calls cannot both make a primary membership.
    perform litellm._lock('member:' || v_user);

    if v_primary is null then
        -- Not given: an existing membership keeps its flag; a new one is
        -- primary when the user has no primary team yet.
        select m.is_primary into v_primary
        from litellm.team_memberships as m
        where m.user_id = v_user and m.team_id = v_team;
        if v_primary is null then
            v_primary := not exists (
                select from litellm.team_memberships as m where m.user_id = v_user and m.is_primary
            );
        end if;
    end if;
    if v_primary then
        update litellm.team_memberships as m
        set is_primary = false, updated_at = pg_catalog.now()
        where m.user_id = v_user and m.is_primary and m.team_id <> v_team;
    end if;

    insert into litellm.team_memberships as m (user_id, team_id, role, is_primary)
    values (v_user, v_team, v_role, v_primary)
    on conflict on constraint team_memberships_pkey do update
    set role = excluded.role, is_primary = excluded.is_primary, updated_at = pg_catalog.now()
    where (m.role, m.is_primary) is distinct from (excluded.role, excluded.is_primary)
    returning m.* into v_row;
    if v_row.user_id is null then
        select m.* into v_row from litellm.team_memberships as m where m.user_id = v_user and m.team_id = v_team;
    end if;
    return v_row;
end
$$;

comment on function litellm.add_team_member(text, text, text, boolean) is
'Puts the user in the team with a role (owner, admin, member, viewer), or changes the role of an existing member. '
'is_primary true makes this the user''s primary team (the previous primary membership stays, not primary); false '
'makes it not primary; NULL (the default) keeps an existing member''s flag and makes a new membership primary when '
'the user has no primary team. Charges that name no team count against the primary team. The user need not have an '
'account. Returns the membership. Raises LD251 (unknown team), LD055 (unknown role), LD004 (bad user_id), LD054 '
'(team_id NULL or blank), LD007 (team_id over 255 characters).';
