begin;
select plan(10);

insert into litellm.llm_usage_summary (
    date, user_id, provider, model, request_count, success_count, failure_count, total_tokens, total_latency_ms,
    latency_count, total_cost, total_cost_usd
) values
(current_date, 'u1', 'openai', 'gpt-4o', 3, 2, 1, 300, 600, 3, 3.5, 0.35),
(current_date, 'u2', 'openai', 'gpt-4o-mini', 1, 1, 0, 100, 100, 1, 0.25, 0.025),
(current_date - 1, 'u1', 'groq', 'llama', 2, 2, 0, 50, 0, 0, 1, 0.1),
(current_date - 40, 'u1', 'groq', 'llama', 9, 9, 0, 9, 0, 0, 9, 0.9);
insert into litellm.llm_usage_attribution_summary (
    date, tenant_id, organization_id, team_id, provider, model, request_count, total_cost
) values
(current_date, 't1', 'o1', 'team-a', 'openai', 'gpt-4o', 3, 3.5),
(current_date, '', '', '', 'openai', 'gpt-4o-mini', 1, 0.25);

select results_eq(
    $$ select subject, provider, request_count, total_cost, avg_latency_ms
       from litellm.usage_between(current_date - 6, current_date, 'provider') $$,
    $$ select null::text, provider, request_count, revenue, avg_latency_ms from litellm.provider_breakdown(7) $$,
    'per provider: provider_breakdown''s numbers'
);
select results_eq(
    $$ select subject, total_cost, request_count from litellm.usage_between(current_date - 29, current_date, 'user') $$,
    $$ select user_id, total_cost, request_count from litellm.top_spenders(30, null) $$,
    'per user: top_spenders''s numbers'
);
select results_eq(
    $$ select date, request_count, total_cost from litellm.usage_between(current_date - 6, current_date, 'day', user_id => 'u1') $$,
    $$ select date, request_count, total_cost from litellm.usage_daily('u1', 7) order by date $$,
    'per day of a user: usage_daily''s numbers, oldest first'
);
select results_eq(
    $$ select subject, total_cost from litellm.usage_between(current_date, current_date, 'team') $$,
    $$ values ('team-a'::text, 3.5::numeric), (null, 0.25) $$,
    'per team from the attribution summary, unattributed as NULL'
);
select results_eq(
    $$ select request_count from litellm.usage_between(current_date - 30, current_date, 'day', tenant_id => 't1') $$,
    $$ values (3::bigint) $$,
    'one tenant'
);

select throws_ok(
    $$ select * from litellm.usage_between(current_date, current_date, 'week') $$, 'LD360', null, 'unknown grouping'
);
select throws_ok(
    $$ select * from litellm.usage_between(current_date, current_date, 'day', user_id => 'u1', team_id => 'team-a') $$,
    'LD360', null, 'a user with a team'
);
select throws_ok(
    $$ select * from litellm.usage_between(current_date, current_date - 1) $$, 'LD362', null, 'to before from'
);
select throws_ok(
    $$ select * from litellm.credit_flow_daily(null, current_date) $$, 'LD362', null, 'credit flow: NULL date'
);
select throws_ok(
    $$ select * from litellm.usage_between(current_date, current_date, 'day', max_rows => 0) $$, 'LD009', null,
    'max_rows below 1'
);

select * from finish();
rollback;
