-- Seed 000's provider-health upsert runs verbatim; status and rate are checked.
begin;
select plan(7);

select lives_ok(
    $$ INSERT INTO provider_health (provider, status, avg_latency_ms, success_rate)
       VALUES ('tap-openai', 'healthy', 1200, 99.5)
       ON CONFLICT (provider) DO UPDATE
       SET status = EXCLUDED.status,
           avg_latency_ms = EXCLUDED.avg_latency_ms,
           success_rate = EXCLUDED.success_rate,
           last_check = NOW() $$,
    'the seed''s upsert inserts a new provider'
);
select results_eq(
    $$ select status, avg_latency_ms, success_rate, last_check = now(), error_count
       from litellm.provider_health where provider = 'tap-openai' $$,
    $$ values ('healthy'::text, 1200, 99.50::numeric, true, 0::bigint) $$,
    'the new row holds the given values and last_check defaults to now()'
);
select lives_ok(
    $$ INSERT INTO provider_health (provider, status, avg_latency_ms, success_rate)
       VALUES ('tap-openai', 'degraded', 4100, 81.25)
       ON CONFLICT (provider) DO UPDATE
       SET status = EXCLUDED.status,
           avg_latency_ms = EXCLUDED.avg_latency_ms,
           success_rate = EXCLUDED.success_rate,
           last_check = NOW() $$,
    'the seed''s upsert updates an existing provider'
);
select results_eq(
    $$ select count(*), min(status), min(avg_latency_ms), min(success_rate)
       from litellm.provider_health where provider = 'tap-openai' $$,
    $$ values (1::bigint, 'degraded'::text, 4100, 81.25::numeric) $$,
    'there is still one row per provider, with the new values'
);
select results_eq(
    $$ SELECT provider, avg_latency_ms, success_rate
       FROM provider_health
       WHERE status = 'degraded' AND provider LIKE 'tap-%'
       ORDER BY avg_latency_ms ASC $$,
    $$ values ('tap-openai'::text, 4100, 81.25::numeric) $$,
    'the seed''s provider query runs'
);
select throws_ok(
    $$ insert into litellm.provider_health (provider, status) values ('tap-x', 'sick') $$,
    '23514', null, 'an unknown status is rejected'
);
select throws_ok(
    $$ insert into litellm.provider_health (provider, status, success_rate) values ('tap-x', 'healthy', 100.01) $$,
    '23514', null, 'a success rate above 100 is rejected'
);

select * from finish();
rollback;
