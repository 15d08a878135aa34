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
    with scope as (
        select
            get_budget_status.user_id as u,  -- noqa: RF01
            ct.charge_team as t,
            coalesce(
                get_budget_status.organization_id,  -- noqa: RF01
                (
                    select tm.organization_id from litellm.teams as tm
                    where tm.team_id = ct.charge_team
                )
            ) as o
        from litellm._charge_team_of(get_budget_status.user_id, get_budget_status.team_id) as ct  -- noqa: RF01
    ),

    applicable as (
        select
            a.budget_id,
            a.lock_rank as rank
        from scope as sc
        cross join lateral litellm._subject_budgets(sc.u, sc.t, sc.o, true, true) as a
        union all
        select
            b.budget_id,
            case b.level when 'user' then 1 when 'membership' then 2 when 'team' then 3 else 4 end as rank
        from litellm.budgets as b cross join scope as sc
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
        -- The newest period's rows (one per share): their totals.
        select
            c1.period_start,
            sum(c1.spent) as spent,
            sum(c1.held) as held
        from litellm.budget_counters as c1
        where
            c1.budget_id = cp.budget_id and c1.period_start = (
                select max(c2.period_start) from litellm.budget_counters as c2
                where c2.budget_id = cp.budget_id and c2.period_start <= cp.start
            )
        group by c1.period_start
    ) as c on true
    order by cp.rank, cp.budget_id;
end;

comment on function litellm.get_budget_status(text, text, text) is
'The active budgets that apply, with this period''s spent, held and remaining (hard_limit - spent - held, at least 0). '
'For a user: their user budgets, and in team_id (NULL: their primary team) their membership budgets, the team''s and '
'its organisation''s (organization_id overrides the team''s). For a team alone: the team''s and its organisation''s. '
'For an organisation alone: its budgets. With no argument: every active budget. period_start and period_end (exclusive) '
'are UTC days, NULL for period none. Per-model budgets are listed with their model. A split budget''s figures are '
'the totals over its counter rows.';
