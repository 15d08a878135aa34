-- record_llm_call charges a slot account through the debit: the usage log
-- row and the journal entry name each other, a replay is one charge, and a
-- call the account cannot pay is logged with the account's balance.
begin;
select plan(7);

select litellm_test.funded_user('rec-slots', 40);
select litellm.set_account_slots('rec-slots', 4);

select results_eq(
    $$ select success, charged, credits_remaining, amount_charged, replayed
       from litellm.record_llm_call('rec-slots', 'openai', 'gpt-4', 100, 200, 0.25, request_id => 'rs-1',
                                    power_level => 'Balanced') $$,
    $$ values (true, true, 9.750000::numeric, 0.250000::numeric, false) $$,
    'charged on one slot of 10'
);
select results_eq(
    $$ select t.slot <> 0, t.power_level, t.prompt_tokens, t.completion_tokens, (t.metadata ->> 'usage_log_id')::bigint = l.id
       from litellm.credit_transactions as t
       inner join litellm.llm_usage_log as l on l.transaction_id = t.id
       where l.user_id = 'rec-slots' $$,
    $$ values (true, 'balanced'::text, 100, 200, true) $$,
    'the log row and the slot''s journal entry name each other'
);
select results_eq(
    $$ select success, charged, replayed, usage_log_id = (select id from litellm.llm_usage_log where request_id = 'rs-1')
       from litellm.record_llm_call('rec-slots', 'openai', 'gpt-4', 100, 200, 0.25, request_id => 'rs-1',
                                    power_level => 'Balanced') $$,
    $$ values (true, true, true, true) $$,
    'a replay returns the same call'
);
select results_eq(
    $$ select success, charged, credits_remaining, error_code
       from litellm.record_llm_call('rec-slots', 'openai', 'gpt-4', 1, 1, 45, request_id => 'rs-2') $$,
    $$ values (false, false, 39.750000::numeric, 'insufficient_credits'::text) $$,
    'a call the account cannot pay is not charged; the balance is the account''s'
);
select results_eq(
    $$ select count(*) filter (where transaction_type = 'usage'), (select count(*) from litellm.llm_usage_log
                                                                   where user_id = 'rec-slots')
       from litellm.credit_transactions where user_id = 'rec-slots' $$,
    $$ values (1::bigint, 2::bigint) $$,
    'one charge, two calls logged'
);
select is_empty($$ select * from litellm_test.slot_problems('rec-slots') $$, 'every slot agrees with its journal');

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
