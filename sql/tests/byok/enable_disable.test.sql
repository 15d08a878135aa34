-- A disabled key is kept but not handed out; enabling it again restores it.
begin;
select plan(6);

select litellm.store_user_api_key('byok-toggle', 'groq', 'gAAAAA' || repeat('a', 94));

select is(litellm.set_user_api_key_enabled('byok-toggle', 'groq', false), true, 'disabling finds the key');
select is_empty($$ select * from litellm.get_user_api_key('byok-toggle', 'groq') $$, 'a disabled key is not handed out');
select results_eq(
    $$ select enabled from litellm.list_user_api_keys('byok-toggle') $$,
    $$ values (false) $$,
    'but it is still listed'
);
select is(litellm.set_user_api_key_enabled('byok-toggle', 'GROQ', true), true, 'enabling finds it too');
select isnt_empty($$ select * from litellm.get_user_api_key('byok-toggle', 'groq') $$, 'an enabled key is handed out');
select is(litellm.set_user_api_key_enabled('byok-toggle', 'openai', true), false, 'false when there is no such key');

select * from finish();
rollback;
