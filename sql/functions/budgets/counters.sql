-- Budget counters: each budget's spent and held amounts per period, moved by
-- charges, holds, releases, settlements and refunds. A transaction locks the
-- counters it moves in one order, the lock order of docs/ledger.md: by
-- (lock_rank, budget_id) of _budgets_applying(), older periods before newer.
-- One charge's counters are locked in that order by _move_budget_counters();
-- a transaction that moves the counters of several charges, holds or releases
-- of different teams or models (a sweep of expired holds, then a charge)
-- first locks all of them, sorted, with _lock_budget_counters().

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
begin
    loop
        -- By the clock, not the transaction's start: see the check below.
        v_now := pg_catalog.clock_timestamp();
        v_start := litellm._budget_period_start(v_period, v_now);
        select c.* into v_row
        from litellm.budget_counters as c
        where c.budget_id = _lock_budget_counter.budget_id and c.period_start = v_start and c.share = 0
        for update;
        if not found then
            -- The first charge or hold of the period creates its row, moving
            -- the live holds into it.
            perform litellm._create_budget_period(_lock_budget_counter.budget_id, v_start);
            select c.* into strict v_row
            from litellm.budget_counters as c
            where c.budget_id = _lock_budget_counter.budget_id and c.period_start = v_start and c.share = 0
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
'Locks and returns the budget''s counter row (share 0) for the current period (UTC, by the clock), creating it on the '
'first charge of the period and moving the held amounts of the newest earlier period into it '
'(_create_budget_period()). For _apply_budgets().';

create or replace function litellm._lock_budget_counters(user_ids text[], team_ids text[], models text[])
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_ids bigint[];
    v_periods text[];
    v_shares smallint[];
begin
    -- Every counter first, in the one order (a split budget's rows in share
    -- order); the charges, holds and releases that follow in the transaction
    -- then find their rows locked already.
    select
        array_agg(b.budget_id order by b.lock_rank, b.budget_id),
        array_agg(b.period order by b.lock_rank, b.budget_id),
        array_agg(b.shares order by b.lock_rank, b.budget_id)
    into v_ids, v_periods, v_shares
    from (
        select distinct b1.lock_rank, b1.budget_id, b1.period, b1.shares
        from unnest(user_ids, team_ids, models) as x (user_id, team_id, model)
        left join litellm.budget_subjects as s on x.user_id = s.user_id
        cross join lateral litellm._charge_team_of(x.user_id, x.team_id) as t
        left join litellm.teams as tm on t.charge_team = tm.team_id
        cross join lateral litellm._budgets_applying(
            x.user_id, t.charge_team, tm.organization_id, x.model,
            coalesce(s.has_user_budgets, false), coalesce(s.has_membership_budgets, false)
        ) as b1
    ) as b;
    for i in 1 .. coalesce(cardinality(v_ids), 0) loop
        if v_shares[i] > 1 then
            perform litellm._lock_budget_shares(v_ids[i], v_periods[i], v_shares[i]);
        else
            perform litellm._lock_budget_counter(v_ids[i], v_periods[i]);
        end if;
    end loop;
end
$$;

comment on function litellm._lock_budget_counters(text[], text[], text[]) is
'Locks, in lock order, the current counter of every budget that charges of user_ids[i] in team_ids[i] (NULL: the '
'user''s primary team) for models[i] apply to, every row of a split budget in share order. Called before a '
'transaction''s several _apply_budgets() calls, so that all its counter locks are taken in one order. Call it with '
'the users'' account rows locked.';

create or replace function litellm._within_budget(spent numeric, held numeric, amount numeric, hard_limit numeric)
returns boolean
language sql
immutable
security invoker
begin atomic
    select spent + held + amount <= hard_limit;  -- noqa: RF01
end;

comment on function litellm._within_budget(numeric, numeric, numeric, numeric) is
'Whether a budget that has spent and holds held can take amount more without passing hard_limit (reaching it is '
'allowed): the check of every charge and hold.';

create or replace function litellm._budget_refusal(
    level text,
    budget_id bigint,
    period text,
    model text,
    hard_limit numeric,
    spent numeric,
    held numeric,
    kind text,
    amount numeric
)
returns text
language sql
stable
security invoker
begin atomic
    select format(
        '%s budget %s (%s%s) would be exceeded: limit %s, spent %s, held %s, %s %s',
        initcap(level), budget_id, period,  -- noqa: RF01
        case when model is null then '' else ', model ' || model end,  -- noqa: RF01
        hard_limit, spent, held,  -- noqa: RF01
        case kind when 'hold' then 'hold' else 'cost' end, amount  -- noqa: RF01
    );
