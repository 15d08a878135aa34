begin;
select plan(15);

select throws_ok(
    $$ select litellm.add_user_credits(null, 10, 'bonus') $$,
    'LD004', 'user_id is required', 'NULL user'
);
select throws_ok(
    $$ select litellm.add_user_credits('  ', 10, 'bonus') $$,
    'LD004', 'user_id is required', 'blank user'
);
select throws_ok(
    $$ select litellm.add_user_credits(repeat('u', 256), 10, 'bonus') $$,
    'LD004', 'user_id is longer than 255 characters', 'over-long user'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', null, 'bonus') $$,
    'LD001', 'amount is required', 'NULL amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', -5, 'bonus') $$,
    'LD001', 'amount must be positive, got -5', 'negative amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 0, 'bonus') $$,
    'LD001', 'amount must be positive, got 0', 'zero amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 'NaN', 'bonus') $$,
    'LD001', 'amount must be a finite number, not NaN', 'NaN amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 'Infinity', 'bonus') $$,
    'LD001', 'amount must be a finite number, not Infinity', 'infinite amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 0.0000001, 'bonus') $$,
    'LD001', 'amount has more than 6 decimal places: 0.0000001', 'sub-micro-credit amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 1e15, 'bonus') $$,
    'LD001', null, 'absurdly large amount'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 10, 'usage') $$,
    'LD005', 'transaction_type ''usage'' cannot add credits', 'usage is not a credit type'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 10, null) $$,
    'LD005', 'transaction_type NULL cannot add credits', 'NULL type'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 10, 'purchase', 'stripe', 'ch_x', 99, null) $$,
    'LD006', 'unknown credit package 99', 'unknown package'
);
select throws_ok(
    $$ select litellm.add_user_credits('u1', 10, 'bonus', metadata => '[1, 2]') $$,
    'LD007', 'metadata must be a JSON object, got array', 'metadata that is not an object'
);

select is(
    (
        select count(*) from litellm.user_credits
        where user_id in ('u1', repeat('u', 256))
    ), 0::bigint,
    'no rejected call created an account'
);

select * from finish();
rollback;
