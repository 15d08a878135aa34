-- Usage over an explicit range of UTC dates, grouped one of several ways: the
-- one query behind `litellm-db usage`, `litellm-db top` and `litellm-db report`.
-- The per-user summary answers for a user (or everyone); the attribution
-- summary answers for a team, organisation or tenant. Neither keeps the other's
-- key, so a user cannot be combined with a team, organisation or tenant.

create or replace function litellm.usage_between(
    from_date date,
    to_date date,
    group_by text default 'day',
    user_id text default null,
    team_id text default null,
    organization_id text default null,
    tenant_id text default null,
    max_rows integer default null
)
returns table (
    date date,
    subject text,
    provider text,
    model text,
    request_count bigint,
    success_count bigint,
    failure_count bigint,
    total_tokens bigint,
    avg_latency_ms numeric,
    total_cost numeric,
    total_cost_usd numeric
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_group text := lower(usage_between.group_by);
    v_limit integer := litellm._check_max_rows(usage_between.max_rows);
    v_day boolean;
    v_provider boolean;
    v_attribution boolean;
begin
    if usage_between.from_date is null or usage_between.to_date is null
        or usage_between.to_date < usage_between.from_date
        or usage_between.to_date - usage_between.from_date >= 36600 then
        raise exception using
            errcode = 'LD362',
            message = format('invalid date range %s to %s', coalesce(usage_between.from_date::text, 'NULL'),
                             coalesce(usage_between.to_date::text, 'NULL')),
            hint = 'from_date and to_date are UTC dates, both included, from_date <= to_date, at most 36600 days apart.';
    end if;
    if v_group is null or v_group not in (
        'day', 'day_provider', 'provider', 'model', 'user', 'team', 'organization', 'tenant'
    ) then
        raise exception using
            errcode = 'LD360',
            message = format('unknown grouping %s', coalesce(usage_between.group_by, 'NULL')),
            hint = 'group_by is one of day, day_provider, provider, model, user, team, organization, tenant.';
    end if;
    v_attribution := v_group in ('team', 'organization', 'tenant')
        or usage_between.team_id is not null
        or usage_between.organization_id is not null
        or usage_between.tenant_id is not null;
    if v_attribution and (usage_between.user_id is not null or v_group = 'user') then
        raise exception using
            errcode = 'LD360',
            message = 'a user cannot be combined with a team, organisation or tenant',
            detail = 'llm_usage_summary has users but no teams; llm_usage_attribution_summary has teams, organisations '
                     'and tenants but no users.',
            hint = 'Ask per user, or per team, organisation or tenant.';
    end if;
    v_day := v_group in ('day', 'day_provider');
    v_provider := v_group in ('day_provider', 'provider', 'model');

    if not v_attribution then
        return query
        select
            case when v_day then s.date end,
            case when v_group = 'user' then s.user_id end,
            case when v_provider then s.provider end,
            case when v_group = 'model' then s.model end,
            sum(s.request_count)::bigint,
            sum(s.success_count)::bigint,
            sum(s.failure_count)::bigint,
            sum(s.total_tokens)::bigint,
            round(sum(s.total_latency_ms) / nullif(sum(s.latency_count), 0), 1),
            sum(s.total_cost),
            sum(s.total_cost_usd)
        from litellm.llm_usage_summary as s
        where
            s.date between usage_between.from_date and usage_between.to_date
            and (usage_between.user_id is null or s.user_id = usage_between.user_id)
        group by 1, 2, 3, 4
        order by 1, 10 desc, 5 desc, 2, 3, 4
        limit v_limit;
    else
        return query
        select
            case when v_day then a.date end,
            nullif(case v_group
                when 'team' then a.team_id
                when 'organization' then a.organization_id
                when 'tenant' then a.tenant_id
            end, ''),
            case when v_provider then a.provider end,
            case when v_group = 'model' then a.model end,
            sum(a.request_count)::bigint,
            sum(a.success_count)::bigint,
            sum(a.failure_count)::bigint,
            sum(a.total_tokens)::bigint,
            round(sum(a.total_latency_ms) / nullif(sum(a.latency_count), 0), 1),
            sum(a.total_cost),
            sum(a.total_cost_usd)
        from litellm.llm_usage_attribution_summary as a
        where
            a.date between usage_between.from_date and usage_between.to_date
            and (usage_between.team_id is null or a.team_id = usage_between.team_id)
            and (usage_between.organization_id is null or a.organization_id = usage_between.organization_id)
            and (usage_between.tenant_id is null or a.tenant_id = usage_between.tenant_id)
        group by 1, 2, 3, 4
        order by 1, 10 desc, 5 desc, 2 nulls last, 3, 4
        limit v_limit;
    end if;
end
$$;

comment on function litellm.usage_between(date, date, text, text, text, text, text, integer) is
'Usage from from_date to to_date (UTC dates, both included), grouped by group_by: day, day_provider, provider, model '
'(with its provider), user, team, organization or tenant; columns not grouped on are NULL (subject holds the user, team, '
'organisation or tenant). Optionally for one user (from llm_usage_summary) or one team, organisation and/or tenant '
'(from llm_usage_attribution_summary). Calls, successes, failures, tokens, average latency (ms), cost in credits and '
'USD; by day in date order, otherwise highest cost first; at most max_rows rows (NULL: all). As of the last '
'refresh_usage_summary(). LD362 for a bad date range, LD360 for an unknown grouping or a user combined with a team, '
'organisation or tenant, LD009 for max_rows below 1.';
