-- usage_by_operation() equals a from-scratch aggregate of the log, whole and
-- filtered by service and tenant.
begin;
select plan(2);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

select results_eq(
    $$ select * from litellm.usage_by_operation(7) $$,
    $$ select l.service_name, l.operation, count(*), count(*) filter (where not l.success), sum(l.total_tokens)::bigint,
              round(sum(l.latency_ms)::numeric / nullif(count(l.latency_ms), 0), 1),
              round(sum(l.cost_credits) / count(*), 6), sum(l.cost_credits), coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 6
       group by 1, 2 order by 8 desc, 1 nulls last, 2 nulls last $$,
    'per service and operation'
);
select results_eq(
    $$ select * from litellm.usage_by_operation(30, service_name => 'svc-1', tenant_id => 'tenant-2') $$,
    $$ select l.service_name, l.operation, count(*), count(*) filter (where not l.success), sum(l.total_tokens)::bigint,
              round(sum(l.latency_ms)::numeric / nullif(count(l.latency_ms), 0), 1),
              round(sum(l.cost_credits) / count(*), 6), sum(l.cost_credits), coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where l.service_name = 'svc-1' and l.tenant_id = 'tenant-2'
         and (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by 1, 2 order by 8 desc, 1 nulls last, 2 nulls last $$,
    'one service of one tenant'
);

select * from finish();
rollback;
