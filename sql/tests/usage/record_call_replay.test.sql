-- A replay of a request id returns the original result, charges nothing more
-- and writes no second log row; so does a replay by LiteLLM call id.
begin;
select plan(8);

select litellm_test.funded_user('tap-replay', 5);

create temporary table first_call as
select * from litellm.record_llm_call('tap-replay', 'openai', 'gpt-4', 10, 20, 1, request_id => 'rp-1');

select results_eq(
    $$ select success, charged, transaction_id, usage_log_id, credits_remaining, amount_charged, error_code, replayed
       from litellm.record_llm_call('tap-replay', 'openai', 'gpt-4', 10, 20, 1, request_id => 'rp-1') $$,
    $$ select success, charged, transaction_id, usage_log_id, credits_remaining, amount_charged, error_code, true
       from first_call $$,
    'the replay returns the original result with replayed = true'
);
select results_eq(
    $$ select replayed, usage_log_id = (select f.usage_log_id from first_call as f)
       from litellm.record_llm_call('tap-replay', 'openai', 'gpt-4', 10, 20, request_id => 'rp-1') $$,
    $$ values (true, true) $$,
    'a replay without the cost is a replay too (the original''s cost stands)'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-replay'
    ),
    1::bigint,
    'one log row'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'tap-replay'
    ),
    4.000000::numeric,
    'charged once'
);

-- Keyed by the LiteLLM call id when there is no request id.
select litellm.record_llm_call('tap-replay', 'anthropic', 'claude-3', 1, 2, 0.5, litellm_call_id => 'call-9');
select results_eq(
    $$ select replayed, charged, amount_charged
       from litellm.record_llm_call('tap-replay', 'anthropic', 'claude-3', 1, 2, 0.5, litellm_call_id => 'call-9') $$,
    $$ values (true, true, 0.500000::numeric) $$,
    'a replay by litellm_call_id returns the original'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-replay'
    ),
    2::bigint,
    'still one log row per call'
);

-- The same request id from another user is another call.
select litellm_test.funded_user('tap-replay-2', 5);
select is(
    (select replayed from litellm.record_llm_call('tap-replay-2', 'openai', 'gpt-4', 10, 20, 1, request_id => 'rp-1')),
    false,
    'request ids are per user'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where request_id = 'rp-1'
    ),
    2::bigint,
    'each user has their own row for the id'
);

select * from finish();
rollback;
