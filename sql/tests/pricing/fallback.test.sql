-- An unknown model is priced by its provider's default row, else the global
-- default row: never zero by accident. An explicit 0 price is honoured.
begin;
select plan(7);

select results_eq(
    $$ select matched, prompt_per_1m, completion_per_1m
       from litellm.get_model_price('openai', 'gpt-99-unknown') $$,
    $$ values ('provider default'::text, 30.000000::numeric, 60.000000::numeric) $$,
    'an unknown OpenAI model gets the OpenAI default row'
);
select results_eq(
    $$ select matched, price_provider, price_model
       from litellm.get_model_price('nobody-knows', 'mystery') $$,
    $$ values ('global default'::text, '*'::text, '*'::text) $$,
    'an unknown provider gets the global default row'
);
select results_eq(
    $$ select matched from litellm.get_model_price('openai', 'gpt-4o') $$,
    $$ values ('model'::text) $$,
    'a known model gets its own row'
);
select is(
    litellm.calculate_cost('nobody-knows', 'mystery', 1000, 1000),
    1.050000::numeric,
    'global default: (1000 x 30 + 1000 x 75) / 1e6 USD x 10 = 1.05 credits'
);
select ok(
    litellm.calculate_cost('nobody-knows', 'mystery', 1, 0) > 0,
    'an unknown model never costs zero'
);

select litellm.set_model_price('local', '*', 0, 0, note => 'self-hosted models are free');
select is(
    litellm.calculate_cost('local', 'llama-3-8b', 5000, 5000, 'precision', 'enterprise'),
    0.000000::numeric,
    'a provider default set to 0 makes its models deliberately free'
);
select is(
    litellm.calculate_cost('openai', 'gpt-4o', 0, 0),
    0.000000::numeric,
    'no tokens cost nothing'
);

select * from finish();
rollback;
