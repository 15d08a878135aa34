-- settle_llm_call settles a hold and writes the call's usage row in one call:
-- charged once, the row linked to the settlement (which names the row), a
-- replay answers with the same row, and bad input writes nothing.
begin;
select plan(12);

select litellm_test.funded_user('tap-settle-log', 10);
select litellm.reserve_credits('tap-settle-log', 2, 'held-1');
create temporary table settled as
select * from litellm.settle_llm_call(
    'tap-settle-log', 'held-1', 0.75, 'openai', 'gpt-4', 100, 50,
    litellm_call_id => 'call-1', latency_ms => 12, cost_usd => 0.0075, team_id => 'team-x',
    response_metadata => '{"response_id": "chatcmpl-1"}'
);

select results_eq(
    $$ select amount_charged, amount_released, amount_uncovered, credits_remaining, replayed from settled $$,
    $$ values (0.750000::numeric, 1.250000::numeric, 0::numeric, 9.250000::numeric, false) $$,
    'the hold is settled at the actual cost and the rest released'
);
select results_eq(
    $$ select l.id, l.transaction_id, l.cost_credits, l.cost_usd, l.success, l.prompt_tokens, l.completion_tokens,
              l.total_tokens, l.request_id, l.litellm_call_id, l.latency_ms, l.team_id,
              l.response_metadata ->> 'response_id'
       from litellm.llm_usage_log as l where l.user_id = 'tap-settle-log' $$,
    $$ select usage_log_id, transaction_id, 0.750000::numeric(20, 6), 0.00750000::numeric(20, 8), true, 100, 50, 150,
              'held-1'::text, 'call-1'::text, 12, 'team-x'::text, 'chatcmpl-1'::text
       from settled $$,
    'one usage row, linked to the settlement'
);
select is(
    (
        select (t.metadata ->> 'usage_log_id')::bigint from litellm.credit_transactions as t
        where t.id = (select s.transaction_id from settled as s)
    ),
    (select usage_log_id from settled),
    'the settlement''s journal entry names the row'
);
select is(
    (
        select h.status from litellm.credit_holds as h
        where h.user_id = 'tap-settle-log' and h.request_id = 'held-1'
    ),
    'settled',
    'the hold is settled'
);

select results_eq(
    $$ select s.transaction_id, s.usage_log_id, s.amount_charged, s.replayed
       from litellm.settle_llm_call('tap-settle-log', 'held-1', 0.75, 'openai', 'gpt-4', 100, 50,
                                    litellm_call_id => 'call-1') as s $$,
    $$ select transaction_id, usage_log_id, 0.750000::numeric, true from settled $$,
    'a replay answers with the original settlement and row'
);
select results_eq(
    $$ select (select count(*) from litellm.llm_usage_log where user_id = 'tap-settle-log'),
              (select count(*) from litellm.credit_transactions
               where user_id = 'tap-settle-log' and transaction_type = 'usage'),
              (select credits_remaining from litellm.user_credits where user_id = 'tap-settle-log') $$,
    $$ values (1::bigint, 1::bigint, 9.250000::numeric) $$,
    'the replay wrote nothing: charged and logged once'
);
select throws_ok(
    $$ select litellm.settle_llm_call('tap-settle-log', 'held-1', 0.8, 'openai', 'gpt-4', 100, 50) $$,
    'LD101', null, 'a replay with another cost is refused'
);
select throws_ok(
    $$ select litellm.settle_llm_call('tap-settle-log', 'no-such-hold', 0.8, 'openai', 'gpt-4') $$,
    'LD201', null, 'no hold: nothing to settle'
);

select litellm.reserve_credits('tap-settle-log', 1, 'held-2');
select throws_ok(
    $$ select litellm.settle_llm_call('tap-settle-log', 'held-2', 0.5, 'openai', null) $$,
    'LD021', 'model is required', 'a usage row needs a model'
);
select throws_ok(
    $$ select litellm.settle_llm_call('tap-settle-log', 'held-2', 0.5, 'openai', 'gpt-4', latency_ms => -1) $$,
    'LD021', 'latency_ms must not be negative, got -1', 'a negative latency is refused'
);
select throws_ok(
    $$ select litellm.settle_llm_call('tap-settle-log', 'held-2', 0.5, repeat('p', 256), 'gpt-4') $$,
    'LD007', null, 'a provider longer than 255 characters is refused, as record_llm_call refuses it'
);
select is(
    (
        select h.status from litellm.credit_holds as h
        where h.user_id = 'tap-settle-log' and h.request_id = 'held-2'
    ),
    'held',
    'refused input settled nothing'
);

select * from finish();
rollback;
