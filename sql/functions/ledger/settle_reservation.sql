-- A hold's settlement and its helpers, one job each: the argument checks,
-- locking the hold, the answer to a replay, the amount to charge, the budgets,
-- and the charge itself.

create or replace function litellm._check_settlement_args(
    request_id text, provider text, model text, prompt_tokens bigint, completion_tokens bigint, power_level text
)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    if request_id is null then
        raise exception using errcode = 'LD007', message = 'request_id is required to settle a reservation';
    end if;
    perform litellm._check_text(provider, 'provider', 255);
    perform litellm._check_text(model, 'model', 255);
    perform litellm._check_tokens(prompt_tokens, completion_tokens);
    perform litellm._check_power_level(power_level);
end
$$;

comment on function litellm._check_settlement_args(text, text, text, bigint, bigint, text) is
'Raises the error settle_reservation() documents for a missing request id (LD007), a label too long, bad token '
'counts or an unknown power level.';

create or replace function litellm._lock_hold(user_id text, request_id text, model text, actual_cost numeric)
returns litellm.credit_holds
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_account litellm.user_credits;
    v_hold litellm.credit_holds;
begin
    -- Lock order: the account, then its hold (and, sweeping, the budget
    -- counters of the expired holds and of this hold's team at once). An
    -- account of several slots locks the hold's slot, or every slot for a
    -- settlement above the hold (_lock_slot_hold).
    select uc.* into v_account from litellm.user_credits as uc
    where uc.user_id = _lock_hold.user_id and uc.slot_count = 1
    for no key update;
    if found then
        if litellm._expiry_due(v_account) then
            perform litellm._sweep_expired_before(
                _lock_hold.user_id,
                (select h.metadata ->> 'budget_team' from litellm.credit_holds as h
                 where h.user_id = _lock_hold.user_id and h.request_id = _lock_hold.request_id),
                model
            );
        end if;
        select h.* into v_hold from litellm.credit_holds as h
        where h.user_id = _lock_hold.user_id and h.request_id = _lock_hold.request_id
        for update;
    else
        v_hold := litellm._lock_slot_hold(_lock_hold.user_id, _lock_hold.request_id, model, actual_cost);
    end if;
    if v_hold.hold_id is null then
        raise exception using
            errcode = 'LD201', message = format('no reservation %s for user %s', _lock_hold.request_id, _lock_hold.user_id);
    end if;
    return v_hold;
end
$$;

comment on function litellm._lock_hold(text, text, text, numeric) is
'Locks the user''s account and then the hold of request_id, sweeping expired lots and holds first when they are due '
'(for a settlement of model); returns the hold. On an account of several slots it locks the hold''s slot, or every '
'slot when actual_cost is above the hold. Raises LD201 when there is no such hold.';

create or replace function litellm._settlement_replay(
    hold litellm.credit_holds,
    request_id text,
    actual_cost numeric,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    power_level text
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_charged numeric,
    amount_released numeric,
    amount_uncovered numeric,
    replayed boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_prior litellm.credit_transactions;
begin
    select t.* into v_prior from litellm.credit_transactions as t where t.id = hold.transaction_id;
    perform litellm._check_usage_replay(v_prior, _settlement_replay.request_id, actual_cost, _settlement_replay.provider,
                                        _settlement_replay.model, _settlement_replay.prompt_tokens,
                                        _settlement_replay.completion_tokens, _settlement_replay.power_level);
    perform litellm._flush_at_commit();
    return query select true, v_prior.id, v_prior.balance_after, hold.settled_amount,
        greatest(hold.amount - hold.settled_amount, 0), actual_cost - hold.settled_amount, true;
end
$$;

comment on function litellm._settlement_replay(
    litellm.credit_holds, text, numeric, text, text, bigint, bigint, text
) is
'The answer of settle_reservation() for a hold settled before: that settlement''s result with replayed = true (the '
'commit then waits until the charge is on disk). Raises LD101 when the arguments differ from the settlement''s.';

create or replace function litellm._check_hold_open(hold litellm.credit_holds)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    if hold.status = 'released' then
        raise exception using
            errcode = 'LD303', message = format('reservation %s was released and cannot be settled', hold.request_id);
    elsif hold.status = 'expired' or hold.expires_at <= pg_catalog.now() then
        raise exception using
            errcode = 'LD302',
            message = format('reservation %s expired at %s and cannot be settled', hold.request_id, hold.expires_at),
            hint = 'Charge the call with debit_user_credits instead.';
    end if;
end
$$;

comment on function litellm._check_hold_open(litellm.credit_holds) is
'Raises LD303 for a released hold and LD302 for an expired one: neither can be settled.';

create or replace function litellm._settlement_amount(hold litellm.credit_holds, actual_cost numeric, month date)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_account litellm.user_credits;
    v_cap numeric;
    v_extra_room numeric;
    v_charge numeric := least(actual_cost, hold.amount);
begin
    -- Up to the hold, the credits are already set aside. Beyond it (the call
    -- cost more than reserved) the extra is charged only as far as the
    -- available balance and the monthly cap allow; the rest is reported as
    -- amount_uncovered and never taken below zero.
    select uc.* into v_account from litellm.user_credits as uc where uc.user_id = hold.user_id;
    if actual_cost > hold.amount and v_account.slot_count > 1 then
        -- An account of several slots, every slot locked: the room is the
        -- account's, brought to the hold's slot.
        v_charge := hold.amount + least(actual_cost - hold.amount, litellm._slot_extra_room(hold, actual_cost));
    elsif actual_cost > hold.amount then
        select c.monthly_cap into v_cap from litellm._effective_monthly_cap(v_account) as c;
        v_extra_room := greatest(0, least(
            litellm._available(v_account),
            coalesce(v_cap - litellm._month_spent(v_account, month) - v_account.credits_held, actual_cost)
        ));
        v_charge := hold.amount + least(actual_cost - hold.amount, v_extra_room);
    end if;
    -- Held credits never expire under their hold, so the balance covers the
    -- hold; this bound only matters for an account already inconsistent
    -- (verify_ledger() reports it): the rest is reported as uncovered.
    if hold.slot > 0 then
        select (litellm._slot_account(s)).* into v_account from litellm.credit_slots as s
        where s.user_id = hold.user_id and s.slot = hold.slot;
    elsif v_account.slot_count > 1 then
        select uc.* into v_account from litellm.user_credits as uc where uc.user_id = hold.user_id;
    end if;
    return least(v_charge, greatest(v_account.credits_remaining, 0));
end
$$;

comment on function litellm._settlement_amount(litellm.credit_holds, numeric, date) is
'What settling hold (its account locked) for a call of actual_cost charges the account before budgets: the cost up to the hold, and beyond '
'it as far as the available balance and the monthly cap (in month) allow; never more than the balance. On an account '
'of several slots the room beyond the hold is the account''s (_slot_extra_room), and the balance the hold''s slot''s.';

create or replace function litellm._settle_budgets(
    user_id text, team_id text, model text, held numeric, amount numeric
)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_budget record;
begin
    -- One move per budget, in lock order, as a debit's: the hold's amount
    -- stops being held and the charge is spent (_apply_budgets(), kind
    -- settle). What the hold covered is never refused; an overage beyond a
    -- budget is not charged (reported as uncovered, like one beyond the
    -- balance): every budget is then charged what was held.
    select b.* into v_budget
    from litellm._apply_budgets(user_id, team_id, model, amount, 'settle', released => held) as b;
    return case when v_budget.ok then amount else least(amount, held) end;
end
$$;

comment on function litellm._settle_budgets(text, text, text, numeric, numeric) is
'The budgets'' side of a settlement in team_id for model: releases the held credits and charges amount, one move per '
'budget; when a budget refuses the part beyond the hold, charges only what was held. Returns what is charged.';

create or replace function litellm._settlement_write(
    hold litellm.credit_holds, amount numeric, month date, out balance numeric, out seq bigint
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- The hold's slot: 0, the account row, for an account of one slot.
    if hold.slot = 0 then
        update litellm.user_credits as uc
        set credits_remaining = (litellm._charged(uc, amount, hold.amount, month, 1)).credits_remaining,
            credits_held = (litellm._charged(uc, amount, hold.amount, month, 1)).credits_held,
            total_spent = (litellm._charged(uc, amount, hold.amount, month, 1)).total_spent,
            month_spent = (litellm._charged(uc, amount, hold.amount, month, 1)).month_spent,
            month_start = (litellm._charged(uc, amount, hold.amount, month, 1)).month_start,
            last_seq = (litellm._charged(uc, amount, hold.amount, month, 1)).last_seq,
            updated_at = (litellm._charged(uc, amount, hold.amount, month, 1)).updated_at,
            -- Credits an expired lot kept for the holds are due once a hold ends.
            next_expiry_at = least(uc.next_expiry_at, (
                select min(l.expires_at) from litellm.credit_lots as l
                where l.user_id = uc.user_id and l.slot = 0 and not l.depleted and l.expires_at <= pg_catalog.now()
            ))
        where uc.user_id = hold.user_id
        returning uc.credits_remaining, uc.last_seq into balance, seq;
    else
        update litellm.credit_slots as s
        set credits_remaining = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).credits_remaining,
            credits_held = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).credits_held,
            total_spent = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).total_spent,
            month_spent = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).month_spent,
            month_start = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).month_start,
            last_seq = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).last_seq,
            updated_at = (litellm._charged(litellm._slot_account(s), amount, hold.amount, month, 1)).updated_at,
            -- Credits an expired lot kept for the holds are due once a hold ends.
            next_expiry_at = least(s.next_expiry_at, (
                select min(l.expires_at) from litellm.credit_lots as l
                where l.user_id = s.user_id and l.slot = s.slot and not l.depleted and l.expires_at <= pg_catalog.now()
            ))
        where s.user_id = hold.user_id and s.slot = hold.slot
        returning s.credits_remaining, s.last_seq into balance, seq;
    end if;
