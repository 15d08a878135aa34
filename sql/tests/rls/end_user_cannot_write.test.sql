-- An end-user connection reads its own rows and does nothing else.
begin;
select plan(11);

select litellm_test.funded_user('rlw-a', 10);
select set_config('litellm.end_user_token', litellm.issue_end_user_token('rlw-a'), true);
set local role litellm_end_user;

select throws_ok(
    $$ update litellm.user_credits set credits_remaining = 1e6 $$, '42501', null, 'it cannot change its balance'
);
select throws_ok(
    $$ insert into litellm.credit_transactions (user_id, seq, transaction_type, amount, balance_after)
       values ('rlw-a', 99, 'bonus', 1000, 1010) $$,
    '42501', null, 'it cannot write the journal'
);
select throws_ok(
    $$ insert into litellm.llm_usage_log (user_id, provider, model) values ('rlw-a', 'openai', 'gpt-4') $$,
    '42501', null, 'it cannot log usage'
);
select throws_ok(
    $$ delete from litellm.user_provider_keys $$, '42501', null, 'it cannot delete keys'
);
select throws_ok(
    $$ select * from litellm.get_user_balance('rlw-a') $$,
    '42501', null, 'it cannot call the API (the definer functions would see every user)'
);
select throws_ok(
    $$ select * from litellm.debit_user_credits('rlw-a', 1) $$, '42501', null, 'it cannot debit'
);
select throws_ok(
    $$ select litellm.issue_end_user_token('rlw-b') $$, '42501', null, 'it cannot issue itself a token'
);
select throws_ok(
    $$ select litellm.rotate_end_user_token_key() $$, '42501', null, 'or rotate the signing key'
);
select throws_ok(
    $$ select * from litellm.end_user_token_keys $$, '42501', null, 'or read the signing keys'
);
select throws_ok(
    $$ select * from litellm.account_overview $$, '42501', null, 'it cannot read views over all accounts'
);
select throws_ok(
    $$ select * from litellm.budgets $$, '42501', null, 'it cannot read budgets'
);

select * from finish();
rollback;
