-- last_used_at is rewritten at most once a minute.
begin;
select plan(2);

select litellm.store_user_api_key('byok-used', 'openai', 'gAAAAA' || repeat('a', 94));
update litellm.user_provider_keys set last_used_at = now() - interval '30 seconds'
where user_id = 'byok-used';
select litellm.get_user_api_key('byok-used', 'openai');
select is(
    (
        select last_used_at from litellm.user_provider_keys
        where user_id = 'byok-used'
    ),
    now() - interval '30 seconds',
    'a use within the minute does not rewrite the row'
);
update litellm.user_provider_keys set last_used_at = now() - interval '2 minutes'
where user_id = 'byok-used';
select litellm.get_user_api_keys('byok-used');
select is(
    (
        select last_used_at from litellm.user_provider_keys
        where user_id = 'byok-used'
    ), now(),
    'a use after a minute does'
);

select * from finish();
rollback;
