-- A team budget is shared by every member's charges in the team.
begin;
select plan(4);

select litellm.create_team('ht-team');
select litellm.create_team('ht-elsewhere');
select litellm.add_team_member('ht-a', 'ht-team');
select litellm.add_team_member('ht-b', 'ht-team');
select litellm.add_team_member('ht-b', 'ht-elsewhere', is_primary => false);
select litellm.set_budget('team', 10, team_id => 'ht-team', period => 'daily');

select litellm._apply_budgets('ht-a', null, null, 7, 'charge');
select results_eq(
    $$ select ok, level from litellm._apply_budgets('ht-b', null, null, 4, 'charge') $$,
    $$ values (false, 'team'::text) $$,
    'another member''s charge is refused once the team''s budget would be passed'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('ht-b', 'ht-elsewhere', null, 4, 'charge') $$,
    $$ values (true) $$,
    'the same member charging in another team is not'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('ht-b', null, null, 3, 'charge') $$,
    $$ values (true) $$,
    'what is left of the team budget can be spent'
);
select results_eq(
    $$ select spent, held, remaining from litellm.get_budget_status(team_id => 'ht-team') $$,
    $$ values (10.000000::numeric, 0.000000::numeric, 0.000000::numeric) $$,
    'the team budget is spent'
);

select * from finish();
rollback;
