begin;
select plan(4);

select results_eq(
    $$ select credits_remaining, replayed from litellm.add_user_credits(
           'promo-user', 25, 'promo', null, null, null, 'Launch promo', idempotency_key => 'promo-2026-launch') $$,
    $$ values (25.000000::numeric, false) $$,
    'a promo with an explicit key applies'
);
select results_eq(
    $$ select credits_remaining, replayed from litellm.add_user_credits(
           'promo-user', 25, 'promo', null, null, null, 'Launch promo', idempotency_key => 'promo-2026-launch') $$,
    $$ values (25.000000::numeric, true) $$,
    'the same key replays the original result'
);
select throws_ok(
    $$ select litellm.add_user_credits('promo-user', 30, 'promo', idempotency_key => 'promo-2026-launch') $$,
    'LD101', 'idempotency_key promo-2026-launch was already used with a different amount',
    'the same key with another amount is a conflict'
);
select is(litellm_test.journal_count('promo-user'), 1::bigint, 'one journal entry');

select * from finish();
rollback;
