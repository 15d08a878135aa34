-- A slot account's debit takes one slot; when no slot covers it, the
-- account's credits are brought together, so it is refused only when the
-- account as a whole cannot pay.
begin;
select plan(11);

select litellm.add_user_credits('busy', 40, 'purchase');
select litellm.set_account_slots('busy', 4);

select results_eq(
    $$ select success, replayed, credits_remaining, amount_debited
       from litellm.debit_user_credits('busy', 4, 'openai', 'gpt-4', 10, 20, request_id => 'r-1') $$,
    $$ values (true, false, 6.000000::numeric, 4.000000::numeric) $$,
    'a debit takes one slot of 10 and reports that slot''s balance'
);
select results_eq(
    $$ select t.slot <> 0, t.balance_after, t.seq, t.provider, t.model, t.prompt_tokens, t.completion_tokens
       from litellm.credit_transactions as t where t.user_id = 'busy' and t.idempotency_key = 'r-1' $$,
    $$ values (true, 6.000000::numeric, 2::bigint, 'openai'::text, 'gpt-4'::text, 10, 20) $$,
    'journalled on a slot other than 0 (tried last), after the slot''s transfer in, with the debit''s columns'
);
select results_eq(
    $$ select l.slot, a.amount from litellm.credit_allocations as a
       inner join litellm.credit_lots as l on l.lot_id = a.lot_id
       inner join litellm.credit_transactions as t on t.id = a.transaction_id
       where t.idempotency_key = 'r-1' $$,
    $$ select slot, 4.000000::numeric from litellm.credit_transactions where idempotency_key = 'r-1' $$,
    'its credits come from a lot of that slot'
);
select results_eq(
    $$ select success, error_code from litellm.debit_user_credits('busy', 30, request_id => 'r-2') $$,
    $$ values (true, null::text) $$,
    'a debit no slot covers is made after consolidating'
);
select results_eq(
    $$ select slot from litellm.credit_transactions where idempotency_key = 'r-2' $$,
    $$ values (0::smallint) $$,
    'on slot 0'
);
select results_eq(
    $$ select success, error_code, credits_remaining, error_message
       from litellm.debit_user_credits('busy', 7, request_id => 'r-3') $$,
    $$ values (false, 'insufficient_credits'::text, 6.000000::numeric, 'Insufficient credits: balance 6.000000, cost 7.000000'::text) $$,
    'a debit the account as a whole cannot pay is refused, with the account''s balance'
);
select results_eq(
    $$ select success from litellm.debit_user_credits('busy', 6, request_id => 'r-4') $$,
    $$ values (true) $$,
    'one the account can pay is made, wherever its credits are'
);
select results_eq(
    $$ select coalesce(sum(amount), 0), count(*) filter (where transaction_type = 'usage')
       from litellm.credit_transactions where user_id = 'busy' $$,
    $$ values (0.000000::numeric, 3::bigint) $$,
    'the journal sums to the account''s balance, zero; three charges, the refusal wrote nothing'
);
select is_empty(
    $$ select s.slot from (
           select 0::smallint as slot, last_seq, credits_remaining from litellm.user_credits where user_id = 'busy'
           union all select slot, last_seq, credits_remaining from litellm.credit_slots where user_id = 'busy'
       ) as s
       cross join lateral (
           select count(*) as entries, coalesce(max(t.seq), 0) as last, coalesce(sum(t.amount), 0) as total
           from litellm.credit_transactions as t
           where t.user_id = 'busy' and t.slot = s.slot
       ) as j
       where s.last_seq <> j.entries or s.last_seq <> j.last or s.credits_remaining <> j.total $$,
    'every slot''s entries are numbered 1 .. last_seq and sum to its balance'
);
select throws_ok(
    $$ select litellm.debit_user_credits('busy', -1) $$,
    'LD001', null, 'bad input raises as for any account'
);

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
