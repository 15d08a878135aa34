create or replace function litellm.refund_transaction(
    transaction_id bigint,
    reason text,
    idempotency_key text,
    amount numeric default null
)
returns table (
    refund_transaction_id bigint,
    credits_remaining numeric,
    amount_refunded numeric,
    replayed boolean
)
language plpgsql
volatile
-- definer: the journal and accounts are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_key text := litellm._check_text(refund_transaction.idempotency_key, 'idempotency_key', 255);
    v_reason text := litellm._check_text(btrim(refund_transaction.reason), 'reason', 1000);
    v_original litellm.credit_transactions;
    v_prior litellm.credit_transactions;
    v_woken boolean;
    v_written record;
    v_refundable numeric;
    v_amount numeric;
    v_id bigint;
begin
    if v_key is null then
        raise exception using errcode = 'LD007', message = 'idempotency_key is required for a refund';
    end if;
    if v_reason is null or v_reason = '' then
        raise exception using errcode = 'LD007', message = 'reason is required for a refund';
    end if;
    if refund_transaction.amount is not null then
        v_amount := litellm._check_amount(refund_transaction.amount, 'amount', false);
    end if;

    select t.* into v_original from litellm.credit_transactions as t where t.id = refund_transaction.transaction_id;
    if v_original.id is null then
        raise exception using
            errcode = 'LD202', message = format('no journal entry %s', coalesce(refund_transaction.transaction_id::text, 'NULL'));
    end if;
    if v_original.transaction_type <> 'usage' then
        raise exception using
            errcode = 'LD305',
            message = format('entry %s is a %s entry; only usage entries can be refunded', v_original.id,
                             v_original.transaction_type),
            hint = 'Correct other entries with adjust_credits.';
    end if;

    -- The refund goes to the slot of the entry it reverses (0 for an account
    -- of one slot): its lots are there.
    v_woken := litellm._lock_refund_slot(v_original.user_id, v_original.slot);

    select t.* into v_prior from litellm.credit_transactions as t
    where t.user_id = v_original.user_id and t.idempotency_key = v_key;
    if found then
        if v_prior.reverses_transaction_id is distinct from v_original.id then
            perform litellm._idempotency_conflict('idempotency_key', v_key, 'transaction_id',
                                                  v_prior.reverses_transaction_id::text, v_original.id::text);
        elsif v_amount is not null and v_prior.amount <> v_amount then
            perform litellm._idempotency_conflict('idempotency_key', v_key, 'amount', v_prior.amount::text, v_amount::text);
        end if;
        return query select v_prior.id, v_prior.balance_after, v_prior.amount, true;
        return;
    end if;

    select -v_original.amount - coalesce(sum(t.amount), 0) into v_refundable
    from litellm.credit_transactions as t
    where t.reverses_transaction_id = v_original.id;
    v_amount := coalesce(v_amount, v_refundable);
    if v_amount > v_refundable or v_amount <= 0 then
        raise exception using
            errcode = 'LD306',
            message = format('refund of %s exceeds what is left to refund of entry %s (%s)', v_amount, v_original.id,
                             v_refundable);
    end if;

    v_written := litellm._refund_write(v_original.user_id, v_original.slot, v_amount,
                                       litellm._month_of(v_original.created_at));
    insert into litellm.credit_transactions (
        user_id, slot, seq, transaction_type, amount, balance_after, provider, model, power_level,
        description, idempotency_key, reverses_transaction_id
    ) values (
        v_original.user_id, v_original.slot, v_written.seq, 'refund', v_amount, v_written.balance,
        v_original.provider, v_original.model, v_original.power_level, v_reason, v_key, v_original.id
    )
    returning id into v_id;

    perform litellm._return_to_lots(v_original.user_id, v_id, v_original.id, v_amount, v_original.slot);
    if v_woken then
        -- The slot was retired: the refund moves on to slot 0, which counts
        -- the retired slot's spending of the month, and the slot is retired
        -- again, empty.
        perform litellm._slot_transfer(v_original.user_id, v_original.slot, 0::smallint, v_amount, true);
        update litellm.credit_slots as s set active = false, next_expiry_at = null, updated_at = pg_catalog.now()
        where s.user_id = v_original.user_id and s.slot = v_original.slot;
        update litellm.user_credits as uc set month_spent = greatest(uc.month_spent - v_amount, 0)
        where uc.user_id = v_original.user_id and uc.month_start = litellm._month_of(v_original.created_at);
    end if;
    perform litellm._apply_budgets(v_original.user_id, v_original.metadata ->> 'budget_team', v_original.model, v_amount,
                                   'refund');

    return query select v_id, v_written.balance, v_amount, false;
end
$$;

comment on function litellm.refund_transaction(bigint, text, text, numeric) is
'Gives back credits for a usage entry, all that is left to refund or amount of it, as a refund entry that names the '
'entry it reverses; the credits go back to the lots the charge used (an expired lot''s share expires again), on the '
'charge''s slot for an account of several slots (credits_remaining: that slot''s balance). '
'Idempotent by idempotency_key (per user): a replay returns the original refund with replayed = true. '
'Raises LD202 (no such entry), LD305 (not a usage entry), LD306 (more than is left to refund), LD101, LD001, LD007.';
