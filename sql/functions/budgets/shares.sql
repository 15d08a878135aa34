-- Split budget counters (docs/budgets.md, "Split counters"): a budget with
-- shares > 1 counts each period in rows 0 .. shares - 1, each allowed its part
-- of the hard limit (_budget_share_limit). A move first takes a row no other
-- transaction holds (_take_budget_share, SKIP LOCKED); when none fits, it
-- locks every row of the period in share order (_lock_budget_shares), checks
-- the budget's totals and spreads the room left (_rebalance_budget_shares).

create or replace function litellm._budget_share_limit(share smallint, hard_limit numeric, quota numeric)
returns numeric
language sql
immutable
security invoker
begin atomic
    select case when share = 0 then hard_limit + quota else quota end;  -- noqa: RF01
end;

comment on function litellm._budget_share_limit(smallint, numeric, numeric) is
'How much spent + held one counter row of a budget may reach: hard_limit + quota for share 0, quota for the others. '
'The quotas of a period add up to 0, so these parts add up to the hard limit.';

create or replace function litellm._create_budget_period(budget_id bigint, period_start date)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_prev date;
    v_held numeric;
    v_created boolean;
begin
    -- The newest earlier period's rows first (older before newer, in share
    -- order), so that exactly one transaction creates share 0 of the new
    -- period and moves the live holds into it.
    select max(c.period_start) into v_prev
    from litellm.budget_counters as c
    where c.budget_id = _create_budget_period.budget_id and c.period_start < _create_budget_period.period_start;
    select coalesce(sum(p.held), 0) into v_held
    from (
        select c.held from litellm.budget_counters as c
        where c.budget_id = _create_budget_period.budget_id and c.period_start = v_prev
        order by c.share
        for update
    ) as p;
    insert into litellm.budget_counters (budget_id, period_start, held)
    values (_create_budget_period.budget_id, _create_budget_period.period_start, v_held)
    on conflict on constraint budget_counters_pkey do nothing
    returning true into v_created;
    if v_created and v_held > 0 then
        update litellm.budget_counters as c
        set held = 0
        where c.budget_id = _create_budget_period.budget_id and c.period_start = v_prev and c.held > 0;
    end if;
end
$$;

comment on function litellm._create_budget_period(bigint, date) is
'Creates share 0 of a budget''s counter for the period starting period_start, unless it exists, moving into it what '
'the rows of the newest earlier period hold (locked in share order). For _lock_budget_counter() and '
'_lock_budget_shares().';

create or replace function litellm._lock_budget_shares(budget_id bigint, period text, shares smallint)
returns date
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_now timestamptz;
    v_start date;
begin
    loop
        v_now := pg_catalog.clock_timestamp();
        v_start := litellm._budget_period_start(period, v_now);
        if not exists (
            select from litellm.budget_counters as c
            where c.budget_id = _lock_budget_shares.budget_id and c.period_start = v_start and c.share = 0
        ) then
            perform litellm._create_budget_period(_lock_budget_shares.budget_id, v_start);
        end if;
        perform from litellm.budget_counters as c
        where c.budget_id = _lock_budget_shares.budget_id and c.period_start = v_start
        order by c.share
        for update;
        -- Missing rows last: higher shares than every row locked above.
        insert into litellm.budget_counters (budget_id, period_start, share)
        select _lock_budget_shares.budget_id, v_start, g.share::smallint
        from pg_catalog.generate_series(1, _lock_budget_shares.shares - 1) as g (share)
        on conflict on constraint budget_counters_pkey do nothing;
        -- A transaction that waited across a period boundary takes the new
        -- period's rows (whose creation moves what the old ones hold).
        v_now := pg_catalog.clock_timestamp();
        exit when v_start = litellm._budget_period_start(period, v_now);
    end loop;
    return v_start;
end
$$;

comment on function litellm._lock_budget_shares(bigint, text, smallint) is
'Locks every counter row of a split budget for the current period (UTC, by the clock) in share order, creating the '
'period (_create_budget_period()) and the rows 1 .. shares - 1 that are missing. Returns the period''s start.';

create or replace function litellm._rebalance_budget_shares(
    budget_id bigint, period_start date, hard_limit numeric, shares smallint
)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_used numeric;
    v_others numeric;
    v_active integer;
    v_each numeric;
begin
    -- Every row of the period is locked. Each row may count what it counts
    -- now plus an equal part of the room left (the rest of the division to
    -- share 0); rows at or above shares (a budget split into fewer) get no
    -- room. Share 0's quota is minus the others', so the parts add up to the
    -- hard limit; with no room left no row can take anything more.
    select
        coalesce(sum(c.spent + c.held), 0),
        coalesce(sum(c.spent + c.held) filter (where c.share > 0), 0),
        count(*) filter (where c.share > 0 and c.share < _rebalance_budget_shares.shares)
    into v_used, v_others, v_active
    from litellm.budget_counters as c
    where c.budget_id = _rebalance_budget_shares.budget_id and c.period_start = _rebalance_budget_shares.period_start;
    v_each := trunc(greatest(hard_limit - v_used, 0) / _rebalance_budget_shares.shares, 6);
    update litellm.budget_counters as c
    set quota = case
        when c.share = 0 then -(v_others + v_each * v_active)
        when c.share < _rebalance_budget_shares.shares then c.spent + c.held + v_each
        else c.spent + c.held
    end
    where c.budget_id = _rebalance_budget_shares.budget_id and c.period_start = _rebalance_budget_shares.period_start;
