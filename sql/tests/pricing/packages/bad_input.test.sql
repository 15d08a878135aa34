begin;
select plan(5);

select throws_ok(
    $$ select litellm.purchase_credit_package('buyer', 99, 'stripe', 'ch_x') $$,
    'LD006', 'unknown credit package 99', 'unknown package'
);
select throws_ok(
    $$ select litellm.purchase_credit_package('buyer', 1, 'stripe', null) $$,
    'LD031', 'charge_id is required', 'a purchase needs a charge id'
);
select throws_ok(
    $$ select litellm.purchase_credit_package(null, 1, 'stripe', 'ch_x') $$,
    'LD004', 'user_id is required', 'NULL user'
);
select throws_ok(
    $$ select litellm.purchase_credit_package('buyer', 1, 'stripe', repeat('c', 256)) $$,
    'LD007', 'charge_id is longer than 255 characters', 'over-long charge id'
);
select is(litellm_test.journal_count('buyer'), 0::bigint, 'nothing was written');

select * from finish();
rollback;
