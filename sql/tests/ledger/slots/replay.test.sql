-- One request id is one charge of a slot account, whichever slot took it: a
-- replay returns the original entry, even once the account could not pay it
-- again, and a charge that meets the request id in the journal only when it
-- writes takes its slot's charge back.
begin;
select plan(8);

select litellm.add_user_credits('replayed', 40, 'purchase');
select litellm.set_account_slots('replayed', 4);

create temp table first_charge as
select * from litellm.debit_user_credits('replayed', 4, 'openai', 'gpt-4', request_id => 'q-1');

select results_eq(
    $$ select success, transaction_id, credits_remaining, amount_debited, replayed
       from litellm.debit_user_credits('replayed', 4, 'openai', 'gpt-4', request_id => 'q-1') $$,
    $$ select true, transaction_id, credits_remaining, amount_debited, true from first_charge $$,
    'a replay returns the original charge'
);
select results_eq(
    $$ select success, replayed from litellm.debit_user_credits('replayed', 36, request_id => 'q-2') $$,
    $$ values (true, false) $$,
    'the rest of the account is charged (a consolidation)'
);
select results_eq(
    $$ select success, transaction_id, replayed
       from litellm.debit_user_credits('replayed', 4, 'openai', 'gpt-4', request_id => 'q-1') $$,
    $$ select true, transaction_id, true from first_charge $$,
    'a replay of the first charge on the empty account is still that charge, not a refusal'
);
select throws_ok(
    $$ select litellm.debit_user_credits('replayed', 5, 'openai', 'gpt-4', request_id => 'q-1') $$,
    'LD101', null, 'a replay with another cost raises'
);

-- The charge's own path meets the request id only at the journal's insert
-- (as a concurrent charge of it would): it takes its slot's charge back.
-- A grant is shared out over the slots: 10 on each, slot 0 included.
select litellm.add_user_credits('replayed', 40, 'purchase');
create temp table before_replay as
select
    uc.credits_remaining,
    uc.last_seq,
    uc.total_spent,
    uc.month_spent
from litellm.user_credits as uc
where uc.user_id = 'replayed';
select results_eq(
    $$ select success, transaction_id, replayed
       from litellm._charge_slot('replayed', 0::smallint, 4, 'q-1', 'openai', 'gpt-4', null, 0, 0, '{}') $$,
    $$ select true, transaction_id, true from first_charge $$,
    'the charge at the journal''s insert is answered as a replay'
);
select results_eq(
    $$ select uc.credits_remaining, uc.last_seq, uc.total_spent, uc.month_spent
       from litellm.user_credits as uc where uc.user_id = 'replayed' $$,
    $$ select * from before_replay $$,
    'and its slot is as it was'
);
select is_empty($$ select * from litellm_test.slot_problems('replayed') $$, 'every slot agrees with its journal');

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