end;

comment on function litellm._budget_refusal(text, bigint, text, text, numeric, numeric, numeric, text, numeric) is
'The message of a budget''s refusal: which budget (level, budget_id, period, model) a charge or hold (kind) of '
'amount would take past hard_limit, and what it has spent and holds.';

create or replace function litellm._move_budget_counters(
    user_id text,
    team_id text,
    organization_id text,
    model text,
    has_user_budgets boolean,
    has_membership_budgets boolean,
    amount numeric,
    kind text,
    released numeric,
    out refused_level text,
    out refused_budget_id bigint,
    out refusal text,
    out budget_ids bigint[],
    out period_starts date[],
    out spent_before numeric[],
    out spent_after numeric[],
    out thresholds_crossed boolean,
    out charged numeric
)
returns record
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_budget record;
    v_counter litellm.budget_counters;
    v_moved record;
    v_shares smallint[] := array[]::smallint[];
    -- A settlement beyond its hold is judged as a charge; at or below it, never refused.
    v_kind text := case when kind = 'settle' and amount > released then 'charge' else kind end;
    v_add_spent numeric := case when kind in ('charge', 'settle') then amount else 0 end;
    v_add_held numeric := case when kind = 'hold' then amount else 0 end;
    v_release numeric;
    v_now timestamptz;
    v_start date;
begin
    budget_ids := '{}';
    period_starts := '{}';
    spent_before := '{}';
    spent_after := '{}';
    thresholds_crossed := false;
    charged := amount;
    for v_budget in
        select b.budget_id, b.level, b.model, b.period, b.hard_limit, b.soft_thresholds, b.shares
        from litellm._budgets_applying(
            _move_budget_counters.user_id, _move_budget_counters.team_id, _move_budget_counters.organization_id,
            _move_budget_counters.model, has_user_budgets, has_membership_budgets
        ) as b
        order by b.lock_rank, b.budget_id
    loop
        v_counter := null;
        -- What a settlement gives back of the budget's held amounts in the
        -- same move: its hold, which only the all-model budgets count.
        v_release := case when v_budget.model is null then released else 0 end;
        if v_budget.shares > 1 then
            -- A split budget: a free row that takes the move (shares.sql).
            v_counter := litellm._take_budget_share(
                v_budget.budget_id, v_budget.period, v_budget.hard_limit, v_budget.shares, v_kind, charged, v_release
            );
        elsif kind in ('charge', 'hold', 'settle') then
            -- The common case, one statement: this period's row exists and
            -- takes the move (the limit is checked in the WHERE clause).
            -- The clock in a variable: a volatile argument would keep the
            -- planner from inlining _budget_period_start().
            v_now := pg_catalog.clock_timestamp();
            v_start := litellm._budget_period_start(v_budget.period, v_now);
            update litellm.budget_counters as c
            set spent = c.spent + v_add_spent, held = c.held + v_add_held - v_release
            where c.budget_id = v_budget.budget_id and c.period_start = v_start and c.share = 0 and c.held >= v_release
              and (v_kind = 'settle'
                   or litellm._within_budget(c.spent, c.held - v_release, charged, v_budget.hard_limit + c.quota))
            returning c.* into v_counter;
            if found then
                v_now := pg_catalog.clock_timestamp();
                if v_start <> litellm._budget_period_start(v_budget.period, v_now) then
                    -- The period ended while we waited for the row: put it
                    -- back and use the new period's row (locked after this one).
                    update litellm.budget_counters as c
                    set spent = c.spent - v_add_spent, held = c.held - v_add_held + v_release
                    where c.budget_id = v_budget.budget_id and c.period_start = v_start and c.share = 0;
                    v_counter := null;
                end if;
            end if;
        end if;
        if v_counter.budget_id is null then
            -- No row yet for this period, the limit reached, a release or a
            -- refund, a split budget without a free row: the locked path.
            v_moved := litellm._move_budget_counter_locked(
                v_budget.budget_id, v_budget.period, v_budget.hard_limit, v_budget.shares, v_kind, charged, v_release
            );
            if v_moved.refused then
                select r.* into refused_level, refused_budget_id, refusal
                from litellm._refuse_budget_move(
                    v_budget.level, v_budget.budget_id, v_budget.period, v_budget.model, v_budget.hard_limit,
                    v_moved.spent, v_moved.held, kind, charged, released, budget_ids, period_starts, v_shares
                ) as r;
                exit when kind <> 'settle';
                -- The budgets moved gave back the part beyond the hold: this
                -- one and the rest are charged the hold alone.
                spent_after := array(
                    select u.a - charged + released from unnest(spent_after) with ordinality as u (a, o) order by u.o
                );
                charged := released;
                v_kind := 'settle';
                v_add_spent := released;
                v_moved := litellm._move_budget_counter_locked(
                    v_budget.budget_id, v_budget.period, v_budget.hard_limit, v_budget.shares, v_kind, charged, v_release
                );
            end if;
            v_counter.period_start := v_moved.period_start;
            v_counter.share := v_moved.share;
            v_counter.spent := v_moved.spent;
        end if;
        budget_ids := budget_ids || v_budget.budget_id;
        period_starts := period_starts || v_counter.period_start;
        v_shares := v_shares || v_counter.share;
        -- Spent before and after this charge, for the thresholds it may cross.
        spent_before := spent_before || (v_counter.spent - v_add_spent);
        spent_after := spent_after || v_counter.spent;
        if v_add_spent > 0 and cardinality(v_budget.soft_thresholds) > 0 then
            select t.* into spent_before, spent_after, thresholds_crossed
            from litellm._budget_thresholds_crossed(
                v_budget.budget_id, v_counter.period_start, v_budget.shares, v_budget.hard_limit,
                v_budget.soft_thresholds, spent_before, spent_after, thresholds_crossed
            ) as t;
        end if;
    end loop;
