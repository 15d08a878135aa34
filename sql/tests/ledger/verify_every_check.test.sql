-- verify_ledger() is the union of its checks: each one, fed the damage it looks
-- for, reports it under its own problem (and no other check does, unless the
-- damage breaks their invariants too). Accounts of one slot first, word for
-- word as before slot accounts; then a split account, per slot and per account.
begin;
select plan(34);

-- Damage the API would never do: the tables' own checks and the journal's
-- append-only triggers are set aside inside this transaction only.
alter table litellm.credit_transactions drop constraint credit_transactions_rules;
alter table litellm.credit_lots drop constraint credit_lots_rules;
alter table litellm.credit_holds drop constraint credit_holds_rules;
alter table litellm.credit_slots drop constraint credit_slots_rules;

create function pg_temp.damage(uid text, statement text) returns setof text
language plpgsql as $$
begin
    perform litellm_test.funded_user(uid, 10);
    perform litellm.debit_user_credits(uid, 3);
    perform litellm.reserve_credits(uid, 2, 'hold-' || uid);
    execute format(statement, uid);
    return query select v.problem from litellm.verify_ledger() as v where v.user_id = uid order by v.problem;
end
$$;

-- A split account: 40 credits over 3 slots, charged on a slot of its own
-- twice, once after consolidating into slot 0, and once more. The damage names
-- the account (%1$L) and a slot above 0 that a charge took (%2$s).
create function pg_temp.split(uid text) returns smallint
language plpgsql as $$
begin
    perform litellm_test.funded_user(uid, 40);
    perform litellm.set_account_slots(uid, 3);
    perform litellm._charge_slots(uid, 2, uid || '-a');
    perform litellm._charge_slots(uid, 3, uid || '-b');
    perform litellm._charge_slots(uid, 25, uid || '-c');
    perform litellm._charge_slots(uid, 1, uid || '-d');
    return (
        select min(t.slot) from litellm.credit_transactions as t
        where t.user_id = uid and t.transaction_type = 'usage' and t.slot > 0
    );
end
$$;

create function pg_temp.split_damage(uid text, statement text) returns setof text
language plpgsql as $$
declare
    v_slot smallint := pg_temp.split(uid);
begin
    execute format(statement, uid, v_slot);
    return query select v.problem from litellm.verify_ledger() as v where v.user_id = uid order by v.problem;
end
$$;

do $$
begin
    perform pg_temp.split('split-clean');
    perform litellm_test.funded_user('split-back', 30);
    perform litellm.set_account_slots('split-back', 4);
    perform litellm._charge_slots('split-back', 2, 'b-1');
    perform litellm.set_account_slots('split-back', 2);
    perform litellm._charge_slots('split-back', 20, 'b-2');
    perform litellm.set_account_slots('split-back', 1);
end
$$;
set local session_replication_role = replica;

