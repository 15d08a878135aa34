-- The tiers ship with seed 001's markups, seed 002's token allowances and
-- default monthly caps.
begin;
select plan(1);

select results_eq(
    $$ select tier, markup, monthly_cap, monthly_token_allowance from litellm.tiers order by markup $$,
    $$ values ('free'::text, 0.0000::numeric, 100.000000::numeric, 10000::bigint),
              ('starter', 0.4000, 1000.000000, 100000),
              ('professional', 0.6000, 5000.000000, 500000),
              ('enterprise', 0.8000, null, null) $$,
    'free / starter / professional / enterprise with markup, monthly cap and token allowance'
);

select * from finish();
rollback;
