create or replace function litellm.purchase_credit_package(
    user_id text,
    package_id integer,
    payment_method text default null,
    charge_id text default null
)
returns table (
    transaction_id bigint,
    credits_remaining numeric,
    amount_credited numeric,
    price_usd numeric,
    replayed boolean
)
language plpgsql
volatile
-- definer: it reads the journal to recognise a replayed charge of a since-retired package.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(purchase_credit_package.user_id);
    v_charge text;
    v_package litellm.credit_packages;
    v_prior litellm.credit_transactions;
    v_amount numeric;
begin
    if purchase_credit_package.charge_id is null or btrim(purchase_credit_package.charge_id) = '' then
        raise exception using
            errcode = 'LD031',
            message = 'charge_id is required',
            hint = 'Pass the payment provider''s charge id: it makes the purchase idempotent.';
    end if;
    v_charge := litellm._check_text(purchase_credit_package.charge_id, 'charge_id', 255);
    perform litellm._check_text(purchase_credit_package.payment_method, 'payment_method', 64);

    select p.* into v_package
    from litellm.credit_packages as p
    where p.package_id = purchase_credit_package.package_id;
    if not found then
        raise exception using
            errcode = 'LD006',
            message = format('unknown credit package %s', coalesce(purchase_credit_package.package_id::text, 'NULL')),
            hint = 'See litellm.credit_packages for the catalogue.';
    end if;

    -- A replayed charge returns the original purchase even if the package was
    -- retired or its credits changed since; add_user_credits decides whether
    -- it is a true replay (same user, amount, package) or a conflict (LD101).
    select t.* into v_prior
    from litellm.credit_transactions as t
    where t.stripe_transaction_id = v_charge;
    if found and v_prior.package_id is not distinct from v_package.package_id then
        v_amount := v_prior.amount;
    else
        if not found and not v_package.active then
            raise exception using
                errcode = 'LD320',
                message = format('credit package %s (%s) is retired', v_package.package_id, v_package.name),
                detail = 'Retired packages stay in the catalogue for the history of past purchases but cannot be bought.',
                hint = 'Offer an active package (litellm.credit_packages where active).';
        end if;
        v_amount := v_package.credits;
    end if;

    return query
    select
        r.transaction_id,
        r.credits_remaining,
        r.amount_credited,
        coalesce((v_prior.metadata ->> 'price_usd')::numeric, v_package.price_usd),
        r.replayed
    from litellm.add_user_credits(
        user_id => v_user,
        amount => v_amount,
        transaction_type => 'purchase',
        payment_method => purchase_credit_package.payment_method,
        stripe_transaction_id => v_charge,
        package_id => v_package.package_id,
        description => format('%s (package %s)', v_package.name, v_package.package_id),
        metadata => jsonb_build_object(
            'package_name', v_package.name,
            'price_usd', v_package.price_usd,
            'discount_percent', v_package.discount_percent
        )
    ) as r;
end
$$;

comment on function litellm.purchase_credit_package(text, integer, text, text) is
'Credits a user with a package from litellm.credit_packages, paid by the charge charge_id, through add_user_credits '
'(a purchase entry with the package id; the account is created when new). Idempotent by charge_id: a replay returns the '
'original entry with replayed = true, even after the package was retired; the same charge for another user or package '
'raises LD101. Raises LD001, LD004, LD006 (unknown package), LD007, LD031 (charge_id missing), LD070, '
'LD101, LD320 (the package is retired: active = false).';
