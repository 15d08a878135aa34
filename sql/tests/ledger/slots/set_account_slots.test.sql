-- set_account_slots splits an account's credits over its slots as transfer
-- pairs, and back to one row; the journal stays consistent throughout.
begin;
select plan(12);

select litellm.add_user_credits('slotted', 100, 'purchase');
select litellm.add_user_credits('slotted', 10, 'trial');

select throws_ok(
    $$ select litellm.set_account_slots('slotted', 0) $$,
    'LD080', 'slot_count must be between 1 and 64, got 0',
    'a slot count below 1 is refused'
);
select throws_ok(
    $$ select litellm.set_account_slots('slotted', 65) $$,
    'LD080', 'slot_count must be between 1 and 64, got 65',
    'and above 64'
);
select throws_ok(
    $$ select litellm.set_account_slots('nobody', 4) $$,
    'LD081', 'Unknown user nobody: no credits have been added for this user',
    'a user without an account has no slots to set'
);
select throws_ok(
    $$ select litellm.set_account_slots(' ', 4) $$,
    'LD004', null,
    'a blank user id is refused'
);

select results_eq(
    $$ select slots, credits_remaining from litellm.set_account_slots('slotted', 4) $$,
    $$ values (4::smallint, 110.000000::numeric) $$,
    'four slots: the account''s balance is unchanged'
);
select results_eq(
    $$ select 0, credits_remaining from litellm.user_credits where user_id = 'slotted'
       union all
       select slot::integer, credits_remaining from litellm.credit_slots where user_id = 'slotted' order by 1 $$,
    $$ values (0, 27.500000::numeric), (1, 27.500000), (2, 27.500000), (3, 27.500000) $$,
    'the credits are spread evenly'
);
select results_eq(
    $$ select count(*), sum(amount) from litellm.credit_transactions
       where user_id = 'slotted' and transaction_type = 'transfer' $$,
    $$ values (8::bigint, 0.000000::numeric) $$,
    'as transfer pairs (one per slot and source lot) that sum to zero'
);
select results_eq(
    $$ select l.transaction_type, l.priority::integer from litellm.credit_lots as l
       where l.user_id = 'slotted' and l.slot = 1 order by l.priority $$,
    $$ values ('trial'::text, 10), ('purchase', 100) $$,
    'a moved lot keeps its kind and priority'
);
select results_eq(
    $$ select sum(f) from (
           select cap_fraction as f from litellm.user_credits where user_id = 'slotted'
           union all select cap_fraction from litellm.credit_slots where user_id = 'slotted' and active
       ) as fractions $$,
    $$ values (1::numeric) $$,
    'the cap fractions sum to exactly 1'
);
select results_eq(
    $$ select slots, credits_remaining from litellm.set_account_slots('slotted', 4) $$,
    $$ values (4::smallint, 110.000000::numeric) $$,
    'the same count again changes nothing'
);

select results_eq(
    $$ select slots, credits_remaining from litellm.set_account_slots('slotted', 1) $$,
    $$ values (1::smallint, 110.000000::numeric) $$,
    'back to one slot: the account is whole again'
);
select results_eq(
    $$ select count(*) filter (where active), sum(credits_remaining), sum(credits_held)
       from litellm.credit_slots where user_id = 'slotted' $$,
    $$ values (0::bigint, 0.000000::numeric, 0.000000::numeric) $$,
    'its other slots are retired, empty'
);

select * from finish();
rollback;
