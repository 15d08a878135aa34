create or replace function litellm.get_daily_spend(
    user_id text default null,
    team_id text default null,
    organization_id text default null,
    tag text default null,
    days integer default 30
)
returns table (
    date date,
    model text,
    spend numeric,
    refunded numeric,
    charge_count bigint
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_since date;
begin
    if get_daily_spend.days is null or get_daily_spend.days < 1 or get_daily_spend.days > 36600 then
        raise exception using
            errcode = 'LD056',
            message = format('days must be between 1 and 36600, got %s', coalesce(get_daily_spend.days::text, 'NULL'));
    end if;
    if num_nonnulls(get_daily_spend.user_id, get_daily_spend.team_id, get_daily_spend.organization_id,
                    get_daily_spend.tag) = 0 then
        raise exception using
            errcode = 'LD056',
            message = 'name a user_id, team_id, organization_id or tag',
            hint = 'user_id and team_id together give a membership''s spend.';
    end if;
    if get_daily_spend.tag is not null
       and num_nonnulls(get_daily_spend.team_id, get_daily_spend.organization_id) > 0 then
        raise exception using
            errcode = 'LD056',
            message = 'a tag''s spend can be narrowed to a user_id, not to a team or organisation';
    end if;
    v_since := (pg_catalog.now() at time zone 'UTC')::date - get_daily_spend.days + 1;

    if get_daily_spend.tag is not null then
        return query
        select t.date, null::text, sum(t.spend), sum(t.refunded), sum(t.charge_count)::bigint
        from litellm.spend_tag_daily as t
        where t.tag = get_daily_spend.tag and t.date >= v_since
          and (get_daily_spend.user_id is null or t.user_id = get_daily_spend.user_id)
        group by t.date
        order by t.date;
    elsif get_daily_spend.user_id is not null then
        return query
        select d.date, nullif(d.model, ''), sum(d.spend), sum(d.refunded), sum(d.charge_count)::bigint
        from litellm.spend_daily as d
        where d.user_id = get_daily_spend.user_id and d.date >= v_since
          and (get_daily_spend.team_id is null or d.team_id = get_daily_spend.team_id)
          and (get_daily_spend.organization_id is null or d.organization_id = get_daily_spend.organization_id)
        group by d.date, d.model
        order by d.date, d.model;
    elsif get_daily_spend.team_id is not null then
        return query
        select d.date, nullif(d.model, ''), sum(d.spend), sum(d.refunded), sum(d.charge_count)::bigint
        from litellm.spend_daily as d
        where d.team_id = get_daily_spend.team_id and d.date >= v_since
          and (get_daily_spend.organization_id is null or d.organization_id = get_daily_spend.organization_id)
        group by d.date, d.model
        order by d.date, d.model;
    else
        return query
        select d.date, nullif(d.model, ''), sum(d.spend), sum(d.refunded), sum(d.charge_count)::bigint
        from litellm.spend_daily as d
        where d.organization_id = get_daily_spend.organization_id and d.organization_id <> '' and d.date >= v_since
        group by d.date, d.model
        order by d.date, d.model;
    end if;
end
$$;

comment on function litellm.get_daily_spend(text, text, text, text, integer) is
'Spend per UTC day and model over the last days days (today included) for a user''s charges in teams (user_id), a '
'membership (user_id and team_id), a team (team_id) or an organisation (organization_id), or per day for a tag '
'(optionally one user''s): spend, refunded and the number of charges, from spend_daily and spend_tag_daily. Charges '
'made in no team are not attributed here (see llm_usage_summary). Raises LD056 (days outside 1..36600, no subject, '
'or a tag with a team or organisation).';
