begin;
select plan(4);

select litellm_test.funded_user('audited', 10);

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
select is(litellm_test.journal_count('audited'), 1::bigint, 'the entry is still there');

select * from finish();
rollback;
