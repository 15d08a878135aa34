-- A session sends the debits of the slot accounts it charged lately to the
-- slot path first (the litellm.slot_accounts hint). The hint only orders the
-- tries: a stale, forged or malformed one changes no debit's result.
begin;
select plan(11);

select litellm.add_user_credits('hint-split', 40, 'purchase');
select litellm.set_account_slots('hint-split', 4);
select litellm.add_user_credits('hint-one', 40, 'purchase');

select results_eq(
    $$ select success from litellm.debit_user_credits('hint-split', 1, request_id => 'h-1') $$,
    $$ values (true) $$,
    'a slot account is charged'
);
select is(current_setting('litellm.slot_accounts'), 'hint-split', 'and the session hints it');
select results_eq(
    $$ select success, replayed from litellm.debit_user_credits('hint-split', 1, request_id => 'h-1') $$,
    $$ values (true, true) $$,
    'a replay through the hinted path is a replay'
);

-- A forged hint naming an account of one slot, and an unknown user.
select set_config('litellm.slot_accounts', e'hint-one\nnobody\nhint-split', false);
select results_eq(
    $$ select success, credits_remaining, replayed from litellm.debit_user_credits('hint-one', 2, request_id => 'h-2') $$,
    $$ values (true, 38.000000::numeric, false) $$,
    'an account of one slot named by the hint is charged as without it'
);
select results_eq(
    $$ select t.slot, count(a.*) from litellm.credit_transactions as t
       left join litellm.credit_allocations as a on a.transaction_id = t.id
       where t.idempotency_key = 'h-2' group by t.slot $$,
    $$ values (0::smallint, 1::bigint) $$,
    'on its account row, from its lot'
);
select results_eq(
    $$ select success, error_code from litellm.debit_user_credits('nobody', 1) $$,
    $$ values (false, 'unknown_user') $$,
    'an unknown user named by the hint is refused as without it'
);
select is(current_setting('litellm.slot_accounts'), 'hint-split', 'and neither is hinted any more');

-- Back to one slot: the next debit finds it and drops the hint.
select litellm.set_account_slots('hint-split', 1);
select results_eq(
    $$ select success, credits_remaining from litellm.debit_user_credits('hint-split', 1, request_id => 'h-3') $$,
    $$ values (true, 38.000000::numeric) $$,
    'an account back to one slot is charged on its account row'
);
select is(current_setting('litellm.slot_accounts'), '', 'and is no longer hinted');

-- Malformed: any text is a list of user ids, one a line.
select set_config('litellm.slot_accounts', '{"hint-one"', false);
select results_eq(
    $$ select success from litellm.debit_user_credits('hint-one', 1) $$,
    $$ values (true) $$,
    'a malformed hint breaks no debit'
);

-- The last 8 slot accounts, newest first.
select set_config('litellm.slot_accounts', '', false);
select litellm.add_user_credits('hint-' || n, 10, 'purchase') from generate_series(1, 9) as n;
select litellm.set_account_slots('hint-' || n, 2) from generate_series(1, 9) as n;
select litellm.debit_user_credits('hint-' || n, 1) from generate_series(1, 9) as n;
select is(
    current_setting('litellm.slot_accounts'),
    array_to_string(array(select 'hint-' || n from generate_series(9, 2, -1) as n), e'\n'),
    'the session hints its last 8 slot accounts, newest first'
);

select * from finish();
rollback;
