-- A key stored under one spelling of a provider is found under any other, by every key function; stored names are
-- canonical whoever writes them; an alias change keeps them so or is refused.
begin;
select plan(17);

select is(litellm.canonical_provider(' Together_AI '), 'together', 'an alias folds to its provider');
select is(litellm.canonical_provider('OpenAI'), 'openai', 'a canonical name is trimmed and lower-cased only');
select is(litellm.canonical_provider(null), null, 'NULL stays NULL');

select litellm.store_user_api_key('alias-user', 'together_ai', 'gAAAAA' || repeat('a', 94));
select results_eq(
    $$ select provider from litellm.user_provider_keys where user_id = 'alias-user' $$,
    $$ values ('together') $$,
    'a key stored under an alias is stored under the canonical name'
);
select results_eq(
    $$ select encrypted_api_key from litellm.get_user_api_key('alias-user', 'together') $$,
    $$ values ('gAAAAA' || repeat('a', 94)) $$,
    'and found under the canonical name'
);
select results_eq(
    $$ select encrypted_api_key from litellm.get_user_api_key('alias-user', 'TogetherAI') $$,
    $$ values ('gAAAAA' || repeat('a', 94)) $$,
    'and under another alias'
);
select results_eq(
    $$ select created from litellm.store_user_api_key('alias-user', 'together', 'gAAAAA' || repeat('b', 94)) $$,
    $$ values (false) $$,
    'storing under the canonical name replaces the key stored under the alias'
);
select ok(litellm.set_user_api_key_enabled('alias-user', 'together-ai', false), 'toggling finds it under an alias');
select ok(litellm.delete_user_api_key('alias-user', 'together_ai'), 'so does deleting');

-- The seed's direct INSERT, as the owner.
insert into litellm.user_provider_keys (user_id, provider, encrypted_api_key, key_name)
values ('alias-user', 'hf', 'gAAAAA' || repeat('c', 94), 'Hub');
select results_eq(
    $$ select provider from litellm.list_user_api_keys('alias-user') $$,
    $$ values ('huggingface') $$,
    'a direct INSERT under an alias is stored under the canonical name'
);
select results_eq(
    $$ select provider from litellm.get_user_api_keys('alias-user') $$,
    $$ values ('huggingface') $$,
    'and handed out under it'
);

-- The owner adds a spelling: keys already stored under it move to the provider.
select litellm.store_user_api_key('alias-user', 'mistral_ai', 'gAAAAA' || repeat('d', 94));
insert into litellm.provider_aliases (alias, provider) values ('mistral_ai', 'mistral');
select results_eq(
    $$ select provider from litellm.user_provider_keys where user_id = 'alias-user' order by provider $$,
    $$ values ('huggingface'), ('mistral') $$,
    'a new alias moves the keys stored under it'
);
select results_eq(
    $$ select encrypted_api_key from litellm.get_user_api_key('alias-user', 'mistral_ai') $$,
    $$ values ('gAAAAA' || repeat('d', 94)) $$,
    'which are found under both spellings'
);

select litellm.store_user_api_key('alias-user', 'groq', 'gAAAAA' || repeat('e', 94));
select litellm.store_user_api_key('alias-user', 'groq_cloud', 'gAAAAA' || repeat('f', 94));
select throws_ok(
    $$ insert into litellm.provider_aliases (alias, provider) values ('groq_cloud', 'groq') $$,
    'LD390', null,
    'an alias is refused while a user has keys under both names'
);
select throws_ok(
    $$ insert into litellm.provider_aliases (alias, provider) values ('tog', 'together_ai') $$,
    'LD391', null,
    'an alias of an alias is refused'
);
select throws_ok(
    $$ insert into litellm.provider_aliases (alias, provider) values ('together', 'together_com') $$,
    'LD391', null,
    'so is making a canonical name an alias'
);

set local role litellm_app;
select results_eq(
    $$ select litellm.canonical_provider('fireworks_ai') $$,
    $$ values ('fireworks') $$,
    'the application may fold names itself'
);
reset role;

select * from finish();
rollback;
