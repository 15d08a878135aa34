begin;
select plan(7);

select is(
    (
        select count(*) from litellm.user_credits
        where user_id = 'new-user'
    ), 0::bigint,
    'the user does not exist yet'
);

select results_eq(
    $$ select credits_remaining, amount_credited, replayed
       from litellm.add_user_credits('new-user', 100.0, 'bonus', 'trial', null, null, 'Welcome bonus') $$,
    $$ values (100.000000::numeric, 100.000000::numeric, false) $$,
    'a bonus returns the new balance and the credited amount'
);

select results_eq(
    $$ select credits_remaining, tier, total_granted, total_purchased, last_seq
       from litellm.user_credits where user_id = 'new-user' $$,
    $$ values (100.000000::numeric, 'free'::text, 100.000000::numeric, 0.000000::numeric, 1::bigint) $$,
    'the account is created on the free tier with the bonus counted as granted'
);

select results_eq(
    $$ select transaction_type, amount, balance_after, payment_method, description, seq
       from litellm.credit_transactions where user_id = 'new-user' $$,
    $$ values ('bonus'::text, 100.000000::numeric, 100.000000::numeric, 'trial'::text, 'Welcome bonus'::text, 1::bigint) $$,
    'one journal entry records the grant and the balance after it'
);

select results_eq(
    $$ select credits_remaining, replayed
       from litellm.add_user_credits('new-user', 500, 'purchase', 'stripe', 'ch_create_1', 2, null) $$,
    $$ values (600.000000::numeric, false) $$,
    'a purchase adds to the existing balance'
);

select is(
    (
        select total_purchased from litellm.user_credits
        where user_id = 'new-user'
    ), 500.000000::numeric,
    'purchases are counted separately from grants'
);

select is(
    (
        select package_id from litellm.credit_transactions
        where stripe_transaction_id = 'ch_create_1'
    ), 2,
    'the package id is recorded'
);

select * from finish();
rollback;
