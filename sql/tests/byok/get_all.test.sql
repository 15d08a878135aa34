-- get_user_api_keys returns every enabled key of a user, by provider.
begin;
select plan(2);

select litellm.store_user_api_key('byok-all', 'openai', 'gAAAAA' || repeat('a', 94));
select litellm.store_user_api_key('byok-all', 'anthropic', 'gAAAAA' || repeat('b', 94));
select litellm.store_user_api_key('byok-all', 'groq', 'gAAAAA' || repeat('c', 94), enabled => false);
select litellm.store_user_api_key('byok-other', 'openai', 'gAAAAA' || repeat('d', 94));

select results_eq(
    $$ select provider, encrypted_api_key from litellm.get_user_api_keys('byok-all') $$,
    $$ values ('anthropic', 'gAAAAA' || repeat('b', 94)), ('openai', 'gAAAAA' || repeat('a', 94)) $$,
    'the enabled keys of that user only, in provider order'
);
select is_empty($$ select * from litellm.get_user_api_keys('nobody') $$, 'nothing for an unknown user');

select * from finish();
rollback;
