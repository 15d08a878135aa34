-- The application reaches keys only through the API; the analyst not at all.
begin;
select plan(5);

select litellm.store_user_api_key('byok-priv', 'openai', 'gAAAAA' || repeat('a', 94));
set local role litellm_app;
select isnt_empty(
    $$ select * from litellm.get_user_api_key('byok-priv', 'openai') $$,
    'the application can get a key through the API'
);
select lives_ok(
    $$ select litellm.store_user_api_key('byok-priv', 'anthropic', 'gAAAAA' || repeat('b', 94)) $$,
    'the application can store a key through the API'
);
select throws_ok(
    $$ select * from litellm.user_provider_keys $$,
    '42501', null, 'the application cannot read the table'
);
reset role;
set local role litellm_analyst;
select throws_ok(
    $$ select * from litellm.list_user_api_keys('byok-priv') $$,
    '42501', null, 'the analyst cannot list keys'
);
select throws_ok(
    $$ select * from litellm.user_provider_keys $$,
    '42501', null, 'the analyst cannot read the table'
);

select * from finish();
rollback;
