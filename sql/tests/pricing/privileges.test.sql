-- The application prices calls and reads prices; only the owner sets them.
begin;
select plan(5);

set local role litellm_app;
select lives_ok(
    $$ select litellm.calculate_cost('openai', 'gpt-4o', 10, 10, 'balanced', 'starter') $$,
    'the application calculates costs'
);
select lives_ok(
    $$ select * from litellm.get_model_price('openai', 'gpt-4o') $$,
    'the application reads the price in force'
);
select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', 0, 0) $$,
    '42501', null, 'the application cannot set prices'
);
select throws_ok(
    $$ insert into litellm.model_prices (provider, model, prompt_per_1m, completion_per_1m, effective_from)
       values ('x', 'y', 0, 0, now()) $$,
    '42501', null, 'the application cannot write model_prices'
);
reset role;

set local role litellm_analyst;
select lives_ok(
    $$ select count(*) from litellm.model_price_audit $$,
    'the analyst reads the price audit'
);
reset role;

select * from finish();
rollback;
