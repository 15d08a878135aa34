begin;
select plan(9);

select litellm_test.funded_user('rich', 99999999999999);

select throws_ok(
    $$ select litellm.add_user_credits('rich', 99999999999999, 'bonus') $$,
    'LD070', null, 'a grant that would take the account past 10^14 credits names its code'
);
select throws_ok(
    $$ select litellm.add_user_credits('rich', 1, 'purchase') $$,
    'LD070', null, 'even one more credit'
);
select throws_ok(
    $$ select litellm.adjust_credits('rich', 99999999999999, 'goodwill', 'adj-huge') $$,
    'LD070', null, 'a positive adjustment likewise'
);
select results_eq(
    $$ select credits_remaining, total_purchased, total_granted, last_seq from litellm.user_credits where user_id = 'rich' $$,
    $$ values (99999999999999.000000::numeric, 99999999999999.000000::numeric, 0::numeric, 1::bigint) $$,
    'nothing was written'
);
select is(litellm_test.journal_count('rich'), 1::bigint, 'no journal entry');
select is((
    select count(*) from litellm.credit_lots
    where user_id = 'rich'
), 1::bigint, 'no lot');

-- Spending does not give the room back: the limit is on what was ever credited,
-- which bounds every total (spent included) however often credits come and go.
select litellm.debit_user_credits('rich', 50000000000000);
select throws_ok(
    $$ select litellm.add_user_credits('rich', 1, 'bonus') $$,
    'LD070', null, 'spent credits still count'
);

select litellm_test.funded_user('modest', 99999999999998);
select results_eq(
    $$ select credits_remaining, replayed from litellm.add_user_credits('modest', 1, 'bonus') $$,
    $$ values (99999999999999.000000::numeric, false) $$,
    'up to the last credit below 10^14 is fine'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger is consistent');

select * from finish();
rollback;
