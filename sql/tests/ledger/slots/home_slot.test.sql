-- The one statement tries the session's home slot (1 + pg_backend_pid() %
-- (n - 1)) first, then the other slots 1 .. n - 1 from there on, wrapping.
begin;
select plan(3);

update litellm.tiers set monthly_cap = 100
where tier = 'free';
select litellm.add_user_credits('home', 40, 'purchase');
select litellm.set_account_slots('home', 4);

create temporary table home_slot as
select
    (1 + pg_backend_pid() % 3)::smallint as home,
    (1 + (1 + pg_backend_pid() % 3) % 3)::smallint as next;

select litellm.debit_user_credits('home', 1, request_id => 'at-home');
select results_eq(
    $$ select slot from litellm.credit_transactions where idempotency_key = 'at-home' $$,
    $$ select home from home_slot $$,
    'a charge takes the home slot when it covers it'
);

-- The home slot's share of the cap is spent: it no longer covers a charge.
update litellm.credit_slots set cap_fraction = 0
where user_id = 'home' and slot = (select home from home_slot);
select litellm.debit_user_credits('home', 1, request_id => 'next-door');
select results_eq(
    $$ select slot from litellm.credit_transactions where idempotency_key = 'next-door' $$,
    $$ select next from home_slot $$,
    'else the next slot that covers it, wrapping after n - 1'
);
select is(
    (
        select count(*)
        from litellm.credit_transactions
        where
            user_id = 'home' and slot = 0 and amount < 0
            and transaction_type = 'usage'
    ),
    0::bigint,
    'both in the one statement (slot 0 is the waiting path''s)'
);

select * from finish();
rollback;
