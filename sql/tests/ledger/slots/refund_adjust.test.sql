-- On an account of several slots a refund goes back to the slot of the charge
-- it reverses (its lots are there), even once that slot is retired; a negative
-- adjustment is refused only when the account as a whole cannot give it.
begin;
select plan(15);

select litellm.add_user_credits('refunded', 30, 'purchase');
update litellm.user_credits set monthly_cap = 1000
where user_id = 'refunded';
select litellm.set_account_slots('refunded', 3);

-- The first charge fits a slot of its own (1 or 2: slot 0 is tried last);
-- the second, more than any slot has, is made on slot 0.
create temporary table charges as
select d.transaction_id from litellm.debit_user_credits('refunded', 4, request_id => 'c-1') as d;
insert into charges
select d.transaction_id from litellm.debit_user_credits('refunded', 25, request_id => 'c-2') as d;
alter table charges add column slot smallint;
update charges as c set slot = t.slot from litellm.credit_transactions as t
where t.id = c.transaction_id;

create temporary view slot_state as
select
    0::smallint as slot,
    credits_remaining,
    total_spent
from litellm.user_credits
where user_id = 'refunded'
union all
select
    slot,
    credits_remaining,
    total_spent
from litellm.credit_slots
where user_id = 'refunded';

create temporary table refunded as
select r.* from litellm.refund_transaction((select min(transaction_id) from charges), 'bad answer', 'rf-1', 1.5) as r;
select results_eq(
    $$ select r.amount_refunded, r.credits_remaining = s.credits_remaining, s.slot > 0
       from refunded as r, charges as c, slot_state as s
       where c.slot = s.slot and c.transaction_id = (select min(transaction_id) from charges) $$,
    $$ values (1.500000::numeric, true, true) $$,
    'a refund reports the balance of the charge''s slot'
);
select results_eq(
    $$ select t.slot = c.slot, t.amount from litellm.credit_transactions as t, charges as c
       where t.idempotency_key = 'rf-1' and c.transaction_id = t.reverses_transaction_id $$,
    $$ values (true, 1.500000::numeric) $$,
    'and is journalled on that slot'
);
select results_eq(
    $$ select a.amount, l.slot = c.slot from litellm.credit_allocations as a
       join litellm.credit_lots as l using (lot_id)
       join litellm.credit_transactions as t on t.id = a.transaction_id, charges as c
       where t.idempotency_key = 'rf-1' and c.transaction_id = t.reverses_transaction_id $$,
    $$ values (-1.500000::numeric, true) $$,
    'its credits go back to the charge''s lots, on that slot'
);
select results_eq(
    $$ select amount_refunded, replayed from litellm.refund_transaction(
           (select min(transaction_id) from charges), 'bad answer', 'rf-1', 1.5) $$,
    $$ values (1.500000::numeric, true) $$,
    'a refund again is a replay'
);

-- The account shrinks to one slot: the first charge's slot retires.
select litellm.set_account_slots('refunded', 1);
select results_eq(
    $$ select amount_refunded from litellm.refund_transaction((select min(transaction_id) from charges), 'outage', 'rf-2') $$,
    $$ values (2.500000::numeric) $$,
    'a charge of a slot retired since can still be refunded'
);
select results_eq(
    $$ select t.slot = c.slot, (select count(*) from litellm.credit_transactions as o
                                where o.transaction_type = 'transfer' and o.id > t.id)
       from litellm.credit_transactions as t, charges as c
       where t.idempotency_key = 'rf-2' and c.transaction_id = t.reverses_transaction_id $$,
    $$ values (true, 2::bigint) $$,
    'on the charge''s slot, moved on to slot 0 by a transfer pair'
);
select litellm.refund_transaction((select max(transaction_id) from charges), 'outage', 'rf-3', 20);
select results_eq(
    $$ select sum(credits_remaining) filter (where slot > 0), sum(credits_remaining), sum(total_spent)
       from slot_state $$,
    $$ values (0.000000::numeric, 25.000000::numeric, 5.000000::numeric) $$,
    'retired slots stay empty; the account has its refunds'
);
select results_eq(
    $$ select sum(month_spent) from (
           select month_spent from litellm.user_credits where user_id = 'refunded'
           union all select month_spent from litellm.credit_slots where user_id = 'refunded') as m $$,
    $$ values (5.000000::numeric) $$,
    'and its room under the monthly cap back, a retired slot''s included'
);

select litellm.set_account_slots('refunded', 3);
select results_eq(
    $$ select credits_remaining, replayed from litellm.adjust_credits('refunded', -20, 'correction', 'adj-1') $$,
    $$ values (1.666668::numeric, false) $$,
    'a negative adjustment more than any slot has is taken from slot 0 once the credits are brought there'
);
select results_eq(
    $$ select sum(credits_remaining) from slot_state $$,
    $$ values (5.000000::numeric) $$,
    'the account has 20 less'
);
select throws_ok(
    $$ select litellm.adjust_credits('refunded', -8, 'correction', 'adj-2') $$,
    'LD301', 'cannot remove 8.000000 credits: 5.000000 available',
    'more than the account has is refused, naming what the account has'
);
select results_eq(
    $$ select credits_remaining, replayed from litellm.adjust_credits('refunded', -20, 'correction', 'adj-1') $$,
    $$ values (1.666668::numeric, true) $$,
    'the adjustment again is a replay'
);
select results_eq(
    $$ select count(*) from litellm.credit_transactions where user_id = 'refunded' and transaction_type = 'refund' $$,
    $$ values (3::bigint) $$,
    'three refunds in all'
);
select is_empty(
    $$ select * from litellm_test.slot_problems('refunded') $$,
    'every slot''s balance, journal, lots and seq agree'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
