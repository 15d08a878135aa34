-- The analyst reads budgets, alerts and attribution, and changes nothing.
begin;
select plan(7);

select litellm.create_team('rn-team');
select litellm.set_budget('team', 5, team_id => 'rn-team');
set local role litellm_analyst;

select results_eq(
    $$ select hard_limit from litellm.get_budget_status(team_id => 'rn-team') $$,
    $$ values (5.000000::numeric) $$,
    'it reads budget status'
);
select lives_ok(
    $$ select * from litellm.list_budget_alerts(); select * from litellm.get_daily_spend(team_id => 'rn-team');
       select * from litellm.spend_daily; select * from litellm.budget_counters $$,
    'it reads alerts, attribution and counters'
);
select throws_ok(
    $$ select litellm.set_budget('team', 1e9, team_id => 'rn-team') $$, '42501', null, 'it cannot set budgets'
);
select throws_ok(
    $$ select litellm.create_team('rn-team-2') $$, '42501', null, 'it cannot create teams'
);
select throws_ok(
    $$ update litellm.budgets set hard_limit = 0 $$, '42501', null, 'it cannot write budgets'
);
select throws_ok(
    $$ select * from litellm.add_user_credits('rn-user', 1) $$, '42501', null, 'it cannot move credits'
);
select throws_ok(
    $$ select * from litellm.user_credits $$, '42501', null, 'it reads no account table directly'
);

select * from finish();
rollback;
