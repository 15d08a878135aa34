-- Slot accounts (docs/design/slot-accounts.md): the helpers that write a slot
-- and move credits between slots. Slot 0 is the user_credits row; slots 1 ..
-- slot_count - 1 are credit_slots rows. Every helper here expects the caller
-- to hold the locks of the slots it names, taken in slot order.

create or replace function litellm._slot_account(s litellm.credit_slots)
returns litellm.user_credits
language sql
immutable
security invoker
begin atomic
    -- A slot in the shape of an account, so the account's rules (_available,
    -- _expiry_due, _month_spent, _within_monthly_cap) apply to it unchanged.
    select row(
        s.user_id, s.credits_remaining, null, null, 0, 0, s.total_spent, s.last_seq, null, s.created_at,  -- noqa: RF01
        s.updated_at, s.credits_held, s.month_start, s.month_spent, s.next_expiry_at, 1, s.cap_fraction  -- noqa: RF01
    )::litellm.user_credits;
end;

comment on function litellm._slot_account(litellm.credit_slots) is
'A slot (1 and above) of a slot account in the shape of an account row, so that the account''s rules apply to it: '
'balance, held credits, spending, sequence, expiry and cap share are the slot''s; tier and the account''s own cap '
'are NULL (read them from slot 0, the user_credits row).';

create or replace function litellm._slot_share(cap_fraction numeric, monthly_cap numeric)
returns numeric
language sql
immutable
security invoker
begin atomic
    select trunc(cap_fraction * monthly_cap, 6);
end;

comment on function litellm._slot_share(numeric, numeric) is
'A slot''s share of the monthly cap: its fraction of the cap, truncated to micro-credits so that the shares of an '
'account never sum past its cap. NULL (no cap) when the cap is NULL.';

