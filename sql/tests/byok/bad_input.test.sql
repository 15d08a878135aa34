-- Bad arguments raise the documented SQLSTATE and store nothing.
begin;
select plan(10);

select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', 'openai', 'sk-plaintext-key-1234567890') $$,
    'LD041', 'encrypted_api_key is not a Fernet token', 'a plaintext key is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', 'openai', 'gAAAAA' || repeat('a', 20)) $$,
    'LD041', null, 'a token too short to be Fernet is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', 'open ai', 'gAAAAA' || repeat('a', 94)) $$,
    'LD040', null, 'a malformed provider name is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', null, 'gAAAAA' || repeat('a', 94)) $$,
    'LD040', null, 'a NULL provider is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', 'openai', 'gAAAAA' || repeat('a', 94),
                                         encryption_key_id => 'not-a-fingerprint') $$,
    'LD042', null, 'a malformed key id is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('', 'openai', 'gAAAAA' || repeat('a', 94)) $$,
    'LD004', null, 'a blank user id is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', 'openai', 'gAAAAA' || repeat('a', 94), repeat('x', 33)) $$,
    'LD007', null, 'a key hint over 32 characters is refused'
);
select throws_ok(
    $$ select litellm.store_user_api_key('byok-bad', 'openai', 'gAAAAA' || repeat('a', 94), metadata => '[]') $$,
    'LD007', null, 'metadata that is not an object is refused'
);
select throws_ok(
    $$ select litellm.set_user_api_key_enabled('byok-bad', 'openai', null) $$,
    'LD007', null, 'enabled must not be NULL'
);
select is_empty(
    $$ select from litellm.user_credits where user_id = 'byok-bad' $$,
    'nothing was written'
);

select * from finish();
rollback;