end
$$;

comment on function litellm._rebalance_budget_shares(bigint, date, numeric, smallint) is
'Sets the quotas of a split budget''s counter rows for one period (all locked by the caller) so that each row may '
'count what it counts plus an equal part of the room the hard limit leaves, and the parts add up to the hard limit.';

create or replace function litellm._budget_share_takes(
    kind text, amount numeric, spent numeric, held numeric, share_limit numeric, released numeric default 0
)
returns boolean
language sql
immutable
security invoker
begin atomic
    select case kind  -- noqa: RF01
        when 'release' then held >= amount  -- noqa: RF01
        when 'refund' then spent >= amount  -- noqa: RF01
        else held >= released and litellm._within_budget(spent, held - released, amount, share_limit)  -- noqa: RF01
    end;
end;

comment on function litellm._budget_share_takes(text, numeric, numeric, numeric, numeric, numeric) is
'Whether one counter row of a split budget, which has spent and held and may count up to share_limit, can take a move '
'of kind (see _apply_budgets()) of amount on its own: a charge, hold or settlement within its part of the limit once '
'it gives back released of what it holds (a settlement: the hold''s amount; a row holding less cannot), a release or '
'refund of no more than it counts.';

create or replace function litellm._take_budget_share(
    budget_id bigint, period text, hard_limit numeric, shares smallint, kind text, amount numeric,
    released numeric default 0
)
returns litellm.budget_counters
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_now timestamptz := pg_catalog.clock_timestamp();
    v_start date := litellm._budget_period_start(period, v_now);
    v_from integer := pg_catalog.pg_backend_pid() % shares;
    v_share smallint;
    v_row litellm.budget_counters;
begin
    -- A row of this period that no other transaction holds and that takes
    -- the move: this backend's own row, else the first free one after it.
    -- SKIP LOCKED may lock a row whose newer version then fails the test: a
    -- take that finds nothing rolls its block back, dropping such locks, so
    -- that a caller who then locks every row in order holds none of them.
    begin
        select s.share into v_share
        from litellm.budget_counters as s
        where s.budget_id = _take_budget_share.budget_id and s.period_start = v_start and s.share = v_from
          and litellm._budget_share_takes(
              kind, amount, s.spent, s.held, litellm._budget_share_limit(s.share, hard_limit, s.quota), released
          )
        for update skip locked;
        if v_share is null then
            select s.share into v_share
            from litellm.budget_counters as s
            where s.budget_id = _take_budget_share.budget_id and s.period_start = v_start
              and s.share < _take_budget_share.shares
              and litellm._budget_share_takes(
                  kind, amount, s.spent, s.held, litellm._budget_share_limit(s.share, hard_limit, s.quota),
                  released
              )
            order by (s.share - v_from + _take_budget_share.shares) % _take_budget_share.shares
            limit 1
            for update skip locked;
        end if;
        v_now := pg_catalog.clock_timestamp();
        if v_share is null or v_start <> litellm._budget_period_start(period, v_now) then
            raise no_data_found;
        end if;
    exception when no_data_found then
        return null;
    end;
    update litellm.budget_counters as c
    set spent = c.spent + case kind when 'refund' then -amount when 'hold' then 0 when 'release' then 0 else amount end,
        held = c.held + case kind when 'hold' then amount when 'release' then -amount when 'refund' then 0 else -released end
    where c.budget_id = _take_budget_share.budget_id and c.period_start = v_start and c.share = v_share
    returning c.* into v_row;
    return v_row;
end
$$;

comment on function litellm._take_budget_share(bigint, text, numeric, smallint, text, numeric, numeric) is
'The fast move of a split budget: applies kind (see _apply_budgets()) of amount to a counter row of the current '
'period that no other transaction holds and that takes it without passing its part of the limit (a release or '
'refund: that counts the amount), without waiting. A charge or settlement gives back released of the row''s held '
'amount in the same move (a settlement''s hold: one row holding at least that much). Returns the row moved, or NULL '
'(nothing moved, no lock kept).';

