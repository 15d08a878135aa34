-- total_tokens is prompt + completion when the insert omits it or gives NULL;
-- NULLs from a logger become the neutral value instead of failing the insert.
begin;
select plan(5);

insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, request_id)
values ('tap-tokens', 'openai', 'gpt-4', 100, 200, 'omitted');
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, total_tokens, request_id)
values ('tap-tokens', 'openai', 'gpt-4', 7, 8, null, 'null');
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, total_tokens, request_id)
values ('tap-tokens', 'openai', 'o1', 10, 20, 45, 'given');
insert into litellm.llm_usage_log (
    user_id, provider, model, prompt_tokens, completion_tokens, total_tokens, cost_credits,
    request_metadata, response_metadata, success, error_type, request_id
) values ('tap-tokens', 'openai', 'gpt-4', null, null, null, null, null, null, false, 'Timeout', 'nulls');

select results_eq(
    $$ select request_id, prompt_tokens, completion_tokens, total_tokens from litellm.llm_usage_log
       where user_id = 'tap-tokens' order by id $$,
    $$ values ('omitted'::text, 100, 200, 300), ('null', 7, 8, 15), ('given', 10, 20, 45), ('nulls', 0, 0, 0) $$,
    'total_tokens is derived when omitted or NULL, kept when given'
);
select results_eq(
    $$ select cost_credits, request_metadata, response_metadata from litellm.llm_usage_log
       where user_id = 'tap-tokens' and request_id = 'nulls' $$,
    $$ values (0.000000::numeric, '{}'::jsonb, '{}'::jsonb) $$,
    'NULL cost and metadata are stored as 0 and {}'
);
select throws_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens) values ('tap-tokens', 'openai', 'gpt-4', -1) $$,
    '23514', null, 'negative token counts are rejected'
);
select throws_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model, cost_credits) values ('tap-tokens', 'openai', 'gpt-4', -0.01) $$,
    '23514', null, 'a negative cost is rejected'
);
select throws_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model) values (null, 'openai', 'gpt-4') $$,
    '23502', null, 'user_id is required'
);

select * from finish();
rollback;
