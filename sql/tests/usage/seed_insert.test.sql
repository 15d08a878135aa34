-- Seed 000's "Log usage" statement runs verbatim and stores what it says.
begin;
select plan(3);

select lives_ok(
    $$ INSERT INTO llm_usage_log (
           user_id, provider, model, power_level,
           prompt_tokens, completion_tokens, total_tokens,
           cost_credits, success, latency_ms, request_id
       ) VALUES (
           'user-id', 'openai', 'gpt-4', 'balanced',
           100, 200, 300, 0.05, TRUE, 1234, 'req-123'
       ) $$,
    'the seed''s INSERT INTO llm_usage_log runs unchanged'
);
select results_eq(
    $$ select user_id, provider, model, power_level, prompt_tokens, completion_tokens, total_tokens,
              cost_credits, success, latency_ms, request_id, request_metadata, response_metadata,
              created_at = now(), id is not null
       from litellm.llm_usage_log where request_id = 'req-123' $$,
    $$ values ('user-id'::text, 'openai'::text, 'gpt-4'::text, 'balanced'::text, 100, 200, 300,
               0.050000::numeric, true, 1234, 'req-123'::text, '{}'::jsonb, '{}'::jsonb, true, true) $$,
    'the row holds the given values, defaults for the rest'
);
select results_eq(
    $$ SELECT provider, error_type, COUNT(*) as count
       FROM llm_usage_log
       WHERE success = FALSE
         AND created_at >= NOW() - INTERVAL '24 hours'
         AND user_id = 'user-id'
       GROUP BY provider, error_type
       ORDER BY count DESC $$,
    $$ select 'x'::text, 'x'::text, 0::bigint where false $$,
    'the seed''s failed-requests query runs (and finds no failure)'
);

select * from finish();
rollback;
