-- Debits take credits from lots by priority, then soonest expiry, then age.
begin;
select plan(3);

select litellm.add_user_credits('lots', 10, 'purchase');
select litellm.add_user_credits('lots', 4, 'bonus', expires_at => now() + interval '30 days');
select litellm.add_user_credits('lots', 3, 'bonus', expires_at => now() + interval '2 days');
select litellm.add_user_credits('lots', 2, 'trial', expires_at => now() + interval '60 days');

create temp table d on commit drop as
select * from litellm.debit_user_credits('lots', 7.5, 'openai', 'gpt-4');

select results_eq(
    $$ select l.transaction_type, l.expires_at is null, a.amount
       from litellm.credit_allocations as a
       inner join litellm.credit_lots as l on a.lot_id = l.lot_id
       where a.transaction_id = (select transaction_id from d)
       order by l.priority, l.expires_at $$,
    $$ values ('trial'::text, false, 2.000000::numeric), ('bonus', false, 3.000000), ('bonus', false, 2.500000) $$,
    'trial first, then the bonus expiring sooner, then the later bonus; purchases untouched'
);
select results_eq(
    $$ select transaction_type, remaining from litellm.credit_lots where user_id = 'lots' order by lot_id $$,
    $$ values ('purchase'::text, 10.000000::numeric), ('bonus', 1.500000), ('bonus', 0.000000), ('trial', 0.000000) $$,
    'each lot keeps what was not taken'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
