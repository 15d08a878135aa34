begin;
select plan(7);

select litellm.add_user_credits('expiring', 10, 'purchase');
select litellm.add_user_credits('expiring', 5, 'promo', expires_at => now() + interval '7 days');
select litellm.debit_user_credits('expiring', 2);   -- takes 2 of the promo's 5
select litellm_test.age_past_expiry('expiring');

select results_eq(
    $$ select credits_remaining, credits_available from litellm.get_user_balance('expiring') $$,
    $$ values (10.000000::numeric, 10.000000::numeric) $$,
    'an expired lot counts for nothing even before it is swept'
);
select results_eq(
    $$ select success, credits_remaining from litellm.debit_user_credits('expiring', 1) $$,
    $$ values (true, 9.000000::numeric) $$,
    'the next debit sweeps the expired lot first'
);
select results_eq(
    $$ select transaction_type, amount from litellm.credit_transactions
       where user_id = 'expiring' and transaction_type = 'expiry' $$,
    $$ values ('expiry'::text, -3.000000::numeric) $$,
    'expiry journals only what was left of the lot'
);
select results_eq(
    $$ select users_swept, credits_expired from litellm.expire_credits() $$,
    $$ values (0, 0::numeric) $$,
    'nothing is left to expire'
);

select litellm.add_user_credits('expiring-2', 4, 'bonus', expires_at => now() + interval '1 day');
select litellm_test.age_past_expiry('expiring-2');
select results_eq(
    $$ select users_swept, credits_expired, more_due from litellm.expire_credits() $$,
    $$ values (1, 4.000000::numeric, false) $$,
    'expire_credits sweeps every account that is due'
);
select results_eq(
    $$ select users_swept from litellm.expire_credits() $$, $$ values (0) $$, 'and is safe to run again'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
