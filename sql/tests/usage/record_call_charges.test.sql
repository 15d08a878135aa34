-- A successful call with a cost is charged through the debit and logged with
-- the debit's transaction id, in one call; the summary sees it after a refresh.
begin;
select plan(6);

select litellm_test.funded_user('tap-rec', 10);

select results_eq(
    $$ select success, charged, transaction_id is not null, usage_log_id is not null, credits_remaining, amount_charged,
              error_code, error_message, replayed
       from litellm.record_llm_call(
           'tap-rec', 'openai', 'gpt-4', 100, 200, 0.25, request_id => 'rec-1', power_level => 'Balanced',
           latency_ms => 850, cost_usd => 0.0123456789, tenant_id => 'acme', team_id => 'search',
           organization_id => 'org-1', service_name => 'pattern_analysis', operation => 'analyze_edge_case',
           session_id => 's-1', request_metadata => '{"route": "chat"}', response_metadata => '{"finish": "stop"}'
       ) $$,
    $$ values (true, true, true, true, 9.750000::numeric, 0.250000::numeric, null::text, null::text, false) $$,
    'the call is charged and the result says so'
);
select results_eq(
    $$ select l.user_id, l.provider, l.model, l.power_level, l.prompt_tokens, l.completion_tokens, l.total_tokens,
              l.cost_credits, l.cost_usd, l.success, l.latency_ms, l.request_id, l.tenant_id, l.team_id,
              l.organization_id, l.service_name, l.operation, l.session_id, l.uncharged_credits, l.billing_error,
              l.request_metadata, l.response_metadata
       from litellm.llm_usage_log as l where l.user_id = 'tap-rec' $$,
    $$ values ('tap-rec'::text, 'openai'::text, 'gpt-4'::text, 'balanced'::text, 100, 200, 300, 0.250000::numeric,
               0.01234568::numeric, true, 850, 'rec-1'::text, 'acme'::text, 'search'::text, 'org-1'::text,
               'pattern_analysis'::text, 'analyze_edge_case'::text, 's-1'::text, null::numeric, null::text,
               '{"route": "chat"}'::jsonb, '{"finish": "stop"}'::jsonb) $$,
    'the log row holds the call (power level normalised, cost_usd rounded to 8 places)'
);
select results_eq(
    $$ select t.transaction_type, t.amount, t.balance_after, t.idempotency_key, t.provider, t.model, t.prompt_tokens,
              t.completion_tokens, (t.metadata ->> 'usage_log_id')::bigint = l.id
       from litellm.credit_transactions as t
       inner join litellm.llm_usage_log as l on l.transaction_id = t.id
       where l.user_id = 'tap-rec' $$,
    $$ values ('usage'::text, -0.250000::numeric, 9.750000::numeric, 'rec-1'::text, 'openai'::text, 'gpt-4'::text,
               100, 200, true) $$,
    'the journal entry is the debit''s, keyed by the request id, and names the log row'
);
select is(
    (
        select count(*) from litellm.credit_transactions
        where user_id = 'tap-rec'
    ),
    2::bigint,
    'one purchase and one usage entry'
);
select cmp_ok(litellm.refresh_usage_summary(), '=', 1::bigint, 'the refresh writes one summary row');
select results_eq(
    $$ select s.request_count, s.total_tokens, s.total_cost, s.total_latency_ms, s.latency_count, s.total_cost_usd
       from litellm.llm_usage_summary as s where s.user_id = 'tap-rec' $$,
    $$ values (1::bigint, 300::bigint, 0.250000::numeric, 850::bigint, 1::bigint, 0.01234568::numeric) $$,
    'the summary counts the call'
);

select * from finish();
rollback;
