-- Soft-threshold alerts: recorded once per budget, period and threshold, and
-- announced with NOTIFY litellm_budget_alerts (docs/budgets.md).

create or replace function litellm._soft_threshold_crossed(
    threshold numeric, hard_limit numeric, spent_before numeric, spent_after numeric
)
returns boolean
language sql
immutable
security invoker
begin atomic
    select
        hard_limit > 0  -- noqa: RF01
        and spent_before < threshold * hard_limit  -- noqa: RF01
        and spent_after >= threshold * hard_limit;  -- noqa: RF01
end;

comment on function litellm._soft_threshold_crossed(numeric, numeric, numeric, numeric) is
'Whether a charge that took a budget''s spent from spent_before to spent_after crossed its soft threshold (a '
'fraction of hard_limit): reached it now, had not before. Never for a hard limit of 0.';

create or replace function litellm._record_budget_alerts(
    user_id text,
    team_id text,
    budget_ids bigint[],
    period_starts date[],
    spent_before numeric[],
    spent_after numeric[]
)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_alert record;
begin
    for v_alert in
        insert into litellm.budget_alerts as a (
            budget_id, period_start, threshold, hard_limit, spent, user_id, team_id
        )
        select
            b.budget_id, x.period_start, t.threshold, b.hard_limit, x.spent_after,
            _record_budget_alerts.user_id, _record_budget_alerts.team_id
        from unnest(
            _record_budget_alerts.budget_ids, _record_budget_alerts.period_starts, _record_budget_alerts.spent_before,
            _record_budget_alerts.spent_after
        ) as x (budget_id, period_start, spent_before, spent_after)
        inner join litellm.budgets as b on x.budget_id = b.budget_id
        cross join lateral unnest(b.soft_thresholds) as t (threshold)
        where litellm._soft_threshold_crossed(t.threshold, b.hard_limit, x.spent_before, x.spent_after)
          and not exists (
              select from litellm.budget_alerts as e
              where e.budget_id = x.budget_id and e.period_start = x.period_start and e.threshold = t.threshold
          )
        on conflict on constraint budget_alerts_budget_id_period_start_threshold_key do nothing
        returning a.alert_id, a.budget_id, a.period_start, a.threshold, a.hard_limit, a.spent, a.created_at
    loop
        perform pg_catalog.pg_notify(
            'litellm_budget_alerts',
            (
                select pg_catalog.json_build_object(
                    'alert_id', v_alert.alert_id,
                    'budget_id', b.budget_id,
                    'level', b.level,
                    'user_id', b.user_id,
                    'team_id', b.team_id,
                    'organization_id', b.organization_id,
                    'model', b.model,
                    'period', b.period,
                    'period_start', case when b.period = 'none' then null else v_alert.period_start end,
                    'threshold', v_alert.threshold,
                    'hard_limit', v_alert.hard_limit,
                    'spent', v_alert.spent,
                    'charged_user_id', _record_budget_alerts.user_id,
                    'charged_team_id', _record_budget_alerts.team_id,
                    'created_at', v_alert.created_at
                )::text
                from litellm.budgets as b
                where b.budget_id = v_alert.budget_id
            )
        );
    end loop;
end
$$;

comment on function litellm._record_budget_alerts(text, text, bigint[], date[], numeric[], numeric[]) is
'Records a budget_alerts row for every soft threshold (_soft_threshold_crossed()) that a charge by user_id in '
'team_id crossed on the counters it moved (budget_ids[i] in the period starting period_starts[i], whose spending went '
'from spent_before[i] to spent_after[i]; for a split budget spent_before is 0 and spent_after the total its rows show), '
'once per budget, period and threshold, and sends each new one as NOTIFY litellm_budget_alerts (JSON; '
'docs/budgets.md). For _apply_budgets().';
