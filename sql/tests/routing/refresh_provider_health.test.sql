-- refresh_provider_health derives status, average latency and success rate per
-- provider from the last N minutes of llm_usage_log.
begin;
select plan(6);

insert into litellm.llm_usage_log (created_at, user_id, provider, model, success, latency_ms, error_message)
select
    c.created_at,
    'u' as user_id,
    c.provider,
    'm' as model,
    c.failures < i as success,
    c.latency + c.step * i as latency_ms,
    case when c.failures >= i then c.error end as error_message
from (
    values
    (now() - interval '1 minute', 'tap-good', 20, 0, 1000, 1, null),
    (now() - interval '1 minute', 'tap-flaky', 10, 2, 2000, 0, 'timeout'),
    (now() - interval '2 minutes', 'tap-dead', 3, 3, null, 0, 'connection refused'),
    (now() - interval '3 hours', 'tap-old', 3, 3, 100, 0, 'ancient history')
) as c (created_at, provider, calls, failures, latency, step, error)
cross join lateral generate_series(1, c.calls) as i;

select results_eq(
    $$ select provider, status, avg_latency_ms, success_rate, request_count, error_count, last_error
       from litellm.refresh_provider_health(15, dry_run => true) $$,
    $$ values ('tap-dead'::text, 'down'::text, null::integer, 0.00::numeric, 3::bigint, 3::bigint, 'connection refused'::text),
              ('tap-flaky', 'degraded', 2000, 80.00, 10, 2, 'timeout'),
              ('tap-good', 'healthy', 1011, 100.00, 20, 0, null) $$,
    'status, latency and success rate per provider seen in the window'
);
select is(
    (
        select count(*) from litellm.provider_health
        where provider like 'tap-%'
    ),
    0::bigint,
    'a dry run writes nothing'
);

select litellm.refresh_provider_health(15);
select results_eq(
    $$ select provider, status, success_rate, notes from litellm.provider_health
       where provider like 'tap-%' order by provider $$,
    $$ values ('tap-dead'::text, 'down'::text, 0.00::numeric, 'derived from 3 calls in the last 15 minutes of llm_usage_log'::text),
              ('tap-flaky', 'degraded', 80.00, 'derived from 10 calls in the last 15 minutes of llm_usage_log'),
              ('tap-good', 'healthy', 100.00, 'derived from 20 calls in the last 15 minutes of llm_usage_log') $$,
    'the derived health is upserted into provider_health'
);
select results_eq(
    $$ select provider, status from litellm.refresh_provider_health(240, dry_run => true) where provider = 'tap-old' $$,
    $$ values ('tap-old'::text, 'down'::text) $$,
    'a wider window sees older calls'
);
select throws_ok(
    $$ select litellm.refresh_provider_health(0) $$,
    'LD030', 'window_minutes must be from 1 to 10080 (a week), got 0', 'an empty window is refused'
);
select throws_ok(
    $$ select litellm.refresh_provider_health(null) $$,
    'LD030', 'window_minutes must be from 1 to 10080 (a week), got NULL', 'a NULL window is refused'
);

select * from finish();
rollback;
