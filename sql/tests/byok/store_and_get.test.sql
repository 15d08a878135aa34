-- store_user_api_key upserts one key per user and provider; get_user_api_key hands back the ciphertext.
begin;
select plan(9);

select results_eq(
    $$ select created from litellm.store_user_api_key(
           'byok-user', 'OpenAI', 'gAAAAA' || repeat('a', 94), 'sk-...1234', 'My OpenAI Key', '0123456789abcdef') $$,
    $$ values (true) $$,
    'a first key is created'
);
select results_eq(
    $$ select credits_remaining, total_purchased from litellm.get_user_balance('byok-user') $$,
    $$ values (0.000000::numeric, 0.000000::numeric) $$,
    'storing a key for a new user creates an empty account'
);
select is(litellm_test.journal_count('byok-user'), 0::bigint, 'and journals nothing');
select results_eq(
    $$ select encrypted_api_key, encryption_key_id, key_name from litellm.get_user_api_key('byok-user', 'openai') $$,
    $$ values ('gAAAAA' || repeat('a', 94), '0123456789abcdef', 'My OpenAI Key') $$,
    'get returns the ciphertext under the normalised provider name'
);
select isnt(
    (
        select last_used_at from litellm.user_provider_keys
        where user_id = 'byok-user'
    ), null,
    'get records the use'
);
select results_eq(
    $$ select key_id, created from litellm.store_user_api_key(
           'byok-user', 'openai', 'gAAAAA' || repeat('b', 94), 'sk-...5678') $$,
    $$ select id, false from litellm.user_provider_keys where user_id = 'byok-user' $$,
    'storing again replaces the key in the same row'
);
select results_eq(
    $$ select encrypted_api_key, encryption_key_id, key_name, last_used_at, enabled
       from litellm.user_provider_keys where user_id = 'byok-user' $$,
    $$ values ('gAAAAA' || repeat('b', 94), null::text, null::text, null::timestamptz, true) $$,
    'the replacement holds only what was given, and has not been used'
);
select is_empty(
    $$ select * from litellm.get_user_api_key('byok-user', 'anthropic') $$,
    'no row for a provider without a key'
);
select is_empty(
    $$ select * from litellm.get_user_api_key('nobody', 'openai') $$,
    'no row for an unknown user'
);

select * from finish();
rollback;
