create or replace function litellm.get_budget_status(
    user_id text default null,
    team_id text default null,
    organization_id text default null
)
returns table (
    budget_id bigint,
    level text,
    user_id text,
    team_id text,
    organization_id text,
    model text,
    period text,
    period_start date,
    period_end date,
    hard_limit numeric,
    soft_thresholds numeric[],
    spent numeric,
    held numeric,
    remaining numeric
)
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    with subject as (
        select
            get_budget_status.user_id as u,  -- noqa: RF01
            litellm._charge_team(
                get_budget_status.team_id,  -- noqa: RF01
                (
                    select bs from litellm.budget_subjects as bs
                    where bs.user_id = get_budget_status.user_id  -- noqa: RF01
                )
            ) as t
    ),

    scope as (
        select
            s.u,
            s.t,
            coalesce(
                get_budget_status.organization_id,  -- noqa: RF01
                (
                    select tm.organization_id from litellm.teams as tm
                    where tm.team_id = s.t
                )
            ) as o
        from subject as s
    ),

    applicable as (
        select
            b1.budget_id,
            1 as rank
        from litellm.budgets as b1 inner join scope as sc on b1.user_id = sc.u
        where b1.level = 'user'
        union all
        select
            b2.budget_id,
            2 as rank
        from litellm.budgets as b2 inner join scope as sc on b2.user_id = sc.u and b2.team_id = sc.t
        where b2.level = 'membership'
        union all
        select
            b3.budget_id,
            3 as rank
        from litellm.budgets as b3 inner join scope as sc on b3.team_id = sc.t
        where b3.level = 'team'
        union all
        select
            b4.budget_id,
            4 as rank
        from litellm.budgets as b4 inner join scope as sc on b4.organization_id = sc.o
        where b4.level = 'organization'
        union all
        select
            b5.budget_id,
            case b5.level when 'user' then 1 when 'membership' then 2 when 'team' then 3 else 4 end as rank
        from litellm.budgets as b5 cross join scope as sc
        where sc.u is null and sc.t is null and sc.o is null
    ),

    current_period as (
        select
            ap.rank,
            b.budget_id,
            b.level,
            b.user_id,
            b.team_id,
            b.organization_id,
            b.model,
            b.period,
            b.hard_limit,
            b.soft_thresholds,
            litellm._budget_period_start(b.period, pg_catalog.now()) as start
        from applicable as ap
        inner join litellm.budgets as b on ap.budget_id = b.budget_id
        where b.active
    )

    select
        cp.budget_id,
        cp.level,
        cp.user_id,
        cp.team_id,
        cp.organization_id,
        cp.model,
        cp.period,
        case when cp.period <> 'none' then cp.start end as period_start,
        litellm._budget_period_end(cp.period, cp.start) as period_end,
        cp.hard_limit,
        cp.soft_thresholds,
        coalesce(case when c.period_start = cp.start then c.spent end, 0.000000) as spent,
        coalesce(c.held, 0.000000) as held,
        greatest(
            cp.hard_limit - coalesce(case when c.period_start = cp.start then c.spent end, 0.000000) - coalesce(c.held, 0.000000), 0
        ) as remaining
    from current_period as cp
    left join lateral (
        select
            c1.period_start,
            c1.spent,
            c1.held
        from litellm.budget_counters as c1
        where c1.budget_id = cp.budget_id and c1.period_start <= cp.start
        order by c1.period_start desc
        limit 1
    ) as c on true
    order by cp.rank, cp.budget_id;
end;

comment on function litellm.get_budget_status(text, text, text) is
'The active budgets that apply, with this period''s spent, held and remaining (hard_limit - spent - held, at least 0). '
'For a user: their user budgets, and in team_id (NULL: their primary team) their membership budgets, the team''s and '
'its organisation''s (organization_id overrides the team''s). For a team alone: the team''s and its organisation''s. '
'For an organisation alone: its budgets. With no argument: every active budget. period_start and period_end (exclusive) '
'are UTC days, NULL for period none. Per-model budgets are listed with their model.';
