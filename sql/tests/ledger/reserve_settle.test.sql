begin;
select plan(9);

select litellm_test.funded_user('reserver', 10);

select results_eq(
    $$ select success, amount_held, credits_available, replayed from litellm.reserve_credits('reserver', 4, 'call-1') $$,
    $$ values (true, 4.000000::numeric, 6.000000::numeric, false) $$,
    'a hold takes the worst case out of the available balance'
);
select results_eq(
    $$ select success, replayed from litellm.reserve_credits('reserver', 4, 'call-1') $$,
    $$ values (true, true) $$,
    'the same request replays'
);
select throws_ok(
    $$ select litellm.reserve_credits('reserver', 5, 'call-1') $$,
    'LD101', 'request_id call-1 was already used with a different amount', 'another amount for the same request'
);
select results_eq(
    $$ select credits_remaining, credits_held, credits_available from litellm.get_user_balance('reserver') $$,
    $$ values (10.000000::numeric, 4.000000::numeric, 6.000000::numeric) $$,
    'the balance shows the hold'
);
select results_eq(
    $$ select success, error_code from litellm.debit_user_credits('reserver', 7) $$,
    $$ values (false, 'insufficient_credits'::text) $$,
    'a debit cannot spend held credits'
);
select results_eq(
    $$ select success, amount_charged, amount_released, amount_uncovered, credits_remaining, replayed
       from litellm.settle_reservation('reserver', 'call-1', 2.5, 'openai', 'gpt-4', 100, 50, 'balanced') $$,
    $$ values (true, 2.500000::numeric, 1.500000::numeric, 0.000000::numeric, 7.500000::numeric, false) $$,
    'settling charges the actual cost and releases the rest'
);
select results_eq(
    $$ select amount_charged, replayed
       from litellm.settle_reservation('reserver', 'call-1', 2.5, 'openai', 'gpt-4', 100, 50, 'balanced') $$,
    $$ values (2.500000::numeric, true) $$,
    'settling again replays'
);
select results_eq(
    $$ select success, replayed, credits_remaining
       from litellm.debit_user_credits('reserver', 2.5, 'openai', 'gpt-4', 100, 50, 'balanced', request_id => 'call-1') $$,
    $$ values (true, true, 7.500000::numeric) $$,
    'a debit with the settled request id is a replay, not a second charge'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
