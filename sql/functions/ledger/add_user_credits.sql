create or replace function litellm.add_user_credits(
    user_id text,
    amount numeric,
    transaction_type text default 'purchase',
    payment_method text default null,
    stripe_transaction_id text default null,
    package_id integer default null,
    description text default null,
    metadata jsonb default '{}',
    idempotency_key text default null,
    expires_at timestamptz default null
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
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(add_user_credits.user_id);
    v_amount numeric := litellm._check_amount(add_user_credits.amount, 'amount', false);
    v_type text := lower(btrim(add_user_credits.transaction_type));
    v_metadata jsonb := litellm._check_metadata(add_user_credits.metadata);
    v_charge text := litellm._check_text(add_user_credits.stripe_transaction_id, 'stripe_transaction_id', 255);
    v_key text := litellm._check_text(add_user_credits.idempotency_key, 'idempotency_key', 255);
    v_expires timestamptz := add_user_credits.expires_at;
    v_prior litellm.credit_transactions;
    v_entry record;
begin
    if v_type is null or v_type not in ('purchase', 'bonus', 'trial', 'promo') then
        raise exception using
            errcode = 'LD005',
            message = format('transaction_type %s cannot add credits', coalesce(quote_literal(add_user_credits.transaction_type), 'NULL')),
            hint = 'Use purchase, bonus, trial or promo.';
    end if;
    if v_expires is null then
        select pg_catalog.now() + ct.default_validity into v_expires
        from litellm.credit_types as ct
        where ct.transaction_type = v_type;
    elsif v_expires <= pg_catalog.now() then
        raise exception using
            errcode = 'LD008',
            message = format('expires_at %s is not in the future', v_expires);
    end if;
    perform litellm._check_text(add_user_credits.payment_method, 'payment_method', 64);
    perform litellm._check_text(add_user_credits.description, 'description', 1000);
    if add_user_credits.package_id is not null
       and not exists (select from litellm.credit_packages as p where p.package_id = add_user_credits.package_id) then
        raise exception using
            errcode = 'LD006',
            message = format('unknown credit package %s', add_user_credits.package_id);
    end if;

    insert into litellm.user_credits as uc (user_id) values (v_user)
    on conflict on constraint user_credits_pkey do nothing;

    perform from litellm.user_credits as uc where uc.user_id = v_user for no key update;

    -- A charge id is global. Its replays for this user queue on the account
    -- row above and then find the original. A first use of the same id by
    -- another user at the same moment waits on the journal's unique index
    -- (in _grant) and ends in the unique_violation handler below.
    if v_charge is not null then
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

    v_entry := litellm._grant(
        v_user, v_amount, v_type, v_expires, add_user_credits.payment_method, v_charge,
        add_user_credits.package_id, add_user_credits.description, v_key, v_metadata
    );
    return query select v_entry.transaction_id, v_entry.balance, v_amount, false;
exception
    when unique_violation then
        select t.* into v_prior
        from litellm.credit_transactions as t
        where t.stripe_transaction_id = v_charge;
        if v_charge is null or not found or v_prior.user_id = v_user then
            raise;
        end if;
        perform litellm._idempotency_conflict('stripe_transaction_id', v_charge, 'user_id', v_prior.user_id, v_user);
end
$$;

comment on function litellm.add_user_credits(text, numeric, text, text, text, integer, text, jsonb, text, timestamptz) is
'Credits a user (creating the account when new) and journals it as a new lot. transaction_type: purchase, bonus, '
'trial or promo; the lot''s priority and default validity come from credit_types, or expires_at sets its expiry. '
'Idempotent by stripe_transaction_id (global) and by idempotency_key (per user): a replay returns the original entry with replayed = true; '
'a replay with different arguments raises LD101. Raises LD001, LD004, LD005, LD006, LD007, LD008, '
'LD070 (the account''s credits would reach 10^14).';
