-- A call whose hold was settled (settle_reservation journals the charge under
-- the request id) and is then recorded with the same request id and amount is
-- not charged again: the debit replays the settlement, the answer says replayed
-- and the log row links to it.
begin;
select plan(4);

select litellm_test.funded_user('tap-held', 10);
select litellm.reserve_credits('tap-held', 2, 'held-1');
create temporary table settled as
select * from litellm.settle_reservation('tap-held', 'held-1', 0.75, 'openai', 'gpt-4', 100, 50, 'balanced');

select results_eq(
    $$ select success, charged, transaction_id, amount_charged, replayed
       from litellm.record_llm_call('tap-held', 'openai', 'gpt-4', 100, 50, 0.75, request_id => 'held-1',
                                    power_level => 'balanced') $$,
    $$ select true, true, transaction_id, 0.750000::numeric, true from settled $$,
    'the call is logged as charged by the settlement: no new charge, so replayed'
);
select is(
    (
        select transaction_id from litellm.llm_usage_log
        where user_id = 'tap-held'
    ),
    (select transaction_id from settled),
    'the log row links to the settlement''s journal entry'
);
select is(
    (
        select count(*) from litellm.credit_transactions
        where user_id = 'tap-held' and transaction_type = 'usage'
    ),
    1::bigint,
    'one usage entry'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'tap-held'
    ),
    9.250000::numeric,
    'charged once'
);

select * from finish();
rollback;
