begin;
select plan(7);

select litellm_test.funded_user('capped', 1000);
update litellm.user_credits set monthly_cap = 10
where user_id = 'capped';

select results_eq(
    $$ select success from litellm.debit_user_credits('capped', 6) $$, $$ values (true) $$, 'within the cap'
);
select results_eq(
    $$ select success, error_code, error_message from litellm.debit_user_credits('capped', 5) $$,
    $$ values (false, 'monthly_cap_exceeded'::text,
               'Monthly cap 10.000000 reached: spent 6.000000 this month, held 0.000000, cost 5.000000'::text) $$,
    'a debit past the cap is refused'
);
select results_eq(
    $$ select success, error_code from litellm.reserve_credits('capped', 4.5, 'hold') $$,
    $$ values (false, 'monthly_cap_exceeded'::text) $$,
    'a hold past the cap is refused'
);
select litellm.reserve_credits('capped', 3, 'hold');
select results_eq(
    $$ select success from litellm.debit_user_credits('capped', 1.5) $$, $$ values (false) $$,
    'live holds count against the cap'
);
select litellm.refund_transaction((
    select max(id) from litellm.credit_transactions
    where user_id = 'capped' and transaction_type = 'usage'
), 'refunded', 'rf');
select results_eq(
    $$ select month_spent from litellm.get_user_balance('capped') $$, $$ values (0.000000::numeric) $$,
    'a refund in the same month gives the room back'
);
select litellm.debit_user_credits('capped', 7);
select litellm_test.age_one_month('capped');
select results_eq(
    $$ select success, credits_remaining from litellm.debit_user_credits('capped', 7) $$,
    $$ values (true, 986.000000::numeric) $$,
    'a new month starts a new count without any batch job'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
