-- A grant to an account of several slots is journalled on slot 0, as for
-- any account, and then shared out over the slots as transfer pairs.
begin;
select plan(11);

select litellm.add_user_credits('granted', 30, 'purchase');
select litellm.set_account_slots('granted', 3);

select results_eq(
    $$ select credits_remaining, replayed from litellm.add_user_credits('granted', 60, 'bonus') $$,
    $$ values (70.000000::numeric, false) $$,
    'add_user_credits reports slot 0''s balance after the grant'
);
select results_eq(
    $$ select slot, amount, balance_after from litellm.credit_transactions
       where user_id = 'granted' and transaction_type = 'bonus' $$,
    $$ values (0::smallint, 60.000000::numeric, 70.000000::numeric) $$,
    'which is journalled on slot 0'
);
select results_eq(
    $$ select 0::smallint, credits_remaining from litellm.user_credits where user_id = 'granted'
       union all
       select slot, credits_remaining from litellm.credit_slots where user_id = 'granted' order by 1 $$,
    $$ values (0::smallint, 30.000000::numeric), (1::smallint, 30.000000), (2::smallint, 30.000000) $$,
    'then the slots share the account''s credits evenly'
);
select results_eq(
    $$ select total_purchased, total_granted from litellm.user_credits where user_id = 'granted' $$,
    $$ values (30.000000::numeric, 60.000000::numeric) $$,
    'the account''s totals are on slot 0'
);

insert into litellm.credit_packages (package_id, name, credits, price_usd) values (9901, 'slots-pack', 15, 1);
select results_eq(
    $$ select amount_credited, replayed from litellm.purchase_credit_package(
           'granted', 9901, 'card', 'ch-slots') $$,
    $$ values (15.000000::numeric, false) $$,
    'a package bought by an account of several slots'
);
select results_eq(
    $$ select amount_credited, replayed from litellm.purchase_credit_package(
           'granted', 9901, 'card', 'ch-slots') $$,
    $$ values (15.000000::numeric, true) $$,
    'bought again with the same charge: a replay, nothing moves'
);
select results_eq(
    $$ select credits_remaining, replayed from litellm.adjust_credits('granted', 9, 'goodwill', 'adj-slots') $$,
    $$ values (44.000000::numeric, false) $$,
    'a positive adjustment lands on slot 0 too'
);
select results_eq(
    $$ select 0::smallint, credits_remaining from litellm.user_credits where user_id = 'granted'
       union all
       select slot, credits_remaining from litellm.credit_slots where user_id = 'granted' order by 1 $$,
    $$ values (0::smallint, 38.000000::numeric), (1::smallint, 38.000000), (2::smallint, 38.000000) $$,
    'and every grant is shared out'
);
select results_eq(
    $$ select count(*) filter (where transaction_type = 'transfer' and transfer_of is null),
              count(*) filter (where transaction_type = 'transfer' and transfer_of is not null),
              sum(amount) filter (where transaction_type = 'transfer')
       from litellm.credit_transactions where user_id = 'granted' $$,
    $$ values (8::bigint, 8::bigint, 0.000000::numeric) $$,
    'as transfer pairs summing to zero'
);
select is_empty(
    $$ select * from litellm_test.slot_problems('granted') $$,
    'every slot''s balance, journal, lots and seq agree'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
