-- verify_ledger() is an auditor: it must see damage done behind the API's back.
begin;
select plan(4);

select litellm_test.funded_user('audited', 10);
select litellm.debit_user_credits('audited', 3);
select is_empty($$ select * from litellm.verify_ledger() $$, 'a healthy ledger has no findings');

update litellm.user_credits set credits_remaining = credits_remaining + 100
where user_id = 'audited';
select results_eq(
    $$ select problem from litellm.verify_ledger() where user_id = 'audited' $$,
    $$ values ('balance differs from the journal'::text), ('balance differs from the last balance_after'),
              ('balance differs from the lots') $$,
    'a balance edited by hand is reported three ways'
);
update litellm.user_credits set credits_remaining = credits_remaining - 100, last_seq = last_seq + 1
where user_id = 'audited';
select results_eq(
    $$ select problem from litellm.verify_ledger() where user_id = 'audited' $$,
    $$ values ('journal sequence has gaps'::text) $$,
    'a skipped sequence number is reported'
);
update litellm.user_credits set last_seq = last_seq - 1, credits_held = 1
where user_id = 'audited';
select results_eq(
    $$ select problem from litellm.verify_ledger() where user_id = 'audited' $$,
    $$ values ('held amount differs from live holds'::text) $$,
    'a held amount without holds is reported'
);

select * from finish();
rollback;
