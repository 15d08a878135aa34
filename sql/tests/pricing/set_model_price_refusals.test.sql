-- Prices in force are never rewritten: no backdating, no second price at an
-- instant already in force. Identical prices write nothing.
begin;
select plan(12);

select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', 9, 9, effective_from => now() - interval '1 day') $$,
    'LD321', null, 'a price of a model with prices cannot start in the past'
);
select lives_ok(
    $$ select litellm.set_model_price('tap', 'new-model', 1, 1, effective_from => '2020-01-01+00') $$,
    'the first price of a new model may start in the past'
);
select litellm.set_model_price('openai', 'gpt-4o', 3, 12);
select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', 4, 12) $$,
    'LD322', null, 'a second price from the same instant, already in force, is refused'
);
select results_eq(
    $$ select action from litellm.set_model_price('openai', 'gpt-4o', 3, 12) $$,
    $$ values ('unchanged'::text) $$,
    'the same prices again: unchanged'
);
select is(
    (
        select count(*) from litellm.model_price_audit
        where model = 'gpt-4o'
    ),
    2::bigint,
    'an unchanged call writes no audit row'
);
select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', 3, 12, effective_from => null) $$,
    'LD032', 'effective_from must be a finite time, not NULL', 'NULL effective_from'
);
select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', 3, 12, effective_from => 'infinity') $$,
    'LD032', 'effective_from must be a finite time, not infinity', 'infinite effective_from'
);
select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', -1, 12, effective_from => '2040-01-01+00') $$,
    'LD001', 'prompt_per_1m must be zero or positive, got -1', 'negative price'
);
select throws_ok(
    $$ select litellm.set_model_price('openai', 'gpt-4o', 1, 'NaN', effective_from => '2040-01-01+00') $$,
    'LD001', 'completion_per_1m must be a finite number, not NaN', 'NaN price'
);
select throws_ok(
    $$ select litellm.set_model_price('tap', 'brand-new', 3, 12, effective_from => '-infinity') $$,
    'LD032', 'effective_from must be a finite time, not -infinity', 'minus infinity, even for a new model'
);
select throws_ok(
    $$ select litellm.set_model_price('tap', 'brand-new', 3, 12, source => 'guess') $$,
    'LD033', 'source must be manual, litellm or default, not ''guess''', 'unknown source'
);
select throws_ok(
    $$ select litellm.set_model_price('', 'gpt-4o', 1, 1) $$,
    'LD031', 'provider is required', 'blank provider'
);

select * from finish();
rollback;
