-- Buying a package credits its credits through add_user_credits, as a purchase
-- entry that names the package.
begin;
select plan(4);

select results_eq(
    $$ select credits_remaining, amount_credited, price_usd, replayed
       from litellm.purchase_credit_package('buyer', 2, 'stripe', 'ch_pkg_1') $$,
    $$ values (500.000000::numeric, 500.000000::numeric, 45.00::numeric, false) $$,
    'the Value Pack credits 500 credits for 45 USD'
);
select results_eq(
    $$ select transaction_type, amount, package_id, payment_method, stripe_transaction_id, description
       from litellm.credit_transactions where user_id = 'buyer' $$,
    $$ values ('purchase'::text, 500.000000::numeric, 2, 'stripe'::text, 'ch_pkg_1'::text, 'Value Pack (package 2)'::text) $$,
    'one purchase entry naming the package and the charge'
);
select is(
    (
        select total_purchased from litellm.user_credits
        where user_id = 'buyer'
    ),
    500.000000::numeric,
    'the account was created and counts it as purchased'
);
select results_eq(
    $$ select credits_remaining from litellm.purchase_credit_package('buyer', 1, charge_id => 'ch_pkg_2') $$,
    $$ values (600.000000::numeric) $$,
    'a second charge buys another package'
);

select * from finish();
rollback;
