-- list_user_api_keys shows the masked hint, never the ciphertext.
begin;
select plan(3);

select litellm.store_user_api_key('byok-list', 'openai', 'gAAAAA' || repeat('a', 94), 'sk-...1234', 'Work');
select litellm.store_user_api_key('byok-list', 'anthropic', 'gAAAAA' || repeat('b', 94), 'sk-ant-...9876');

select results_eq(
    $$ select provider, key_name, key_hint, enabled from litellm.list_user_api_keys('byok-list') $$,
    $$ values ('anthropic', null, 'sk-ant-...9876', true), ('openai', 'Work', 'sk-...1234', true) $$,
    'one row per provider with the masked hint'
);
select is_empty(
    $$ select a.attname from pg_catalog.pg_proc as p
       cross join lateral unnest(p.proargnames, p.proargmodes) as a (attname, mode)
       where p.oid = 'litellm.list_user_api_keys(text)'::regprocedure
         and a.mode = 't' and a.attname ~ 'encrypted' $$,
    'no ciphertext column in the result'
);
select is_empty($$ select * from litellm.list_user_api_keys('nobody') $$, 'nothing for an unknown user');

select * from finish();
rollback;
