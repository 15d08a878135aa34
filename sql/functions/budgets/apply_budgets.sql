-- Budget enforcement inside a debit's transaction. The contract (docs/budgets.md):
--
--   select * from litellm._apply_budgets(user_id, team_id, model, amount, kind [, tags])
--
-- is called by a function that already holds the user's user_credits row lock.
-- It returns one row: ok = true when every budget that applies allowed the
-- amount and was updated; ok = false with the level, budget_id and a message
-- when one refused, and then it changed no amount at all.
--
-- Locks follow the order in docs/ledger.md ("Lock order"). Budget counters
-- come last, in the order of _budgets_applying()'s (lock_rank, budget_id); a
-- transaction that will call _apply_budgets for more than one charge, hold or
-- release of different teams or models (a sweep of expired holds, then a
-- charge) first locks all their counters with _lock_budget_counters().

create or replace function litellm._lock_budget_counter(budget_id bigint, period text)
returns litellm.budget_counters
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_period text := _lock_budget_counter.period;
    v_now timestamptz;
    v_start date;
    v_row litellm.budget_counters;
    v_prev litellm.budget_counters;
    v_created boolean;
begin
    loop
        -- By the clock, not the transaction's start: see the check below.
        v_now := pg_catalog.clock_timestamp();
        v_start := litellm._budget_period_start(v_period, v_now);
        select c.* into v_row
        from litellm.budget_counters as c
        where c.budget_id = _lock_budget_counter.budget_id and c.period_start = v_start
        for update;
        if not found then
            -- The first charge or hold of the period creates its row. Lock the
            -- newest earlier row first (older before newer, as everywhere), so
            -- that exactly one transaction creates the row and moves the live
            -- holds into it.
            v_prev := null;
            v_created := null;
            select c.* into v_prev
            from litellm.budget_counters as c
            where c.budget_id = _lock_budget_counter.budget_id and c.period_start < v_start
            order by c.period_start desc
            limit 1
            for update;
            insert into litellm.budget_counters (budget_id, period_start, held)
            values (_lock_budget_counter.budget_id, v_start, coalesce(v_prev.held, 0))
            on conflict on constraint budget_counters_pkey do nothing
            returning true into v_created;
            if v_created and v_prev.held > 0 then
                update litellm.budget_counters as c
                set held = 0
                where c.budget_id = _lock_budget_counter.budget_id and c.period_start = v_prev.period_start;
            end if;
            select c.* into strict v_row
            from litellm.budget_counters as c
            where c.budget_id = _lock_budget_counter.budget_id and c.period_start = v_start
            for update;
        end if;
        -- Still the same period now that the row is ours? A transaction that
        -- waited across a period boundary takes the new period's row instead
        -- (whoever creates it waits for this lock and moves what we hold).
        v_now := pg_catalog.clock_timestamp();
        exit when v_start = litellm._budget_period_start(v_period, v_now);
    end loop;
    return v_row;
end
$$;

comment on function litellm._lock_budget_counter(bigint, text) is
'Locks and returns the budget''s counter row for the current period (UTC, by the clock), creating it on the first '
'charge of the period and moving the held amount of the newest earlier row into it. For _apply_budgets().';

create or replace function litellm._budgets_applying(
    user_id text,
    team_id text,
    organization_id text,
    charge_model text,
    user_budgets boolean,
    membership_budgets boolean
)
returns table (
    budget_id bigint,
    level text,
    model text,
    period text,
    hard_limit numeric,
    soft_thresholds numeric[],
    lock_rank integer
)
language sql
stable
begin atomic
    select
        b.budget_id,
        b.level,
        b.model,
        b.period,
        b.hard_limit,
        b.soft_thresholds,
        b.lock_rank
    from (
        select
            b1.*,
            1 as lock_rank
        from litellm.budgets as b1
        where
            _budgets_applying.user_budgets and b1.level = 'user'  -- noqa: RF01
            and b1.user_id = _budgets_applying.user_id  -- noqa: RF01
        union all
        select
            b2.*,
            2 as lock_rank
        from litellm.budgets as b2
        where
            _budgets_applying.membership_budgets and b2.level = 'membership'  -- noqa: RF01
            and b2.user_id = _budgets_applying.user_id  -- noqa: RF01
            and b2.team_id = _budgets_applying.team_id  -- noqa: RF01
        union all
        select
            b3.*,
            3 as lock_rank
        from litellm.budgets as b3
        where b3.level = 'team' and b3.team_id = _budgets_applying.team_id  -- noqa: RF01
        union all
        select
            b4.*,
            4 as lock_rank
        from litellm.budgets as b4
        where b4.level = 'organization' and b4.organization_id = _budgets_applying.organization_id  -- noqa: RF01
    ) as b
    where b.active and (b.model is null or b.model = _budgets_applying.charge_model);  -- noqa: RF01
