-- A slot account's charge takes one slot; when no slot covers it, the
-- account's credits are brought together, so it is refused only when the
-- account as a whole cannot pay. One request id is one charge across slots.
begin;
select plan(8);

select litellm.add_user_credits('busy', 40, 'purchase');
select litellm.set_account_slots('busy', 4);

select results_eq(
    $$ select success, replayed, credits_remaining from litellm._charge_slots('busy', 4, 'r-1') $$,
    $$ values (true, false, 6.000000::numeric) $$,
    'a charge takes one slot of 10 and reports that slot''s balance'
);
select results_eq(
    $$ select success, replayed from litellm._charge_slots('busy', 4, 'r-1') $$,
    $$ values (true, true) $$,
    'the same request id again is a replay'
);
select results_eq(
    $$ select count(*) from litellm.credit_transactions where user_id = 'busy' and idempotency_key = 'r-1' $$,
    $$ values (1::bigint) $$,
    'journalled once'
);
select results_eq(
    $$ select success, slot from litellm._charge_slots('busy', 30, 'r-2') $$,
    $$ values (true, 0::smallint) $$,
    'a charge no slot covers is made after consolidating into slot 0'
);
select results_eq(
    $$ select success, error_code from litellm._charge_slots('busy', 7, 'r-3') $$,
    $$ values (false, 'insufficient_credits'::text) $$,
    'a charge the account as a whole cannot pay is refused'
);
select results_eq(
    $$ select success from litellm._charge_slots('busy', 6, 'r-4') $$,
    $$ values (true) $$,
    'one the account can pay is made, wherever its credits are'
);
select results_eq(
    $$ select coalesce(sum(amount), 0) from litellm.credit_transactions where user_id = 'busy' $$,
    $$ values (0.000000::numeric) $$,
    'the journal sums to the account''s balance, zero'
);
select is_empty(
    $$ select s.slot from (
           select 0::smallint as slot, last_seq from litellm.user_credits where user_id = 'busy'
           union all select slot, last_seq from litellm.credit_slots where user_id = 'busy'
       ) as s
       cross join lateral (
           select count(*) as entries, coalesce(max(t.seq), 0) as last from litellm.credit_transactions as t
           where t.user_id = 'busy' and t.slot = s.slot
       ) as j
       where s.last_seq <> j.entries or s.last_seq <> j.last $$,
    'every slot''s entries are numbered 1 .. last_seq'
);

select * from finish();
rollback;
