-- Tenant rollups equal a from-scratch aggregate of the log; calls without a
-- tenant are the NULL tenant.
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

select results_eq(
    $$ select * from litellm.usage_by_tenant(30) $$,
    $$ select l.tenant_id, count(*), count(*) filter (where not l.success), sum(l.total_tokens)::bigint,
              sum(l.cost_credits), coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by 1 order by 5 desc, 1 nulls last $$,
    'cost per tenant'
);
select results_eq(
    $$ select * from litellm.tenant_usage_daily('tenant-1', 14) $$,
    $$ select (l.created_at at time zone 'UTC')::date, count(*), count(*) filter (where not l.success),
              sum(l.total_tokens)::bigint, sum(l.cost_credits), coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where l.tenant_id = 'tenant-1' and (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 13
       group by 1 order by 1 desc $$,
    'one tenant per day'
);
select results_eq(
    $$ select * from litellm.tenant_usage_daily(null, 14) $$,
    $$ select (l.created_at at time zone 'UTC')::date, count(*), count(*) filter (where not l.success),
              sum(l.total_tokens)::bigint, sum(l.cost_credits), coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where l.tenant_id is null and (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 13
       group by 1 order by 1 desc $$,
    'calls without a tenant per day'
);

select * from finish();
rollback;
