-- Holds on an account of several slots: a hold takes one slot (and records
-- it), or the account's credits brought to slot 0; its settlement within the
-- hold charges that slot, one above it takes the rest from the other slots;
-- a release frees the hold's slot.
begin;
select plan(17);

select litellm.add_user_credits('holder', 40, 'purchase');
update litellm.user_credits set monthly_cap = 1000
where user_id = 'holder';
select litellm.set_account_slots('holder', 4);

create temporary view slot_state as
select
    0::smallint as slot,
    credits_remaining,
    credits_held
from litellm.user_credits
where user_id = 'holder'
union all
select
    slot,
    credits_remaining,
    credits_held
from litellm.credit_slots
where user_id = 'holder';

select results_eq(
    $$ select success, amount_held, credits_available from litellm.reserve_credits('holder', 4, 'r-1') $$,
    $$ values (true, 4.000000::numeric, 6.000000::numeric) $$,
    'a hold one slot covers takes that slot (credits_available: the slot''s)'
);
select results_eq(
    $$ select s.credits_held from slot_state as s
       where s.slot = (select h.slot from litellm.credit_holds as h where h.request_id = 'r-1') $$,
    $$ values (4.000000::numeric) $$,
    'the hold records its slot, whose held credits it is'
);
select results_eq(
    $$ select sum(credits_held), sum(credits_remaining) from slot_state $$,
    $$ values (4.000000::numeric, 40.000000::numeric) $$,
    'and no other slot''s'
);

select results_eq(
    $$ select success, amount_held from litellm.reserve_credits('holder', 25, 'r-2') $$,
    $$ values (true, 25.000000::numeric) $$,
    'a hold no slot covers alone is made once the credits are brought together'
);
select results_eq(
    $$ select h.slot, s.credits_held from litellm.credit_holds as h, slot_state as s
       where h.request_id = 'r-2' and s.slot = 0 $$,
    $$ values (0::smallint, 25.000000::numeric) $$,
    'on slot 0'
);
select results_eq(
    $$ select success, error_code from litellm.reserve_credits('holder', 12, 'r-3') $$,
    $$ values (false, 'insufficient_credits'::text) $$,
    'a hold the account as a whole cannot cover (11 available) is refused'
);

select results_eq(
    $$ select success, amount_charged, amount_released, amount_uncovered
       from litellm.settle_reservation('holder', 'r-1', 3) $$,
    $$ values (true, 3.000000::numeric, 1.000000::numeric, 0.000000::numeric) $$,
    'a settlement within the hold'
);
select results_eq(
    $$ select t.slot = h.slot, t.amount, s.credits_held
       from litellm.credit_transactions as t
       join litellm.credit_holds as h on h.transaction_id = t.id
       join slot_state as s on s.slot = h.slot
       where h.request_id = 'r-1' $$,
    $$ values (true, -3.000000::numeric, 0.000000::numeric) $$,
    'is journalled on the hold''s slot, which holds nothing more'
);
select results_eq(
    $$ select success, replayed from litellm.settle_reservation('holder', 'r-1', 3) $$,
    $$ values (true, true) $$,
    'settling again is a replay'
);

select results_eq(
    $$ select success, amount_charged, amount_uncovered from litellm.settle_reservation('holder', 'r-2', 30) $$,
    $$ values (true, 30.000000::numeric, 0.000000::numeric) $$,
    'a settlement above its hold takes the rest from the other slots'
);
select results_eq(
    $$ select t.slot, sum(s.credits_remaining), sum(s.credits_held)
       from litellm.credit_transactions as t, slot_state as s
       where t.idempotency_key = 'r-2' group by t.slot $$,
    $$ values (0::smallint, 7.000000::numeric, 0.000000::numeric) $$,
    'charged on the hold''s slot; the account has 40 - 3 - 30 left'
);
select throws_ok(
    $$ select litellm.settle_reservation('holder', 'r-9', 1) $$,
    'LD201', 'no reservation r-9 for user holder',
    'a hold that does not exist cannot be settled'
);

select litellm.reserve_credits('holder', 2, 'r-5');
select results_eq(
    $$ select released, amount_released from litellm.release_reservation('holder', 'r-5') $$,
    $$ values (true, 2.000000::numeric) $$,
    'a release'
);
select results_eq(
    $$ select sum(credits_held) from slot_state $$,
    $$ values (0.000000::numeric) $$,
    'frees the hold''s slot'
);
select results_eq(
    $$ select released, status from litellm.release_reservation('holder', 'r-5') $$,
    $$ values (false, 'released'::text) $$,
    'releasing again changes nothing'
);
select is_empty(
    $$ select * from litellm_test.slot_problems('holder') $$,
    'every slot''s balance, journal, lots, holds and seq agree'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
