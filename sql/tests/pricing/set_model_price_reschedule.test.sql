-- A period that has not started yet can be rescheduled at the same instant:
-- its prices change (it was never in force), and the audit keeps the old ones.
begin;
select plan(3);

select litellm.set_model_price('tap', 'm', 1, 1, effective_from => '1970-01-01+00');
select litellm.set_model_price('tap', 'm', 2, 2, effective_from => '2035-01-01+00');

select results_eq(
    $$ select action from litellm.set_model_price('tap', 'm', 2.5, 2.5, effective_from => '2035-01-01+00', note => 'typo') $$,
    $$ values ('replaced'::text) $$,
    'the scheduled price is replaced'
);
select results_eq(
    $$ select prompt_per_1m, effective_from from litellm.model_prices where model = 'm' order by effective_from $$,
    $$ values (1.000000::numeric, '1970-01-01+00'::timestamptz), (2.500000, '2035-01-01+00') $$,
    'still two periods; the future one has the new price'
);
select results_eq(
    $$ select action, old ->> 'prompt_per_1m', new ->> 'prompt_per_1m', note
       from litellm.model_price_audit where model = 'm' order by audit_id desc limit 1 $$,
    $$ values ('replaced'::text, '2.000000'::text, '2.500000'::text, 'typo'::text) $$,
    'the audit keeps the replaced prices'
);

select * from finish();
rollback;
