begin;
select plan(5);

select litellm.add_user_credits('payer', 500, 'purchase', 'stripe', 'ch_conflict', 2, null);

select throws_ok(
    $$ select litellm.add_user_credits('payer', 501, 'purchase', 'stripe', 'ch_conflict', 2, null) $$,
    'LD101', 'stripe_transaction_id ch_conflict was already used with a different amount',
    'a replayed charge with another amount is a conflict'
);
select throws_ok(
    $$ select litellm.add_user_credits('someone-else', 500, 'purchase', 'stripe', 'ch_conflict', 2, null) $$,
    'LD101', 'stripe_transaction_id ch_conflict was already used with a different user_id',
    'a charge id cannot credit a second user'
);
select throws_ok(
    $$ select litellm.add_user_credits('payer', 500, 'purchase', 'stripe', 'ch_conflict', 3, null) $$,
    'LD101', 'stripe_transaction_id ch_conflict was already used with a different package_id',
    'a replayed charge for another package is a conflict'
);
select is(
    (
        select count(*) from litellm.user_credits
        where user_id = 'someone-else'
    ), 0::bigint,
    'the conflicting call created no account'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'payer'
    ), 500.000000::numeric,
    'the balance is unchanged by the conflicts'
);

select * from finish();
rollback;
