-- account_statement: an account's entries in id order, transfers left out,
-- each with the running balance of the whole account (every entry up to it,
-- transfers included); for an account of one slot that is balance_after.
begin;
select plan(15);

select litellm_test.funded_user('one-slot', 20);
select litellm.add_user_credits('one-slot', 5, 'bonus');
select litellm.debit_user_credits('one-slot', 3);
select litellm.debit_user_credits('one-slot', 4);

select results_eq(
    $$ select account_balance, balance_after, slot from litellm.account_statement('one-slot') $$,
    $$ select balance_after, balance_after, slot from litellm.credit_transactions
       where user_id = 'one-slot' order by id $$,
    'an account of one slot: every entry, its running balance being its balance_after'
);

select litellm_test.funded_user('split', 40);
select litellm.debit_user_credits('split', 1);
select litellm.set_account_slots('split', 4);
select litellm._charge_slots('split', 4, 's-1');
select litellm._charge_slots('split', 30, 's-2');
select litellm._charge_slots('split', 1, 's-3');
select litellm.set_account_slots('split', 2);
select litellm._charge_slots('split', 2, 's-4');

select results_eq(
    $$ select transaction_type, amount, account_balance from litellm.account_statement('split') $$,
    $$ values ('purchase'::text, 40.000000::numeric, 40.000000::numeric), ('usage', -1.000000, 39.000000),
              ('usage', -4.000000, 35.000000), ('usage', -30.000000, 5.000000), ('usage', -1.000000, 4.000000),
              ('usage', -2.000000, 2.000000) $$,
    'a split account: its entries without the transfers, and the account''s running balance'
);
select ok(
    (select count(distinct slot) from litellm.account_statement('split')) > 1,
    'whose entries are on several slots'
);
select is_empty(
    $$ select s.transaction_id from litellm.account_statement('split') as s
       where s.account_balance <> (
           -- the sum over the slots of each slot's balance_after at that entry
           select sum(l.balance_after) from (
               select distinct on (t.slot) t.balance_after from litellm.credit_transactions as t
               where t.user_id = 'split' and t.id <= s.transaction_id
               order by t.slot, t.id desc
           ) as l
       ) $$,
    'each running balance is the sum of the slots'' balance_after at that point'
);
select results_eq(
    $$ select account_balance from litellm.account_statement('split') order by transaction_id desc limit 1 $$,
    $$ select credits_remaining from litellm.get_user_balance('split') $$,
    'the last running balance is the account''s balance'
);
select results_eq(
    $$ select transaction_type, balance_after from (
           select transaction_type, amount, account_balance as balance_after, provider, model, created_at
           from litellm.account_statement('split')
           order by transaction_id desc
           limit 20
       ) as recent limit 2 $$,
    $$ values ('usage'::text, 2.000000::numeric), ('usage', 4.000000) $$,
    'the documented account-level form of the seed''s recent transactions: newest first, account balances'
);
select results_eq(
    $$ select transaction_id from litellm.account_statement('split', max_rows => 2) $$,
    $$ select transaction_id from litellm.account_statement('split') order by transaction_id limit 2 $$,
    'max_rows: the first rows in id order'
);
select is_empty(
    $$ select * from litellm.account_statement('split', from_time => now() + interval '1 second') $$,
    'from_time after every entry: no row'
);
select results_eq(
    $$ select count(*) from litellm.account_statement('split', now(), now() + interval '1 second') $$,
    $$ values (6::bigint) $$,
    'from_time included, to_time not'
);
select is_empty($$ select * from litellm.account_statement('nobody') $$, 'an unknown user has no row');
select throws_ok(
    $$ select * from litellm.account_statement('split', now(), now() - interval '1 second') $$,
    'LD082', null, 'to_time before from_time'
);
select throws_ok(
    $$ select * from litellm.account_statement('split', max_rows => 0) $$, 'LD009', null, 'a row limit below 1'
);

set local role litellm_app;
select results_eq(
    $$ select count(*) from litellm.account_statement('split') $$, $$ values (6::bigint) $$,
    'the application role reads any account''s statement, as it reads its balance'
);
reset role;

-- A hostile end user proves who it is and may read its own journal rows, but
-- may not call the statement, which runs as the owner and sees every user.
select set_config('litellm.end_user_token', litellm.issue_end_user_token('one-slot'), true);
set local role litellm_end_user;
select throws_ok(
    $$ select * from litellm.account_statement('split') $$, '42501', null,
    'an end user cannot call it, for another user or itself'
);
reset role;
select set_config('litellm.end_user_token', litellm.issue_end_user_token('split'), true);
set local role litellm_end_user;
select results_eq(
    $$ select r.transaction_type, r.account_balance from (
           select t.id, t.transaction_type, sum(t.amount) over (order by t.id) as account_balance
           from litellm.credit_transactions as t
       ) as r
       where r.transaction_type <> 'transfer'
       order by r.id $$,
    $$ values ('purchase'::text, 40.000000::numeric), ('usage', 39.000000), ('usage', 35.000000), ('usage', 5.000000),
              ('usage', 4.000000), ('usage', 2.000000) $$,
    'an end user computes its own statement from the rows it may read, and sees no other user''s'
);

select * from finish();
rollback;
