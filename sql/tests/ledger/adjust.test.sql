begin;
select plan(8);

select litellm_test.funded_user('adjusted', 10);

select results_eq(
    $$ select credits_remaining, replayed from litellm.adjust_credits('adjusted', 5, 'support goodwill', 'adj-1') $$,
    $$ values (15.000000::numeric, false) $$,
    'a positive adjustment adds credits'
);
select results_eq(
    $$ select transaction_type, priority, remaining from litellm.credit_lots where user_id = 'adjusted' order by lot_id $$,
    $$ values ('purchase'::text, 100::smallint, 10.000000::numeric), ('adjustment', 50::smallint, 5.000000) $$,
    'as a lot of its own'
);
select results_eq(
    $$ select credits_remaining, replayed from litellm.adjust_credits('adjusted', 5, 'support goodwill', 'adj-1') $$,
    $$ values (15.000000::numeric, true) $$,
    'the same key replays'
);
select results_eq(
    $$ select credits_remaining from litellm.adjust_credits('adjusted', -12, 'chargeback', 'adj-2') $$,
    $$ values (3.000000::numeric) $$,
    'a negative adjustment removes credits through the lots'
);
select throws_ok(
    $$ select litellm.adjust_credits('adjusted', -4, 'too much', 'adj-3') $$,
    'LD301', 'cannot remove 4.000000 credits: 3.000000 available', 'never below zero'
);
select throws_ok(
    $$ select litellm.adjust_credits('nobody', 1, 'x', 'adj-4') $$, 'LD203', 'unknown user nobody', 'unknown user'
);
select throws_ok(
    $$ select litellm.adjust_credits('adjusted', 1, ' ', 'adj-5') $$,
    'LD007', 'reason is required for an adjustment', 'a reason is required'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
