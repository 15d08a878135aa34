begin;
select plan(8);

select litellm_test.funded_user('releaser', 10);
select litellm.reserve_credits('releaser', 6, 'r1');

select results_eq(
    $$ select released, status, amount_released, replayed from litellm.release_reservation('releaser', 'r1') $$,
    $$ values (true, 'released'::text, 6.000000::numeric, false) $$,
    'releasing frees the hold'
);
select results_eq(
    $$ select credits_available from litellm.get_user_balance('releaser') $$,
    $$ values (10.000000::numeric) $$,
    'the credits are available again'
);
select results_eq(
    $$ select released, status, replayed from litellm.release_reservation('releaser', 'r1') $$,
    $$ values (false, 'released'::text, true) $$,
    'releasing twice changes nothing'
);
select throws_ok(
    $$ select litellm.settle_reservation('releaser', 'r1', 1) $$,
    'LD303', 'reservation r1 was released and cannot be settled', 'a released hold cannot be settled'
);
select litellm.reserve_credits('releaser', 2, 'r2');
select litellm.settle_reservation('releaser', 'r2', 1);
select throws_ok(
    $$ select litellm.release_reservation('releaser', 'r2') $$,
    'LD304', 'reservation r2 was settled and cannot be released', 'a settled hold cannot be released'
);
select throws_ok(
    $$ select litellm.release_reservation('releaser', 'nope') $$,
    'LD201', 'no reservation nope for user releaser', 'unknown reservation'
);
select throws_ok(
    $$ select litellm.settle_reservation('releaser', 'nope', 1) $$,
    'LD201', 'no reservation nope for user releaser', 'settling an unknown reservation'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
