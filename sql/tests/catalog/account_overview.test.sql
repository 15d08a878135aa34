begin;
select plan(2);

select litellm_test.funded_user('viewed', 20);
select litellm.debit_user_credits('viewed', 5);

select results_eq(
    $$ select user_id, credits_remaining, total_purchased, total_spent, transaction_count
       from litellm.account_overview where user_id = 'viewed' $$,
    $$ values ('viewed'::text, 15.000000::numeric, 20.000000::numeric, 5.000000::numeric, 2::bigint) $$,
    'the overview shows the account as the journal left it'
);

set local role litellm_analyst;
select results_eq(
    $$ select count(*) from litellm.account_overview where user_id = 'viewed' $$,
    $$ values (1::bigint) $$,
    'the analyst reads it without access to the account table'
);

select * from finish();
rollback;
