-- Slot accounts (docs/design/slot-accounts.md): the helpers of the operations
-- other than the charge on an account of several slots: grants, holds and
-- their settlement, refunds, negative adjustments and expiry. Lock order: the
-- slots of one account in ascending slot order, slot 0 (the account row)
-- first and FOR NO KEY UPDATE; a transaction never waits for a slot while it
-- holds a higher one. An account of one slot never reaches these helpers
-- except through slot 0, whose statements are the ones it always ran.

create or replace function litellm._lock_slot(user_id text, slot smallint)
returns litellm.user_credits
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_slot litellm.user_credits;
    v_row litellm.credit_slots;
begin
    if _lock_slot.slot = 0 then
        select uc.* into v_slot from litellm.user_credits as uc where uc.user_id = _lock_slot.user_id
        for no key update;
        return v_slot;
    end if;
    -- A retired slot's lock is not kept (the block is rolled back): whoever
    -- asked would go on to lock lower slots, and must not hold it then.
    begin
        select s.* into v_row from litellm.credit_slots as s
        where s.user_id = _lock_slot.user_id and s.slot = _lock_slot.slot
        for update;
        if not coalesce(v_row.active, false) then
            raise no_data_found;
        end if;
    exception when no_data_found then
        return null;
    end;
    return litellm._slot_account(v_row);
end
$$;

comment on function litellm._lock_slot(text, smallint) is
'Locks one slot of an account and returns it in the shape of an account row (slot 0: the user_credits row, FOR NO '
'KEY UPDATE). NULL, holding no lock of it, when the slot does not exist or is retired.';

create or replace function litellm._slot_hold_change(
    user_id text, slot smallint, amount numeric, expiry timestamptz, ended boolean
)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_available numeric;
begin
    -- Held credits of one slot more amount (less, for a hold that ends), the
    -- slot's next expiry no later than expiry; when a hold ended, credits an
    -- expired lot of the slot kept for its holds are due now.
    if _slot_hold_change.slot = 0 then
        update litellm.user_credits as uc
        set credits_held = uc.credits_held + amount,
            next_expiry_at = least(uc.next_expiry_at, expiry, case when ended then (
                select min(l.expires_at) from litellm.credit_lots as l
                where l.user_id = uc.user_id and l.slot = 0 and not l.depleted and l.expires_at <= pg_catalog.now()
            ) end),
            updated_at = pg_catalog.now()
        where uc.user_id = _slot_hold_change.user_id
        returning litellm._available(uc) into v_available;
    else
        update litellm.credit_slots as s
        set credits_held = s.credits_held + amount,
            next_expiry_at = least(s.next_expiry_at, expiry, case when ended then (
                select min(l.expires_at) from litellm.credit_lots as l
                where l.user_id = s.user_id and l.slot = s.slot and not l.depleted
                  and l.expires_at <= pg_catalog.now()
            ) end),
            updated_at = pg_catalog.now()
        where s.user_id = _slot_hold_change.user_id and s.slot = _slot_hold_change.slot
        returning litellm._available(litellm._slot_account(s)) into v_available;
    end if;
    return v_available;
end
$$;

comment on function litellm._slot_hold_change(text, smallint, numeric, timestamptz, boolean) is
'Adds amount (negative: a hold that ends or is taken back) to the credits held by one slot of an account (0: the '
'account row), brings its next_expiry_at forward to expiry and, when ended, to the expired lots kept for its holds; '
'returns the slot''s available credits. The caller holds the slot''s lock.';

create or replace function litellm._gather_slots(user_id text, amount numeric)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_available numeric;
begin
    -- Every slot in slot order, swept; the account's available credits (no
    -- monthly cap: an adjustment is not spending) decide.
    perform litellm._lock_slots(_gather_slots.user_id);
    perform litellm._sweep_slots(_gather_slots.user_id, null, null);
    select sum(s.spare) into v_available from litellm._slot_spare(_gather_slots.user_id) as s;
    if v_available >= amount then
        perform litellm._slot_rebalance(_gather_slots.user_id, 0::smallint, amount);
    end if;
    return v_available;
end
$$;

comment on function litellm._gather_slots(text, numeric) is
'For a removal of amount credits from an account of several slots (a negative adjustment): locks every slot in slot '
'order, sweeps the slots due, and when the account''s available credits cover amount moves credits so that slot 0 '
'covers it (_slot_rebalance). Returns the account''s available credits before the move.';

