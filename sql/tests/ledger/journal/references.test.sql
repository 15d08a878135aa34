-- Entries, allocations and holds name their account, entry and lot without a
-- foreign key: the named rows refuse to go (LD903), and verify_ledger() finds
-- any reference that points nowhere.
begin;
select plan(12);

select litellm_test.funded_user('named', 10);
select litellm.debit_user_credits('named', 1);
select litellm.reserve_credits('named', 2, 'named-hold');

select throws_ok(
    $$ delete from litellm.user_credits where user_id = 'named' $$,
    'LD903', 'rows of user_credits are never removed: delete is not allowed', 'an account is never deleted'
);
select throws_ok(
    $$ delete from litellm.user_credits where false $$,
    'LD903', 'rows of user_credits are never removed: delete is not allowed', 'not even by a DELETE of no row'
);
select throws_ok(
    $$ truncate litellm.user_credits cascade $$,
    'LD903', null, 'accounts are never truncated'
);
select throws_ok(
    $$ delete from litellm.credit_lots where user_id = 'named' $$,
    'LD903', 'rows of credit_lots are never removed: delete is not allowed', 'a lot is never deleted'
);
select throws_ok(
    $$ delete from litellm.credit_holds where user_id = 'named' $$,
    'LD903', 'rows of credit_holds are never removed: delete is not allowed', 'a hold is never deleted'
);
select throws_ok(
    $$ truncate litellm.credit_slots $$,
    'LD903', 'rows of credit_slots are never removed: truncate is not allowed', 'slots are never truncated'
);
select is_empty($$ select * from litellm.verify_ledger() where user_id = 'named' $$, 'the account verifies clean');

-- Damage the API cannot do: the triggers are set aside in this transaction.
set local session_replication_role = replica;
insert into litellm.credit_transactions (user_id, seq, transaction_type, amount, balance_after)
values ('nobody', 1, 'bonus', 5, 5);
select results_eq(
    $$ select problem from litellm.verify_ledger() where user_id = 'nobody' $$,
    $$ values ('journal entries of no account'::text) $$,
    'an entry of no account is found'
);
insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
select
    t.id,
    -1 as lot_id,
    'named' as user_id,
    1 as amount
from litellm.credit_transactions as t
where t.user_id = 'named' and t.seq = 2;
select results_eq(
    $$ select problem from litellm.verify_ledger() where user_id = 'named' and problem like 'allocations of%' $$,
    $$ values ('allocations of a missing entry or lot'::text) $$,
    'an allocation of a missing lot is found'
);
delete from litellm.credit_allocations
where lot_id = -1;
update litellm.credit_holds set transaction_id = -1
where user_id = 'named';
select results_eq(
    $$ select problem from litellm.verify_ledger() where user_id = 'named' and problem like 'holds of%' $$,
    $$ values ('holds of no account or of a missing entry'::text) $$,
    'a hold naming a missing entry is found'
);
update litellm.credit_holds set transaction_id = null
where user_id = 'named';
delete from litellm.user_credits
where user_id = 'named';
select ok(
    (
        select count(*)
        from litellm.verify_ledger()
        where
            user_id = 'named'
            and problem in ('journal entries of no account', 'holds of no account or of a missing entry')
    ) = 2,
    'entries and holds of a deleted account are found'
);
select isnt_empty(
    $$ select from litellm.credit_transactions where user_id = 'named' $$, 'its entries are still there'
);

select * from finish();
rollback;
