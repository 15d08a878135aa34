-- delete_user_api_key removes one user's key for one provider.
begin;
select plan(4);

select litellm.store_user_api_key('byok-del', 'openai', 'gAAAAA' || repeat('a', 94));
select litellm.store_user_api_key('byok-keep', 'openai', 'gAAAAA' || repeat('b', 94));

select is(litellm.delete_user_api_key('byok-del', 'openai'), true, 'deleting finds the key');
select is_empty($$ select * from litellm.list_user_api_keys('byok-del') $$, 'the key is gone');
select is(litellm.delete_user_api_key('byok-del', 'openai'), false, 'deleting again finds nothing');
select isnt_empty($$ select * from litellm.list_user_api_keys('byok-keep') $$, 'other users keep theirs');

select * from finish();
rollback;