end
$$;

comment on function litellm._settlement_write(litellm.credit_holds, numeric, date) is
'Charges amount to the slot of a locked, open hold (0: the account row) and ends the hold there (_charged): returns '
'the slot''s balance and seq for the usage entry.';

create or replace function litellm._charge_settlement(
    hold litellm.credit_holds,
    amount numeric,
    month date,
    provider text,
    model text,
    power_level text,
    prompt_tokens bigint,
    completion_tokens bigint,
    metadata jsonb,
    out transaction_id bigint,
    out balance numeric
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_seq bigint;
begin
    select w.balance, w.seq into balance, v_seq from litellm._settlement_write(hold, amount, month) as w;

    transaction_id := litellm._journal_usage(
        hold.user_id, v_seq, -amount, balance, provider, model, power_level, prompt_tokens, completion_tokens,
        hold.request_id, metadata, hold.slot
    );
    if transaction_id is null then
        raise exception using
            errcode = 'LD101',
            message = format('request_id %s was already charged by a debit; its reservation cannot charge it again',
                             hold.request_id),
            detail = 'field: transaction_type',
            hint = 'Release the reservation instead.';
    end if;

    -- Credits kept from expiry for the holds are taken first.
    perform litellm._consume_lots(
        hold.user_id, transaction_id, litellm._take_from_lots(hold.user_id, transaction_id, amount, true, hold.slot),
        hold.slot
    );

    update litellm.credit_holds as h
    set status = 'settled', settled_amount = _charge_settlement.amount, transaction_id = _charge_settlement.transaction_id,
        resolved_at = pg_catalog.now()
    where h.hold_id = hold.hold_id;
end
$$;

comment on function litellm._charge_settlement(
    litellm.credit_holds, numeric, date, text, text, text, bigint, bigint, jsonb
) is
'Settles a locked, open hold for amount: charges the account (_charged) and ends the hold, journals the usage entry '
'keyed by the hold''s request id, takes the credits from the lots (those kept for holds first) and marks the hold '
'settled. Returns the entry and the balance after it. Raises LD101 when a debit journalled the request id already.';

create or replace function litellm.settle_reservation(
    user_id text,
    request_id text,
    actual_cost numeric,
    provider text default null,
    model text default null,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    power_level text default null,
    metadata jsonb default '{}'
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_charged numeric,
    amount_released numeric,
    amount_uncovered numeric,
    replayed boolean
)
language plpgsql
volatile
-- definer: the journal, holds and accounts are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_user text := litellm._check_user_id(settle_reservation.user_id);
    v_key text := litellm._check_text(settle_reservation.request_id, 'request_id', 255);
    v_cost numeric := litellm._check_amount(settle_reservation.actual_cost, 'actual_cost', true);
    v_metadata jsonb := litellm._check_metadata(settle_reservation.metadata);
    v_level text := litellm._power_level_key(settle_reservation.power_level);
    v_prompt bigint := coalesce(settle_reservation.prompt_tokens, 0);
    v_completion bigint := coalesce(settle_reservation.completion_tokens, 0);
    v_month date := litellm._current_month();
    v_hold litellm.credit_holds;
    v_team text;
    v_charge numeric;
    v_charged record;
begin
    perform litellm._check_settlement_args(v_key, settle_reservation.provider, settle_reservation.model, v_prompt,
                                           v_completion, settle_reservation.power_level);
    v_hold := litellm._lock_hold(v_user, v_key, settle_reservation.model, v_cost);
    if v_hold.status = 'settled' then
        return query select * from litellm._settlement_replay(v_hold, v_key, v_cost, settle_reservation.provider,
                                                              settle_reservation.model, v_prompt, v_completion, v_level);
        return;
    end if;
    perform litellm._check_hold_open(v_hold);

    v_team := v_hold.metadata ->> 'budget_team';
    v_charge := litellm._settle_budgets(
        v_user, v_team, settle_reservation.model, v_hold.amount,
        litellm._settlement_amount(v_hold, v_cost, v_month)
    );
    select c.* into v_charged
    from litellm._charge_settlement(
        v_hold, v_charge, v_month, settle_reservation.provider, settle_reservation.model, v_level, v_prompt,
        v_completion, v_metadata || jsonb_strip_nulls(jsonb_build_object(
            'reservation_id', v_hold.hold_id, 'actual_cost', v_cost, 'budget_team', v_team
        ))
    ) as c;

    return query select true, v_charged.transaction_id, v_charged.balance, v_charge,
        greatest(v_hold.amount - v_charge, 0), v_cost - v_charge, false;
end
$$;

comment on function litellm.settle_reservation(text, text, numeric, text, text, bigint, bigint, text, jsonb) is
'Charges the actual cost of a reserved call and releases the rest of its hold, journalling a usage entry keyed by the '
'request id (so a later debit with that request id is a replay). A cost above the hold is charged as far as the '
'available balance, the monthly cap and the budgets allow; what is left is returned as amount_uncovered (the balance never goes '
'below zero). Held credits do not expire while the hold lives, so the hold itself is always covered. Idempotent: '
'settling again with the same arguments returns the original result with replayed = true; '
'other arguments raise LD101. Raises LD201 (no such reservation), LD302 (expired), LD303 (released), LD001, LD002, '
'LD003, LD004, LD007.';
