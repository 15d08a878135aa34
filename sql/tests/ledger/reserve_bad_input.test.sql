begin;
select plan(8);

select litellm_test.funded_user('careful', 10);

select throws_ok(
    $$ select litellm.reserve_credits('careful', 1, null) $$,
    'LD007', 'request_id is required for a reservation', 'a hold needs a request id'
);
select throws_ok(
    $$ select litellm.reserve_credits('careful', 1, 'x', interval '0') $$,
    'LD010', 'ttl must be positive and at most 7 days, got 00:00:00', 'zero ttl'
);
select throws_ok(
    $$ select litellm.reserve_credits('careful', 1, 'x', interval '8 days') $$,
    'LD010', null, 'ttl beyond 7 days'
);
select throws_ok(
    $$ select litellm.reserve_credits('careful', 'NaN', 'x') $$,
    'LD001', null, 'NaN amount'
);
select throws_ok(
    $$ select litellm.reserve_credits('careful', 0, 'x') $$,
    'LD001', null, 'zero amount'
);
select results_eq(
    $$ select success, error_code from litellm.reserve_credits('careful', 11, 'x') $$,
    $$ values (false, 'insufficient_credits'::text) $$,
    'more than the balance is refused, not an error'
);
select results_eq(
    $$ select success, error_code from litellm.reserve_credits('ghost', 1, 'x') $$,
    $$ values (false, 'unknown_user'::text) $$,
    'an unknown user is refused'
);
select is_empty(
    $$ select * from litellm.credit_holds where user_id in ('careful', 'ghost') $$,
    'no refused or rejected reservation left a hold'
);

select * from finish();
rollback;
