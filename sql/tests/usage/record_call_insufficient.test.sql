-- A successful call the user cannot pay for has happened anyway: it is logged,
-- not charged, and the result says why. The same for an unknown user.
begin;
select plan(6);

select litellm_test.funded_user('tap-poor', 1);

select results_eq(
    $$ select success, charged, transaction_id, credits_remaining, amount_charged, error_code, replayed
       from litellm.record_llm_call('tap-poor', 'openai', 'gpt-4', 1000, 2000, 1.5, request_id => 'po-1') $$,
    $$ values (false, false, null::bigint, 1.000000::numeric, 0::numeric, 'insufficient_credits'::text, false) $$,
    'not charged: insufficient_credits, with the balance'
);
select results_eq(
    $$ select success, cost_credits, uncharged_credits, billing_error, transaction_id
       from litellm.llm_usage_log where user_id = 'tap-poor' $$,
    $$ values (true, 0.000000::numeric, 1.500000::numeric, 'insufficient_credits'::text, null::bigint) $$,
    'the call is logged with what it should have cost'
);
select is(litellm_test.journal_count('tap-poor'), 1::bigint, 'nothing was debited');
select results_eq(
    $$ select success, charged, error_code, replayed
       from litellm.record_llm_call('tap-poor', 'openai', 'gpt-4', 1000, 2000, 1.5, request_id => 'po-1') $$,
    $$ values (false, false, 'insufficient_credits'::text, true) $$,
    'a replay returns the original outcome and does not try to charge again'
);
select results_eq(
    $$ select success, charged, credits_remaining, error_code
       from litellm.record_llm_call('tap-nobody', 'openai', 'gpt-4', 1, 1, 0.1) $$,
    $$ values (false, false, 0::numeric, 'unknown_user'::text) $$,
    'an unknown user: not charged, unknown_user'
);
select is(
    (
        select billing_error from litellm.llm_usage_log
        where user_id = 'tap-nobody'
    ),
    'unknown_user',
    'and logged'
);

select * from finish();
rollback;
