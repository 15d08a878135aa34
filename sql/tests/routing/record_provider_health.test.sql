-- record_provider_health upserts one row per provider, validates its input and
-- derives a missing status from the thresholds in health_thresholds.
begin;
select plan(10);

select results_eq(
    $$ select provider, status, avg_latency_ms, success_rate, error_count
       from litellm.record_provider_health('Tap-A', 'healthy', 1200, 99.5) $$,
    $$ values ('tap-a'::text, 'healthy'::text, 1200, 99.50::numeric, 0::bigint) $$,
    'a new provider is inserted, its name in lower case'
);
select results_eq(
    $$ select status, error_count, last_error
       from litellm.record_provider_health('tap-a', 'degraded', 2000, 80, 12, 'rate limited') $$,
    $$ values ('degraded'::text, 12::bigint, 'rate limited'::text) $$,
    'an existing provider is updated'
);
select is(
    (
        select count(*) from litellm.provider_health
        where provider = 'tap-a'
    ),
    1::bigint,
    'one row per provider'
);
select results_eq(
    $$ select
           (select status from litellm.record_provider_health('tap-b', null, 1000, 95)),
           (select status from litellm.record_provider_health('tap-b', null, 1000, 89.99)),
           (select status from litellm.record_provider_health('tap-b', null, 1000, 49.99)),
           (select status from litellm.record_provider_health('tap-b', null, 5001, 100)),
           (select status from litellm.record_provider_health('tap-b', null, 5000, 90)),
           (select status from litellm.record_provider_health('tap-b')) $$,
    $$ values ('healthy'::text, 'degraded'::text, 'down'::text, 'degraded'::text, 'healthy'::text, 'unknown'::text) $$,
    'a NULL status is derived: below 90 % degraded, below 50 % down, above 5000 ms degraded, no data unknown'
);
update litellm.health_thresholds set degraded_below_success_rate = 99, degraded_above_latency_ms = 800;
select results_eq(
    $$ select
           (select status from litellm.record_provider_health('tap-b', null, 700, 98)),
           (select status from litellm.record_provider_health('tap-b', null, 900, 100)) $$,
    $$ values ('degraded'::text, 'degraded'::text) $$,
    'the thresholds are rows'
);
select throws_ok(
    $$ select litellm.record_provider_health('tap-a', 'sick') $$,
    'LD030', 'status must be healthy, degraded, down or unknown, not ''sick''', 'unknown status'
);
select throws_ok(
    $$ select litellm.record_provider_health('tap-a', 'healthy', -1) $$,
    'LD030', 'avg_latency_ms must not be negative, got -1', 'negative latency'
);
select throws_ok(
    $$ select litellm.record_provider_health('tap-a', 'healthy', 10, 100.5) $$,
    'LD030', 'success_rate must be a percentage from 0 to 100, got 100.5', 'success rate above 100'
);
select throws_ok(
    $$ select litellm.record_provider_health('tap-a', 'healthy', 10, 'NaN') $$,
    'LD030', 'success_rate must be a percentage from 0 to 100, got NaN', 'NaN success rate'
);
select throws_ok(
    $$ select litellm.record_provider_health(' ', 'healthy') $$,
    'LD031', 'provider is required', 'blank provider'
);

select * from finish();
rollback;
