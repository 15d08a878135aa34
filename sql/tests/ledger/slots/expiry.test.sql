-- Expired credits on one slot of a slot account are swept before a charge:
-- on that slot, journalled there, and the charge is made from what is left.
begin;
select plan(7);

select litellm.add_user_credits('fading', 20, 'purchase');
select litellm.add_user_credits('fading', 8, 'promo', expires_at => now() + interval '7 days');
select litellm.set_account_slots('fading', 2);

select results_eq(
    $$ select slot, sum(remaining) from litellm.credit_lots
       where user_id = 'fading' and expires_at is not null and remaining > 0 group by slot $$,
    $$ values (1::smallint, 8.000000::numeric) $$,
    'the promo (consumed first) moved to slot 1 with its expiry'
);

-- The promo expires.
update litellm.credit_lots set expires_at = now() - interval '1 second'
where user_id = 'fading' and expires_at is not null and remaining > 0;
update litellm.credit_slots set next_expiry_at = now() - interval '1 second'
where user_id = 'fading';

select results_eq(
    $$ select success, amount_debited from litellm.debit_user_credits('fading', 3) $$,
    $$ values (true, 3.000000::numeric) $$,
    'the next debit is made'
);
select results_eq(
    $$ select slot, amount from litellm.credit_transactions where user_id = 'fading' and transaction_type = 'expiry' $$,
    $$ values (1::smallint, -8.000000::numeric) $$,
    'after sweeping the expired promo, on its slot'
);
select results_eq(
    $$ select sum(credits_remaining), count(*) filter (where next_expiry_at <= now()) from (
           select credits_remaining, next_expiry_at from litellm.user_credits where user_id = 'fading'
           union all select credits_remaining, next_expiry_at from litellm.credit_slots where user_id = 'fading'
       ) as s $$,
    $$ values (17.000000::numeric, 0::bigint) $$,
    'the account keeps 28 - 8 - 3, nothing is due any more'
);
select results_eq(
    $$ select count(*) from litellm.credit_allocations as a
       inner join litellm.credit_lots as l on l.lot_id = a.lot_id
       inner join litellm.credit_transactions as t on t.id = a.transaction_id
       where t.user_id = 'fading' and t.transaction_type = 'usage' and l.expires_at is not null $$,
    $$ values (0::bigint) $$,
    'the charge took nothing from the expired lot'
);
select is_empty($$ select * from litellm_test.slot_problems('fading') $$, 'every slot agrees with its journal');

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
