begin;
select plan(7);

select throws_ok(
    $$ select * from litellm.busy_accounts(61, 10) $$, 'LD057', null, 'a window over a minute is refused'
);
select throws_ok(
    $$ select * from litellm.busy_accounts(1, 0) $$, 'LD057', null, 'as is no sample'
);
select throws_ok(
    $$ select * from litellm.busy_accounts(null, 10) $$, 'LD057', null, 'or a NULL window'
);
select is_empty(
    $$ select * from litellm.busy_accounts(0, 3) $$,
    'no account is busy when no charge waits'
);

set local role litellm_analyst;
select is_empty(
    $$ select * from litellm.busy_accounts(0, 1) $$,
    'the analyst may sample'
);
select throws_ok(
    $$ select * from litellm._account_lock_waiters() $$, '42501', null, 'but not call the helper'
);
reset role;

set local role litellm_app;
select throws_ok(
    $$ select * from litellm.busy_accounts(0, 1) $$, '42501', null, 'the application may not sample'
);
reset role;

select * from finish();
rollback;
