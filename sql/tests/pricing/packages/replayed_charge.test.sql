-- A replayed charge credits once and returns the original purchase, also after
-- the package was retired; the same charge for another user or package is a
-- conflict.
begin;
select plan(7);

create temp table first_call on commit drop as
select * from litellm.purchase_credit_package('buyer', 3, 'stripe', 'ch_replay');

create temp table second_call on commit drop as
select * from litellm.purchase_credit_package('buyer', 3, 'stripe', 'ch_replay');

select is((select replayed from second_call), true, 'the replay says it is a replay');
select is(
    (select transaction_id from second_call), (select transaction_id from first_call),
    'the replay returns the original transaction'
);
select is(litellm_test.journal_count('buyer'), 1::bigint, 'the charge was credited once');

update litellm.credit_packages set active = false
where package_id = 3;
select results_eq(
    $$ select amount_credited, replayed from litellm.purchase_credit_package('buyer', 3, 'stripe', 'ch_replay') $$,
    $$ values (1000.000000::numeric, true) $$,
    'a replay after the package was retired still returns the original purchase'
);
select throws_ok(
    $$ select litellm.purchase_credit_package('someone-else', 3, 'stripe', 'ch_replay') $$,
    'LD101', null, 'the same charge for another user is a conflict'
);
select throws_ok(
    $$ select litellm.purchase_credit_package('buyer', 1, 'stripe', 'ch_replay') $$,
    'LD101', null, 'the same charge for another package is a conflict'
);
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'buyer'
    ),
    1000.000000::numeric,
    'the balance holds one package'
);

select * from finish();
rollback;
