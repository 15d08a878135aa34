-- Credits under a live hold do not expire: a sweep expires at most the balance
-- less what live holds need; the rest stays in the expired lot for the holds'
-- settlements and expires once no hold needs it.
begin;
select plan(16);

create function pg_temp.expire_lots_now(uid text) returns void
language sql as $$
    update litellm.credit_lots set expires_at = now() - interval '1 second'
    where user_id = uid and expires_at is not null;
    update litellm.user_credits set next_expiry_at = now() - interval '1 second' where user_id = uid;
$$;

-- A lot of 10 expires while 8 of it are held.
select litellm.add_user_credits('kept', 10, 'bonus', expires_at => now() + interval '1 day');
select litellm.reserve_credits('kept', 8, 'slow-call', interval '1 hour');
select pg_temp.expire_lots_now('kept');

select results_eq(
    $$ select credits_remaining, credits_held, credits_available from litellm.get_user_balance('kept') $$,
    $$ values (8.000000::numeric, 8.000000::numeric, 0.000000::numeric) $$,
    'before any sweep, the balance shows only what the hold does not need as expired'
);
select results_eq(
    $$ select users_swept, credits_expired from litellm.expire_credits() $$,
    $$ values (1, 2.000000::numeric) $$,
    'the sweep expires the balance less what is held'
);
select results_eq(
    $$ select credits_remaining, credits_held, next_expiry_at from litellm.user_credits where user_id = 'kept' $$,
    $$ select 8.000000::numeric, 8.000000::numeric, expires_at from litellm.credit_holds where request_id = 'slow-call' $$,
    'the hold is still covered, and the account is next due when the hold expires'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies with the kept credits');
select results_eq(
    $$ select success, credits_remaining, amount_charged, amount_uncovered
       from litellm.settle_reservation('kept', 'slow-call', 9) $$,
    $$ values (true, 0.000000::numeric, 8.000000::numeric, 1.000000::numeric) $$,
    'the settlement takes the kept credits; beyond the hold, the rest is uncovered as for any overage'
);
select results_eq(
    $$ select sum(a.amount) from litellm.credit_allocations as a
       inner join litellm.credit_transactions as t on a.transaction_id = t.id
       where t.user_id = 'kept' and t.transaction_type = 'usage' $$,
    $$ values (8.000000::numeric) $$,
    'from the expired lot'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies after the settlement');

-- A release: the kept credits expire at the next sweep, which the next debit runs.
select litellm.add_user_credits('released', 10, 'bonus', expires_at => now() + interval '1 day');
select litellm.add_user_credits('released', 3, 'purchase');
select litellm.reserve_credits('released', 5, 'cancelled-call', interval '1 hour');
select pg_temp.expire_lots_now('released');
select litellm.expire_credits();
select results_eq(
    $$ select credits_remaining, credits_held from litellm.user_credits where user_id = 'released' $$,
    $$ values (5.000000::numeric, 5.000000::numeric) $$,
    'the hold keeps 5: the unexpired purchase covers 3 of it, the expired lot keeps 2'
);
select results_eq(
    $$ select released from litellm.release_reservation('released', 'cancelled-call') $$,
    $$ values (true) $$,
    'the hold is released'
);
select results_eq(
    $$ select credits_remaining, credits_available from litellm.get_user_balance('released') $$,
    $$ values (3.000000::numeric, 3.000000::numeric) $$,
    'the kept credits count for nothing once no hold needs them'
);
select results_eq(
    $$ select success, credits_remaining from litellm.debit_user_credits('released', 1) $$,
    $$ values (true, 2.000000::numeric) $$,
    'the next debit sweeps them and charges the purchase'
);
select results_eq(
    $$ select count(*), sum(amount) from litellm.credit_transactions
       where user_id = 'released' and transaction_type = 'expiry' $$,
    $$ values (2::bigint, -10.000000::numeric) $$,
    'the lot expired in two entries, 8 while the hold lived and 2 after it'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies after the release');

-- An expired hold protects nothing: the sweep ends it first.
select litellm.add_user_credits('both', 10, 'bonus', expires_at => now() + interval '1 day');
select litellm.reserve_credits('both', 8, 'lapsed-call', interval '1 hour');
select litellm_test.age_past_expiry('both');
select results_eq(
    $$ select credits_expired from litellm.expire_credits() $$,
    $$ values (10.000000::numeric) $$,
    'lot and hold expired together: all of it expires'
);

-- The auditor reports a hold bigger than the balance, and a settlement on such an
-- account (written directly here) charges what there is instead of raising 23514.
select litellm_test.funded_user('broken', 10);
select litellm.reserve_credits('broken', 8, 'broken-call', interval '1 hour');
update litellm.user_credits set credits_remaining = 5
where user_id = 'broken';
select ok(
    exists (
        select from litellm.verify_ledger()
        where user_id = 'broken' and problem = 'held amount exceeds the balance'
    ),
    'verify_ledger() reports credits_held above the balance'
);
select results_eq(
    $$ select success, amount_charged, amount_uncovered from litellm.settle_reservation('broken', 'broken-call', 8) $$,
    $$ values (true, 5.000000::numeric, 3.000000::numeric) $$,
    'settling charges the balance and reports the rest as uncovered'
);

select * from finish();
rollback;
