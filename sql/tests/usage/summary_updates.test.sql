-- The log is append-only by design, but an owner's UPDATE (a correction) keeps
-- the summary exact: the old values are taken out and the new ones put in.
begin;
select plan(5);

prepare from_log as select * from litellm_test.usage_summary_from_log('tap-update-%');

-- A key whose rows were all moved away stays in the summary with zeros.
prepare summary as
select * from litellm_test.usage_summary_rows
where user_id like 'tap-update-%' and request_count <> 0;

insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, latency_ms, request_id)
select
    'tap-update-a' as user_id,
    'openai' as provider,
    'gpt-4' as model,
    g.n as prompt_tokens,
    g.n as completion_tokens,
    g.n * 0.01 as cost_credits,
    500 as latency_ms,
    'req-' || g.n as request_id
from generate_series(1, 5) as g (n);
select litellm.refresh_usage_summary();

update litellm.llm_usage_log set error_message = 'note'
where request_id = 'req-1' and user_id = 'tap-update-a';
select is(
    (
        select count(*) from litellm.usage_summary_pending
        where user_id like 'tap-update-%'
    ), 0::bigint,
    'an update of unsummarised columns queues nothing'
);

update litellm.llm_usage_log set cost_credits = 9, success = false, latency_ms = null
where request_id = 'req-2' and user_id = 'tap-update-a';
select litellm.refresh_usage_summary();
select set_eq('summary', 'from_log', 'an update of measures keeps the summary exact');

update litellm.llm_usage_log set model = 'gpt-4o', user_id = 'tap-update-b'
where request_id = 'req-3' and user_id = 'tap-update-a';
select litellm.refresh_usage_summary();
select set_eq('summary', 'from_log', 'an update of the key moves the row between summary rows');

update litellm.llm_usage_log set created_at = '2000-02-29 12:00:00+00'
where request_id = 'req-4' and user_id = 'tap-update-a';
select litellm.refresh_usage_summary();
select set_eq('summary', 'from_log', 'an update that moves a row to another partition keeps the summary exact');
select is(
    (
        select tableoid::regclass from litellm.llm_usage_log
        where request_id = 'req-4' and user_id = 'tap-update-a'
    ),
    'litellm.llm_usage_log_default'::regclass,
    'the moved row is in the default partition'
);

select * from finish();
rollback;
