-- After refresh_usage_summary() the attribution summary equals a from-scratch
-- GROUP BY of the log, with NULL attributions as '' and across batches,
-- updates and late rows.
begin;
select plan(4);

prepare from_log as
select
    (l.created_at at time zone 'UTC')::date as date,
    coalesce(l.tenant_id, '') as tenant_id,
    coalesce(l.organization_id, '') as organization_id,
    coalesce(l.team_id, '') as team_id,
    coalesce(l.service_name, '') as service_name,
    coalesce(l.operation, '') as operation,
    l.provider,
    l.model,
    count(*) as request_count,
    count(*) filter (where l.success) as success_count,
    count(*) filter (where not l.success) as failure_count,
    sum(l.prompt_tokens)::bigint as total_prompt_tokens,
    sum(l.completion_tokens)::bigint as total_completion_tokens,
    sum(l.total_tokens)::bigint as total_tokens,
    coalesce(sum(l.latency_ms), 0)::bigint as total_latency_ms,
    count(l.latency_ms) as latency_count,
    sum(l.cost_credits) as total_cost,
    coalesce(sum(l.cost_usd), 0) as total_cost_usd
from litellm.llm_usage_log as l
where l.model like 'tap-attr-%'
group by 1, 2, 3, 4, 5, 6, 7, 8;

prepare summary as
select
    a.date,
    a.tenant_id,
    a.organization_id,
    a.team_id,
    a.service_name,
    a.operation,
    a.provider,
    a.model,
    a.request_count,
    a.success_count,
    a.failure_count,
    a.total_prompt_tokens,
    a.total_completion_tokens,
    a.total_tokens,
    a.total_latency_ms,
    a.latency_count,
    a.total_cost,
    a.total_cost_usd
from litellm.llm_usage_attribution_summary as a
where a.model like 'tap-attr-%' and a.request_count <> 0;

insert into litellm.llm_usage_log (
    user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, cost_usd, success, latency_ms,
    tenant_id, organization_id, team_id, service_name, operation, created_at
)
select
    'tap-attr-user-' || (g.n % 7) as user_id,
    case when g.n % 2 = 0 then 'openai' else 'anthropic' end as provider,
    'tap-attr-' || (g.n % 3) as model,
    g.n as prompt_tokens,
    3 * g.n as completion_tokens,
    g.n * 0.000173 as cost_credits,
    case when g.n % 5 <> 0 then g.n * 0.00000091 end as cost_usd,
    g.n % 11 <> 0 as success,
    case when g.n % 4 <> 0 then g.n end as latency_ms,
    case when g.n % 6 <> 0 then 'tenant-' || (g.n % 4) end as tenant_id,
    case when g.n % 9 <> 0 then 'org-' || (g.n % 2) end as organization_id,
    case when g.n % 5 <> 0 then 'team-' || (g.n % 3) end as team_id,
    case when g.n % 7 <> 0 then 'svc-' || (g.n % 2) end as service_name,
    case when g.n % 8 <> 0 then 'op-' || (g.n % 5) end as operation,
    now() - make_interval(hours => g.n % 72) as created_at
from generate_series(1, 400) as g (n);
select litellm.refresh_usage_summary();
select set_eq('summary', 'from_log', 'after a batch the attribution summary equals the log aggregated from scratch');

-- Single-row statements, one of them empty-string attributed (same key as NULL).
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, tenant_id, team_id)
values ('tap-attr-user-1', 'openai', 'tap-attr-0', 0.5, '', 'team-9');
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, tenant_id, team_id)
values ('tap-attr-user-2', 'openai', 'tap-attr-0', 0.25, null, 'team-9');
update litellm.llm_usage_log set tenant_id = 'tenant-moved', cost_credits = cost_credits + 1
where model = 'tap-attr-1' and prompt_tokens between 10 and 30;
select litellm.refresh_usage_summary();
select set_eq('summary', 'from_log', 'after single rows and an update it still does');

-- A late row for a long-gone day.
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits, organization_id, created_at)
values ('tap-attr-user-1', 'openai', 'tap-attr-2', 9, 'org-late', '1999-06-30 12:00:00+00');
select litellm.refresh_usage_summary();
select set_eq('summary', 'from_log', 'after a late row it still does');
select is(
    (select count(*) from litellm.usage_summary_pending), 0::bigint, 'and the queue is empty'
);

select * from finish();
rollback;
