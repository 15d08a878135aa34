begin;
select plan(16);

select litellm_test.funded_user('victim', 10);

select throws_ok($$ select litellm.debit_user_credits(null, 1) $$, 'LD004', 'user_id is required', 'NULL user');
select throws_ok($$ select litellm.debit_user_credits('victim', null) $$, 'LD001', 'cost is required', 'NULL cost');
select throws_ok(
    $$ select litellm.debit_user_credits('victim', -0.01) $$,
    'LD001', 'cost must be zero or positive, got -0.01', 'negative cost'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 'NaN') $$,
    'LD001', 'cost must be a finite number, not NaN', 'NaN cost'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 'Infinity') $$,
    'LD001', 'cost must be a finite number, not Infinity', 'infinite cost'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', '-Infinity') $$,
    'LD001', 'cost must be a finite number, not -Infinity', 'negative infinite cost'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 0.1234567) $$,
    'LD001', 'cost has more than 6 decimal places: 0.1234567', 'over-precise cost'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, 'openai', 'gpt-4', -1, 0) $$,
    'LD002', 'token counts must not be negative (prompt -1, completion 0)', 'negative prompt tokens'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, 'openai', 'gpt-4', 0, -5) $$,
    'LD002', 'token counts must not be negative (prompt 0, completion -5)', 'negative completion tokens'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, 'openai', 'gpt-4', 1, 1, 'turbo') $$,
    'LD003', 'unknown power level ''turbo''', 'unknown power level'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, 'openai', 'gpt-4', 1, 1, 'eco', '"req"') $$,
    'LD007', 'metadata must be a JSON object, got string', 'metadata that is not an object'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, request_id => repeat('r', 256)) $$,
    'LD007', 'request_id is longer than 255 characters', 'over-long request id'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, repeat('p', 256)) $$,
    'LD007', 'provider is longer than 255 characters', 'over-long provider'
);
select throws_ok(
    $$ select litellm.debit_user_credits('victim', 1, 'openai', 'gpt-4', 3000000000, 0) $$,
    'LD002', 'token counts must be below 2^31 (prompt 3000000000, completion 0)', 'absurd token counts'
);

select is(litellm_test.journal_count('victim'), 1::bigint, 'no rejected debit wrote a journal entry');
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'victim'
    ), 10.000000::numeric,
    'no rejected debit changed the balance'
);

select * from finish();
rollback;
