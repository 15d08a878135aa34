begin;
select plan(10);

select litellm.add_user_credits('refunded', 10, 'purchase');
select litellm.add_user_credits('refunded', 2, 'trial');
create temp table charge on commit drop as
select * from litellm.debit_user_credits('refunded', 5, 'openai', 'gpt-4', 10, 10, 'balanced');

select results_eq(
    $$ select amount_refunded, credits_remaining, replayed
       from litellm.refund_transaction((select transaction_id from charge), 'bad answer', 'rf-1', 1.5) $$,
    $$ values (1.500000::numeric, 8.500000::numeric, false) $$,
    'a partial refund gives credits back'
);
select results_eq(
    $$ select transaction_type, remaining from litellm.credit_lots where user_id = 'refunded' order by lot_id $$,
    $$ values ('purchase'::text, 8.500000::numeric), ('trial', 0.000000) $$,
    'to the lot taken last (the purchase), first'
);
select results_eq(
    $$ select amount_refunded, replayed
       from litellm.refund_transaction((select transaction_id from charge), 'bad answer', 'rf-1', 1.5) $$,
    $$ values (1.500000::numeric, true) $$,
    'the same key replays'
);
select throws_ok(
    $$ select litellm.refund_transaction((select transaction_id from charge), 'again', 'rf-2', 4) $$,
    'LD306', 'refund of 4.000000 exceeds what is left to refund of entry ' || (select transaction_id from charge)
    || ' (3.500000)',
    'no more than the charge can be refunded'
);
select results_eq(
    $$ select amount_refunded from litellm.refund_transaction((select transaction_id from charge), 'rest', 'rf-3') $$,
    $$ values (3.500000::numeric) $$,
    'without an amount, the rest is refunded'
);
select results_eq(
    $$ select transaction_type, remaining from litellm.credit_lots where user_id = 'refunded' order by lot_id $$,
    $$ values ('purchase'::text, 10.000000::numeric), ('trial', 2.000000) $$,
    'every lot is whole again'
);
select throws_ok(
    $$ select litellm.refund_transaction((select min(id) from litellm.credit_transactions where user_id = 'refunded'),
                                         'not usage', 'rf-4') $$,
    'LD305', null, 'a purchase cannot be refunded as usage'
);
select throws_ok(
    $$ select litellm.refund_transaction(-1, 'nothing', 'rf-5') $$, 'LD202', 'no journal entry -1', 'unknown entry'
);
select throws_ok(
    $$ select litellm.refund_transaction((select transaction_id from charge), 'no key', null) $$,
    'LD007', 'idempotency_key is required for a refund', 'a refund needs a key'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
