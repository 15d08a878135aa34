begin;
select plan(5);

select litellm_test.funded_user('spender', 10);

select results_eq(
    $$ select success, credits_remaining, amount_debited, error_code, error_message, replayed
       from litellm.debit_user_credits('spender', 0.05, 'openai', 'gpt-4', 100, 200, 'balanced',
                                       '{"request_id": "req-123"}'::jsonb) $$,
    $$ values (true, 9.950000::numeric, 0.050000::numeric, null::text, null::text, false) $$,
    'a covered debit succeeds and returns the new balance'
);

select results_eq(
    $$ select transaction_type, amount, balance_after, provider, model, power_level,
              prompt_tokens, completion_tokens, idempotency_key, seq
       from litellm.credit_transactions where user_id = 'spender' and transaction_type = 'usage' $$,
    $$ values ('usage'::text, -0.050000::numeric, 9.950000::numeric, 'openai'::text, 'gpt-4'::text,
               'balanced'::text, 100, 200, 'req-123'::text, 2::bigint) $$,
    'the journal records a negative usage entry with the call''s details'
);

select results_eq(
    $$ select credits_remaining, total_spent, last_seq from litellm.user_credits where user_id = 'spender' $$,
    $$ values (9.950000::numeric, 0.050000::numeric, 2::bigint) $$,
    'the account balance and totals follow'
);

create temp table precise on commit drop as
select * from litellm.debit_user_credits('spender', 1, 'anthropic', 'claude', 1, 1, 'PRECISION');
select results_eq(
    $$ select t.id, t.power_level, t.amount from precise as p
       inner join litellm.credit_transactions as t on t.id = p.transaction_id $$,
    $$ select max(id), 'precision'::text, -1.000000::numeric from litellm.credit_transactions where user_id = 'spender' $$,
    'the transaction id is the newest journal entry; power levels are case-insensitive'
);

select results_eq(
    $$ select success, credits_remaining from litellm.debit_user_credits('spender', 0, 'groq', 'llama', 5, 5, 'eco') $$,
    $$ values (true, 8.950000::numeric) $$,
    'a free call (cost 0) is journalled without changing the balance'
);

select * from finish();
rollback;
