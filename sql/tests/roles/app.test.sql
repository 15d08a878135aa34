-- The application manages teams and budgets through the API, and writes none of their tables.
begin;
select plan(10);

select litellm_test.funded_user('ra-user', 10);
set local role litellm_app;

select lives_ok(
    $$ select litellm.create_organization('ra-org');
       select litellm.create_team('ra-team', 'ra-org');
       select litellm.add_team_member('ra-user', 'ra-team') $$,
    'it creates organisations, teams and memberships through the API'
);
select lives_ok(
    $$ select litellm.set_budget('team', 5, team_id => 'ra-team') $$,
    'it sets budgets through the API'
);
select results_eq(
    $$ select level, hard_limit from litellm.get_budget_status('ra-user') $$,
    $$ values ('team'::text, 5.000000::numeric) $$,
    'it reads budget status'
);
select lives_ok(
    $$ select * from litellm.list_budget_alerts(); select * from litellm.get_daily_spend(team_id => 'ra-team') $$,
    'it lists alerts and spend'
);
select throws_ok(
    $$ insert into litellm.budgets (level, team_id, hard_limit) values ('team', 'ra-team', 1e9) $$,
    '42501', null, 'it cannot write budgets directly'
);
select throws_ok(
    $$ update litellm.budget_counters set spent = 0 $$, '42501', null, 'it cannot reset a counter'
);
select throws_ok(
    $$ delete from litellm.team_memberships $$, '42501', null, 'it cannot write memberships directly'
);
select throws_ok(
    $$ select * from litellm._apply_budgets('ra-user', null, null, 1, 'release') $$,
    '42501', null, 'it cannot call _apply_budgets (only the debit functions do)'
);
select throws_ok(
    $$ select litellm._sync_budget_subject('ra-user') $$, '42501', null, 'nor other internal helpers'
);
select throws_ok(
    $$ select * from litellm.user_provider_keys $$, '42501', null, 'its reads are limited to its grants'
);

select * from finish();
rollback;
