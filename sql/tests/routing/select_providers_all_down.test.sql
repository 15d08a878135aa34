-- When every provider of a level is down the result is not empty: every row
-- says available = false and why.
begin;
select plan(3);

select litellm.record_provider_health('anthropic', 'down', null, 0, 40, 'overloaded');
select litellm.record_provider_health('openai', 'down', 9000, 12.5, 70, 'timeout');

select results_eq(
    $$ select rank, provider, available, status, reason from litellm.select_providers('precision') $$,
    $$ values (1, 'anthropic'::text, false, 'down'::text, 'down'::text),
              (2, 'openai', false, 'down', 'down') $$,
    'all providers are listed, unavailable, in preference order'
);
select is(
    (
        select count(*) from litellm.select_providers('precision')
        where available
    ),
    0::bigint,
    'none is available'
);
select throws_ok(
    $$ select * from litellm.select_providers('turbo') $$,
    'LD003', 'unknown power level ''turbo''', 'an unknown level raises LD003'
);

select * from finish();
rollback;
