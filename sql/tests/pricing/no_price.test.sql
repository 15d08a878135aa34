-- Without any row in force (not even the global default) calculate_cost raises
-- LD222 instead of answering 0.
begin;
select plan(3);

delete from litellm.model_price_audit;
delete from litellm.model_prices
where model = '*';

select is_empty(
    $$ select * from litellm.get_model_price('nobody', 'mystery') $$,
    'get_model_price returns no row when nothing applies'
);
select throws_ok(
    $$ select litellm.calculate_cost('nobody', 'mystery', 10, 10) $$,
    'LD222', null, 'no price and no fallback: LD222'
);

delete from litellm.pricing_settings;
select throws_ok(
    $$ select litellm.calculate_cost('openai', 'gpt-4o', 10, 10) $$,
    'LD222', 'no conversion rate: litellm.pricing_settings is empty', 'no conversion rate: LD222'
);

select * from finish();
rollback;
