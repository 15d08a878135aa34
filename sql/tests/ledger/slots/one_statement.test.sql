-- The common charge of a slot account is one statement: a free slot 1 .. n - 1
-- that covers it, its usage entry and its first lot. It gives way to the
-- waiting path (slot 0, consolidation) when it charges nothing, and a slot
-- due for expiry is never charged before it is swept.
begin;
select plan(8);

select litellm.add_user_credits('one-go', 40, 'purchase');
select litellm.set_account_slots('one-go', 4);

select results_eq(
    $$ select success, amount_debited from litellm.debit_user_credits('one-go', 0, request_id => 'z-1') $$,
    $$ values (true, 0.000000::numeric) $$,
    'a charge of 0 is made'
);
select results_eq(
    $$ select t.slot > 0, t.amount, (select count(*) from litellm.credit_allocations as a where a.transaction_id = t.id)
       from litellm.credit_transactions as t where t.idempotency_key = 'z-1' $$,
    $$ values (true, 0.000000::numeric, 0::bigint) $$,
    'journalled on a slot above 0, with no allocation'
);

select litellm.debit_user_credits('one-go', 2.5, request_id => 'c-1');
select results_eq(
    $$ select count(*), min(a.amount), bool_and(l.slot = t.slot), bool_and(t.slot > 0)
       from litellm.credit_transactions as t
       inner join litellm.credit_allocations as a on a.transaction_id = t.id
       inner join litellm.credit_lots as l on l.lot_id = a.lot_id
       where t.idempotency_key = 'c-1' $$,
    $$ values (1::bigint, 2.500000::numeric, true, true) $$,
    'a charge is taken from one lot of the slot it is journalled on'
);

-- Slots 1 .. 3 are all due for expiry (nothing has expired: the marks are
-- early, as next_expiry_at may be): the statement passes them over, and the
-- waiting path consolidates, which sweeps them and charges slot 0.
update litellm.credit_slots set next_expiry_at = now() - interval '1 second'
where user_id = 'one-go';
select results_eq(
    $$ select success from litellm.debit_user_credits('one-go', 1, request_id => 'c-2') $$,
    $$ values (true) $$,
    'with every slot above 0 due, the charge is made'
);
select results_eq(
    $$ select slot from litellm.credit_transactions where idempotency_key = 'c-2' $$,
    $$ values (0::smallint) $$,
    'on slot 0, after the consolidation'
);
select is_empty(
    $$ select slot from litellm.credit_slots where user_id = 'one-go' and next_expiry_at <= now() $$,
    'which swept every slot due'
);

-- One slot due: the statement charges another one and leaves it to a later sweep.
update litellm.credit_slots set next_expiry_at = now() - interval '1 second'
where user_id = 'one-go' and slot = 1;
select litellm.debit_user_credits('one-go', 1, request_id => 'c-3');
select results_eq(
    $$ select slot not in (0, 1), (select count(*) from litellm.credit_transactions
                                  where user_id = 'one-go' and transaction_type = 'expiry')
       from litellm.credit_transactions where idempotency_key = 'c-3' $$,
    $$ values (true, 0::bigint) $$,
    'a slot due is passed over, the charge made on another, nothing swept'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
