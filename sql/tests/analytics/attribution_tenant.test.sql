-- Tenant rollups equal a from-scratch aggregate of the log; calls without a
-- tenant are the NULL tenant.
begin;
select plan(3);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

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
