-- A slot account is still one account to whoever reads it: get_user_balance,
-- account_overview and credit_totals give its totals over every slot, and
-- count its entries without the transfers between slots.
begin;
select plan(9);

create function pg_temp.journal(uid text) returns table (balance numeric, entries bigint, spent numeric)
language sql as $$
    select
        sum(t.amount),
        count(*) filter (where t.transaction_type <> 'transfer'),
        -sum(t.amount) filter (where t.transaction_type = 'usage')
    from litellm.credit_transactions as t
    where t.user_id = uid
$$;

update litellm.tiers set monthly_cap = null
where tier = 'free';
select litellm_test.funded_user('many', 40);
select litellm.add_user_credits('many', 5, 'bonus', 'trial', expires_at => now() + interval '1 day');
select litellm.debit_user_credits('many', 1);
select litellm.reserve_credits('many', 2, 'held-1');
select litellm.set_account_slots('many', 4);
select litellm._charge_slots('many', 4, 'r-1');
select litellm._charge_slots('many', 3, 'r-2');
select litellm._charge_slots('many', 30, 'r-3');

select ok(
    (
        select count(distinct slot) from litellm.credit_transactions
        where user_id = 'many' and transaction_type = 'usage'
    ) > 1,
    'the charges took more than one slot'
);
select results_eq(
    $$ select credits_remaining, credits_held, credits_available, month_spent, total_purchased, total_granted,
              total_spent, transaction_count
       from litellm.get_user_balance('many') $$,
    $$ select j.balance, 2.000000::numeric, j.balance - 2, j.spent, 40.000000::numeric, 5.000000::numeric, j.spent,
              j.entries
       from pg_temp.journal('many') as j $$,
    'get_user_balance: the account''s balance, held, available, spending and totals; entries without transfers'
);
select results_eq(
    $$ select credits_remaining, total_spent, transaction_count from litellm.get_user_balance('many') $$,
    $$ values (7.000000::numeric, 38.000000::numeric, 6::bigint) $$,
    'which are 45 - 38 = 7 credits, and 6 entries: two grants, four charges'
);
select results_eq(
    $$ select credits_remaining, total_spent, transaction_count from litellm.account_overview where user_id = 'many' $$,
    $$ select j.balance, j.spent, j.entries from pg_temp.journal('many') as j $$,
    'account_overview: the same totals'
);
select results_eq(
    $$ select credits_remaining, credits_held from litellm.credit_totals() where tier = 'free' $$,
    $$ select
           (select sum(t.amount) from litellm.credit_transactions as t
            inner join litellm.user_credits as u on t.user_id = u.user_id where u.tier = 'free'),
           (select sum(h.amount) from litellm.credit_holds as h
            inner join litellm.user_credits as u on h.user_id = u.user_id where u.tier = 'free' and h.status = 'held') $$,
    'credit_totals: the tier''s balances and held credits over every slot'
);

select litellm.set_account_slots('many', 1);
select results_eq(
    $$ select credits_remaining, credits_held, total_spent, transaction_count from litellm.get_user_balance('many') $$,
    $$ values (7.000000::numeric, 2.000000::numeric, 38.000000::numeric, 6::bigint) $$,
    'one slot again: the same totals, the history on retired slots counted'
);
select results_eq(
    $$ select credits_remaining, total_spent, transaction_count from litellm.account_overview where user_id = 'many' $$,
    $$ values (7.000000::numeric, 38.000000::numeric, 6::bigint) $$,
    'and in the overview'
);

-- An account of one slot: last_seq is its number of entries, as always.
select litellm_test.funded_user('single', 10);
select litellm.debit_user_credits('single', 1);
select results_eq(
    $$ select credits_remaining, transaction_count from litellm.get_user_balance('single') $$,
    $$ values (9.000000::numeric, 2::bigint) $$,
    'an account of one slot is read as before'
);
select results_eq(
    $$ select date, entries from litellm.credit_flow_daily(current_date - 1, current_date + 1, 'many') $$,
    $$ select (now() at time zone 'UTC')::date, 6::bigint $$,
    'credit_flow_daily counts no transfer'
);

select * from finish();
rollback;
