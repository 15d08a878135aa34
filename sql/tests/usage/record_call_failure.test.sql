-- A failed call is logged, never charged, and counted as a failure.
begin;
select plan(5);

select litellm_test.funded_user('tap-fail', 5);

select results_eq(
    $$ select success, charged, transaction_id, credits_remaining, amount_charged, error_code, replayed
       from litellm.record_llm_call(
           'tap-fail', 'openai', 'gpt-4', 120, 0, 0.3, false, 'fl-1',
           error_type => 'RateLimitError', error_message => repeat('x', 20000), latency_ms => 30
       ) $$,
    $$ values (true, false, null::bigint, 5.000000::numeric, 0::numeric, null::text, false) $$,
    'the call is recorded, not charged'
);
select results_eq(
    $$ select success, cost_credits, uncharged_credits, transaction_id, error_type, length(error_message), billing_error
       from litellm.llm_usage_log where user_id = 'tap-fail' $$,
    $$ values (false, 0.000000::numeric, 0.300000::numeric, null::bigint, 'RateLimitError'::text, 10000, null::text) $$,
    'the log row has no charge, keeps the cost as uncharged and the error (message cut at 10000 characters)'
);
select is(litellm_test.journal_count('tap-fail'), 1::bigint, 'no journal entry beyond the purchase');
select is(
    (select count(*) from litellm.record_llm_call('tap-fail', 'openai', 'gpt-4', success => false, error_type => 'Timeout')),
    1::bigint,
    'a failure without a cost needs no price'
);
select litellm.refresh_usage_summary();
select results_eq(
    $$ select request_count, success_count, failure_count, total_cost
       from litellm.llm_usage_summary where user_id = 'tap-fail' $$,
    $$ values (2::bigint, 0::bigint, 2::bigint, 0.000000::numeric) $$,
    'the summary counts two failures and no revenue'
);

select * from finish();
rollback;
