-- The queue's two slots: a refresh switches writers to the other slot, folds
-- and empties the old one, and also folds committed rows already in the new
-- one (left by a refresh that rolled back after switching), so nothing is left
-- behind or counted twice.
begin;
select plan(8);

prepare slot_rows as
select
    p.slot,
    count(*) as queued
from litellm.usage_summary_pending as p
where p.user_id like 'tap-slot%'
group by p.slot;

create temporary table current_slot as
select (g.last_value % 2)::smallint as slot from litellm.usage_summary_generation as g;

insert into litellm.llm_usage_log (user_id, provider, model, cost_credits) values ('tap-slot', 'openai', 'gpt-4', 1);
select results_eq(
    'slot_rows', $$ select slot, 1::bigint from current_slot $$, 'writers append to the current slot'
);

-- What a refresh that rolled back after its switch leaves: the sequence moved on.
select nextval('litellm.usage_summary_generation');
insert into litellm.llm_usage_log (user_id, provider, model, cost_credits) values ('tap-slot', 'openai', 'gpt-4', 2);
select results_eq(
    'slot_rows',
    $$ select slot, 1::bigint from current_slot union all select (1 - slot)::smallint, 1::bigint from current_slot
       order by 1 $$,
    'after a switch writers use the other slot'
);

select is(litellm.refresh_usage_summary(), 1::bigint, 'the refresh writes the one key');
select is_empty('slot_rows', 'both slots are empty afterwards');
select results_eq(
    $$ select request_count, total_cost from litellm.llm_usage_summary where user_id = 'tap-slot' $$,
    $$ values (2::bigint, 3.000000::numeric) $$,
    'both rows are counted once'
);
select is(
    (select (g.last_value % 2)::smallint from litellm.usage_summary_generation as g),
    (select slot from current_slot),
    'the refresh switched slots again'
);

insert into litellm.llm_usage_log (user_id, provider, model, cost_credits) values ('tap-slot', 'openai', 'gpt-4', 4);
select is(litellm.refresh_usage_summary(), 1::bigint, 'a second refresh');
select results_eq(
    $$ select request_count, total_cost from litellm.llm_usage_summary where user_id = 'tap-slot' $$,
    $$ values (3::bigint, 7.000000::numeric) $$,
    'the summary stays exact'
);

select * from finish();
rollback;
