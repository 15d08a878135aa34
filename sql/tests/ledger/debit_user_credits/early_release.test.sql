-- The early-release debit commits inside itself, so here (in a transaction)
-- it must refuse with 2D000 and leave nothing behind; its results, durability
-- and concurrency are proven in tests/test_early_release.py.
begin;
select plan(8);

select litellm_test.funded_user('busy', 10);

select throws_ok(
    $$ call litellm.debit_user_credits_early_release('busy', 1, request_id => 'in-a-block') $$,
    '2D000', null, 'inside a transaction block it raises 2D000'
);
select is(litellm_test.journal_count('busy'), 1::bigint, 'and writes no journal entry');
select is(
    (
        select credits_remaining from litellm.user_credits
        where user_id = 'busy'
    ), 10.000000::numeric,
    'and leaves the balance as it was'
);

select ok(
    has_function_privilege(
        'litellm_app',
        'litellm.debit_user_credits_early_release'::regproc, 'execute'
    ),
    'the application may call it'
);
select ok(
    has_sequence_privilege('litellm_app', 'litellm.wal_flush_mark', 'update'),
    'the application may set the WAL flush mark, as the procedure does'
);
select ok(
    not has_function_privilege(
        'litellm_analyst',
        'litellm.debit_user_credits_early_release'::regproc, 'execute'
    ),
    'the analyst may not'
);
select ok(
    not has_function_privilege(
        'litellm_end_user',
        'litellm.debit_user_credits_early_release'::regproc, 'execute'
    ),
    'nor may an end user'
);
select ok(
    not has_sequence_privilege('litellm_analyst', 'litellm.wal_flush_mark', 'update'),
    'the analyst may not set the WAL flush mark'
);

select * from finish();
rollback;
