-- A refused charge or hold names the condition that failed, each tested on its
-- own; an account that meets every condition gets no reason at all (the
-- caller tries again), never one that did not fail.
begin;
select plan(7);

select litellm_test.funded_user('refused', 100);

select results_eq(
    $$ select error_code, sweep_due from litellm._refusal('nobody', 1) $$,
    $$ values ('unknown_user'::text, false) $$,
    'an unknown user'
);
select results_eq(
    $$ select error_code, sweep_due from litellm._refusal('refused', 1) $$,
    $$ values (null::text, false) $$,
    'an account that meets every condition gets no reason'
);
select results_eq(
    $$ select error_code from litellm._refusal('refused', 101) $$,
    $$ values ('insufficient_credits'::text) $$,
    'more than the available balance'
);

update litellm.user_credits set monthly_cap = 10
where user_id = 'refused';
select results_eq(
    $$ select error_code from litellm._refusal('refused', 11) $$,
    $$ values ('monthly_cap_exceeded'::text) $$,
    'past the monthly cap'
);
select results_eq(
    $$ select error_code from litellm._refusal('refused', 10) $$,
    $$ values (null::text) $$,
    'up to the cap is no refusal'
);

update litellm.user_credits set next_expiry_at = now() - interval '1 second'
where user_id = 'refused';
select results_eq(
    $$ select error_code, sweep_due from litellm._refusal('refused', 1) $$,
    $$ values (null::text, true) $$,
    'an expiry is due: sweep first'
);

select throws_ok(
    $$ select litellm._check_refused('refused', null) $$,
    '40001',
    'a charge or hold of user refused was refused although the account met every condition',
    'no reason twice: the caller is asked to retry'
);

select * from finish();
rollback;
