-- The application records and refreshes provider health, routes, buys packages
-- and changes tiers; the analyst reads routing but writes nothing.
begin;
select plan(8);

select litellm_test.funded_user('routed', 10);

set local role litellm_app;
select lives_ok(
    $$ select litellm.record_provider_health('openai', null, 800, 99) $$,
    'the application records provider health'
);
select lives_ok(
    $$ select litellm.refresh_provider_health(15) $$,
    'the application refreshes provider health from the log'
);
select lives_ok(
    $$ select * from litellm.select_providers('balanced') $$,
    'the application selects providers'
);
select lives_ok(
    $$ select litellm.purchase_credit_package('routed', 1, 'stripe', 'ch_app') $$,
    'the application sells packages'
);
select lives_ok(
    $$ select litellm.set_user_tier('routed', 'starter', 'upgrade') $$,
    'the application changes tiers'
);
reset role;

set local role litellm_analyst;
select lives_ok(
    $$ select * from litellm.select_providers('eco') $$,
    'the analyst sees the routing'
);
select throws_ok(
    $$ select litellm.record_provider_health('openai', 'down') $$,
    '42501', null, 'the analyst cannot record health'
);
select throws_ok(
    $$ select litellm.set_user_tier('routed', 'free', 'x') $$,
    '42501', null, 'the analyst cannot change tiers'
);
reset role;

select * from finish();
rollback;
