-- A call that cost more than was reserved: the extra is charged as far as
-- the available balance allows, never below zero.
begin;
select plan(4);

select litellm_test.funded_user('over', 10);
select litellm.reserve_credits('over', 3, 'small');
select litellm.reserve_credits('over', 4, 'other');

select results_eq(
    $$ select amount_charged, amount_released, amount_uncovered
       from litellm.settle_reservation('over', 'small', 5) $$,
    $$ values (5.000000::numeric, 0::numeric, 0.000000::numeric) $$,
    'an overage within the available balance is charged in full'
);
select results_eq(
    $$ select amount_charged, amount_uncovered, credits_remaining
       from litellm.settle_reservation('over', 'other', 9) $$,
    $$ values (5.000000::numeric, 4.000000::numeric, 0.000000::numeric) $$,
    'an overage beyond it is charged to zero and the rest reported uncovered'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'over'
    ), 0.000000::numeric,
    'the balance is zero, not negative'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
