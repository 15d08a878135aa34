-- Row-level security is for end users: the application, the analyst and the owner see every row.
begin;
select plan(6);

select litellm_test.funded_user('rsu-a', 10);
select litellm_test.funded_user('rsu-b', 10);
insert into litellm.llm_usage_log (user_id, provider, model)
values ('rsu-a', 'openai', 'gpt-4'), ('rsu-b', 'openai', 'gpt-4');
select set_config('litellm.end_user_token', litellm.issue_end_user_token('rsu-a'), true);

select results_eq(
    $$ select count(*) from litellm.user_credits where user_id like 'rsu-%' $$,
    $$ values (2::bigint) $$,
    'the owner sees every account, whatever end-user token is set'
);

set local role litellm_app;
select results_eq(
    $$ select count(*) from litellm.llm_usage_log where user_id like 'rsu-%' $$,
    $$ values (2::bigint) $$,
    'the application reads every usage row'
);
select lives_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model) values ('rsu-b', 'openai', 'gpt-4') $$,
    'and logs usage for any user'
);
select results_eq(
    $$ select success from litellm.debit_user_credits('rsu-b', 1) $$,
    $$ values (true) $$,
    'the API (SECURITY DEFINER, run as the owner) works for any user'
);

reset role;
set local role litellm_analyst;
select results_eq(
    $$ select count(*) from litellm.llm_usage_log where user_id like 'rsu-%' $$,
    $$ values (3::bigint) $$,
    'the analyst reads every usage row'
);
select results_eq(
    $$ select count(*) from litellm.account_overview where user_id like 'rsu-%' $$,
    $$ values (2::bigint) $$,
    'and every account through the overview'
);

select * from finish();
rollback;
