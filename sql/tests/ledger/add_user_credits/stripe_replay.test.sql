begin;
select plan(6);

create temp table first_call on commit drop as
select * from litellm.add_user_credits('buyer', 500.0, 'purchase', 'stripe', 'ch_1234567890', 2, null);

create temp table second_call on commit drop as
select * from litellm.add_user_credits('buyer', 500.0, 'purchase', 'stripe', 'ch_1234567890', 2, null);

select is((select replayed from first_call), false, 'the first call applies');
select is((select replayed from second_call), true, 'the replay says it is a replay');
select is(
    (select transaction_id from second_call), (select transaction_id from first_call),
    'the replay returns the original transaction'
);
select is(
    (select credits_remaining from second_call), 500.000000::numeric,
    'the replay returns the original balance'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'buyer'
    ), 500.000000::numeric,
    'the charge was credited once'
);
select is(litellm_test.journal_count('buyer'), 1::bigint, 'one journal entry');

select * from finish();
rollback;
