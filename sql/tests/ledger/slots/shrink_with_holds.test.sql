-- set_account_slots with live holds: shrinking moves the retired slots' holds
-- (and their credits) to slot 0, where they settle and release as before;
-- growing again reactivates the slots, their seq continuing.
begin;
select plan(14);

select litellm.add_user_credits('shrinking', 40, 'purchase');
update litellm.user_credits set monthly_cap = 1000
where user_id = 'shrinking';
select litellm.set_account_slots('shrinking', 4);

-- Three holds of 6 on slots of 10: each takes a slot of its own, 1, 2 and 3
-- (slot 0 is tried last).
select litellm.reserve_credits('shrinking', 6, 'h-' || g) from generate_series(1, 3) as g;

create temporary view slot_state as
select
    0::smallint as slot,
    true as active,
    credits_remaining,
    credits_held,
    last_seq
from litellm.user_credits
where user_id = 'shrinking'
union all
select
    slot,
    active,
    credits_remaining,
    credits_held,
    last_seq
from litellm.credit_slots
where user_id = 'shrinking';

select results_eq(
    $$ select array_agg(slot order by slot) from litellm.credit_holds where user_id = 'shrinking' $$,
    $$ values (array[1, 2, 3]::smallint[]) $$,
    'three holds on three slots'
);

select results_eq(
    $$ select slots, credits_remaining from litellm.set_account_slots('shrinking', 2) $$,
    $$ values (2::smallint, 40.000000::numeric) $$,
    'the account shrinks to two slots, its balance unchanged'
);
select results_eq(
    $$ select array_agg(slot order by slot) from litellm.credit_holds where user_id = 'shrinking' $$,
    $$ values (array[0, 0, 1]::smallint[]) $$,
    'the retired slots'' holds move to slot 0'
);
select results_eq(
    $$ select slot, credits_held from slot_state order by slot $$,
    $$ values (0::smallint, 12.000000::numeric), (1::smallint, 6.000000), (2::smallint, 0.000000),
              (3::smallint, 0.000000) $$,
    'with their held credits'
);
select results_eq(
    $$ select uc.next_expiry_at <= (select min(h.expires_at) from litellm.credit_holds as h
                                   where h.user_id = 'shrinking' and h.slot = 0)
       from litellm.user_credits as uc where uc.user_id = 'shrinking' $$,
    $$ values (true) $$,
    'slot 0 knows when the holds it took expire'
);
select is_empty(
    $$ select * from litellm_test.slot_problems('shrinking') $$,
    'every slot agrees after the shrink'
);

select results_eq(
    $$ select success, amount_charged from litellm.settle_reservation(
           'shrinking', (select request_id from litellm.credit_holds where user_id = 'shrinking' and slot = 0
                         order by hold_id limit 1), 5) $$,
    $$ values (true, 5.000000::numeric) $$,
    'a moved hold settles on slot 0'
);
select results_eq(
    $$ select released from litellm.release_reservation(
           'shrinking', (select request_id from litellm.credit_holds where user_id = 'shrinking' and slot = 1)) $$,
    $$ values (true) $$,
    'the hold still on slot 1 is released there'
);
select results_eq(
    $$ select slots from litellm.set_account_slots('shrinking', 4) $$,
    $$ values (4::smallint) $$,
    'the account grows back to four slots'
);
select results_eq(
    $$ select count(*) from slot_state where active $$,
    $$ values (4::bigint) $$,
    'its retired slots are active again'
);
select results_eq(
    $$ select success, amount_charged from litellm.settle_reservation(
           'shrinking', (select request_id from litellm.credit_holds where user_id = 'shrinking' and status = 'held'),
           8) $$,
    $$ values (true, 8.000000::numeric) $$,
    'the last hold settles above its amount, with credits from the other slots'
);
select results_eq(
    $$ select slots, credits_remaining from litellm.set_account_slots('shrinking', 1) $$,
    $$ values (1::smallint, 27.000000::numeric) $$,
    'one slot again: the account is whole, 40 - 5 - 8'
);
select is_empty(
    $$ select * from litellm_test.slot_problems('shrinking') $$,
    'every slot agrees, the retired ones empty'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
