-- After refresh_usage_summary() the summary equals a from-scratch GROUP BY of
-- the log: after a first batch, after a second batch on top of it, and after a
-- late row for a long-gone day.
begin;
select plan(9);

prepare from_log as select * from litellm_test.usage_summary_from_log('tap-exact-%');
prepare summary as
select * from litellm_test.usage_summary_rows
where user_id like 'tap-exact-%';

-- Batch 1: one multi-row statement over two days, two users, two models.
insert into litellm.llm_usage_log (
    user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, cost_usd, success, latency_ms, error_type,
    created_at
)
select
    'tap-exact-' || (g.n % 2) as user_id,
    case when g.n % 3 = 0 then 'openai' else 'anthropic' end as provider,
    case when g.n % 3 = 0 then 'gpt-4' else 'claude-3' end as model,
    g.n as prompt_tokens,
    2 * g.n as completion_tokens,
    g.n * 0.001001 as cost_credits,
    case when g.n % 4 <> 0 then g.n * 0.00000123 end as cost_usd,
    g.n % 5 <> 0 as success,
    case when g.n % 7 <> 0 then 100 + g.n end as latency_ms,
    case when g.n % 5 = 0 then 'RateLimitError' end as error_type,
    now() - make_interval(days => (g.n / 7) % 2) as created_at
from generate_series(1, 60) as g (n);

select is_empty('summary', 'before a refresh the new rows are not in the summary');
select cmp_ok(litellm.refresh_usage_summary(), '>=', 4::bigint, 'the refresh reports the summary rows it wrote');
select set_eq('summary', 'from_log', 'after the first batch the summary equals the log aggregated from scratch');

-- Batch 2: single-row statements on existing and new keys.
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, success, latency_ms)
values ('tap-exact-0', 'openai', 'gpt-4', 11, 22, 0.333333, true, 900);
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, success)
values ('tap-exact-1', 'anthropic', 'claude-3', 1, 0, 0, false);
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, total_tokens, cost_credits)
values ('tap-exact-2', 'openrouter', 'llama-3', 5, 5, 12, 0.000001);

select set_ne('summary', 'from_log', 'the summary lags the log until the next refresh');
select is(litellm.refresh_usage_summary(), 3::bigint, 'the second refresh touches only the three keys written since');
select set_eq('summary', 'from_log', 'after the second batch the summary equals the log aggregated from scratch');

-- A late row for a day long ago (it lands in the default partition).
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values ('tap-exact-0', 'openai', 'gpt-4', 3, 4, 2.5, '1999-12-31 23:00:00-05');
select is(litellm.refresh_usage_summary(), 1::bigint, 'the late row adds one summary row');
select set_eq('summary', 'from_log', 'after the late row the summary equals the log aggregated from scratch');
select is(litellm.refresh_usage_summary(), 0::bigint, 'a refresh with nothing queued writes nothing');

select * from finish();
rollback;
