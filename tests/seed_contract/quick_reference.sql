-- Seed 000 (LiteLLM Database - Quick Reference): every SQL statement, verbatim and in
-- document order. tests/test_seed_contract.py runs this file with psql -v ON_ERROR_STOP=1
-- against a freshly initialised database, then checks what the statements did.

-- Give user 100 bonus credits
SELECT * FROM add_user_credits(
    'user-keycloak-id',
    100.0,
    'bonus',
    'trial',
    NULL,
    NULL,
    'Welcome bonus'
);

-- 1. Check balance
SELECT credits_remaining FROM get_user_balance('user-id');

-- 2. Debit credits
SELECT * FROM debit_user_credits(
    'user-id',
    0.05,          -- Cost in credits
    'openai',      -- Provider
    'gpt-4',       -- Model
    100,           -- Prompt tokens
    200,           -- Completion tokens
    'balanced',    -- Power level
    '{"request_id": "req-123"}'::JSONB
);

-- 3. Log usage
INSERT INTO llm_usage_log (
    user_id, provider, model, power_level,
    prompt_tokens, completion_tokens, total_tokens,
    cost_credits, success, latency_ms, request_id
) VALUES (
    'user-id', 'openai', 'gpt-4', 'balanced',
    100, 200, 300, 0.05, TRUE, 1234, 'req-123'
);

-- Process Stripe payment
SELECT * FROM add_user_credits(
    'user-id',
    500.0,                    -- Credits
    'purchase',               -- Transaction type
    'stripe',                 -- Payment method
    'ch_1234567890',          -- Stripe charge ID
    2,                        -- Package ID (Value Pack)
    NULL
);

-- Get user balance and stats
SELECT * FROM get_user_balance('user-id');

-- User's usage in last 7 days
SELECT
    date,
    SUM(total_cost) as daily_cost,
    SUM(request_count) as daily_requests
FROM llm_usage_summary
WHERE user_id = 'user-id'
  AND date >= CURRENT_DATE - INTERVAL '7 days'
GROUP BY date
ORDER BY date DESC;

-- Top models used
SELECT
    model,
    SUM(request_count) as requests,
    SUM(total_cost) as cost
FROM llm_usage_summary
WHERE user_id = 'user-id'
GROUP BY model
ORDER BY cost DESC
LIMIT 5;

-- Get healthy providers
SELECT provider, avg_latency_ms, success_rate
FROM provider_health
WHERE status = 'healthy'
ORDER BY avg_latency_ms ASC;

-- Update provider status
INSERT INTO provider_health (provider, status, avg_latency_ms, success_rate)
VALUES ('openai', 'healthy', 1200, 99.5)
ON CONFLICT (provider) DO UPDATE
SET status = EXCLUDED.status,
    avg_latency_ms = EXCLUDED.avg_latency_ms,
    success_rate = EXCLUDED.success_rate,
    last_check = NOW();

-- Refresh materialized view
SELECT refresh_usage_summary();

-- Top spenders
SELECT
    user_id,
    SUM(total_cost) as total_spent
FROM llm_usage_summary
WHERE date >= CURRENT_DATE - INTERVAL '30 days'
GROUP BY user_id
ORDER BY total_spent DESC
LIMIT 10;

-- Provider usage breakdown
SELECT
    provider,
    COUNT(DISTINCT user_id) as users,
    SUM(request_count) as requests,
    SUM(total_cost) as revenue
FROM llm_usage_summary
WHERE date >= CURRENT_DATE - INTERVAL '7 days'
GROUP BY provider
ORDER BY revenue DESC;

-- User's recent transactions
SELECT
    transaction_type,
    amount,
    balance_after,
    provider,
    model,
    created_at
FROM credit_transactions
WHERE user_id = 'user-id'
ORDER BY created_at DESC
LIMIT 20;

-- All purchases today
SELECT
    user_id,
    amount,
    payment_method,
    stripe_transaction_id,
    created_at
FROM credit_transactions
WHERE transaction_type = 'purchase'
  AND created_at >= CURRENT_DATE
ORDER BY created_at DESC;

-- Check if schema exists
SELECT EXISTS (
    SELECT FROM information_schema.tables
    WHERE table_schema = 'public'
    AND table_name = 'user_credits'
);

-- Count records
SELECT
    (SELECT COUNT(*) FROM user_credits) as users,
    (SELECT COUNT(*) FROM credit_transactions) as transactions,
    (SELECT COUNT(*) FROM llm_usage_log) as usage_logs;

-- Find user with negative balance (shouldn't exist)
SELECT * FROM user_credits WHERE credits_remaining < 0;

-- Check for failed requests
SELECT
    provider,
    error_type,
    COUNT(*) as count
FROM llm_usage_log
WHERE success = FALSE
  AND created_at >= NOW() - INTERVAL '24 hours'
GROUP BY provider, error_type
ORDER BY count DESC;

-- Database Maintenance: Refresh analytics (schedule daily)
SELECT refresh_usage_summary();

-- Database Maintenance: Archive old logs (90+ days)
  CREATE TABLE llm_usage_log_archive AS
  SELECT * FROM llm_usage_log
  WHERE created_at < NOW() - INTERVAL '90 days';

  DELETE FROM llm_usage_log
  WHERE created_at < NOW() - INTERVAL '90 days';