end;

comment on function litellm._budgets_applying(text, text, text, text, boolean, boolean) is
'The active budgets a charge of user_id in team_id (of organization_id) for charge_model applies to: the user''s '
'(when user_budgets), the membership''s (when membership_budgets), the team''s and the organisation''s, each for all '
'models or for charge_model. lock_rank (1 user, 2 membership, 3 team, 4 organisation) then budget_id is the order in which their '
'counters are locked, everywhere.';

create or replace function litellm._lock_budget_counters(user_ids text[], team_ids text[], models text[])
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_budget record;
begin
    -- Every counter first, in the one order; the charges, holds and releases
    -- that follow in the transaction then find their rows locked already.
    for v_budget in
        select distinct b.lock_rank, b.budget_id, b.period
        from unnest(user_ids, team_ids, models) as x (user_id, team_id, model)
        left join litellm.budget_subjects as s on x.user_id = s.user_id
        cross join lateral (select litellm._budget_team(x.user_id, x.team_id) as team_id) as t
        left join litellm.teams as tm on t.team_id = tm.team_id
        cross join lateral litellm._budgets_applying(
            x.user_id, t.team_id, tm.organization_id, x.model,
            coalesce(s.has_user_budgets, false), coalesce(s.has_membership_budgets, false)
        ) as b
        order by b.lock_rank, b.budget_id
    loop
        perform litellm._lock_budget_counter(v_budget.budget_id, v_budget.period);
    end loop;
end
$$;

comment on function litellm._lock_budget_counters(text[], text[], text[]) is
'Locks, in lock order, the current counter of every budget that charges of user_ids[i] in team_ids[i] (NULL: the '
'user''s primary team) for models[i] apply to. Called before a transaction''s several _apply_budgets() calls, so that '
'all its counter locks are taken in one order. Call it with the users'' account rows locked.';

create or replace function litellm._budget_team(user_id text, team_id text)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    select litellm._charge_team(
        _budget_team.team_id,  -- noqa: RF01
        (
            select s from litellm.budget_subjects as s
            where s.user_id = _budget_team.user_id  -- noqa: RF01
        )
    );
end;

comment on function litellm._budget_team(text, text) is
'The team a charge is made in: team_id when given, else the user''s primary team (NULL for none). Store it with a '
'hold so that its release and settlement name the same team.';

create or replace function litellm._apply_budgets(
    user_id text,
    team_id text,
    model text,
    amount numeric,
    kind text,
    tags text[] default null
)
returns table (ok boolean, level text, budget_id bigint, error_message text)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_user text := litellm._check_user_id(_apply_budgets.user_id);
    v_model text := _apply_budgets.model;
    v_amount numeric := litellm._check_amount(_apply_budgets.amount, 'amount', true);
    v_kind text := _apply_budgets.kind;
    v_subject litellm.budget_subjects;
    v_team text := _apply_budgets.team_id;
    v_org text;
    v_tags text [];
    v_budget record;
    v_counter litellm.budget_counters;
    v_ids bigint [] := '{}'::bigint [];
    v_starts date [] := '{}'::date [];
    v_before numeric [] := '{}'::numeric [];
    v_crossed boolean := false;
    v_threshold numeric;
    v_alert record;
    v_today date;
    v_fast boolean := v_kind in ('charge', 'hold', 'settle');
    v_add_spent numeric := case when v_kind in ('charge', 'settle') then v_amount else 0 end;
    v_add_held numeric := case when v_kind = 'hold' then v_amount else 0 end;
    v_applied boolean;
    v_now timestamptz;
    v_start date;
