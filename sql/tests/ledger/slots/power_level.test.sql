-- A slot account's debit checks and journals the power level as the debit does.
begin;
select plan(4);

select litellm.add_user_credits('levels', 40, 'purchase');
select litellm.set_account_slots('levels', 4);

select throws_ok(
    $$ select litellm.debit_user_credits('levels', 1, power_level => 'no-such-level') $$,
    'LD003', null, 'an unknown power level raises'
);
select is(litellm_test.journal_count('levels'), 7::bigint, 'and writes nothing (the grant and six transfers)');
select litellm.debit_user_credits('levels', 1, power_level => ' Balanced ', request_id => 'p-1');
select results_eq(
    $$ select t.power_level from litellm.credit_transactions as t where t.idempotency_key = 'p-1' $$,
    $$ values ('balanced'::text) $$,
    'the journal names the level as the catalogue spells it'
);
select throws_ok(
    $$ select litellm.debit_user_credits('levels', 1, power_level => 'eco', request_id => 'p-1') $$,
    'LD101', null, 'a replay with another power level raises'
);

select * from finish();
rollback;