end
$$;

comment on function litellm._move_budget_counters(text, text, text, text, boolean, boolean, numeric, text, numeric) is
'Moves the counter of every budget that _budgets_applying() finds for a charge (see _apply_budgets() for the kinds), '
'locking them in lock order: one UPDATE per budget when this period''s row exists and takes the amount, else the '
'row is locked (_lock_budget_counter()), checked and updated; a split budget (shares > 1) in a free row that takes '
'the amount (_take_budget_share()), else with all its rows locked (_move_budget_shares()). A settlement (kind '
'settle) of a hold of released moves each budget once: gives back released of the held amounts of the all-model '
'budgets and adds amount to spent. All or nothing: when a charge or hold would pass a hard limit (_within_budget()) '
'it undoes what it moved and returns that budget''s level (_budget_level_name()), budget_id and a message in '
'refused_level, refused_budget_id and refusal (_refuse_budget_move()); when a settlement''s part beyond released '
'would, every budget is charged released instead, and the refusal is returned with charged = released. Otherwise '
'refusal is NULL and it returns the counters moved (budget_ids, period_starts; spent_before and spent_after: the '
'budget''s spending before and after the charge, see _record_budget_alerts()), whether the charge crossed a soft '
'threshold of any of them, and what it charged (charged: amount).';

create or replace function litellm._budget_thresholds_crossed(
    budget_id bigint,
    period_start date,
    shares smallint,
    hard_limit numeric,
    soft_thresholds numeric[],
    inout spent_before numeric[],
    inout spent_after numeric[],
    inout crossed boolean
)
returns record
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_last integer := cardinality(spent_before);
    v_threshold numeric;
begin
    -- The last elements are this budget's spending before and after the
    -- charge: the row's own for a budget of one row; for a split budget, from
    -- 0 to the total its rows show now (so that a crossing that concurrent
    -- charges made together alerts at the next charge).
    if shares > 1 then
        spent_before[v_last] := 0;
        spent_after[v_last] := (
            select sum(t.spent) from litellm.budget_counters as t
            where t.budget_id = _budget_thresholds_crossed.budget_id
              and t.period_start = _budget_thresholds_crossed.period_start
        );
    end if;
    foreach v_threshold in array soft_thresholds loop
        crossed := crossed
            or litellm._soft_threshold_crossed(v_threshold, hard_limit, spent_before[v_last], spent_after[v_last]);
    end loop;
end
$$;

comment on function litellm._budget_thresholds_crossed(
    bigint, date, smallint, numeric, numeric[], numeric[], numeric[], boolean
) is
'For a charge that moved a budget with soft_thresholds (its counter of the period starting period_start): sets the '
'last elements of spent_before and spent_after (the budget''s spending before and after the charge; for a split '
'budget, 0 and the total of its rows) and crossed to true when the charge crossed one of the thresholds of '
'hard_limit (_soft_threshold_crossed()), leaving it as it was otherwise. For _move_budget_counters().';

