-- The application logs calls, reports provider health and runs the maintenance
-- functions; it cannot write the summary. The analyst reads the summary and
-- provider health and writes nothing.
begin;
select plan(9);

set local role litellm_app;
select lives_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits)
       values ('tap-role', 'openai', 'gpt-4', 1, 2, 0.5) $$,
    'the application can log a call (and its trigger queues the summary delta)'
);
select lives_ok(
    $$ insert into litellm.provider_health (provider, status) values ('tap-role', 'healthy')
       on conflict (provider) do update set status = excluded.status, last_check = now() $$,
    'the application can upsert provider health'
);
select is(litellm.refresh_usage_summary(), 1::bigint, 'the application can refresh the summary');
select lives_ok($$ select litellm.ensure_usage_log_partitions() $$, 'the application can create partitions');
select throws_ok(
    $$ insert into litellm.llm_usage_summary (date, user_id, provider, model) values (current_date, 'x', 'y', 'z') $$,
    '42501', null, 'the application cannot write the summary'
);
select throws_ok(
    $$ delete from litellm.usage_summary_pending $$, '42501', null, 'the application cannot touch the queue'
);
reset role;

set local role litellm_analyst;
select results_eq(
    $$ select request_count, total_cost from litellm.llm_usage_summary where user_id = 'tap-role' $$,
    $$ values (1::bigint, 0.500000::numeric) $$,
    'the analyst reads the summary'
);
select throws_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model) values ('tap-role', 'openai', 'gpt-4') $$,
    '42501', null, 'the analyst cannot log calls'
);
select throws_ok(
    $$ select litellm.refresh_usage_summary() $$, '42501', null, 'the analyst cannot run the refresh'
);
reset role;

select * from finish();
rollback;
