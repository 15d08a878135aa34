-- Bad input raises the debit's codes (LD021 for what only a log row has), and
-- writes nothing.
begin;
select plan(14);

select litellm_test.funded_user('tap-bad', 5);

select throws_ok(
    $$ select * from litellm.record_llm_call(null, 'openai', 'gpt-4', 1, 1, 0.1) $$, 'LD004', null, 'NULL user'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, -0.1) $$, 'LD001', null, 'negative cost'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 'NaN') $$, 'LD001', null, 'NaN cost'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 0.0000001) $$,
    'LD001', null, 'a cost with seven decimals'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', -1, 1, 0.1) $$, 'LD002', null, 'negative tokens'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 2147483647, 1, 0.1) $$,
    'LD002', null, 'total tokens of 2^31'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 0.1, power_level => 'turbo') $$,
    'LD003', null, 'unknown power level'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 0.1, request_id => repeat('r', 256)) $$,
    'LD007', null, 'over-long request id'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 0.1, request_metadata => '[1]') $$,
    'LD007', null, 'metadata that is not an object'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', null, 'gpt-4', 1, 1, 0.1) $$, 'LD021', 'provider is required',
    'NULL provider'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', ' ', 1, 1, 0.1) $$, 'LD021', 'model is required',
    'blank model'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 0.1, latency_ms => -5) $$,
    'LD021', null, 'negative latency'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-bad', 'openai', 'gpt-4', 1, 1, 0.1, cost_usd => 'Infinity') $$,
    'LD021', null, 'infinite cost_usd'
);
select ok(
    not exists (
        select from litellm.llm_usage_log
        where user_id = 'tap-bad'
    )
    and litellm_test.journal_count('tap-bad') = 1,
    'nothing was logged or charged'
);

select * from finish();
rollback;
