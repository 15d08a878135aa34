begin;
select plan(6);

select litellm_test.funded_user('audited', 10);
select litellm.debit_user_credits('audited', 1);

select throws_ok(
    $$ update litellm.credit_transactions set amount = 1000 where user_id = 'audited' $$,
    'LD901', 'credit_transactions is append-only: update is not allowed', 'UPDATE is rejected'
);
select throws_ok(
    $$ delete from litellm.credit_transactions where user_id = 'audited' $$,
    'LD901', 'credit_transactions is append-only: delete is not allowed', 'DELETE is rejected'
);
select throws_ok(
    $$ truncate litellm.credit_transactions cascade $$,
    'LD901', 'credit_transactions is append-only: truncate is not allowed', 'TRUNCATE is rejected'
);
select throws_ok(
    $$ update litellm.credit_allocations set amount = 0 $$,
    'LD901', 'credit_allocations is append-only: update is not allowed', 'allocations cannot be edited'
);
select throws_ok(
    $$ delete from litellm.credit_allocations $$,
    'LD901', 'credit_allocations is append-only: delete is not allowed', 'allocations cannot be deleted'
);
select is(litellm_test.journal_count('audited'), 2::bigint, 'the entries are still there');

select * from finish();
rollback;
