-- A per-model budget counts and limits only charges for its model.
begin;
select plan(5);

select litellm.create_team('pm-team');
select litellm.add_team_member('pm-user', 'pm-team');
select litellm.set_budget('team', 100, team_id => 'pm-team');
select litellm.set_budget('team', 5, team_id => 'pm-team', model => 'gpt-4');

select results_eq(
    $$ select ok from litellm._apply_budgets('pm-user', null, 'gpt-4', 5, 'charge') $$,
    $$ values (true) $$,
    'gpt-4 up to its limit'
);
select results_eq(
    $$ select ok, level from litellm._apply_budgets('pm-user', null, 'gpt-4', 1, 'charge') $$,
    $$ values (false, 'model:gpt-4'::text) $$,
    'past it a gpt-4 charge is refused, naming the model'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('pm-user', null, 'claude-3', 50, 'charge') $$,
    $$ values (true) $$,
    'other models are limited only by the team budget'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('pm-user', null, null, 50, 'hold') $$,
    $$ values (false) $$,
    'a hold without a model counts against the team budget (55 spent)'
);
select results_eq(
    $$ select model, spent from litellm.get_budget_status(team_id => 'pm-team') $$,
    $$ values (null::text, 55.000000::numeric), ('gpt-4', 5.000000) $$,
    'the per-model counter counts only its model'
);

select * from finish();
rollback;
