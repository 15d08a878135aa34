-- failed_calls() counts the failures of the last N hours straight from the log
-- (no refresh needed).
begin;
select plan(3);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days: 9 users, 3 providers, 4 models, failures,
-- missing latencies and USD costs, partial attribution.
insert into litellm.llm_usage_log (
    user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, cost_usd, success, latency_ms, error_type,
    tenant_id, organization_id, team_id, service_name, operation, created_at
)
select
    'tap-an-' || (g.n % 9) as user_id,
    (array['openai', 'anthropic', 'google'])[1 + g.n % 3] as provider,
    (array['gpt-4', 'claude-3', 'gemini', 'gpt-4o'])[1 + g.n % 4] as model,
    g.n % 300 as prompt_tokens,
    g.n % 700 as completion_tokens,
    (g.n % 97) * 0.001013 as cost_credits,
    case when g.n % 5 <> 0 then (g.n % 13) * 0.0000077 end as cost_usd,
    g.n % 10 <> 0 as success,
    case when g.n % 6 <> 0 then 100 + g.n % 900 end as latency_ms,
    case when g.n % 10 = 0 then (array['RateLimitError', 'Timeout'])[1 + g.n % 3 % 2] end as error_type,
    case when g.n % 4 <> 0 then 'tenant-' || (g.n % 3) end as tenant_id,
    case when g.n % 5 <> 0 then 'org-' || (g.n % 2) end as organization_id,
    case when g.n % 3 <> 0 then 'team-' || (g.n % 4) end as team_id,
    case when g.n % 7 <> 0 then 'svc-' || (g.n % 2) end as service_name,
    case when g.n % 8 <> 0 then 'op-' || (g.n % 3) end as operation,
    now() - make_interval(hours => g.n % 1000) as created_at
from generate_series(1, 600) as g (n);
select litellm.refresh_usage_summary();

insert into litellm.llm_usage_log (user_id, provider, model, success, error_type)
values ('tap-an-4', 'openai', 'gpt-4', false, 'Unrefreshed');

select results_eq(
    $$ select * from litellm.failed_calls(24) $$,
    $$ select l.provider, l.error_type, count(*), max(l.created_at)
       from litellm.llm_usage_log as l
       where not l.success and l.created_at >= now() - interval '24 hours'
       group by 1, 2 order by 3 desc, 1, 2 $$,
    'failures of the last 24 hours per provider and error type, unrefreshed ones included'
);
select results_eq(
    $$ select * from litellm.failed_calls(200, 'tap-an-4') $$,
    $$ select l.provider, l.error_type, count(*), max(l.created_at)
       from litellm.llm_usage_log as l
       where not l.success and l.created_at >= now() - interval '200 hours' and l.user_id = 'tap-an-4'
       group by 1, 2 order by 3 desc, 1, 2 $$,
    'one user''s'
);
select ok(
    (select sum(failures) from litellm.failed_calls(24)) < (select sum(failures) from litellm.failed_calls(48)),
    'a longer window finds more'
);

select * from finish();
rollback;
