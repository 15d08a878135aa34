begin;
select plan(4);

select litellm_test.funded_user('holder', 50);
select litellm.add_user_credits('holder', 10, 'bonus', 'trial', null, null, 'Welcome');
select litellm.debit_user_credits('holder', 2.5, 'openai', 'gpt-4', 10, 10, 'balanced');

select results_eq(
    $$ select user_id, credits_remaining, tier, total_purchased, total_granted, total_spent, transaction_count
       from litellm.get_user_balance('holder') $$,
    $$ values ('holder'::text, 57.500000::numeric, 'free'::text, 50.000000::numeric, 10.000000::numeric,
               2.500000::numeric, 3::bigint) $$,
    'balance and totals of a known user'
);

select is_empty(
    $$ select * from litellm.get_user_balance('nobody') $$,
    'an unknown user has no row'
);

update litellm.tiers set monthly_cap = 1000
where tier = 'starter';
update litellm.user_credits set tier = 'starter'
where user_id = 'holder';
select is(
    (select monthly_cap from litellm.get_user_balance('holder')), 1000.000000::numeric,
    'without a cap of its own the user gets the tier''s cap'
);
update litellm.user_credits set monthly_cap = 25
where user_id = 'holder';
select is(
    (select monthly_cap from litellm.get_user_balance('holder')), 25.000000::numeric,
    'the user''s own cap wins over the tier''s'
);

select * from finish();
rollback;
