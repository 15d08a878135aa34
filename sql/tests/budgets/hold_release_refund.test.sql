-- Holds count against budgets until released; settle and refund move spending.
begin;
select plan(7);

select litellm.create_team('hr-team');
select litellm.add_team_member('hr-user', 'hr-team');
select litellm.set_budget('team', 10, team_id => 'hr-team');

select results_eq(
    $$ select ok from litellm._apply_budgets('hr-user', null, null, 6, 'hold') $$,
    $$ values (true) $$,
    'a hold within the budget'
);
select results_eq(
    $$ select ok, level from litellm._apply_budgets('hr-user', null, null, 5, 'hold') $$,
    $$ values (false, 'team'::text) $$,
    'a second hold past it is refused'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('hr-user', null, null, 5, 'charge') $$,
    $$ values (false) $$,
    'so is a charge: holds count'
);
-- Settling: release the hold, then charge the actual cost.
select litellm._apply_budgets('hr-user', null, null, 6, 'release');
select litellm._apply_budgets('hr-user', null, null, 4, 'charge');
select results_eq(
    $$ select spent, held from litellm.get_budget_status(team_id => 'hr-team') $$,
    $$ values (4.000000::numeric, 0.000000::numeric) $$,
    'release then charge leaves the actual cost spent'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('hr-user', null, null, 99, 'release') $$,
    $$ values (true) $$,
    'a release never fails'
);
select litellm._apply_budgets('hr-user', null, null, 9, 'settle', released => 9);
select results_eq(
    $$ select spent from litellm.get_budget_status(team_id => 'hr-team') $$,
    $$ values (13.000000::numeric) $$,
    'a settlement up to its hold charges without the limit check (the hold was checked when made)'
);
select litellm._apply_budgets('hr-user', null, null, 20, 'refund');
select results_eq(
    $$ select spent, held from litellm.get_budget_status(team_id => 'hr-team') $$,
    $$ values (0.000000::numeric, 0.000000::numeric) $$,
    'a refund takes spending back, never below zero'
);

select * from finish();
rollback;
