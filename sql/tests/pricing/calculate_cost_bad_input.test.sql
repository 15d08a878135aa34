begin;
select plan(8);

select throws_ok(
    $$ select litellm.calculate_cost('openai', 'gpt-4o', -1, 0) $$,
    'LD002', 'token counts must not be negative (prompt -1, completion 0)', 'negative prompt tokens'
);
select throws_ok(
    $$ select litellm.calculate_cost('openai', 'gpt-4o', 0, 3000000000) $$,
    'LD002', 'token counts must be below 2^31 (prompt 0, completion 3000000000)', 'absurd completion tokens'
);
select throws_ok(
    $$ select litellm.calculate_cost('openai', 'gpt-4o', 1, 1, 'turbo') $$,
    'LD003', 'unknown power level ''turbo''', 'unknown power level'
);
select throws_ok(
    $$ select litellm.calculate_cost('openai', 'gpt-4o', 1, 1, null, 'platinum') $$,
    'LD220', 'unknown tier ''platinum''', 'unknown tier'
);
select throws_ok(
    $$ select litellm.calculate_cost(null, 'gpt-4o', 1, 1) $$,
    'LD031', 'provider is required', 'NULL provider'
);
select throws_ok(
    $$ select litellm.calculate_cost('openai', '  ', 1, 1) $$,
    'LD031', 'model is required', 'blank model'
);
select throws_ok(
    $$ select litellm.calculate_cost('openai', repeat('m', 256), 1, 1) $$,
    'LD007', 'model is longer than 255 characters', 'over-long model'
);
select is(
    litellm.calculate_cost('openai', 'gpt-4o', null, null),
    0.000000::numeric,
    'NULL token counts count as 0'
);

select * from finish();
rollback;
