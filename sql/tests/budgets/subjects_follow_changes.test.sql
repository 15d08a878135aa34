-- budget_subjects, the one-probe index of a charge, follows memberships and budgets.
begin;
select plan(4);

select litellm.create_team('sf-team');
select litellm.set_budget('user', 10, user_id => 'sf-user');
select results_eq(
    $$ select primary_team_id, has_user_budgets, has_membership_budgets from litellm.budget_subjects
       where user_id = 'sf-user' $$,
    $$ values (null::text, true, false) $$,
    'a user budget creates the row'
);
select litellm.add_team_member('sf-user', 'sf-team');
select litellm.set_budget('membership', 10, user_id => 'sf-user', team_id => 'sf-team');
select results_eq(
    $$ select primary_team_id, has_user_budgets, has_membership_budgets from litellm.budget_subjects
       where user_id = 'sf-user' $$,
    $$ values ('sf-team'::text, true, true) $$,
    'a membership and a membership budget are recorded'
);
select litellm.set_budget('user', 10, user_id => 'sf-user', active => false);
select litellm.set_budget('membership', 10, user_id => 'sf-user', team_id => 'sf-team', active => false);
select litellm.remove_team_member('sf-user', 'sf-team');
select is_empty(
    $$ select from litellm.budget_subjects where user_id = 'sf-user' $$,
    'with nothing left to check the row goes away'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('sf-user', null, null, 100, 'charge') $$,
    $$ values (true) $$,
    'and inactive budgets are not checked'
);

select * from finish();
rollback;
