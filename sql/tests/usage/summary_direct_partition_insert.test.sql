-- Rows inserted straight into a partition (by the owner: the application can
-- only insert through llm_usage_log) are summarised once, like rows routed
-- through the parent.
begin;
select plan(3);
set local client_min_messages = warning;

select litellm._ensure_usage_log_partition('2001-07-01');

insert into litellm.llm_usage_log_p200107 (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values ('tap-direct', 'openai', 'gpt-4', 1, 2, 0.1, '2001-07-04 12:00:00+00');
insert into litellm.llm_usage_log_default (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values ('tap-direct', 'openai', 'gpt-4', 10, 20, 1, '1990-07-04 12:00:00+00');
insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, created_at)
values ('tap-direct', 'openai', 'gpt-4', 100, 200, 10, '2001-07-04 13:00:00+00');

select is(
    (
        select sum(request_count) from litellm.usage_summary_pending
        where user_id = 'tap-direct'
    ), 3::numeric,
    'each row is queued exactly once'
);
select cmp_ok(litellm.refresh_usage_summary(), '>=', 2::bigint, 'the refresh writes the two days');
select results_eq(
    $$ select date, request_count, total_prompt_tokens, total_completion_tokens, total_tokens, total_cost
       from litellm.llm_usage_summary where user_id = 'tap-direct' order by date $$,
    $$ values ('1990-07-04'::date, 1::bigint, 10::bigint, 20::bigint, 30::bigint, 1.000000::numeric),
              ('2001-07-04', 2, 101, 202, 303, 10.1) $$,
    'the summary counts direct and routed inserts alike'
);

select * from finish();
rollback;