create or replace function litellm._rebalance_after_grant(user_id text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- A grant lands on slot 0 (locked by the caller, first in the order);
    -- the other slots are locked after it, in order, and get their share.
    if litellm._lock_slots(_rebalance_after_grant.user_id) > 1 then
        perform litellm._slot_rebalance(_rebalance_after_grant.user_id, 0::smallint, 0);
    end if;
end
$$;

comment on function litellm._rebalance_after_grant(text) is
'After a grant journalled on slot 0 of an account of several slots: locks the other slots in order and spreads the '
'spare credits over all of them (_slot_rebalance). The caller holds slot 0''s lock.';

create or replace function litellm._reserve_slot(
    user_id text,
    amount numeric,
    expires_at timestamptz,
    team_id text,
    out slot smallint,
    out available numeric,
    out error_code text,
    out error_message text
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_account litellm.user_credits;
    v_cap numeric;
    v_refusal record;
begin
    -- A slot that covers the hold and can be locked without waiting, else
    -- every slot in order and the credits brought to slot 0: refused only when
    -- the account as a whole cannot hold amount.
    select uc.* into v_account from litellm.user_credits as uc where uc.user_id = _reserve_slot.user_id;
    select c.monthly_cap into v_cap from litellm._effective_monthly_cap(v_account) as c;
    slot := litellm._pick_slot(_reserve_slot.user_id, amount, v_cap, pg_catalog.pg_backend_pid() % v_account.slot_count);
    if slot is null then
        select c.* into v_refusal from litellm._consolidate_slots(_reserve_slot.user_id, amount, team_id, null) as c;
        if v_refusal.error_code is not null then
            available := v_refusal.balance;
            error_code := v_refusal.error_code;
            error_message := v_refusal.error_message;
            return;
        end if;
        slot := 0;
    end if;
    available := litellm._slot_hold_change(_reserve_slot.user_id, slot, amount, expires_at, false);
end
$$;

comment on function litellm._reserve_slot(text, numeric, timestamptz, text) is
'Sets amount aside on one slot of an account of several slots for a hold expiring at expires_at: a slot that covers '
'it, locked without waiting (_pick_slot), else slot 0 after consolidating (_consolidate_slots; team_id: the hold''s '
'team for the budget counters). Returns the slot and its available credits after, or a refusal''s error_code '
'(insufficient_credits, monthly_cap_exceeded) and message, available then the account''s balance.';

create or replace function litellm._lock_slot_hold(user_id text, request_id text, model text, actual_cost numeric)
returns litellm.credit_holds
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_slot smallint;
    v_amount numeric;
    v_team text;
    v_locked litellm.user_credits;
    v_hold litellm.credit_holds;
begin
    -- The hold's slot is read first, then locked: a settlement within the
    -- hold (or a release: actual_cost NULL) waits for that slot alone; one
    -- above it may need other slots' credits and locks every slot in order.
    -- A shrinking account moves its retired slots' holds to slot 0: a hold
    -- found elsewhere once its slot is locked is looked up again (the block is
    -- rolled back, so no lock of a higher slot is kept meanwhile).
    loop
        select h.slot, h.amount, h.metadata ->> 'budget_team' into v_slot, v_amount, v_team
        from litellm.credit_holds as h
        where h.user_id = _lock_slot_hold.user_id and h.request_id = _lock_slot_hold.request_id;
        if not found then
            return null;
        end if;
        if actual_cost > v_amount then
            perform litellm._lock_slots(_lock_slot_hold.user_id);
            perform litellm._sweep_slots(_lock_slot_hold.user_id, v_team, model);
            select h.* into v_hold from litellm.credit_holds as h
            where h.user_id = _lock_slot_hold.user_id and h.request_id = _lock_slot_hold.request_id
            for update;
            return v_hold;
        end if;
        begin
            v_locked := litellm._lock_slot(_lock_slot_hold.user_id, v_slot);
            if v_locked.user_id is null then
                raise no_data_found;
            end if;
            if actual_cost is not null and litellm._expiry_due(v_locked) then
                perform litellm._sweep_expired_before(_lock_slot_hold.user_id, v_team, model, v_slot);
            end if;
            select h.* into v_hold from litellm.credit_holds as h
            where h.user_id = _lock_slot_hold.user_id and h.request_id = _lock_slot_hold.request_id
            for update;
            if v_hold.slot <> v_slot then
                raise no_data_found;
            end if;
            return v_hold;
        exception when no_data_found then
            null;
        end;
    end loop;
    return null;
end
$$;

comment on function litellm._lock_slot_hold(text, text, text, numeric) is
'Locks the hold of request_id of an account of several slots and what its settlement for actual_cost (NULL: its '
'release) needs: its slot alone when actual_cost is within the hold (sweeping the slot first when due, for model), '
'else every slot of the account in order, swept. Returns the hold, NULL when there is none.';

create or replace function litellm._slot_extra_room(hold litellm.credit_holds, actual_cost numeric)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_spare numeric;
    v_used numeric;
    v_cap numeric;
    v_room numeric;
begin
    -- Every slot is locked. Beyond its hold, a settlement may charge what the
    -- account as a whole has available and room for under the cap; that much
    -- is brought to the hold's slot.
    select sum(s.spare), sum(s.used) into v_spare, v_used from litellm._slot_spare(hold.user_id) as s;
    select c.monthly_cap into v_cap
    from litellm.user_credits as uc, litellm._effective_monthly_cap(uc) as c
    where uc.user_id = hold.user_id;
    v_room := greatest(0, least(v_spare, coalesce(v_cap - v_used, actual_cost)));
    if least(actual_cost - hold.amount, v_room) > 0 then
        perform litellm._slot_rebalance(hold.user_id, hold.slot, least(actual_cost - hold.amount, v_room));
    end if;
    return v_room;
end
$$;

comment on function litellm._slot_extra_room(litellm.credit_holds, numeric) is
'For a settlement of hold above its amount on an account of several slots, all locked: how much more than the hold '
'the account can be charged (its available credits and its room under the monthly cap, over all slots), with that '
'much (up to actual_cost less the hold) moved to the hold''s slot first.';

create or replace function litellm._lock_refund_slot(user_id text, slot smallint)
returns boolean
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- A refund waits for the slot of the entry it reverses, and holds no
    -- other. A retired slot (the account shrank since) is woken for the
    -- refund under every slot's lock, and emptied again by the caller.
    if _lock_refund_slot.slot = 0 then
        perform litellm._lock_slot(user_id, 0::smallint);
        return false;
    end if;
    if (litellm._lock_slot(user_id, _lock_refund_slot.slot)).user_id is not null then
        return false;
    end if;
    perform litellm._lock_slots(user_id);
    return not coalesce((
        select s.active from litellm.credit_slots as s
        where s.user_id = _lock_refund_slot.user_id and s.slot = _lock_refund_slot.slot
    ), false);
end
$$;

comment on function litellm._lock_refund_slot(text, smallint) is
'Locks the slot a refund goes to (that of the entry it reverses) and returns false; for a slot retired since, locks '
'every slot of the account in order and returns true: the refund then wakes the slot (_refund_write), and the caller '
'moves the refund on to slot 0 (_slot_transfer) and retires the slot again.';

create or replace function litellm._refund_write(
    user_id text, slot smallint, amount numeric, charged_in date, out balance numeric, out seq bigint
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- A refund in the month of the charge gives the room back under the cap.
    if _refund_write.slot = 0 then
        update litellm.user_credits as uc
        set credits_remaining = uc.credits_remaining + amount,
            total_spent = uc.total_spent - amount,
            month_spent = case
                when uc.month_start = charged_in then greatest(uc.month_spent - amount, 0) else uc.month_spent
            end,
            last_seq = uc.last_seq + 1,
            updated_at = pg_catalog.now()
        where uc.user_id = _refund_write.user_id
        returning uc.credits_remaining, uc.last_seq into balance, seq;
    else
        update litellm.credit_slots as s
        set active = true,
            credits_remaining = s.credits_remaining + amount,
            total_spent = s.total_spent - amount,
            month_spent = case
                when s.month_start = charged_in then greatest(s.month_spent - amount, 0) else s.month_spent
            end,
            last_seq = s.last_seq + 1,
            updated_at = pg_catalog.now()
        where s.user_id = _refund_write.user_id and s.slot = _refund_write.slot
        returning s.credits_remaining, s.last_seq into balance, seq;
    end if;
end
$$;

comment on function litellm._refund_write(text, smallint, numeric, date) is
'Writes a refund of amount to one slot of an account (0: the account row): the balance more amount, the spending '
'less (this month''s too when the charge was made in the month starting charged_in), one more entry. Returns the '
'slot''s balance and seq for the refund entry. The caller holds the slot''s lock; a retired slot is made active for '
'the refund (holding every slot''s lock, the caller empties and retires it again).';