create or replace function litellm._slot_write(
    user_id text, slot smallint, amount numeric, spent numeric, month date, entries integer, expiry timestamptz,
    out balance numeric, out seq bigint
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- One rule for both tables: the balance less amount, spent more spent
    -- (this month's count restarts in a new month), entries more entries,
    -- next_expiry_at brought forward to expiry.
    if _slot_write.slot = 0 then
        update litellm.user_credits as uc
        set credits_remaining = uc.credits_remaining - amount,
            total_spent = uc.total_spent + spent,
            month_start = case when spent <> 0 then month else uc.month_start end,
            month_spent = case
                when spent <> 0 then litellm._month_spent(uc, month) + spent else uc.month_spent
            end,
            last_seq = uc.last_seq + entries,
            next_expiry_at = least(uc.next_expiry_at, expiry),
            updated_at = pg_catalog.now()
        where uc.user_id = _slot_write.user_id
        returning uc.credits_remaining, uc.last_seq into balance, seq;
    else
        update litellm.credit_slots as s
        set credits_remaining = s.credits_remaining - amount,
            total_spent = s.total_spent + spent,
            month_start = case when spent <> 0 then month else s.month_start end,
            month_spent = case
                when spent <> 0 then litellm._month_spent(litellm._slot_account(s), month) + spent else s.month_spent
            end,
            last_seq = s.last_seq + entries,
            next_expiry_at = least(s.next_expiry_at, expiry),
            updated_at = pg_catalog.now()
        where s.user_id = _slot_write.user_id and s.slot = _slot_write.slot
        returning s.credits_remaining, s.last_seq into balance, seq;
    end if;
end
$$;

comment on function litellm._slot_write(text, smallint, numeric, numeric, date, integer, timestamptz) is
'Writes one slot of an account (slot 0: the user_credits row): balance less amount, spent added to its spending in '
'all and in month, entries more journal entries, next_expiry_at no later than expiry. Returns the slot''s balance '
'and last seq. The caller holds the slot''s lock.';

create or replace function litellm._lock_slots(user_id text)
returns smallint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_count smallint;
begin
    -- The lock order: slot 0 (the account row), then every other slot in
    -- ascending order, retired ones included. Slot 0 is locked FOR NO KEY
    -- UPDATE, as an UPDATE of it would: every journal entry, lot and hold of
    -- any slot takes a key-share lock on the account row through its foreign
    -- key, and must not wait for a consolidation that waits for its slot.
    select uc.slot_count into v_count
    from litellm.user_credits as uc where uc.user_id = _lock_slots.user_id
    for no key update;
    perform from litellm.credit_slots as s where s.user_id = _lock_slots.user_id order by s.slot for update;
    return v_count;
end
$$;

comment on function litellm._lock_slots(text) is
'Locks every slot of the account in slot order (slot 0, the user_credits row, first) and returns its slot_count; '
'NULL when the user has no account.';

create or replace function litellm._slot_transfer(
    user_id text, from_slot smallint, to_slot smallint, amount numeric, with_expired boolean
)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_left numeric := amount;
    v_take numeric;
    v_lot record;
    v_out record;
    v_in record;
    v_out_id bigint;
    v_in_id bigint;
begin
    -- One transfer pair per source lot, in consumption order (unexpired lots;
    -- then expired ones when with_expired): the incoming lot keeps the source
    -- lot's kind, priority and expiry.
    for v_lot in
        select l.lot_id, l.remaining, l.transaction_type, l.priority, l.expires_at
        from litellm.credit_lots as l
        where l.user_id = _slot_transfer.user_id and l.slot = from_slot and not l.depleted
          and (with_expired or l.expires_at is null or l.expires_at > pg_catalog.now())
        order by coalesce(l.expires_at <= pg_catalog.now(), false), l.priority, l.expires_at, l.lot_id
        for update
    loop
        exit when v_left = 0;
        v_take := least(v_lot.remaining, v_left);
        v_out := litellm._slot_write(_slot_transfer.user_id, from_slot, v_take, 0, null, 1, null);
        insert into litellm.credit_transactions (user_id, slot, seq, transaction_type, amount, balance_after, description)
        values (_slot_transfer.user_id, from_slot, v_out.seq, 'transfer', -v_take, v_out.balance,
                format('to slot %s', to_slot))
        returning id into v_out_id;
        update litellm.credit_lots as l set remaining = l.remaining - v_take where l.lot_id = v_lot.lot_id;
        insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
        values (v_out_id, v_lot.lot_id, _slot_transfer.user_id, v_take);
        v_in := litellm._slot_write(_slot_transfer.user_id, to_slot, -v_take, 0, null, 1, v_lot.expires_at);
        insert into litellm.credit_transactions (
            user_id, slot, seq, transaction_type, amount, balance_after, description, transfer_of
        )
        values (_slot_transfer.user_id, to_slot, v_in.seq, 'transfer', v_take, v_in.balance,
                format('from slot %s', from_slot), v_out_id)
        returning id into v_in_id;
        insert into litellm.credit_lots (
            user_id, slot, transaction_id, transaction_type, priority, expires_at, amount, remaining, source_lot_id
        )
        values (_slot_transfer.user_id, to_slot, v_in_id, v_lot.transaction_type, v_lot.priority, v_lot.expires_at,
                v_take, v_take, v_lot.lot_id);
        v_left := v_left - v_take;
    end loop;
    return amount - v_left;
end
$$;

comment on function litellm._slot_transfer(text, smallint, smallint, numeric, boolean) is
'Moves up to amount credits from one slot of an account to another as transfer pairs, one per source lot in '
'consumption order (unexpired lots, then expired ones when with_expired): the outgoing entry takes from the lot, '
'the incoming one creates a lot with its kind, priority and expiry. Returns what was moved. The caller holds both '
'slots'' locks.';

create or replace function litellm._slot_spare(user_id text)
returns table (slot smallint, spare numeric, used numeric)
language sql
stable
security invoker
begin atomic
    -- Per active slot: the unexpired credits that no live hold needs, and
    -- this month's spending plus holds (what its cap share must cover).
    with slots as (
        select
            0::smallint as slot,
            uc.credits_remaining,
            uc.credits_held,
            litellm._month_spent(uc, litellm._current_month()) as spent
        from litellm.user_credits as uc
        where uc.user_id = _slot_spare.user_id  -- noqa: RF01
        union all
        select
            s.slot,
            s.credits_remaining,
            s.credits_held,
            litellm._month_spent(litellm._slot_account(s), litellm._current_month()) as spent
        from litellm.credit_slots as s
        where s.user_id = _slot_spare.user_id and s.active  -- noqa: RF01
    ),

    unexpired as (
        select
            l.slot,
            sum(l.remaining) as remaining
        from litellm.credit_lots as l
        where
            l.user_id = _slot_spare.user_id  -- noqa: RF01
            and not l.depleted
            and (l.expires_at is null or l.expires_at > pg_catalog.now())
        group by l.slot
    )

    select
        sl.slot,
        greatest(0, least(sl.credits_remaining - sl.credits_held, coalesce(u.remaining, 0))) as spare,
        sl.spent + sl.credits_held as used
    from slots as sl
    left join unexpired as u on sl.slot = u.slot
    order by sl.slot;
end;

comment on function litellm._slot_spare(text) is
'Per active slot of an account (slot 0 included): spare, the unexpired credits no live hold of the slot needs, and '
'used, this month''s spending plus live holds. Read with every slot locked.';

create or replace function litellm._slot_rebalance(user_id text, charging_slot smallint, need numeric)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_slots record;
    v_spare numeric[];
    v_used numeric[];
    v_slot smallint[];
    v_target numeric[];
    v_n integer;
    v_total numeric;
    v_share numeric;
    v_cap numeric;
    v_room numeric;
    v_den numeric;
    v_give numeric;
    v_from integer := 1;
    v_move numeric;
begin
    -- Every active slot is locked (_lock_slots). Credits: the charging slot
    -- gets need, and what is left is split evenly (the rest of the split to
    -- the charging slot); moves go from slots above their target to slots
    -- below, in slot order. Cap fractions: each slot's covers its own
    -- spending and holds (and need, for the charging slot), the room left is
    -- split evenly; every fraction but slot 0's is truncated, and slot 0's is
    -- the rest, so they sum to exactly 1.
    select array_agg(s.slot order by s.slot), array_agg(s.spare order by s.slot), array_agg(s.used order by s.slot)
    into v_slot, v_spare, v_used
    from litellm._slot_spare(_slot_rebalance.user_id) as s;
    v_n := cardinality(v_slot);
    v_total := (select sum(x) from unnest(v_spare) as x);
    v_share := trunc(greatest(v_total - need, 0) / v_n, 6);
    v_target := array_fill(v_share, array[v_n]);
    for i in 1..v_n loop
        if v_slot[i] = charging_slot then
            v_target[i] := v_total - v_share * (v_n - 1);
        end if;
    end loop;
    for i in 1..v_n loop
        v_give := v_spare[i] - v_target[i];
        continue when v_give <= 0;
        while v_give > 0 and v_from <= v_n loop
            if v_spare[v_from] >= v_target[v_from] then
                v_from := v_from + 1;
                continue;
            end if;
            v_move := least(v_give, v_target[v_from] - v_spare[v_from]);
            v_move := litellm._slot_transfer(_slot_rebalance.user_id, v_slot[i], v_slot[v_from], v_move, false);
            v_spare[v_from] := v_spare[v_from] + v_move;
            v_spare[i] := v_spare[i] - v_move;
            v_give := v_give - v_move;
        end loop;
    end loop;

    select c.monthly_cap into v_cap
    from litellm.user_credits as uc, litellm._effective_monthly_cap(uc) as c
    where uc.user_id = _slot_rebalance.user_id;
    for i in 1..v_n loop
        if v_slot[i] = charging_slot then
            v_used[i] := v_used[i] + need;
        end if;
    end loop;
    v_room := greatest(v_cap - (select sum(x) from unnest(v_used) as x), 0);
    -- Past the cap already (it was lowered): the fractions follow the use.
    v_den := greatest(v_cap, (select sum(x) from unnest(v_used) as x));
    for v_slots in
        select u.slot, case
            when v_cap is null or v_den = 0 then trunc(1.0 / v_n, 20)
            else trunc((u.used + v_room / v_n) / v_den, 20)
        end as fraction
        from unnest(v_slot, v_used) as u (slot, used)
        where u.slot > 0
    loop
        update litellm.credit_slots as s set cap_fraction = least(v_slots.fraction, 1)
        where s.user_id = _slot_rebalance.user_id and s.slot = v_slots.slot;
    end loop;
    update litellm.user_credits as uc
    set cap_fraction = 1 - coalesce((
        select sum(s.cap_fraction) from litellm.credit_slots as s
        where s.user_id = _slot_rebalance.user_id and s.active
    ), 0)
    where uc.user_id = _slot_rebalance.user_id;
end
$$;

comment on function litellm._slot_rebalance(text, smallint, numeric) is
'Spreads an account''s spare credits over its active slots as transfer pairs, charging_slot getting need more than '
'the others, and resets the slots'' shares of the monthly cap: each covers its slot''s spending and holds this month '
'(and need on charging_slot), the room left split evenly; the fractions sum to exactly 1. The caller holds every '
'slot''s lock (_lock_slots).';

create or replace function litellm._slot_covers(
    s litellm.credit_slots, cost numeric, monthly_cap numeric, month date
)
returns boolean
language sql
stable
security invoker
begin atomic
    -- The debit's conditions, on the slot: available credits, no expiry due,
    -- within the slot's share of the cap.
    select
        litellm._available(litellm._slot_account(s)) >= cost
        and not litellm._expiry_due(litellm._slot_account(s))
        and litellm._within_monthly_cap(
            litellm._slot_account(s), month, cost, litellm._slot_share(s.cap_fraction, monthly_cap)  -- noqa: RF01
        );
end;

comment on function litellm._slot_covers(litellm.credit_slots, numeric, numeric, date) is
'Whether a slot (1 and above) can take a charge of cost now, under the debit''s conditions: its available credits '
'cover it, no expiry of the slot is due, and it keeps the slot''s spending in month plus its holds within its share '
'of monthly_cap (the account''s effective cap; NULL: none).';

create or replace function litellm._pick_slot(user_id text, cost numeric, monthly_cap numeric, start integer)
returns smallint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_month date := litellm._current_month();
    v_slot smallint;
begin
    -- First a slot that covers the charge and can be locked without waiting:
    -- slots 1 .. n - 1 from start onwards (wrapping), then slot 0 (the account
    -- row, which grants and consolidations lock). Else, rather than
    -- consolidate (which waits for every slot), the first slot 1 .. n - 1
    -- that covered it as last committed, waiting for that one slot alone.
    -- Each try runs in a block: a row locked whose newer version then fails
    -- the condition stays locked, so a try that takes nothing is rolled
    -- back, and the consolidation after it holds no slot while it waits.
    begin
        select s.slot into v_slot
        from litellm.credit_slots as s
        where s.user_id = _pick_slot.user_id and s.active
          and litellm._slot_covers(s, cost, _pick_slot.monthly_cap, v_month)
        order by (s.slot - start + 64) % 64
        limit 1
        for update skip locked;
        if v_slot is null then
            select 0 into v_slot
            from litellm.user_credits as uc
            where uc.user_id = _pick_slot.user_id
              and litellm._available(uc) >= cost
              and not litellm._expiry_due(uc)
              and litellm._within_monthly_cap(
                  uc, v_month, cost, litellm._slot_share(uc.cap_fraction, _pick_slot.monthly_cap)
              )
            for no key update skip locked;
        end if;
        if v_slot is null then
            raise no_data_found;
        end if;
        return v_slot;
    exception when no_data_found then
        v_slot := null;
    end;
    begin
        select s.slot into v_slot
        from litellm.credit_slots as s
        where s.user_id = _pick_slot.user_id and s.slot = (
            select c.slot from litellm.credit_slots as c
            where c.user_id = _pick_slot.user_id and c.active
              and litellm._slot_covers(c, cost, _pick_slot.monthly_cap, v_month)
            order by (c.slot - start + 64) % 64
            limit 1
        )
          and s.active
          and litellm._slot_covers(s, cost, _pick_slot.monthly_cap, v_month)
        for update;
        if v_slot is null then
            raise no_data_found;
        end if;
    exception when no_data_found then
        return null;
    end;
    return v_slot;
end
$$;

comment on function litellm._pick_slot(text, numeric, numeric, integer) is
'Locks an active slot of the account that covers a charge of cost (available credits, no expiry due, within its '
'share of monthly_cap) and returns it: the first it can lock without waiting (slots 1 and above from start on, then '
'slot 0), else the first slot 1 and above that covered it as last committed, waiting for that one slot alone. NULL '
'when none covers it; then it holds no slot lock.';

create or replace function litellm._slot_hinted(user_id text)
returns boolean
language sql
stable
security invoker
begin atomic
    select _slot_hinted.user_id = any(  -- noqa: RF01
        pg_catalog.string_to_array(pg_catalog.current_setting('litellm.slot_accounts', true), e'\n')
    );
end;

comment on function litellm._slot_hinted(text) is
'Whether the session charged user_id as a slot account lately (NULL when it has charged none): the hint, the '
'session''s litellm.slot_accounts setting (user ids, one a line) kept by _slot_hint(), that sends its debits to the '
'slot path first. A hint orders the tries only; each checks the account itself.';

create or replace function litellm._slot_hint(user_id text, slot_account boolean)
returns text
language sql
volatile
security invoker
begin atomic
    -- The session's last 8 slot accounts, newest first. Set for the session:
    -- it outlives the transaction (and is rolled back with it).
    select pg_catalog.set_config(
        'litellm.slot_accounts',
        pg_catalog.array_to_string(
            (
                case when slot_account then array[_slot_hint.user_id] else '{}' end  -- noqa: RF01
                || pg_catalog.array_remove(
                    pg_catalog.string_to_array(pg_catalog.current_setting('litellm.slot_accounts', true), e'\n'),
                    _slot_hint.user_id  -- noqa: RF01
                )
            )[1:8],
            e'\n'
        ),
        false
    );
end;

comment on function litellm._slot_hint(text, boolean) is
'Records in the session whether user_id is a slot account (slot_account), for _slot_hinted(): the session''s last 8 '
'slot accounts are hinted. Returns the new hint.';

create or replace function litellm._charge_slots(
    user_id text,
    cost numeric,
    provider text default null,
    model text default null,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    power_level text default null,
    level text default null,
    metadata jsonb default '{}',
    request_id text default null,
    month date default litellm._current_month(),
    hinted boolean default false
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_debited numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    -- The arguments as the debit checked and normalised them (the cost
    -- rounded, tokens and metadata not NULL, the request id as the debit
    -- reads it, level the power level's key, month the current one).
    v_user alias for user_id;
    v_cost alias for cost;
    v_metadata alias for metadata;
    v_prompt alias for prompt_tokens;
    v_completion alias for completion_tokens;
    v_key alias for request_id;
    v_level alias for level;
    v_month alias for month;
    v_count smallint;
    v_slot smallint;
    v_balance numeric;
    v_id bigint;
    v_allocated boolean;
begin
    -- debit_user_credits(), the caller, has checked the arguments.
    -- The common case in one statement, as the debit's: the first slot 1 ..
    -- n - 1 that covers the charge (_slot_covers: a slot due for expiry
    -- never does) and can be locked without waiting is charged, journalled
    -- and, when its first lot covers it, taken from that lot. The session's
    -- home slot (1 + pg_backend_pid() % (n - 1)) is tried alone first, so
    -- that in the common case one slot is read and checked; only when it is
    -- busy or short are the others checked, from the home slot on, wrapping.
    -- Only for a split account whose slot 0 is not due for expiry,
    -- a known power level, and when no budget applies (the user is in no
    -- team, metadata names none, the user has no budget of their own); else
    -- it charges nothing and _charge_slots_waiting() does.
    -- FOR UPDATE SKIP LOCKED locks the newest version of a row that changed
    -- since the statement began before it checks the row again, and keeps
    -- the lock when the check fails (so does an UPDATE): the statement runs
    -- in a block, rolled back when it charged nothing (or met a replay at
    -- the insert), so that no slot stays locked into the waits that follow.
    -- The lots the snapshot shows are the slot's current ones exactly when
    -- it saw the slot at the seq just before ours (lots change only with a
    -- journal entry, under the slot's lock); else _consume_lots() reads them.
    begin
        with account as (
            select
                uc.slot_count,
                (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c) as monthly_cap,
                litellm._expiry_due(uc) as due,
                (select s from litellm.budget_subjects as s where s.user_id = v_user) as subject,
                1 + pg_catalog.pg_backend_pid() % greatest(uc.slot_count - 1, 1) as home
            from litellm.user_credits as uc
            where uc.user_id = v_user
        ),

        picked as (
            select coalesce(home.slot, other.slot) as slot
            from account as a
            left join lateral (
                select s.slot from litellm.credit_slots as s
                where s.user_id = v_user and s.slot = a.home and s.active
                  and litellm._slot_covers(s, v_cost, a.monthly_cap, v_month)
                for update of s skip locked
            ) as home on true
            left join lateral (
                select s.slot from litellm.credit_slots as s
                where home.slot is null and s.user_id = v_user and s.active
                  and litellm._slot_covers(s, v_cost, a.monthly_cap, v_month)
                order by (s.slot - a.home + 64) % 64
                limit 1
                for update of s skip locked
            ) as other on true
            where a.slot_count > 1 and not a.due
              and litellm._charge_team(v_metadata ->> 'team_id', a.subject) is null
              and not coalesce((a.subject).has_user_budgets or (a.subject).has_membership_budgets, false)
              and (v_level is null or exists (select from litellm.power_levels as pl where pl.power_level = v_level))
        ),

        charged as (
            update litellm.credit_slots as s
            set credits_remaining = (litellm._charged(litellm._slot_account(s), v_cost, 0, v_month, 1)).credits_remaining,
                total_spent = (litellm._charged(litellm._slot_account(s), v_cost, 0, v_month, 1)).total_spent,
                month_spent = (litellm._charged(litellm._slot_account(s), v_cost, 0, v_month, 1)).month_spent,
                month_start = (litellm._charged(litellm._slot_account(s), v_cost, 0, v_month, 1)).month_start,
                last_seq = (litellm._charged(litellm._slot_account(s), v_cost, 0, v_month, 1)).last_seq,
                updated_at = (litellm._charged(litellm._slot_account(s), v_cost, 0, v_month, 1)).updated_at
            from picked as p, account as a
            where s.user_id = v_user and s.slot = p.slot and s.active
              and litellm._slot_covers(s, v_cost, a.monthly_cap, v_month)
            returning s.slot, s.credits_remaining, s.last_seq
        ),

        entry as (
            insert into litellm.credit_transactions (
                user_id, slot, seq, transaction_type, amount, balance_after, provider, model,
                power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
            )
            select
                v_user, c.slot, c.last_seq, 'usage', -v_cost, c.credits_remaining, _charge_slots.provider,
                _charge_slots.model, v_level, v_prompt, v_completion, v_key, v_metadata
            from charged as c
            on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
            returning id
        ),

        taken as (
            update litellm.credit_lots as l
            set remaining = l.remaining - v_cost
            where l.lot_id = (select f.lot_id from charged as c, litellm._first_lot(v_user, c.slot) as f)
            and l.remaining >= v_cost
            and v_cost > 0
            and exists (select from entry)
            and (select seen.last_seq + 1 from charged as c, litellm.credit_slots as seen
                 where seen.user_id = v_user and seen.slot = c.slot) = (select c.last_seq from charged as c)
            returning l.lot_id
        ),

        allocated as (
            insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
            select entry.id, taken.lot_id, v_user, v_cost from entry, taken
            returning true as done
        )

        select
            a.slot_count,
            c.slot,
            c.credits_remaining,
            (select entry.id from entry),
            v_cost = 0 or exists (select from allocated)
        into v_count, v_slot, v_balance, v_id, v_allocated
        from account as a
        left join charged as c on true;
        if v_id is null then
            raise no_data_found;
        end if;
    exception when no_data_found then
        v_id := null;
    end;
    if coalesce(v_count > 1, false) <> _charge_slots.hinted then
        perform litellm._slot_hint(v_user, coalesce(v_count > 1, false));
    end if;
    if v_id is not null then
        if not v_allocated then
            perform litellm._consume_lots(v_user, v_id, v_cost, v_slot);
        end if;
        success := true;
        transaction_id := v_id;
        credits_remaining := v_balance;
        amount_debited := v_cost;
        replayed := false;
        return next;
        return;
    end if;
    if v_count is null or v_count = 1 then
        -- No account, or one of one slot: the debit's own path charges it.
        return;
    end if;
    if v_slot is not null then
        -- Charged, then the insert met the request id journalled (on any
        -- slot): the block took the charge back; this is a replay.
        return query select * from litellm._debit_replay(v_user, v_key, v_cost, _charge_slots.provider,
                                                         _charge_slots.model, v_prompt, v_completion, v_level);
        if found then
            return;
        end if;
    end if;
    return query select * from litellm._charge_slots_waiting(
        v_user, v_cost, _charge_slots.provider, _charge_slots.model, v_prompt, v_completion,
        _charge_slots.power_level, v_metadata, v_key
    );
end
$$;

comment on function litellm._charge_slots(
    text, numeric, text, text, bigint, bigint, text, text, jsonb, text, date, boolean
) is
'The debit of a slot account (slot_count > 1), with debit_user_credits()''s arguments as it checked and normalised '
'them (level: the power level''s key; month: the current month; hinted: whether the session''s hint, _slot_hinted(), '
'sent the debit here first, which it keeps up to date) and result. The common case is one statement: a slot it can '
'lock without waiting that covers the charge (the session''s home slot first), its usage entry and its first lot, '
'when no budget applies and no slot is due for expiry. Otherwise (_charge_slots_waiting) a slot picked with '
'_pick_slot, else, with every slot locked in order and the slots due swept, slot 0 after moving credits and cap '
'shares to it (_consolidate_slots); then the slot is charged as the debit charges an account (_charge_slot: budgets, '
'usage entry, lots). Refused (insufficient_credits, monthly_cap_exceeded, budget_exceeded) only when the account as '
'a whole, or a budget, cannot pay. One request id is one charge across all slots: a replay returns the original '
'entry with replayed = true. credits_remaining is the balance of the slot charged (its balance_after). No row for an '
'account of one slot or an unknown user.';
