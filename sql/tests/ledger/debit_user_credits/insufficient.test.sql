begin;
select plan(5);

select litellm_test.funded_user('poor', 1);

select results_eq(
    $$ select success, transaction_id, credits_remaining, amount_debited, error_code, error_message
       from litellm.debit_user_credits('poor', 1.000001, 'openai', 'gpt-4', 1, 1, 'balanced') $$,
    $$ values (false, null::bigint, 1.000000::numeric, 0::numeric, 'insufficient_credits'::text,
               'Insufficient credits: balance 1.000000, cost 1.000001'::text) $$,
    'a debit above the balance fails without an exception'
);
select is(litellm_test.journal_count('poor'), 1::bigint, 'the failed debit wrote nothing');

select results_eq(
    $$ select success, credits_remaining from litellm.debit_user_credits('poor', 1, 'openai', 'gpt-4', 1, 1, 'balanced') $$,
    $$ values (true, 0.000000::numeric) $$,
    'a debit of exactly the balance succeeds and leaves zero'
);
select results_eq(
    $$ select success, error_code from litellm.debit_user_credits('poor', 0.000001) $$,
    $$ values (false, 'insufficient_credits'::text) $$,
    'one micro-credit more fails at zero'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'poor'
    ), 0.000000::numeric,
    'the balance never goes below zero'
);

select * from finish();
rollback;
