-- An end-user connection sees only the rows of the user its token proves.
begin;
select plan(10);

select litellm_test.funded_user('rls-a', 10);
select litellm_test.funded_user('rls-b', 20);
select litellm.debit_user_credits('rls-a', 1, 'openai', 'gpt-4');
select litellm.debit_user_credits('rls-b', 2, 'openai', 'gpt-4');
insert into litellm.llm_usage_log (user_id, provider, model)
values ('rls-a', 'openai', 'gpt-4'), ('rls-b', 'openai', 'gpt-4'), ('rls-b', 'openai', 'gpt-4');
insert into litellm.user_provider_keys (user_id, provider, encrypted_api_key)
values ('rls-a', 'openai', 'gAAAAA' || repeat('a', 94)), ('rls-b', 'openai', 'gAAAAA' || repeat('b', 94));

set local role litellm_app;
create temporary table tokens as
select
    litellm.issue_end_user_token('rls-a') as a,
    litellm.issue_end_user_token('rls-b') as b;
grant select on tokens to public;
reset role;

set local role litellm_end_user;
select set_config('litellm.end_user_token', (select a from tokens), true);

select results_eq(
    $$ select user_id, credits_remaining from litellm.user_credits $$,
    $$ values ('rls-a'::text, 9.000000::numeric) $$,
    'user A sees their own account and no other'
);
select results_eq(
    $$ select user_id, count(*) from litellm.credit_transactions group by user_id $$,
    $$ values ('rls-a'::text, 2::bigint) $$,
    'their own journal entries'
);
select results_eq(
    $$ select user_id, count(*) from litellm.llm_usage_log group by user_id $$,
    $$ values ('rls-a'::text, 1::bigint) $$,
    'their own usage'
);
select results_eq(
    $$ select user_id, provider from litellm.user_provider_keys $$,
    $$ values ('rls-a'::text, 'openai'::text) $$,
    'their own keys (without the ciphertext)'
);
select is_empty(
    $$ select from litellm.user_credits where user_id = 'rls-b'
       union all select from litellm.credit_transactions where user_id = 'rls-b'
       union all select from litellm.llm_usage_log where user_id = 'rls-b'
       union all select from litellm.user_provider_keys where user_id = 'rls-b' $$,
    'user A cannot read user B''s rows, even by asking for them'
);

select set_config('litellm.user_id', 'rls-b', true);
select results_eq(
    $$ select user_id from litellm.user_credits $$,
    $$ values ('rls-a'::text) $$,
    'litellm.user_id, the setting that used to choose the user, no longer matters'
);

select set_config('litellm.end_user_token', (select b from tokens), true);
select results_eq(
    $$ select user_id, count(*) from litellm.llm_usage_log group by user_id $$,
    $$ values ('rls-b'::text, 2::bigint) $$,
    'B''s token shows B''s rows'
);
select results_eq(
    $$ select credits_remaining from litellm.user_credits $$,
    $$ values (18.000000::numeric) $$,
    'user B sees their own balance'
);

select set_config('litellm.end_user_token', '', true);
select is_empty(
    $$ select from litellm.user_credits union all select from litellm.credit_transactions
       union all select from litellm.llm_usage_log union all select from litellm.user_provider_keys $$,
    'an empty token shows nothing'
);
select set_config('litellm.user_id', 'rls-a', true);
select is_empty(
    $$ select from litellm.user_credits union all select from litellm.llm_usage_log $$,
    'and no claimed user id replaces it (an unset token: tests/test_end_user_identity.py)'
);

select * from finish();
rollback;
