begin;
select plan(8);

select litellm_test.funded_user('conflicted', 10);
select litellm.debit_user_credits('conflicted', 2, 'openai', 'gpt-4', 100, 200, 'balanced', '{"request_id": "r"}');

select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 3, 'openai', 'gpt-4', 100, 200, 'balanced', '{"request_id": "r"}') $$,
    'LD101', 'request_id r was already used with a different cost', 'cost differs'
);
select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 2, 'anthropic', 'gpt-4', 100, 200, 'balanced', '{"request_id": "r"}') $$,
    'LD101', 'request_id r was already used with a different provider', 'provider differs'
);
select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 2, 'openai', 'gpt-4o', 100, 200, 'balanced', '{"request_id": "r"}') $$,
    'LD101', 'request_id r was already used with a different model', 'model differs'
);
select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 2, 'openai', 'gpt-4', 101, 200, 'balanced', '{"request_id": "r"}') $$,
    'LD101', 'request_id r was already used with a different prompt_tokens', 'prompt tokens differ'
);
select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 2, 'openai', 'gpt-4', 100, 201, 'balanced', '{"request_id": "r"}') $$,
    'LD101', 'request_id r was already used with a different completion_tokens', 'completion tokens differ'
);
select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 2, 'openai', 'gpt-4', 100, 200, 'eco', '{"request_id": "r"}') $$,
    'LD101', 'request_id r was already used with a different power_level', 'power level differs'
);

select litellm.add_user_credits('conflicted', 5, 'bonus', idempotency_key => 'k');
select throws_ok(
    $$ select litellm.debit_user_credits('conflicted', 5, request_id => 'k') $$,
    'LD101', 'request_id k was already used with a different transaction_type', 'a credit''s key cannot be replayed as a debit'
);

select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'conflicted'
    ), 13.000000::numeric,
    'no conflicting replay changed the balance'
);

select * from finish();
rollback;
