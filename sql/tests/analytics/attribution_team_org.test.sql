-- Team and organisation rollups equal a from-scratch aggregate of the log.
begin;
select plan(3);
set local client_min_messages = warning;

-- 600 calls over the last ~41 days, summarised (sql/tests/fixtures.sql).
select litellm_test.analytics_usage_log();

select results_eq(
    $$ select * from litellm.team_usage(30) $$,
    $$ select l.organization_id, l.team_id, count(*), sum(l.total_tokens)::bigint, sum(l.cost_credits),
              coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by 1, 2 order by 5 desc, 1 nulls last, 2 nulls last $$,
    'spend per team'
);
select results_eq(
    $$ select * from litellm.team_usage(30, organization_id => 'org-1') $$,
    $$ select l.organization_id, l.team_id, count(*), sum(l.total_tokens)::bigint, sum(l.cost_credits),
              coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where l.organization_id = 'org-1' and (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by 1, 2 order by 5 desc, 1 nulls last, 2 nulls last $$,
    'the teams of one organisation'
);
select results_eq(
    $$ select * from litellm.organization_usage(30) $$,
    $$ select l.organization_id, count(distinct l.team_id), count(distinct l.tenant_id), count(*),
              sum(l.total_tokens)::bigint, sum(l.cost_credits), coalesce(sum(l.cost_usd), 0)
       from litellm.llm_usage_log as l
       where (l.created_at at time zone 'UTC')::date >= (now() at time zone 'UTC')::date - 29
       group by 1 order by 6 desc, 1 nulls last $$,
    'spend per organisation, with its teams and tenants'
);

select * from finish();
rollback;
