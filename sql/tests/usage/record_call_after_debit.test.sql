-- A request id that a debit already charged (debit_user_credits, or the
-- early-release procedure, which journals the same entry) is a replay for
-- record_llm_call too: replayed = true with the debit's transaction, nothing
-- charged again, and one log row per request id.
begin;
select plan(9);

select litellm_test.funded_user('tap-after-debit', 10);
create temporary table debited as
select * from litellm.debit_user_credits('tap-after-debit', 1, 'openai', 'gpt-4', 10, 20, request_id => 'ad-1');

select results_eq(
    $$ select success, charged, transaction_id, credits_remaining, amount_charged, replayed
       from litellm.record_llm_call('tap-after-debit', 'openai', 'gpt-4', 10, 20, 1, request_id => 'ad-1') $$,
    $$ select true, true, transaction_id, 9.000000::numeric, 1.000000::numeric, true from debited $$,
    'the call is answered as a replay of the debit''s charge'
);
select results_eq(
    $$ select count(*), min(transaction_id) from litellm.llm_usage_log where user_id = 'tap-after-debit' $$,
    $$ select 1::bigint, transaction_id from debited $$,
    'its log row links to the debit''s entry'
);
select results_eq(
    $$ select replayed, usage_log_id = (select l.id from litellm.llm_usage_log as l where l.user_id = 'tap-after-debit')
       from litellm.record_llm_call('tap-after-debit', 'openai', 'gpt-4', 10, 20, 1, request_id => 'ad-1') $$,
    $$ values (true, true) $$,
    'recorded again: the same row'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-after-debit'
    ),
    1::bigint,
    'one log row for the request id'
);

-- Logged by LiteLLM call id first, then recorded under the same id as the
-- request id: the debit finds its own charge, and the first row is the answer.
create temporary table first_call as
select * from litellm.record_llm_call('tap-after-debit', 'openai', 'gpt-4', 1, 2, 0.5, litellm_call_id => 'ad-2');
select results_eq(
    $$ select success, charged, transaction_id, usage_log_id, amount_charged, replayed
       from litellm.record_llm_call('tap-after-debit', 'openai', 'gpt-4', 1, 2, 0.5, request_id => 'ad-2') $$,
    $$ select true, true, transaction_id, usage_log_id, 0.500000::numeric, true from first_call $$,
    'the same request under the other key: replayed, the original row'
);
select is(
    (
        select count(*) from litellm.llm_usage_log
        where user_id = 'tap-after-debit'
    ),
    2::bigint,
    'no second row for it'
);
select is(
    (
        select count(*) from litellm.credit_transactions
        where user_id = 'tap-after-debit' and transaction_type = 'usage'
    ),
    2::bigint,
    'two charges in all'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'tap-after-debit'
    ),
    8.500000::numeric,
    'each charged once'
);
select throws_ok(
    $$ select litellm.record_llm_call('tap-after-debit', 'openai', 'gpt-4', 10, 20, 2, request_id => 'ad-1') $$,
    'LD101', null, 'another cost for the debit''s request id is a conflict'
);

select * from finish();
rollback;
