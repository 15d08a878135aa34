-- Crossing a soft threshold records one alert per budget, period and threshold.
begin;
select plan(6);

select litellm.create_team('sa-team');
select litellm.add_team_member('sa-user', 'sa-team');
select litellm.set_budget('team', 100, team_id => 'sa-team', soft_thresholds => '{0.5,0.8}');

select litellm._apply_budgets('sa-user', null, null, 49, 'charge');
select is_empty($$ select from litellm.budget_alerts $$, 'below the first threshold: no alert');

select litellm._apply_budgets('sa-user', null, null, 1, 'charge');
select results_eq(
    $$ select threshold, spent, user_id, team_id from litellm.budget_alerts $$,
    $$ values (0.5::numeric, 50.000000::numeric, 'sa-user'::text, 'sa-team'::text) $$,
    'reaching 50 % records the 0.5 alert'
);
select litellm._apply_budgets('sa-user', null, null, 1, 'charge');
select litellm._apply_budgets('sa-user', null, null, 1, 'refund');
select litellm._apply_budgets('sa-user', null, null, 2, 'refund');
select litellm._apply_budgets('sa-user', null, null, 2, 'charge');
select results_eq(
    $$ select count(*) from litellm.budget_alerts $$,
    $$ values (1::bigint) $$,
    'dropping below and crossing again in the same period does not alert again'
);
select litellm._apply_budgets('sa-user', null, null, 45, 'charge');
select results_eq(
    $$ select threshold from litellm.budget_alerts order by alert_id $$,
    $$ values (0.5::numeric), (0.8) $$,
    'one charge past the next threshold records it'
);
select results_eq(
    $$ select threshold, charged_user_id from litellm.list_budget_alerts(team_id => 'sa-team') $$,
    $$ values (0.8::numeric, 'sa-user'::text), (0.5, 'sa-user') $$,
    'list_budget_alerts shows them newest first'
);
-- Pretend all of that happened last month.
update litellm.budget_counters set period_start = period_start - interval '1 month';
update litellm.budget_alerts set period_start = period_start - interval '1 month';
select litellm._apply_budgets('sa-user', null, null, 60, 'charge');
select results_eq(
    $$ select count(*) from litellm.budget_alerts where threshold = 0.5 $$,
    $$ values (2::bigint) $$,
    'a new period alerts again'
);

select * from finish();
rollback;
