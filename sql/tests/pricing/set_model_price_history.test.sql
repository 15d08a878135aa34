-- Scheduling never overwrites history: the period in force is closed at the new
-- one's start, a change scheduled between two others ends where the next one
-- starts, no two periods of a model overlap, and every write is audited.
begin;
select plan(6);

select results_eq(
    $$ select action from litellm.set_model_price('tap', 'm', 1, 2, effective_from => '1970-01-01+00') $$,
    $$ values ('added'::text) $$,
    'the first price of a model is added'
);
select results_eq(
    $$ select action from litellm.set_model_price('tap', 'm', 3, 4, effective_from => '2033-01-01+00') $$,
    $$ values ('changed'::text) $$,
    'a later price closes the period in force'
);
select results_eq(
    $$ select action from litellm.set_model_price('tap', 'm', 2, 3, 1, '2032-01-01+00', 'inserted between') $$,
    $$ values ('changed'::text) $$,
    'a change scheduled before an existing future one is accepted'
);

select results_eq(
    $$ select prompt_per_1m, cached_per_1m, effective_from, effective_to, note
       from litellm.model_prices where provider = 'tap' and model = 'm' order by effective_from $$,
    $$ values (1.000000::numeric, null::numeric, '1970-01-01+00'::timestamptz, '2032-01-01+00'::timestamptz, null::text),
              (2.000000, 1.000000, '2032-01-01+00', '2033-01-01+00', 'inserted between'),
              (3.000000, null, '2033-01-01+00', null, null) $$,
    'three contiguous periods; the inserted one ends where the next begins'
);
select is_empty(
    $$ select a.price_id, b.price_id
       from litellm.model_prices as a
       inner join litellm.model_prices as b
           on a.provider = b.provider and a.model = b.model and a.price_id < b.price_id
       where tstzrange(a.effective_from, a.effective_to) && tstzrange(b.effective_from, b.effective_to) $$,
    'no two periods of any provider + model overlap'
);
select results_eq(
    $$ select
           action, old ->> 'prompt_per_1m', new ->> 'prompt_per_1m', (old ->> 'effective_to')::timestamptz, note,
           changed_by = current_user
       from litellm.model_price_audit where provider = 'tap' order by audit_id $$,
    $$ values ('added'::text, null::text, '1.000000'::text, null::timestamptz, null::text, true),
              ('changed', '1.000000', '3.000000', null, null, true),
              ('changed', '1.000000', '2.000000', '2033-01-01+00', 'inserted between', true) $$,
    'each write is audited with the row as it was before, the new row, the note and who'
);

select * from finish();
rollback;
