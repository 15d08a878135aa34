-- litellm.set_budget() and its steps: the level, the period, the ids the level
-- takes, the soft thresholds, the subject's existence, then the upsert.

create or replace function litellm._check_budget_level(level text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_level text := lower(btrim(level));
begin
    if v_level is null or v_level not in ('user', 'membership', 'team', 'organization') then
        raise exception using
            errcode = 'LD051',
            message = format('unknown budget level %s', coalesce(quote_literal(left(level, 300)), 'NULL')),
            hint = 'A budget''s level is user, membership, team or organization.';
    end if;
    return v_level;
end
$$;

comment on function litellm._check_budget_level(text) is
'A budget level in lower case: user, membership, team or organization; raises LD051 for any other.';

create or replace function litellm._check_budget_period(period text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_period text := lower(btrim(period));
begin
    if v_period is null or v_period not in ('daily', 'weekly', 'monthly', 'none') then
        raise exception using
            errcode = 'LD052',
            message = format('unknown budget period %s', coalesce(quote_literal(left(period, 300)), 'NULL')),
            hint = 'A budget''s period is daily, weekly, monthly (UTC) or none.';
    end if;
    return v_period;
end
$$;

comment on function litellm._check_budget_period(text) is
'A budget period in lower case: daily, weekly, monthly or none; raises LD052 for any other.';

create or replace function litellm._check_budget_subject_ids(
    level text,
    inout user_id text,
    inout team_id text,
    inout organization_id text
)
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    -- The level says which ids name the subject; the others must be NULL.
    if level in ('user', 'membership') then
        user_id := litellm._check_user_id(user_id);
    elsif user_id is not null then
        raise exception using
            errcode = 'LD051', message = format('a %s budget takes no user_id', level);
    end if;
    if level in ('membership', 'team') then
        team_id := litellm._check_hierarchy_id(team_id, 'team_id');
    elsif team_id is not null then
        raise exception using
            errcode = 'LD051', message = format('a %s budget takes no team_id', level),
            hint = 'A user''s budget within one team is level membership.';
    end if;
    if level = 'organization' then
        organization_id := litellm._check_hierarchy_id(organization_id, 'organization_id');
    elsif organization_id is not null then
        raise exception using
            errcode = 'LD051', message = format('a %s budget takes no organization_id', level);
    end if;
end
$$;

comment on function litellm._check_budget_subject_ids(text, text, text, text) is
'Checks the ids that name the subject of a budget of level (a checked level): user_id for user and membership, '
'team_id for membership and team, organization_id for organization, each required (LD004, LD054, LD007) and the '
'others NULL (LD051). Returns them.';

create or replace function litellm._check_soft_thresholds(soft_thresholds numeric[])
returns numeric[]
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_thresholds numeric[] := coalesce(soft_thresholds, '{}');
begin
    if pg_catalog.array_ndims(v_thresholds) > 1
       or cardinality(v_thresholds) > 10
       or array_position(v_thresholds, null) is not null
       or exists (select from unnest(v_thresholds) as t (x) where t.x <= 0 or t.x > 1 or t.x <> round(t.x, 6)) then
        raise exception using
            errcode = 'LD053',
            message = format('invalid soft thresholds %s', left(v_thresholds::text, 300)),
            hint = 'Soft thresholds are up to 10 fractions of the hard limit, each above 0 and at most 1, such as {0.5,0.8}.';
    end if;
    return array(select distinct t.x from unnest(v_thresholds) as t (x) order by t.x);
end
$$;

comment on function litellm._check_soft_thresholds(numeric[]) is
'The soft thresholds of a budget, distinct and sorted (NULL: none); raises LD053 unless they are at most 10 '
'fractions above 0 and at most 1 with at most 6 decimals.';

create or replace function litellm._check_budget_subject_exists(
    level text, user_id text, team_id text, organization_id text
)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    if organization_id is not null
       and not exists (select from litellm.organizations as o where o.organization_id = $4) then
        raise exception using
            errcode = 'LD250', message = format('unknown organization %s', quote_literal(organization_id));
    end if;
    if team_id is not null and not exists (select from litellm.teams as t where t.team_id = $3) then
        raise exception using
            errcode = 'LD251', message = format('unknown team %s', quote_literal(team_id));
    end if;
    if level = 'membership'
       and not exists (
           select from litellm.team_memberships as m where m.user_id = $2 and m.team_id = $3
       ) then
        raise exception using
            errcode = 'LD252',
            message = format('user %s is not a member of team %s', user_id, team_id),
            hint = 'Add the member first with litellm.add_team_member().';
    end if;
end
$$;

comment on function litellm._check_budget_subject_exists(text, text, text, text) is
'Raises LD250 for an unknown organization_id, LD251 for an unknown team_id, and LD252 when a membership budget''s '
'user is not in its team.';

create or replace function litellm._upsert_budget(
    level text,
    user_id text,
    team_id text,
    organization_id text,
    model text,
    period text,
    hard_limit numeric,
    soft_thresholds numeric[],
    active boolean,
    metadata jsonb
)
returns litellm.budgets
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_row litellm.budgets;
begin
    insert into litellm.budgets as b (
        level, user_id, team_id, organization_id, model, period, hard_limit, soft_thresholds, active, metadata
    ) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
        where b.level = $1
          and coalesce(b.user_id, '') = coalesce($2, '')
          and coalesce(b.team_id, '') = coalesce($3, '')
          and coalesce(b.organization_id, '') = coalesce($4, '')
          and coalesce(b.model, '') = coalesce($5, '')
          and b.period = $6;
    end if;
    return v_row;
end
$$;

comment on function litellm._upsert_budget(text, text, text, text, text, text, numeric, numeric[], boolean, jsonb) is
'Inserts the budget of level, subject, model and period, or changes the limit, thresholds, active flag and metadata '
'of the one there is (its updated_at only when one of them changes); returns the budget. The arguments are checked '
'by litellm.set_budget().';

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
declare
    v_limit numeric := litellm._check_amount(set_budget.hard_limit, 'hard_limit', true);
    v_metadata jsonb := litellm._check_metadata(set_budget.metadata);
    v_level text := litellm._check_budget_level(set_budget.level);
    v_period text := litellm._check_budget_period(set_budget.period);
    v_ids record := litellm._check_budget_subject_ids(
        v_level, set_budget.user_id, set_budget.team_id, set_budget.organization_id
    );
    v_model text := case when set_budget.model is not null then litellm._check_hierarchy_id(set_budget.model, 'model') end;
    v_thresholds numeric[] := litellm._check_soft_thresholds(set_budget.soft_thresholds);
    v_row litellm.budgets;
begin
    perform litellm._check_budget_subject_exists(v_level, v_ids.user_id, v_ids.team_id, v_ids.organization_id);
    v_row := litellm._upsert_budget(
        v_level, v_ids.user_id, v_ids.team_id, v_ids.organization_id, v_model, v_period, v_limit, v_thresholds,
        coalesce(set_budget.active, true), v_metadata
    );
    -- A split budget's parts of the limit follow the new limit at once.
    perform litellm._resplit_budget(v_row);
    return v_row;
end
$$;

comment on function litellm.set_budget(text, numeric, text, text, text, text, numeric[], text, boolean, jsonb) is
'Creates or changes the budget of one subject: level user (user_id), membership (user_id within team_id), team '
'(team_id) or organization (organization_id); period daily, weekly, monthly (UTC) or none; hard_limit in credits; '
'soft_thresholds as fractions of it ({0.5,0.8}); model NULL for every charge or a name for a per-model limit. One '
'budget per level, subject, model and period: calling again changes its limit, thresholds, active flag and metadata '
'(what was spent this period stays; a split budget''s rows share the new limit at once). active => false stops '
'checking it. Returns the budget. Raises LD051 (unknown '
'level, or an id the level does not take), LD052 (unknown period), LD053 (bad thresholds), LD250 (unknown '
'organisation), LD251 (unknown team), LD252 (the user is not in the team), LD001 (bad hard_limit), LD004 (bad '
'user_id), LD054 (a required id or the model blank), LD007 (an id over 255 characters, bad metadata).';
