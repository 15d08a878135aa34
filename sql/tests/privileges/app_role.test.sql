-- The application role calls the API; it cannot write accounts or the journal.
begin;
select plan(6);

select litellm_test.funded_user('app-user', 10);
set local role litellm_app;

select results_eq(
    $$ select success from litellm.debit_user_credits('app-user', 1, 'openai', 'gpt-4', 1, 1, 'balanced') $$,
    $$ values (true) $$,
    'the application can debit through the API'
);
select results_eq(
    $$ select credits_remaining from litellm.get_user_balance('app-user') $$,
    $$ values (9.000000::numeric) $$,
    'the application can read a balance through the API'
);
select throws_ok(
    $$ update litellm.user_credits set credits_remaining = 1e6 $$,
    '42501', null, 'the application cannot set a balance'
);
select throws_ok(
    $$ insert into litellm.credit_transactions (user_id, seq, transaction_type, amount, balance_after)
                    values ('app-user', 99, 'bonus', 1000, 1000) $$,
    '42501', null, 'the application cannot write the journal'
);
select throws_ok(
    $$ select litellm._check_user_id('x') $$,
    '42501', null, 'the application cannot call internal helpers'
);

reset role;
set local role litellm_analyst;
select throws_ok(
    $$ select litellm.debit_user_credits('app-user', 1) $$,
    '42501', null, 'the analyst cannot debit'
);

select * from finish();
rollback;
