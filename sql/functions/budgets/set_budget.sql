create or replace function litellm.set_budget(
    level text,
    hard_limit numeric,
    user_id text default null,
    team_id text default null,
    organization_id text default null,
    period text default 'monthly',
    soft_thresholds numeric[] default '{}',
    model text default null,
    active boolean default true,
    metadata jsonb default '{}'
)
returns litellm.budgets
language plpgsql
volatile
-- definer: the application role does not write budgets directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_level text := lower(btrim(set_budget.level));
    v_period text := lower(btrim(set_budget.period));
    v_limit numeric := litellm._check_amount(set_budget.hard_limit, 'hard_limit', true);
    v_metadata jsonb := litellm._check_metadata(set_budget.metadata);
    v_thresholds numeric [] := coalesce(set_budget.soft_thresholds, '{}');
    v_user text;
    v_team text;
    v_org text;
    v_model text;
    v_row litellm.budgets;
begin
    if v_level is null or v_level not in ('user', 'membership', 'team', 'organization') then
        raise exception using
            errcode = 'LD051',
            message = format('unknown budget level %s', coalesce(quote_literal(left(set_budget.level, 300)), 'NULL')),
            hint = 'A budget''s level is user, membership, team or organization.';
    end if;
    if v_period is null or v_period not in ('daily', 'weekly', 'monthly', 'none') then
        raise exception using
            errcode = 'LD052',
            message = format('unknown budget period %s', coalesce(quote_literal(left(set_budget.period, 300)), 'NULL')),
            hint = 'A budget''s period is daily, weekly, monthly (UTC) or none.';
    end if;

    -- The level says which ids name the subject; the others must be NULL.
    if v_level in ('user', 'membership') then
        v_user := litellm._check_user_id(set_budget.user_id);
    elsif set_budget.user_id is not null then
        raise exception using
            errcode = 'LD051', message = format('a %s budget takes no user_id', v_level);
    end if;
    if v_level in ('membership', 'team') then
        v_team := litellm._check_hierarchy_id(set_budget.team_id, 'team_id');
    elsif set_budget.team_id is not null then
        raise exception using
            errcode = 'LD051', message = format('a %s budget takes no team_id', v_level),
            hint = 'A user''s budget within one team is level membership.';
    end if;
    if v_level = 'organization' then
        v_org := litellm._check_hierarchy_id(set_budget.organization_id, 'organization_id');
    elsif set_budget.organization_id is not null then
        raise exception using
            errcode = 'LD051', message = format('a %s budget takes no organization_id', v_level);
    end if;
    if set_budget.model is not null then
        v_model := litellm._check_hierarchy_id(set_budget.model, 'model');
    end if;

    if pg_catalog.array_ndims(v_thresholds) > 1
       or cardinality(v_thresholds) > 10
       or array_position(v_thresholds, null) is not null
       or exists (select from unnest(v_thresholds) as t (x) where t.x <= 0 or t.x > 1 or t.x <> round(t.x, 6)) then
        raise exception using
            errcode = 'LD053',
            message = format('invalid soft thresholds %s', left(v_thresholds::text, 300)),
            hint = 'Soft thresholds are up to 10 fractions of the hard limit, each above 0 and at most 1, such as {0.5,0.8}.';
    end if;
    v_thresholds := array(select distinct t.x from unnest(v_thresholds) as t (x) order by t.x);

    if v_org is not null and not exists (select from litellm.organizations as o where o.organization_id = v_org) then
        raise exception using
            errcode = 'LD250', message = format('unknown organization %s', quote_literal(v_org));
    end if;
    if v_team is not null and not exists (select from litellm.teams as t where t.team_id = v_team) then
        raise exception using
            errcode = 'LD251', message = format('unknown team %s', quote_literal(v_team));
    end if;
    if v_level = 'membership'
       and not exists (
           select from litellm.team_memberships as m where m.user_id = v_user and m.team_id = v_team
       ) then
        raise exception using
            errcode = 'LD252',
            message = format('user %s is not a member of team %s', v_user, v_team),
            hint = 'Add the member first with litellm.add_team_member().';
    end if;

    insert into litellm.budgets as b (
        level, user_id, team_id, organization_id, model, period, hard_limit, soft_thresholds, active, metadata
    ) values (
        v_level, v_user, v_team, v_org, v_model, v_period, v_limit, v_thresholds,
        coalesce(set_budget.active, true), v_metadata
    )
    on conflict (level, coalesce(user_id, ''), coalesce(team_id, ''), coalesce(organization_id, ''), coalesce(model, ''), period)
    do update
    set hard_limit = excluded.hard_limit,
        soft_thresholds = excluded.soft_thresholds,
        active = excluded.active,
        metadata = excluded.metadata,
        updated_at = pg_catalog.now()
    where (b.hard_limit, b.soft_thresholds, b.active, b.metadata)
          is distinct from (excluded.hard_limit, excluded.soft_thresholds, excluded.active, excluded.metadata)
    returning b.* into v_row;
    if v_row.budget_id is null then
        select b.* into v_row
        from litellm.budgets as b
        where b.level = v_level
          and coalesce(b.user_id, '') = coalesce(v_user, '')
          and coalesce(b.team_id, '') = coalesce(v_team, '')
          and coalesce(b.organization_id, '') = coalesce(v_org, '')
          and coalesce(b.model, '') = coalesce(v_model, '')
          and b.period = v_period;
    end if;
    return v_row;
end
$$;

comment on function litellm.set_budget(text, numeric, text, text, text, text, numeric[], text, boolean, jsonb) is
'Creates or changes the budget of one subject: level user (user_id), membership (user_id within team_id), team '
'(team_id) or organization (organization_id); period daily, weekly, monthly (UTC) or none; hard_limit in credits; '
'soft_thresholds as fractions of it ({0.5,0.8}); model NULL for every charge or a name for a per-model limit. One '
'budget per level, subject, model and period: calling again changes its limit, thresholds, active flag and metadata '
'(what was spent this period stays). active => false stops checking it. Returns the budget. Raises LD051 (unknown '
'level, or an id the level does not take), LD052 (unknown period), LD053 (bad thresholds), LD250 (unknown '
'organisation), LD251 (unknown team), LD252 (the user is not in the team), LD001 (bad hard_limit), LD004 (bad '
'user_id), LD054 (a required id or the model blank), LD007 (an id over 255 characters, bad metadata).';
