begin;
select plan(2);

select results_eq(
    $$ select success, credits_remaining, error_code from litellm.debit_user_credits('ghost', 0.05, 'openai', 'gpt-4') $$,
    $$ values (false, 0::numeric, 'unknown_user'::text) $$,
    'debiting a user without an account fails without an exception'
);
select is(
    (
        select count(*) from litellm.user_credits
        where user_id = 'ghost'
    ), 0::bigint,
    'no account is created by a debit'
);

select * from finish();
rollback;
