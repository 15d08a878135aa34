-- Power levels are rows: seed 000's values plus seed 001's token limits.
begin;
select plan(1);

select results_eq(
    $$ select power_level, cost_multiplier, max_latency_ms, max_tokens, providers
       from litellm.power_levels order by cost_multiplier $$,
    $$ values ('eco'::text, 0.7000::numeric, 5000, 2000, '{openrouter,together,deepinfra}'::text []),
              ('balanced', 1.0000, 3000, 4000, '{openai,anthropic,openrouter}'),
              ('precision', 1.5000, 2000, 16000, '{anthropic,openai}') $$,
    'eco, balanced and precision with multiplier, latency bound, token limit and providers'
);

select * from finish();
rollback;