create or replace function litellm._move_budget_shares(
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
    v_start date;
    v_row litellm.budget_counters;
begin
    -- No free row takes it (_take_budget_share() found none): every row in
    -- share order, the budget's totals checked, the move made, the room
    -- spread again.
    refused := false;
    v_start := litellm._lock_budget_shares(budget_id, period, shares);
    select coalesce(sum(c.spent), 0), coalesce(sum(c.held), 0) into spent, held
    from litellm.budget_counters as c
    where c.budget_id = _move_budget_shares.budget_id and c.period_start = v_start;
    if kind in ('charge', 'hold')
       and not litellm._within_budget(spent, held - least(held, released), amount, hard_limit) then
        refused := true;
        return;
    end if;
    v_row := litellm._move_budget_shares_locked(budget_id, v_start, hard_limit, shares, kind, amount, released);
    period_start := v_row.period_start;
    share := v_row.share;
    spent := v_row.spent;
    held := v_row.held;
end
$$;

comment on function litellm._move_budget_shares(bigint, text, numeric, smallint, text, numeric, numeric) is
'Applies kind (see _apply_budgets()) of amount to a split budget when no free row takes it (_take_budget_share()): '
'with every row of the period locked in share order, checking the budget''s totals against hard_limit and '
'spreading the room left (_move_budget_shares_locked()); a charge or settlement gives back released of the held '
'amounts with it (never below 0 in all). refused: a charge or hold would pass the hard limit, counted after that '
'release (nothing moved; spent and held are the budget''s totals). Otherwise period_start, share, spent and held are the row moved''s '
'(share 0 for a release or refund spread over the rows).';

create or replace function litellm._move_budget_shares_locked(
    budget_id bigint, period_start date, hard_limit numeric, shares smallint, kind text, amount numeric,
    released numeric
)
returns litellm.budget_counters
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_row litellm.budget_counters;
    v_take numeric := case when kind in ('release', 'refund') then amount else released end;
begin
    -- Every row of the period is locked and the totals allow the move.
    if kind in ('charge', 'hold', 'settle') then
        update litellm.budget_counters as c
        set spent = c.spent + case kind when 'hold' then 0 else amount end,
            held = c.held + case kind when 'hold' then amount else 0 end
        where c.budget_id = _move_budget_shares_locked.budget_id and c.period_start = _move_budget_shares_locked.period_start
          and c.share = pg_catalog.pg_backend_pid() % _move_budget_shares_locked.shares
        returning c.* into v_row;
    end if;
    if v_take > 0 then
        -- A release or refund, or what a charge or settlement gives back of
        -- the held amounts, takes from the rows in share order (never below 0
        -- in all, as for a budget with one row).
        update litellm.budget_counters as c
        set held = c.held - case when kind = 'refund' then 0 else least(c.held, greatest(v_take - x.before, 0)) end,
            spent = c.spent - case when kind = 'refund' then least(c.spent, greatest(v_take - x.before, 0)) else 0 end
        from (
            select
                s.share,
                coalesce(sum(case when kind = 'refund' then s.spent else s.held end) over (
                    order by s.share rows between unbounded preceding and 1 preceding
                ), 0) as before
            from litellm.budget_counters as s
            where s.budget_id = _move_budget_shares_locked.budget_id
              and s.period_start = _move_budget_shares_locked.period_start
        ) as x
        where c.budget_id = _move_budget_shares_locked.budget_id and c.period_start = _move_budget_shares_locked.period_start
          and c.share = x.share;
    end if;
    if kind in ('release', 'refund') then
        select c.* into v_row from litellm.budget_counters as c
        where c.budget_id = _move_budget_shares_locked.budget_id and c.period_start = _move_budget_shares_locked.period_start
          and c.share = 0;
    end if;
    perform litellm._rebalance_budget_shares(budget_id, period_start, hard_limit, shares);
    return v_row;
end
$$;

comment on function litellm._move_budget_shares_locked(bigint, date, numeric, smallint, text, numeric, numeric) is
'Applies kind (see _apply_budgets()) of amount to a split budget whose rows for the period starting period_start '
'are all locked and whose totals allow it: a charge, hold or settlement to this backend''s row, a release or refund '
'taken from the rows in share order, as is released (what a charge or settlement gives back of the held amounts); '
'then spreads the room left (_rebalance_budget_shares()). Returns the row moved (share 0 for a release or refund; '
'the charged row as it was before the release).';

create or replace function litellm._resplit_budget(budget litellm.budgets)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_start date;
begin
    -- A budget counted in one row that has no other row this period: nothing
    -- to do (its row stays as it is).
    if budget.shares = 1 and not exists (
        select from litellm.budget_counters as c
        where c.budget_id = budget.budget_id and c.share > 0
          and c.period_start = litellm._budget_period_start(budget.period, pg_catalog.now())
    ) then
        return;
    end if;
    v_start := litellm._lock_budget_shares(budget.budget_id, budget.period, budget.shares);
    -- Rows beyond the new number of shares fold into share 0.
    with gone as (
        delete from litellm.budget_counters as c
        where c.budget_id = budget.budget_id and c.period_start = v_start and c.share >= budget.shares
        returning c.spent, c.held
    )

    update litellm.budget_counters as c
    set spent = c.spent + (select coalesce(sum(g.spent), 0) from gone as g),
        held = c.held + (select coalesce(sum(g.held), 0) from gone as g)
    where c.budget_id = budget.budget_id and c.period_start = v_start and c.share = 0;
    perform litellm._rebalance_budget_shares(budget.budget_id, v_start, budget.hard_limit, budget.shares);
end
$$;

comment on function litellm._resplit_budget(litellm.budgets) is
'After a budget''s hard limit or number of shares changed: locks the current period''s counter rows in share order '
'(creating those a split budget lacks), folds the rows at or beyond shares into share 0 and spreads the room left '
'under the hard limit. Does nothing for a budget with one share and one row.';
