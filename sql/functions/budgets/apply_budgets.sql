-- Budget enforcement inside a debit's transaction. The contract (docs/budgets.md):
--
--   select * from litellm._apply_budgets(user_id, team_id, model, amount, kind [, tags] [, released])
--
-- is called by a function that already holds the user's user_credits row lock.
-- It returns one row: ok = true when every budget that applies allowed the
-- amount and was updated; ok = false with the level, budget_id and a message
-- when one refused, and then it changed no amount at all. Each step is a
-- helper of this folder: the checks (internals.sql), the counters in lock
-- order (counters.sql; which budgets apply: subjects.sql), the alerts
-- (alerts.sql) and the daily attribution (attribution.sql).

create or replace function litellm._apply_budgets(
    user_id text,
    team_id text,
    model text,
    amount numeric,
    kind text,
    tags text[] default null,
    released numeric default 0
)
returns table (ok boolean, level text, budget_id bigint, error_message text)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_user text := _apply_budgets.user_id;
    v_amount numeric := round(_apply_budgets.amount, 6);
    v_released numeric := case when _apply_budgets.kind = 'settle' then round(greatest(_apply_budgets.released, 0), 6) else 0 end;
    v_tags text [];
    v_subject litellm.budget_subjects;
    v_team text;
    v_org text;
    v_moved record;
begin
    -- The arguments: one inlined test; the checks that raise (and collect the
    -- tags) run only when it finds something to check.
    if litellm._budget_args_to_check(
        v_user, _apply_budgets.amount, _apply_budgets.team_id, _apply_budgets.model, _apply_budgets.kind,
        _apply_budgets.tags
    ) then
        v_tags := litellm._check_budget_args(
            v_user, _apply_budgets.amount, _apply_budgets.team_id, _apply_budgets.model, _apply_budgets.kind,
            _apply_budgets.tags
        );
    end if;
    ok := true;
    if v_amount = 0 and v_released = 0 then
        return next;
        return;
    end if;

    -- Whom the charge counts against: the team it is made in, that team's
    -- organisation, the user's own budgets. The fast path: a user in no team,
    -- without budgets of their own, charged without a team or tags costs
    -- this one probe.
    select s.* into v_subject from litellm.budget_subjects as s where s.user_id = v_user;
    v_team := litellm._charge_team(_apply_budgets.team_id, v_subject);
    if v_team is null and v_tags is null and not coalesce(v_subject.has_user_budgets, false) then
        return next;
        return;
    end if;
    if v_team is not null then
        select t.organization_id into v_org from litellm.teams as t where t.team_id = v_team;
    end if;

    -- Every applicable budget's counter, in lock order; all or nothing.
    v_moved := litellm._move_budget_counters(
        user_id => v_user, team_id => v_team, organization_id => v_org, model => _apply_budgets.model,
        has_user_budgets => coalesce(v_subject.has_user_budgets, false),
        has_membership_budgets => coalesce(v_subject.has_membership_budgets, false),
        amount => v_amount, kind => _apply_budgets.kind, released => v_released
    );
    if v_moved.refusal is not null then
        ok := false;
        level := v_moved.refused_level;
        budget_id := v_moved.refused_budget_id;
        error_message := v_moved.refusal;
        -- A settlement refused beyond its hold charged the hold: it goes on.
        if _apply_budgets.kind <> 'settle' then
            return next;
            return;
        end if;
    end if;

    if v_moved.thresholds_crossed then
        perform litellm._record_budget_alerts(
            v_user, v_team, v_moved.budget_ids, v_moved.period_starts, v_moved.spent_before, v_moved.spent_after
        );
    end if;

    if _apply_budgets.kind in ('charge', 'settle', 'refund') and v_moved.charged > 0 then
        perform litellm._attribute_spend(
            v_user, v_team, v_org, _apply_budgets.model, v_moved.charged,
            _apply_budgets.kind, v_tags
        );
    end if;
    return next;
end
$$;

comment on function litellm._apply_budgets(text, text, text, numeric, text, text[], numeric) is
'Checks and updates every budget a charge of amount for user_id in team_id (NULL: the user''s primary team) and model '
'applies to: the user''s, the membership''s, the team''s, its organisation''s, and per-model budgets of those for '
'model. kind: charge (adds to spent; refused past the hard limit), hold (adds to held; refused likewise), release '
'(takes from held, never below 0, never refused), settle (the settlement of a hold of released: takes released from '
'held, never below 0, and adds amount to spent, in one move per budget; up to released never refused, beyond it as '
'far as every budget allows), refund (takes from spent, never below 0). All-or-nothing: returns ok = true '
'after updating every counter, or ok = false with the first refusing level (user, membership, team, organization or '
'model:<name>), its budget_id and a message, having changed no amount; a settlement refused beyond its hold has '
'charged every budget released instead (and goes on to the alerts and attribution of that). A charge crossing a soft threshold records '
'budget_alerts once per budget, period and threshold and sends NOTIFY litellm_budget_alerts. Charges and refunds in '
'a team are attributed in spend_daily, with tags in spend_tag_daily. Call it with the user''s account row locked; '
'locks counters in the order of _budgets_applying(). Raises LD050 (unknown kind, bad tags), LD001 (bad amount), '
'LD004 (bad user_id), LD007 (team_id or model over 255 characters).';