select is_empty(
    $$ select * from litellm.verify_ledger() where user_id like 'check-%' or user_id like 'split-%' $$,
    'no findings before the damage, a split account and one split and joined again included'
);
select results_eq(
    $$ select pg_temp.damage('check-sum', 'update litellm.credit_transactions set amount = amount + 1
                                          where user_id = %L and seq = 1') $$,
    $$ values ('balance differs from the journal'::text), ('totals differ from the journal') $$,
    'a purchase''s amount changed: the journal sum and the totals'
);
select results_eq(
    $$ select pg_temp.damage('check-last', 'update litellm.credit_transactions set balance_after = 0 where user_id = %L and seq = 2') $$,
    $$ values ('balance differs from the last balance_after'::text) $$,
    'the last balance_after changed'
);
select results_eq(
    $$ select pg_temp.damage('check-seq', 'update litellm.credit_transactions set seq = 9 where user_id = %L and seq = 2') $$,
    $$ values ('journal sequence has gaps'::text) $$,
    'a gap in the sequence'
);
select results_eq(
    $$ select pg_temp.damage('check-negative', 'update litellm.credit_transactions set balance_after = -1
                                               where user_id = %L and seq = 1') $$,
    $$ values ('journal balance went below zero'::text) $$,
    'a negative balance_after'
);
select results_eq(
    $$ select pg_temp.damage('check-totals', 'update litellm.user_credits set total_spent = 0 where user_id = %L') $$,
    $$ values ('totals differ from the journal'::text) $$,
    'a running total changed'
);
select results_eq(
    $$ select pg_temp.damage('check-lots', 'update litellm.credit_lots set amount = amount + 1, remaining = remaining + 1
                                           where user_id = %L') $$,
    $$ values ('balance differs from the lots'::text) $$,
    'a lot grown with its remainder'
);
select results_eq(
    $$ select pg_temp.damage('check-range', 'update litellm.credit_lots set amount = 1 where user_id = %L') $$,
    $$ values ('lot remaining differs from its allocations'::text), ('lot remaining out of range') $$,
    'a remainder above the lot''s amount'
);
select results_eq(
    $$ select pg_temp.damage('check-lot-alloc', 'update litellm.credit_allocations set amount = amount - 1 where user_id = %L') $$,
    $$ values ('entry differs from its allocations'::text), ('lot remaining differs from its allocations') $$,
    'an allocation changed: the lot and the entry disagree with it'
);
select results_eq(
    $$ select pg_temp.damage('check-entry-alloc', 'delete from litellm.credit_allocations where user_id = %L') $$,
    $$ values ('entry differs from its allocations'::text), ('lot remaining differs from its allocations') $$,
    'an allocation lost'
);
select results_eq(
    $$ select pg_temp.damage('check-held', 'update litellm.credit_holds set amount = 1 where user_id = %L') $$,
    $$ values ('held amount differs from live holds'::text) $$,
    'a hold''s amount changed'
);
select results_eq(
    $$ select pg_temp.damage('check-over', 'update litellm.user_credits set credits_held = 100 where user_id = %L') $$,
    $$ values ('held amount differs from live holds'::text), ('held amount exceeds the balance') $$,
    'more held than the balance'
);
select results_eq(
    $$ select pg_temp.damage('check-state', 'update litellm.credit_holds set status = ''released'' where user_id = %L') $$,
    $$ values ('held amount differs from live holds'::text), ('hold in an impossible state') $$,
    'a hold released without a time'
);
select results_eq(
    $$ select detail from litellm.verify_ledger() where user_id in ('check-sum', 'check-seq') order by detail $$,
    $$ values ('2 entries, highest seq 9, account last_seq 2'::text), ('balance 7.000000, journal sum 8.000000'),
              ('purchased 10.000000/11.000000, granted 0.000000/0, spent 3.000000/3.000000') $$,
    'an account of one slot: the details name no slot'
);

-- Per slot.
select results_eq(
    $$ select pg_temp.split_damage('split-sum', 'update litellm.credit_slots set credits_remaining = credits_remaining + 1
                                               where user_id = %1$L and slot = %2$s') $$,
    $$ values ('balance differs from the journal'::text), ('balance differs from the last balance_after'),
              ('balance differs from the lots') $$,
    'a slot''s balance changed: its journal, last balance_after and lots'
);
select results_eq(
    $$ select detail from litellm.verify_ledger() where user_id = 'split-sum' and problem = 'balance differs from the journal' $$,
    $$ select format('slot %s: balance %s, journal sum %s', t.slot, sum(t.amount) + 1, sum(t.amount))
       from litellm.credit_transactions as t
       where t.user_id = 'split-sum' and t.slot = (
           select min(slot) from litellm.credit_transactions
           where user_id = 'split-sum' and transaction_type = 'usage' and slot > 0)
       group by t.slot $$,
    'the detail names the slot'
);
select results_eq(
    $$ select pg_temp.split_damage('split-seq', 'update litellm.credit_transactions as t set seq = t.seq + 5
                                               from litellm.credit_slots as s
                                               where t.user_id = %1$L and t.slot = %2$s and s.user_id = t.user_id
                                                 and s.slot = t.slot and t.seq = s.last_seq') $$,
    $$ values ('journal sequence has gaps'::text) $$,
    'a gap in a slot''s sequence'
);
select results_eq(
    $$ select pg_temp.split_damage('split-last', 'update litellm.credit_transactions as t set balance_after = 0
                                                from litellm.credit_slots as s
                                                where t.user_id = %1$L and t.slot = %2$s and s.user_id = t.user_id
                                                  and s.slot = t.slot and t.seq = s.last_seq') $$,
    $$ values ('balance differs from the last balance_after'::text) $$,
    'a slot''s last balance_after changed'
);
select results_eq(
    $$ select pg_temp.split_damage('split-negative', 'update litellm.credit_transactions set balance_after = -1
                                                    where user_id = %1$L and slot = %2$s and seq = 1') $$,
    $$ values ('journal balance went below zero'::text) $$,
    'a negative balance_after on a slot'
);
select results_eq(
    $$ select pg_temp.split_damage('split-spent', 'update litellm.credit_slots set total_spent = 0
                                                 where user_id = %1$L and slot = %2$s') $$,
    $$ values ('totals differ from the journal'::text) $$,
    'a slot''s total_spent changed'
);
select results_eq(
    $$ select pg_temp.split_damage('split-orphan', 'insert into litellm.credit_transactions
                                                      (user_id, slot, seq, transaction_type, amount, balance_after)
                                                  values (%1$L, 7, 1, ''usage'', 0, 0)') $$,
    $$ values ('balance differs from the journal'::text), ('journal sequence has gaps'),
              ('totals differ from the journal') $$,
    'an entry on a slot the account does not have'
);
select results_eq(
    $$ select distinct p from pg_temp.split_damage('split-lot-slot', 'update litellm.credit_lots as l set slot = 0
                                                    where l.user_id = %1$L and l.slot = %2$s') as p order by p $$,
    $$ values ('balance differs from the lots'::text), ('lot or allocation on another slot') $$,
    'lots moved to another slot: both slots'' lots, the lots'' entries and their allocations'
);
select results_eq(
    $$ select pg_temp.split_damage('split-alloc-slot', 'update litellm.credit_allocations as a set lot_id = (
                                                          select min(l.lot_id) from litellm.credit_lots as l
                                                          where l.user_id = %1$L and l.slot = 0)
                                                      where a.transaction_id = (
                                                          select min(t.id) from litellm.credit_transactions as t
                                                          where t.user_id = %1$L and t.slot = %2$s
                                                            and t.transaction_type = ''usage'')') $$,
    $$ values ('lot or allocation on another slot'::text), ('lot remaining differs from its allocations'),
              ('lot remaining differs from its allocations') $$,
    'a slot''s charge allocated from a lot of slot 0'
);
select results_eq(
    $$ select distinct p from pg_temp.split_damage('split-transfer-alloc', 'delete from litellm.credit_allocations as a
                                                          using litellm.credit_transactions as t
                                                          where a.transaction_id = t.id and t.user_id = %1$L
                                                            and t.transaction_type = ''transfer''') as p order by p $$,
    $$ values ('entry differs from its allocations'::text), ('lot remaining differs from its allocations') $$,
    'outgoing transfers not allocated'
);
select results_eq(
    $$ select pg_temp.split_damage('split-held', 'insert into litellm.credit_holds (user_id, request_id, amount, expires_at, slot)
                                                values (%1$L, ''h'', 1, now() + interval ''1 hour'', %2$s)') $$,
    $$ values ('held amount differs from live holds'::text) $$,
    'a live hold on a slot that does not count it'
);
select results_eq(
    $$ select pg_temp.split_damage('split-over', 'update litellm.credit_slots set credits_held = credits_remaining + 1
                                                where user_id = %1$L and slot = %2$s') $$,
    $$ values ('held amount differs from live holds'::text), ('held amount exceeds the balance') $$,
    'a slot holding more than its balance'
);

-- Per account.
select results_eq(
    $$ select pg_temp.split_damage('split-unpaired', 'update litellm.credit_transactions set transfer_of = null
                                                    where id = (select max(id) from litellm.credit_transactions
                                                                where user_id = %1$L and transfer_of is not null)') $$,
    $$ values ('transfer is not one half of a pair'::text), ('transfer is not one half of a pair') $$,
    'a transfer''s incoming half no longer names its outgoing one: both are reported'
);
select results_eq(
    $$ select pg_temp.split_damage('split-misnamed', 'update litellm.credit_transactions set transfer_of = (
                                                        select min(id) from litellm.credit_transactions
                                                        where user_id = %1$L and transaction_type = ''purchase'')
                                                    where id = (select max(id) from litellm.credit_transactions
                                                                where user_id = %1$L and transfer_of is not null)') $$,
    $$ values ('transfer is not one half of a pair'::text), ('transfer is not one half of a pair') $$,
    'a transfer naming a purchase, and the outgoing half no longer named'
);
select results_eq(
    $$ select pg_temp.split_damage('split-amounts', 'update litellm.credit_transactions set amount = amount + 1,
                                                       balance_after = balance_after + 1
                                                   where id = (select max(id) from litellm.credit_transactions
                                                               where user_id = %1$L and transfer_of is not null)') $$,
    $$ values ('balance differs from the journal'::text), ('transfer is not one half of a pair') $$,
    'the halves of a transfer of different amounts'
);
select results_eq(
    $$ select pg_temp.split_damage('split-retired', 'select litellm.set_account_slots(%1$L, 2);
                                                   insert into litellm.credit_holds (user_id, request_id, amount, expires_at, slot)
                                                   values (%1$L, ''h'', 1, now() + interval ''1 hour'', 2)') $$,
    $$ values ('held amount differs from live holds'::text), ('retired slot is not empty') $$,
    'a live hold on a retired slot'
);
select results_eq(
    $$ select pg_temp.split_damage('split-retired-credits', 'select litellm.set_account_slots(%1$L, 2);
                                                           update litellm.credit_slots set cap_fraction = 0.5
                                                           where user_id = %1$L and not active') $$,
    $$ values ('retired slot is not empty'::text) $$,
    'a retired slot with a share of the cap'
);
select results_eq(
    $$ select pg_temp.split_damage('split-count', 'update litellm.user_credits set slot_count = 4 where user_id = %1$L') $$,
    $$ values ('slot count differs from the active slots'::text) $$,
    'slot_count above the active slots'
);
select results_eq(
    $$ select distinct p from pg_temp.split_damage('split-gap', 'update litellm.credit_slots set slot = 5
                                               where user_id = %1$L and slot = 2') as p order by p $$,
    $$ values ('balance differs from the journal'::text), ('balance differs from the lots'),
              ('journal sequence has gaps'), ('slot count differs from the active slots'),
              ('totals differ from the journal') $$,
    'active slots 1 and 5 of a 3-slot account: slot 5 has no journal, slot 2''s has no row'
);
select results_eq(
    $$ select pg_temp.split_damage('split-fractions', 'update litellm.credit_slots set cap_fraction = cap_fraction + 0.1
                                                     where user_id = %1$L and slot = %2$s') $$,
    $$ values ('cap fractions do not sum to 1'::text) $$,
    'cap fractions summing past 1'
);

select * from finish();
rollback;
