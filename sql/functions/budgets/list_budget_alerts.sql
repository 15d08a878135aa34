create or replace function litellm.list_budget_alerts(
    budget_id bigint default null,
    user_id text default null,
    team_id text default null,
    organization_id text default null,
    since timestamptz default null,
    max_rows integer default 100
)
returns table (
    alert_id bigint,
    budget_id bigint,
    level text,
    user_id text,
    team_id text,
    organization_id text,
    model text,
    period text,
    period_start date,
    threshold numeric,
    hard_limit numeric,
    spent numeric,
    charged_user_id text,
    charged_team_id text,
    created_at timestamptz
)
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    select
        a.alert_id,
        a.budget_id,
        b.level,
        b.user_id,
        b.team_id,
        b.organization_id,
        b.model,
        b.period,
        case when b.period <> 'none' then a.period_start end as period_start,
        a.threshold,
        a.hard_limit,
        a.spent,
        a.user_id as charged_user_id,
        a.team_id as charged_team_id,
        a.created_at
    from litellm.budget_alerts as a
    inner join litellm.budgets as b on a.budget_id = b.budget_id
    where
        (list_budget_alerts.budget_id is null or a.budget_id = list_budget_alerts.budget_id)  -- noqa: RF01
        and (list_budget_alerts.user_id is null or b.user_id = list_budget_alerts.user_id)  -- noqa: RF01
        and (list_budget_alerts.team_id is null or b.team_id = list_budget_alerts.team_id)  -- noqa: RF01
        and (list_budget_alerts.organization_id is null or b.organization_id = list_budget_alerts.organization_id)  -- noqa: RF01
        and (list_budget_alerts.since is null or a.created_at >= list_budget_alerts.since)  -- noqa: RF01
    order by a.created_at desc, a.alert_id desc
    limit litellm._check_max_rows(list_budget_alerts.max_rows);
end;

comment on function litellm.list_budget_alerts(bigint, text, text, text, timestamptz, integer) is
'Soft-threshold alerts, newest first: of one budget, or of the budgets of a user (user and membership budgets), a '
'team (team and membership budgets) or an organisation, since a time, at most max_rows (NULL: every one). charged_user_id '
'and charged_team_id name the charge that crossed the threshold. Raises LD009 (max_rows below 1).';
