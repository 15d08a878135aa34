begin;
select plan(6);

select litellm_test.funded_user('replayer', 10);

create temp table original on commit drop as
select * from litellm.debit_user_credits(
    'replayer', 2, 'openai', 'gpt-4', 100, 200, 'balanced',
    '{"request_id": "req-1"}'::jsonb
);
select litellm.debit_user_credits('replayer', 1, 'openai', 'gpt-4', 1, 1, 'balanced', '{"request_id": "req-2"}');

select results_eq(
    $$ select success, transaction_id, credits_remaining, amount_debited, replayed
       from litellm.debit_user_credits('replayer', 2, 'openai', 'gpt-4', 100, 200, 'balanced',
                                       '{"request_id": "req-1"}'::jsonb) $$,
    $$ select true, transaction_id, 8.000000::numeric, 2.000000::numeric, true from original $$,
    'a replay returns the original result, including the balance right after it'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'replayer'
    ), 7.000000::numeric,
    'the replay charged nothing'
);
select is(litellm_test.journal_count('replayer'), 3::bigint, 'the replay wrote nothing');

select results_eq(
    $$ select replayed, transaction_id from litellm.debit_user_credits(
           'replayer', 2, 'openai', 'gpt-4', 100, 200, 'balanced', '{}'::jsonb, request_id => 'req-1') $$,
    $$ select true, transaction_id from original $$,
    'an explicit request_id argument is the same key'
);
select results_eq(
    $$ select replayed from litellm.debit_user_credits(
           'replayer', 2, 'openai', 'gpt-4', 100, 200, 'balanced', '{"request_id": "req-1"}'::jsonb,
           request_id => 'req-3') $$,
    $$ values (false) $$,
    'an explicit request_id wins over the one in metadata'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'replayer'
    ), 5.000000::numeric,
    'the new key was charged'
);

select * from finish();
rollback;
