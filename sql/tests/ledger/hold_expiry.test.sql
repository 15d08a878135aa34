begin;
select plan(5);

select litellm_test.funded_user('lapsed', 10);
select litellm.reserve_credits('lapsed', 8, 'slow-call', interval '1 minute');
select litellm_test.age_past_expiry('lapsed');

select results_eq(
    $$ select credits_held, credits_available from litellm.get_user_balance('lapsed') $$,
    $$ values (0::numeric, 10.000000::numeric) $$,
    'an expired hold stops counting at once'
);
select results_eq(
    $$ select success from litellm.debit_user_credits('lapsed', 9) $$,
    $$ values (true) $$,
    'its credits can be spent'
);
select throws_ok(
    $$ select litellm.settle_reservation('lapsed', 'slow-call', 1) $$,
    'LD302', null, 'an expired hold cannot be settled'
);
select results_eq(
    $$ select status from litellm.credit_holds where request_id = 'slow-call' $$,
    $$ values ('expired'::text) $$,
    'the debit''s sweep marked it expired'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
