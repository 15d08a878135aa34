-- With cost NULL the price comes from litellm.calculate_cost(...) for the
-- user's tier; LD020 when it has no price (NULL). The test replaces the
-- pricing function with one whose answers it knows.
begin;
select plan(4);
set local client_min_messages = warning;

select litellm_test.funded_user('tap-price', 10);

-- Whatever pricing is installed, this test brings its own.
drop function if exists litellm.calculate_cost(text, text, bigint, bigint, text, text, timestamptz) cascade;

create function litellm.calculate_cost(
    provider text, model text, prompt_tokens bigint, completion_tokens bigint, power_level text, tier text, at timestamptz
)
returns numeric
language sql
stable
return case
    when model = 'free-model' then 0
    when model = 'gpt-4' and tier = 'free' and at = now()
        then (prompt_tokens * 0.0000301 + completion_tokens * 0.00006) * coalesce((
            select pl.cost_multiplier from litellm.power_levels as pl
            where pl.power_level = calculate_cost.power_level  -- noqa: RF01
        ), 1)
end;

select results_eq(
    $$ select charged, amount_charged
       from litellm.record_llm_call('tap-price', 'openai', 'gpt-4', 1000, 500, power_level => 'balanced') $$,
    $$ select true, round((1000 * 0.0000301 + 500 * 0.00006) * pl.cost_multiplier, 6)
       from litellm.power_levels as pl where pl.power_level = 'balanced' $$,
    'the price comes from calculate_cost(provider, model, tokens, power level, the user''s tier, now()), rounded'
);
select results_eq(
    $$ select success, charged, amount_charged
       from litellm.record_llm_call('tap-price', 'openai', 'free-model', 1000, 500) $$,
    $$ values (true, false, 0::numeric) $$,
    'a price of 0 charges nothing'
);
select throws_ok(
    $$ select * from litellm.record_llm_call('tap-price', 'openai', 'unpriced', 1000, 500) $$,
    'LD020', null, 'calculate_cost() returning NULL: LD020'
);
select results_eq(
    $$ select charged, amount_charged from litellm.record_llm_call('tap-price', 'openai', 'unpriced', 1, 1, 0.5) $$,
    $$ values (true, 0.500000::numeric) $$,
    'a given cost is used as it is'
);

select * from finish();
rollback;
