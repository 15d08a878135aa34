-- A replay that differs from the original in what was billed is a conflict
-- (LD101, naming the field), and writes nothing.
begin;
select plan(7);

select litellm_test.funded_user('tap-conflict', 5);
select litellm.record_llm_call('tap-conflict', 'openai', 'gpt-4', 10, 20, 1, request_id => 'cf-1');

select throws_ok(
    $$ select * from litellm.record_llm_call('tap-conflict', 'openai', 'gpt-4', 10, 20, 2, request_id => 'cf-1') $$,
    'LD101', 'request_id cf-1 was already used with a different cost', 'a different cost'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-conflict', 'openai', 'gpt-4o', 10, 20, 1, request_id => 'cf-1') $$,
    'LD101', 'request_id cf-1 was already used with a different model', 'a different model'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-conflict', 'azure', 'gpt-4', 10, 20, 1, request_id => 'cf-1') $$,
    'LD101', 'request_id cf-1 was already used with a different provider', 'a different provider'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-conflict', 'openai', 'gpt-4', 11, 20, 1, request_id => 'cf-1') $$,
    'LD101', 'request_id cf-1 was already used with a different prompt_tokens', 'different prompt tokens'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-conflict', 'openai', 'gpt-4', 10, 20, 1, false, 'cf-1') $$,
    'LD101', 'request_id cf-1 was already used with a different success', 'a failure replayed over a success'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-conflict'
    ),
    1::bigint,
    'no row was added'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'tap-conflict'
    ),
    4.000000::numeric,
    'nothing more was charged'
);

select * from finish();
rollback;
