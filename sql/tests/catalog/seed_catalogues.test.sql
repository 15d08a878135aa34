-- Seed 000's power levels and credit packages ship as rows.
begin;
select plan(3);

select results_eq(
    $$ select power_level, cost_multiplier, max_latency_ms, min_quality, providers
       from litellm.power_levels order by cost_multiplier $$,
    $$ values ('eco'::text, 0.7000::numeric, 5000, 70, '{openrouter,together,deepinfra}'::text []),
              ('balanced', 1.0000, 3000, 85, '{openai,anthropic,openrouter}'),
              ('precision', 1.5000, 2000, 95, '{anthropic,openai}') $$,
    'the power-level table of seed 000'
);
select results_eq(
    $$ select package_id, name, credits, price_usd, discount_percent, active
       from litellm.credit_packages order by package_id $$,
    $$ values (1, 'Starter Pack'::text, 100.000000::numeric, 10.00::numeric, 0.00::numeric, true),
              (2, 'Value Pack', 500, 45.00, 10, true),
              (3, 'Pro Pack', 1000, 80.00, 20, true),
              (4, 'Enterprise Pack', 5000, 350.00, 30, true) $$,
    'the credit-package catalogue of seed 000'
);
select results_eq(
    $$ select tier, markup from litellm.tiers order by markup $$,
    $$ values ('free'::text, 0.0000::numeric), ('starter', 0.4), ('professional', 0.6), ('enterprise', 0.8) $$,
    'the tiers and markups of seed 001'
);

select * from finish();
rollback;
