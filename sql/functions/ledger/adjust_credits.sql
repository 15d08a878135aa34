create or replace function litellm.adjust_credits(
    user_id text,
    amount numeric,
    reason text,
    idempotency_key text,
    expires_at timestamptz default null
)
returns table (
    transaction_id bigint,
    credits_remaining numeric,
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
    v_user text := litellm._check_user_id(adjust_credits.user_id);
    v_key text := litellm._check_text(adjust_credits.idempotency_key, 'idempotency_key', 255);
    v_reason text := litellm._check_text(btrim(adjust_credits.reason), 'reason', 1000);
    v_amount numeric;
    v_account litellm.user_credits;
    v_prior litellm.credit_transactions;
    v_entry record;
    v_id bigint;
    v_available numeric;
begin
    if adjust_credits.amount is null or adjust_credits.amount = 0 then
        raise exception using errcode = 'LD001', message = 'amount must be non-zero: positive adds, negative removes';
    end if;
    v_amount := sign(adjust_credits.amount) * litellm._check_amount(abs(adjust_credits.amount), 'amount', false);
    if v_key is null then
        raise exception using errcode = 'LD007', message = 'idempotency_key is required for an adjustment';
    end if;
    if v_reason is null or v_reason = '' then
        raise exception using errcode = 'LD007', message = 'reason is required for an adjustment';
    end if;
    if adjust_credits.expires_at is not null and (v_amount < 0 or adjust_credits.expires_at <= pg_catalog.now()) then
        raise exception using
            errcode = 'LD008', message = 'expires_at must be in the future, and only for a positive adjustment';
    end if;

    select uc.* into v_account from litellm.user_credits as uc where uc.user_id = v_user for no key update;
    if v_account.user_id is null then
        raise exception using errcode = 'LD203', message = format('unknown user %s', v_user);
    end if;

    select t.* into v_prior from litellm.credit_transactions as t
    where t.user_id = v_user and t.idempotency_key = v_key;
    if found then
        if v_prior.transaction_type <> 'adjustment' or v_prior.amount <> v_amount then
            perform litellm._idempotency_conflict('idempotency_key', v_key, 'amount', v_prior.amount::text, v_amount::text);
        end if;
        return query select v_prior.id, v_prior.balance_after, true;
        return;
    end if;

    if v_amount > 0 then
        v_entry := litellm._grant(v_user, v_amount, 'adjustment', adjust_credits.expires_at, null, null, null,
                                  v_reason, v_key, '{}'::jsonb);
        return query select v_entry.transaction_id, v_entry.balance, false;
        return;
    end if;

    if v_account.slot_count > 1 then
        -- An account of several slots: every slot, in order; the credits are
        -- brought to slot 0 unless the account as a whole cannot give them.
        v_available := litellm._gather_slots(v_user, -v_amount);
        select uc.* into v_account from litellm.user_credits as uc where uc.user_id = v_user;
    elsif litellm._expiry_due(v_account) then
        perform litellm._sweep_expired(v_user);
        select uc.* into v_account from litellm.user_credits as uc where uc.user_id = v_user;
    end if;
    if litellm._available(v_account) < -v_amount then
        raise exception using
            errcode = 'LD301',
            message = format('cannot remove %s credits: %s available', -v_amount,
                             coalesce(v_available, litellm._available(v_account)));
    end if;

    update litellm.user_credits as uc
    set credits_remaining = uc.credits_remaining + v_amount,
        last_seq = uc.last_seq + 1,
        updated_at = pg_catalog.now()
    where uc.user_id = v_user
    returning uc.* into v_account;

    insert into litellm.credit_transactions (
        user_id, seq, transaction_type, amount, balance_after, description, idempotency_key
    ) values (
        v_user, v_account.last_seq, 'adjustment', v_amount, v_account.credits_remaining, v_reason, v_key
    )
    returning id into v_id;
    perform litellm._consume_lots(v_user, v_id, -v_amount);

    return query select v_id, v_account.credits_remaining, false;
end
$$;

comment on function litellm.adjust_credits(text, numeric, text, text, timestamptz) is
'Corrects a balance with a reason: a positive amount adds a lot (priority of adjustment, optional expiry), a negative '
'one removes credits from the lots in consumption order, never below what live holds need (on an account of several '
'slots: from slot 0, after bringing the account''s credits there). Idempotent by '
'idempotency_key (per user). Raises LD203 (unknown user), LD301 (not enough available), LD001, LD004, LD007, LD008, '
'LD070 (the account''s credits would reach 10^14), LD101.';
