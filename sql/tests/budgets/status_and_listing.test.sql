-- get_budget_status lists the budgets that apply; listings check their limits.
begin;
select plan(6);

select litellm.create_organization('st-org');
select litellm.create_team('st-team', 'st-org');
select litellm.create_team('st-other');
select litellm.add_team_member('st-user', 'st-team');
select litellm.add_team_member('st-user', 'st-other', is_primary => false);
select litellm.set_budget('user', 50, user_id => 'st-user', period => 'daily');
select litellm.set_budget('membership', 40, user_id => 'st-user', team_id => 'st-team');
select litellm.set_budget('team', 30, team_id => 'st-team');
select litellm.set_budget('organization', 20, organization_id => 'st-org');
select litellm.set_budget('team', 10, team_id => 'st-other');
select litellm.set_budget('team', 5, team_id => 'st-team', model => 'gpt-4', active => false);
select litellm._apply_budgets('st-user', null, null, 3, 'charge');
select litellm._apply_budgets('st-user', null, null, 2, 'hold');

select results_eq(
    $$ select level, hard_limit, spent, held, remaining from litellm.get_budget_status('st-user') $$,
    $$ values ('user'::text, 50.000000::numeric, 3.000000::numeric, 2.000000::numeric, 45.000000::numeric),
              ('membership', 40, 3, 2, 35), ('team', 30, 3, 2, 25), ('organization', 20, 3, 2, 15) $$,
    'a user''s budgets in the primary team, in lock order; inactive ones are left out'
);
select results_eq(
    $$ select level, team_id from litellm.get_budget_status('st-user', 'st-other') $$,
    $$ values ('user'::text, null::text), ('team', 'st-other') $$,
    'in another team'
);
select results_eq(
    $$ select level from litellm.get_budget_status(organization_id => 'st-org') $$,
    $$ values ('organization'::text) $$,
    'an organisation alone'
);
select results_eq(
    $$ select count(*) from litellm.get_budget_status() $$,
    $$ values (5::bigint) $$,
    'every active budget with no argument'
);
select throws_ok(
    $$ select * from litellm.list_budget_alerts(max_rows => 0) $$, 'LD009', null, 'max_rows must be positive'
);
select throws_ok(
    $$ select * from litellm.get_daily_spend(team_id => 'st-team', days => 0) $$, 'LD056', null, 'days must be positive'
);

select * from finish();
rollback;
