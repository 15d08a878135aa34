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
    v_account litellm.user_credits;
    v_hold litellm.credit_holds;
    v_prior litellm.credit_transactions;
    v_cap numeric;
    v_spent numeric;
    v_extra_room numeric;
    v_charge numeric;
    v_id bigint;
    v_team text;
    v_budget record;
begin
    if v_key is null then
        raise exception using errcode = 'LD007', message = 'request_id is required to settle a reservation';
    end if;
    perform litellm._check_text(settle_reservation.provider, 'provider', 255);
    perform litellm._check_text(settle_reservation.model, 'model', 255);
    perform litellm._check_tokens(v_prompt, v_completion);
    perform litellm._check_power_level(settle_reservation.power_level);

    -- Lock order: the account, then its hold (and, sweeping, the budget
    -- counters of the expired holds and of this hold's team at once).
    select uc.* into v_account from litellm.user_credits as uc where uc.user_id = v_user for no key update;
    if litellm._expiry_due(v_account) then
        perform litellm._sweep_expired_before(
            v_user,
            (select h.metadata ->> 'budget_team' from litellm.credit_holds as h
             where h.user_id = v_user and h.request_id = v_key),
            settle_reservation.model
        );
        select uc.* into v_account from litellm.user_credits as uc where uc.user_id = v_user;
    end if;
    select h.* into v_hold from litellm.credit_holds as h
    where h.user_id = v_user and h.request_id = v_key
    for update;
    if v_hold.hold_id is null then
        raise exception using
            errcode = 'LD201', message = format('no reservation %s for user %s', v_key, v_user);
    end if;

    if v_hold.status = 'settled' then
        select t.* into v_prior from litellm.credit_transactions as t where t.id = v_hold.transaction_id;
        perform litellm._check_usage_replay(v_prior, v_key, v_cost, settle_reservation.provider,
                                            settle_reservation.model, v_prompt, v_completion, v_level);
        perform litellm._flush_at_commit();
        return query select true, v_prior.id, v_prior.balance_after, v_hold.settled_amount,
            greatest(v_hold.amount - v_hold.settled_amount, 0), v_cost - v_hold.settled_amount, true;
        return;
    elsif v_hold.status = 'released' then
        raise exception using
            errcode = 'LD303', message = format('reservation %s was released and cannot be settled', v_key);
    elsif v_hold.status = 'expired' or v_hold.expires_at <= pg_catalog.now() then
        raise exception using
            errcode = 'LD302',
            message = format('reservation %s expired at %s and cannot be settled', v_key, v_hold.expires_at),
            hint = 'Charge the call with debit_user_credits instead.';
    end if;

    -- Up to the hold, the credits are already set aside. Beyond it (the call
    -- cost more than reserved) the extra is charged only as far as the
    -- available balance and the monthly cap allow; the rest is reported as
    -- amount_uncovered and never taken below zero.
    v_charge := least(v_cost, v_hold.amount);
    if v_cost > v_hold.amount then
        select c.monthly_cap into v_cap from litellm._effective_monthly_cap(v_account) as c;
        v_spent := litellm._month_spent(v_account, v_month);
        v_extra_room := greatest(0, least(
            litellm._available(v_account),
            coalesce(v_cap - v_spent - v_account.credits_held, v_cost)
        ));
        v_charge := v_hold.amount + least(v_cost - v_hold.amount, v_extra_room);
    end if;
    -- Held credits never expire under their hold, so the balance covers the
    -- hold; this bound only matters for an account already inconsistent
    -- (verify_ledger() reports it): the rest is reported as uncovered.
    v_charge := least(v_charge, greatest(v_account.credits_remaining, 0));

    -- Budgets: the hold's amount stops being held; the charge is spent. What
    -- the hold covered can never be refused; an overage beyond a budget is
    -- not charged (reported as uncovered, like one beyond the balance).
    v_team := v_hold.metadata ->> 'budget_team';
    perform litellm._apply_budgets(v_user, v_team, settle_reservation.model, v_hold.amount, 'release');
    select b.* into v_budget
    from litellm._apply_budgets(v_user, v_team, settle_reservation.model, v_charge, 'charge') as b;
    if not v_budget.ok then
        v_charge := least(v_charge, v_hold.amount);
        perform litellm._apply_budgets(v_user, v_team, settle_reservation.model, v_charge, 'settle');
    end if;

    update litellm.user_credits as uc
    set credits_remaining = uc.credits_remaining - v_charge,
        credits_held = uc.credits_held - v_hold.amount,
        total_spent = uc.total_spent + v_charge,
        month_spent = litellm._month_spent(uc, v_month) + v_charge,
        month_start = v_month,
        last_seq = uc.last_seq + 1,
        -- Credits an expired lot kept for the holds are due once a hold ends.
        next_expiry_at = least(uc.next_expiry_at, (
            select min(l.expires_at) from litellm.credit_lots as l
            where l.user_id = uc.user_id and not l.depleted and l.expires_at <= pg_catalog.now()
        )),
        updated_at = pg_catalog.now()
    where uc.user_id = v_user
    returning uc.* into v_account;

    insert into litellm.credit_transactions (
        user_id, seq, transaction_type, amount, balance_after, provider, model,
        power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
    ) values (
        v_user, v_account.last_seq, 'usage', -v_charge, v_account.credits_remaining, settle_reservation.provider,
        settle_reservation.model, v_level, v_prompt, v_completion, v_key,
        v_metadata || jsonb_strip_nulls(jsonb_build_object(
            'reservation_id', v_hold.hold_id, 'actual_cost', v_cost, 'budget_team', v_team
        ))
    )
    on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
    returning id into v_id;
    if v_id is null then
        raise exception using
            errcode = 'LD101',
            message = format('request_id %s was already charged by a debit; its reservation cannot charge it again', v_key),
            detail = 'field: transaction_type',
            hint = 'Release the reservation instead.';
    end if;

    -- Credits kept from expiry for the holds are taken first.
    perform litellm._consume_lots(v_user, v_id, litellm._consume_kept_lots(v_user, v_id, v_charge));

    update litellm.credit_holds as h
    set status = 'settled', settled_amount = v_charge, transaction_id = v_id, resolved_at = pg_catalog.now()
    where h.hold_id = v_hold.hold_id;

    return query select true, v_id, v_account.credits_remaining, v_charge,
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
