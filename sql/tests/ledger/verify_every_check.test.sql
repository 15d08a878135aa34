-- verify_ledger() is the union of its checks: each one, fed the damage it looks
-- for, reports it under its own problem (and no other check does).
begin;
select plan(13);

-- Damage the API would never do: the tables' own checks and the journal's
-- append-only triggers are set aside inside this transaction only.
alter table litellm.credit_transactions drop constraint credit_transactions_balance_after_check;
alter table litellm.credit_lots drop constraint credit_lots_check;
alter table litellm.credit_holds drop constraint credit_holds_check;
set local session_replication_role = replica;

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

select is_empty(
    $$ select * from litellm.verify_ledger() where user_id like 'check-%' $$, 'no findings before the damage'
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

select * from finish();
rollback;