create or replace function litellm._refuse_budget_move(
    level text,
    budget_id bigint,
    period text,
    model text,
    hard_limit numeric,
    spent numeric,
    held numeric,
    kind text,
    amount numeric,
    released numeric,
    budget_ids bigint[],
    period_starts date[],
    shares smallint[],
    out refused_level text,
    out refused_budget_id bigint,
    out refusal text
)
returns record
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- The counters moved before the refusing budget give back exactly what
    -- they took (charges and holds only ever add to them): all of it, or a
    -- settlement's part beyond its hold (that settlement then charges the hold).
    update litellm.budget_counters as c
    set spent = c.spent - case kind when 'hold' then 0 when 'settle' then amount - released else amount end,
        held = c.held - case kind when 'hold' then amount else 0 end
    from unnest(budget_ids, period_starts, shares) as x (budget_id, period_start, share)
    where c.budget_id = x.budget_id and c.period_start = x.period_start and c.share = x.share;
    refused_level := litellm._budget_level_name(level, model);
    refused_budget_id := _refuse_budget_move.budget_id;
    refusal := litellm._budget_refusal(
        level, _refuse_budget_move.budget_id, period, model, hard_limit, spent, held, kind, amount
    );
end
$$;

comment on function litellm._refuse_budget_move(
    text, bigint, text, text, numeric, numeric, numeric, text, numeric, numeric, bigint[], date[], smallint[]
) is
'When a budget (level, budget_id, period, model, hard_limit; its spent and held) refuses a move of kind of amount: '
'the counter rows moved before it (budget_ids, period_starts, shares) give back what the move added to them, all of '
'it, or for a settlement of a hold of released the part beyond released. Returns the refusing level '
'(_budget_level_name()), budget_id and message (_budget_refusal()). For _move_budget_counters().';

create or replace function litellm._move_budget_counter_locked(
    budget_id bigint,
    period text,
    hard_limit numeric,
    shares smallint,
    kind text,
    amount numeric,
    released numeric,
    out period_start date,
    out share smallint,
    out refused boolean,
    out spent numeric,
    out held numeric
)
returns record
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    locked litellm.budget_counters;
begin
    if shares > 1 then
        -- A split budget no free row of which takes the move: all its rows.
        select m.period_start, m.share, m.refused, m.spent, m.held into period_start, share, refused, spent, held
        from litellm._move_budget_shares(budget_id, period, hard_limit, shares, kind, amount, released) as m;
        return;
    end if;
    -- A budget counted in one row: lock it, check, then update.
    locked := litellm._lock_budget_counter(budget_id, period);
    refused := kind in ('charge', 'hold')
        and not litellm._within_budget(locked.spent, locked.held - least(locked.held, released), amount, hard_limit + locked.quota);
    period_start := locked.period_start;
    share := 0;
    spent := locked.spent;
    held := locked.held;
    if refused then
        return;
    end if;
    if (kind = 'release' and amount > locked.held or kind = 'refund' and amount > locked.spent
        or kind in ('charge', 'settle') and released > locked.held)
       and exists (
           select from litellm.budget_counters as c
           where c.budget_id = _move_budget_counter_locked.budget_id and c.period_start = locked.period_start
             and c.share > 0
       ) then
        -- Split meanwhile: the rest is in other rows, taken from them in share
        -- order (this row, share 0, is locked first already).
        select m.period_start, m.share, m.refused, m.spent, m.held into period_start, share, refused, spent, held
        from litellm._move_budget_shares(budget_id, period, hard_limit, shares, kind, amount, released) as m;
        return;
    end if;
    update litellm.budget_counters as c
    set spent = case kind
            when 'refund' then greatest(c.spent - amount, 0)
            when 'hold' then c.spent
            when 'release' then c.spent
            else c.spent + amount
        end,
        held = case kind
            when 'release' then greatest(c.held - amount, 0)
            when 'hold' then c.held + amount
            when 'refund' then c.held
            else greatest(c.held - released, 0)
        end
    where c.budget_id = _move_budget_counter_locked.budget_id and c.period_start = locked.period_start and c.share = 0
    returning c.spent, c.held into spent, held;
end
$$;

comment on function litellm._move_budget_counter_locked(bigint, text, numeric, smallint, text, numeric, numeric) is
'The locked path of _move_budget_counters(): for a split budget (shares > 1) _move_budget_shares(); for a budget '
'counted in one row, locks its row for the current period (_lock_budget_counter()), refuses a charge or hold past '
'hard_limit (refused, with the row''s spent and held), else applies kind of amount (a release or refund never below '
'0; a charge or settlement also gives back released of the held amount, never below 0) and returns the row''s '
'period_start, share, spent and held. A move needing more than the row counts when the budget was split meanwhile '
'takes the rest from the other rows (_move_budget_shares()).';
