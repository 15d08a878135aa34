-- Expiry on an account of several slots is per slot: each slot's expired lots
-- and holds are swept on their own, with the slot's next_expiry_at.
begin;
select plan(7);

select litellm.add_user_credits('lapsing', 30, 'purchase');
update litellm.user_credits set monthly_cap = 1000
where user_id = 'lapsing';
select litellm.set_account_slots('lapsing', 3);
-- Shared out from slot 0 first in consumption order: 3 promo credits a slot.
select litellm.add_user_credits('lapsing', 9, 'promo', expires_at => now() + interval '7 days');
select litellm.reserve_credits('lapsing', 2, 'h-1');

select results_eq(
    $$ select count(*) filter (where next_expiry_at is not null) from litellm.credit_slots where user_id = 'lapsing' $$,
    $$ values (2::bigint) $$,
    'each slot knows when its promo credits expire'
);

-- Everything that expires has expired a second ago.
update litellm.credit_lots set expires_at = now() - interval '1 second'
where user_id = 'lapsing' and expires_at is not null;
update litellm.credit_holds set expires_at = now() - interval '1 second'
where user_id = 'lapsing';
update litellm.user_credits set next_expiry_at = now() - interval '1 second'
where user_id = 'lapsing';
update litellm.credit_slots set next_expiry_at = now() - interval '1 second'
where user_id = 'lapsing';

select results_eq(
    $$ select users_swept, credits_expired, more_due from litellm.expire_credits() $$,
    $$ values (1, 9.000000::numeric, false) $$,
    'expire_credits sweeps every slot of the account'
);
select results_eq(
    $$ select count(distinct t.slot), sum(a.amount), count(*) filter (where l.slot <> t.slot)
       from litellm.credit_transactions as t
       join litellm.credit_allocations as a on a.transaction_id = t.id
       join litellm.credit_lots as l on l.lot_id = a.lot_id
       where t.user_id = 'lapsing' and t.transaction_type = 'expiry' $$,
    $$ values (3::bigint, 9.000000::numeric, 0::bigint) $$,
    'each slot journals the expiry of its own lots'
);
select results_eq(
    $$ select status from litellm.credit_holds where user_id = 'lapsing' $$,
    $$ values ('expired'::text) $$,
    'the expired hold ends, on its slot'
);
select results_eq(
    $$ select users_swept, credits_expired from litellm.expire_credits() $$,
    $$ values (0, 0::numeric) $$,
    'nothing is left to expire'
);
select is_empty(
    $$ select * from litellm_test.slot_problems('lapsing') $$,
    'every slot''s balance, journal, lots, holds and seq agree'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