begin
    -- The debit functions checked model and team already; a length test here
    -- is cheaper than calling the helpers again on every charge.
    if length(v_model) > 255 or length(v_team) > 255 then
        raise exception using
            errcode = 'LD007',
            message = format('%s is longer than 255 characters', case when length(v_team) > 255 then 'team_id' else 'model' end);
    end if;
    if v_kind is null or v_kind not in ('charge', 'hold', 'release', 'settle', 'refund') then
        raise exception using
            errcode = 'LD050',
            message = format('unknown budget operation %s', coalesce(quote_literal(left(v_kind, 300)), 'NULL')),
            hint = 'kind is charge, hold, release, settle or refund.';
    end if;
    if _apply_budgets.tags is not null and cardinality(_apply_budgets.tags) > 0 then
        if cardinality(_apply_budgets.tags) > 16
           or exists (
               select from unnest(_apply_budgets.tags) as t (tag)
               where t.tag is null or btrim(t.tag) = '' or length(t.tag) > 255
           ) then
            raise exception using
                errcode = 'LD050',
                message = 'tags must be at most 16 non-blank texts of at most 255 characters',
                detail = format('tags: %s', left(_apply_budgets.tags::text, 300));
        end if;
        v_tags := array(select distinct t.tag from unnest(_apply_budgets.tags) as t (tag));
    end if;
    if v_amount = 0 then
        return query select true, null::text, null::bigint, null::text;
        return;
    end if;

    -- The fast path: a user in no team, without budgets of their own, charged
    -- without a team or tags costs this one probe.
    select s.* into v_subject from litellm.budget_subjects as s where s.user_id = v_user;
    v_team := litellm._charge_team(v_team, v_subject);
    if v_team is null and v_tags is null and not coalesce(v_subject.has_user_budgets, false) then
        return query select true, null::text, null::bigint, null::text;
        return;
    end if;
    if v_team is not null then
        select t.organization_id into v_org from litellm.teams as t where t.team_id = v_team;
    end if;

    -- Every applicable budget's counter, in lock order. A charge or
    -- hold first tries one UPDATE of the current period's row that checks the
    -- limit in its WHERE clause (the common case: one statement per budget).
    -- Otherwise (no row yet for this period, the limit reached, a release or
    -- refund, or a period boundary passed while waiting) the row is locked by
    -- _lock_budget_counter, checked and then updated. A refusal undoes the
    -- budgets already charged (exactly: charges and holds only ever add) and
    -- returns, so no amount changes.
    for v_budget in
        select b.budget_id, b.level, b.model, b.period, b.hard_limit, b.soft_thresholds
        from litellm._budgets_applying(
            v_user, v_team, v_org, v_model,
            coalesce(v_subject.has_user_budgets, false), coalesce(v_subject.has_membership_budgets, false)
        ) as b
        order by b.lock_rank, b.budget_id
    loop
        v_counter := null;
        v_applied := false;
        if v_fast then
            v_now := pg_catalog.clock_timestamp();
            v_start := litellm._budget_period_start(v_budget.period, v_now);
            update litellm.budget_counters as c
            set spent = c.spent + v_add_spent, held = c.held + v_add_held
            where c.budget_id = v_budget.budget_id and c.period_start = v_start
              and (v_kind = 'settle' or c.spent + c.held + v_amount <= v_budget.hard_limit)
            returning c.* into v_counter;
            if found then
                v_now := pg_catalog.clock_timestamp();
                v_applied := v_start = litellm._budget_period_start(v_budget.period, v_now);
                if not v_applied then
                    -- The period ended while we waited for the row: put it back
                    -- and use the new period's row (locked after this one).
                    update litellm.budget_counters as c
                    set spent = c.spent - v_add_spent, held = c.held - v_add_held
                    where c.budget_id = v_budget.budget_id and c.period_start = v_start;
                end if;
            end if;
        end if;
        if not v_applied then
            v_counter := litellm._lock_budget_counter(v_budget.budget_id, v_budget.period);
            if v_kind in ('charge', 'hold')
               and v_counter.spent + v_counter.held + v_amount > v_budget.hard_limit then
                for i in 1..cardinality(v_ids) loop
                    update litellm.budget_counters as c
                    set spent = c.spent - v_add_spent, held = c.held - v_add_held
                    where c.budget_id = v_ids[i] and c.period_start = v_starts[i];
                end loop;
                return query select
                    false,
                    litellm._budget_level_name(v_budget.level, v_budget.model),
                    v_budget.budget_id,
                    format(
                        '%s budget %s (%s%s) would be exceeded: limit %s, spent %s, held %s, %s %s',
                        initcap(v_budget.level), v_budget.budget_id, v_budget.period,
                        case when v_budget.model is null then '' else ', model ' || v_budget.model end,
                        v_budget.hard_limit, v_counter.spent, v_counter.held,
                        case v_kind when 'hold' then 'hold' else 'cost' end, v_amount
                    );
                return;
            end if;
            update litellm.budget_counters as c
            set spent = case v_kind
                    when 'refund' then greatest(c.spent - v_amount, 0)
                    else c.spent + v_add_spent
                end,
                held = case v_kind
                    when 'release' then greatest(c.held - v_amount, 0)
                    else c.held + v_add_held
                end
            where c.budget_id = v_budget.budget_id and c.period_start = v_counter.period_start
            returning c.* into v_counter;
        end if;
        v_ids := v_ids || v_budget.budget_id;
        v_starts := v_starts || v_counter.period_start;
        -- Spent before this charge, for the thresholds it may cross.
        v_before := v_before || (v_counter.spent - v_add_spent);
        if v_add_spent > 0 and v_budget.hard_limit > 0 then
            foreach v_threshold in array v_budget.soft_thresholds loop
                if v_counter.spent - v_add_spent < v_threshold * v_budget.hard_limit
                   and v_counter.spent >= v_threshold * v_budget.hard_limit then
                    v_crossed := true;
                end if;
            end loop;
        end if;
    end loop;

    if v_crossed then
        for v_alert in
            insert into litellm.budget_alerts as a (
                budget_id, period_start, threshold, hard_limit, spent, user_id, team_id
            )
            select b.budget_id, x.period_start, t.threshold, b.hard_limit, x.spent_before + v_amount, v_user, v_team
            from unnest(v_ids, v_starts, v_before) as x (budget_id, period_start, spent_before)
            inner join litellm.budgets as b on x.budget_id = b.budget_id
            cross join lateral unnest(b.soft_thresholds) as t (threshold)
            where b.hard_limit > 0
              and x.spent_before < t.threshold * b.hard_limit
              and x.spent_before + v_amount >= t.threshold * b.hard_limit
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
                        'charged_user_id', v_user,
                        'charged_team_id', v_team,
                        'created_at', v_alert.created_at
                    )::text
                    from litellm.budgets as b
                    where b.budget_id = v_alert.budget_id
                )
            );
        end loop;
    end if;

    -- Daily attribution, keyed by user first: only this user's transactions,
    -- already queued on the account row, ever write these rows.
    if v_kind in ('charge', 'settle', 'refund') then
        v_today := (pg_catalog.now() at time zone 'UTC')::date;
        if v_team is not null then
            insert into litellm.spend_daily as s (
                user_id, date, team_id, organization_id, model, spend, refunded, charge_count
            ) values (
                v_user, v_today, v_team, coalesce(v_org, ''), coalesce(v_model, ''),
                case when v_kind = 'refund' then 0 else v_amount end,
                case when v_kind = 'refund' then v_amount else 0 end,
                case when v_kind = 'refund' then 0 else 1 end
            )
            on conflict on constraint spend_daily_pkey do update
            set spend = s.spend + excluded.spend,
                refunded = s.refunded + excluded.refunded,
                charge_count = s.charge_count + excluded.charge_count;
        end if;
        if v_tags is not null then
            insert into litellm.spend_tag_daily as s (user_id, date, tag, spend, refunded, charge_count)
            select
                v_user, v_today, t.tag,
                case when v_kind = 'refund' then 0 else v_amount end,
                case when v_kind = 'refund' then v_amount else 0 end,
                case when v_kind = 'refund' then 0 else 1 end
            from unnest(v_tags) as t (tag)
            order by t.tag
            on conflict on constraint spend_tag_daily_pkey do update
            set spend = s.spend + excluded.spend,
                refunded = s.refunded + excluded.refunded,
                charge_count = s.charge_count + excluded.charge_count;
        end if;
    end if;

    return query select true, null::text, null::bigint, null::text;
end
$$;

comment on function litellm._apply_budgets(text, text, text, numeric, text, text[]) is
'Checks and updates every budget a charge of amount for user_id in team_id (NULL: the user''s primary team) and model '
'applies to: the user''s, the membership''s, the team''s, its organisation''s, and per-model budgets of those for '
'model. kind: charge (adds to spent; refused past the hard limit), hold (adds to held; refused likewise), release '
'(takes from held, never below 0, never refused), settle (adds to spent without the limit check: the settled part of '
'a reservation checked when held), refund (takes from spent, never below 0). All-or-nothing: returns ok = true '
'after updating every counter, or ok = false with the first refusing level (user, membership, team, organization or '
'model:<name>), its budget_id and a message, having changed no amount. A charge crossing a soft threshold records '
'budget_alerts once per budget, period and threshold and sends NOTIFY litellm_budget_alerts. Charges and refunds in '
'a team are attributed in spend_daily, with tags in spend_tag_daily. Call it with the user''s account row locked; '
'locks counters in the order of _budgets_applying(). Raises LD050 (unknown kind, bad tags), LD001 (bad amount), '
'LD004 (bad user_id), LD007 (team_id or model over 255 characters).';
