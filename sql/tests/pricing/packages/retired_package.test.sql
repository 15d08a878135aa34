-- A retired package (active = false) cannot be bought; it stays for history.
begin;
select plan(4);

select litellm.purchase_credit_package('old-buyer', 4, 'stripe', 'ch_before_retirement');
update litellm.credit_packages set active = false
where package_id = 4;

select throws_ok(
    $$ select litellm.purchase_credit_package('new-buyer', 4, 'stripe', 'ch_after_retirement') $$,
    'LD320', 'credit package 4 (Enterprise Pack) is retired', 'buying a retired package is refused'
);
select is(litellm_test.journal_count('new-buyer'), 0::bigint, 'nothing was written');
select ok(
    exists (
        select from litellm.credit_packages
        where package_id = 4 and not active
    ),
    'the retired package stays in the catalogue'
);
select is(
    (
        select package_id from litellm.credit_transactions
        where stripe_transaction_id = 'ch_before_retirement'
    ),
    4,
    'the earlier purchase still refers to it'
);

select * from finish();
rollback;
