-- Best first: healthy providers within the level's latency bound, in the
-- level's preference order; then providers without health data; then degraded
-- or too slow ones; then down ones (available = false, with a reason).
begin;
select plan(3);

select litellm.record_provider_health('openai', 'healthy', 900, 99.9);
select litellm.record_provider_health('anthropic', 'healthy', 1500, 99.0);

select results_eq(
    $$ select rank, provider, available, reason from litellm.select_providers('balanced') $$,
    $$ values (1, 'openai'::text, true, null::text),
              (2, 'anthropic', true, null),
              (3, 'openrouter', true, 'no health data') $$,
    'healthy providers in preference order, then the one without health data'
);

select litellm.record_provider_health('openai', 'healthy', 3500, 99.9);
select litellm.record_provider_health('openrouter', 'degraded', 800, 85);
select results_eq(
    $$ select provider, available, status, reason from litellm.select_providers('balanced') $$,
    $$ values ('anthropic'::text, true, 'healthy'::text, null::text),
              ('openai', false, 'healthy', 'average latency 3500 ms is above the 3000 ms bound of balanced'),
              ('openrouter', false, 'degraded', 'degraded') $$,
    'a provider over the latency bound and a degraded one are listed after the available one'
);
select results_eq(
    $$ select provider, available from litellm.select_providers(' Precision ') $$,
    $$ values ('anthropic'::text, true), ('openai', false) $$,
    'the level name is compared in lower case; each level has its own providers and bound'
);

select * from finish();
rollback;
