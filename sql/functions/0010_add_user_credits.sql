create or replace function litellm.add_user_credits(
    user_id text,
    amount numeric,
    transaction_type text default 'purchase',
    payment_method text default null,
    stripe_transaction_id text default null,
    package_id integer default null,
    description text default null,
    metadata jsonb default '{}',
    idempotency_key text default null
)
returns table (
    transaction_id bigint,
    credits_remaining numeric,
    amount_credited numeric,
    replayed boolean
)
language plpgsql
volatile
-- definer: the journal and accounts are not writable by the application role.
security definer
set search_path = ''
as $$
declare
    v_user text := litellm._check_user_id(add_user_credits.user_id);
    v_amount numeric := litellm._check_amount(add_user_credits.amount, 'amount', false);
    v_type text := lower(btrim(add_user_credits.transaction_type));
    v_metadata jsonb := litellm._check_metadata(add_user_credits.metadata);
    v_charge text := litellm._check_text(add_user_credits.stripe_transaction_id, 'stripe_transaction_id', 255);
    v_key text := litellm._check_text(add_user_credits.idempotency_key, 'idempotency_key', 255);
    v_seq bigint;
    v_balance numeric;
    v_prior litellm.credit_transactions;
    v_id bigint;
begin
    if v_type is null or v_type not in ('purchase', 'bonus', 'trial', 'promo') then
        raise exception using
            errcode = 'LD005',
            message = format('transaction_type %s cannot add credits', coalesce(quote_literal(add_user_credits.transaction_type), 'NULL')),
            hint = 'Use purchase, bonus, trial or promo.';
    end if;
    perform litellm._check_text(add_user_credits.payment_method, 'payment_method', 64);
    perform litellm._check_text(add_user_credits.description, 'description', 1000);
    if add_user_credits.package_id is not null
       and not exists (select from litellm.credit_packages as p where p.package_id = add_user_credits.package_id) then
        raise exception using
            errcode = 'LD006',
            message = format('unknown credit package %s', add_user_credits.package_id);
    end if;

    -- Lock order: the charge id's advisory lock, then the user's row. A charge
    -- id is global, so concurrent replays for different users queue here.
    if v_charge is not null then
        perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('litellm.charge:' || v_charge, 0));
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.stripe_transaction_id = v_charge;
        if found then
            if v_prior.user_id is distinct from v_user then
                perform litellm._idempotency_conflict('stripe_transaction_id', v_charge, 'user_id', v_prior.user_id, v_user);
            elsif v_prior.amount is distinct from v_amount then
                perform litellm._idempotency_conflict('stripe_transaction_id', v_charge, 'amount', v_prior.amount::text, v_amount::text);
            elsif v_prior.transaction_type is distinct from v_type then
                perform litellm._idempotency_conflict('stripe_transaction_id', v_charge, 'transaction_type', v_prior.transaction_type, v_type);
            elsif v_prior.package_id is distinct from add_user_credits.package_id then
                perform litellm._idempotency_conflict('stripe_transaction_id', v_charge, 'package_id',
                                                      v_prior.package_id::text, add_user_credits.package_id::text);
            end if;
            return query select v_prior.id, v_prior.balance_after, v_prior.amount, true;
            return;
        end if;
    end if;

    insert into litellm.user_credits as uc (user_id) values (v_user)
    on conflict on constraint user_credits_pkey do nothing;

    select uc.credits_remaining, uc.last_seq into v_balance, v_seq
    from litellm.user_credits as uc
    where uc.user_id = v_user
    for no key update;

    if v_key is not null then
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.user_id = v_user and t.idempotency_key = v_key;
        if found then
            if v_prior.amount is distinct from v_amount then
                perform litellm._idempotency_conflict('idempotency_key', v_key, 'amount', v_prior.amount::text, v_amount::text);
            elsif v_prior.transaction_type is distinct from v_type then
                perform litellm._idempotency_conflict('idempotency_key', v_key, 'transaction_type', v_prior.transaction_type, v_type);
            end if;
            return query select v_prior.id, v_prior.balance_after, v_prior.amount, true;
            return;
        end if;
    end if;

    v_balance := v_balance + v_amount;
    v_seq := v_seq + 1;

    update litellm.user_credits as uc
    set credits_remaining = v_balance,
        total_purchased = uc.total_purchased + case when v_type = 'purchase' then v_amount else 0 end,
        total_granted = uc.total_granted + case when v_type = 'purchase' then 0 else v_amount end,
        last_seq = v_seq,
        updated_at = pg_catalog.now()
    where uc.user_id = v_user;

    insert into litellm.credit_transactions (
        user_id, seq, transaction_type, amount, balance_after, payment_method,
        stripe_transaction_id, package_id, description, idempotency_key, metadata
    ) values (
        v_user, v_seq, v_type, v_amount, v_balance, add_user_credits.payment_method,
        v_charge, add_user_credits.package_id, add_user_credits.description, v_key, v_metadata
    )
    returning id into v_id;

    return query select v_id, v_balance, v_amount, false;
end
$$;

comment on function litellm.add_user_credits(text, numeric, text, text, text, integer, text, jsonb, text) is
'Credits a user (creating the account when new) and journals it. transaction_type: purchase, bonus, trial or promo. '
'Idempotent by stripe_transaction_id (global) and by idempotency_key (per user): a replay returns the original entry with replayed = true; '
'a replay with different arguments raises LD101. Raises LD001, LD004, LD005, LD006, LD007.';
