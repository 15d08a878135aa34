-- An organisation budget covers the charges in all its teams.
begin;
select plan(4);

select litellm.create_organization('ho-org');
select litellm.create_organization('ho-other-org');
select litellm.create_team('ho-t1', 'ho-org');
select litellm.create_team('ho-t2', 'ho-org');
select litellm.create_team('ho-t3', 'ho-other-org');
select litellm.add_team_member('ho-a', 'ho-t1');
select litellm.add_team_member('ho-b', 'ho-t2');
select litellm.add_team_member('ho-c', 'ho-t3');
select litellm.set_budget('organization', 10, organization_id => 'ho-org', period => 'weekly');
select litellm.set_budget('team', 100, team_id => 'ho-t2');

select litellm._apply_budgets('ho-a', null, null, 6, 'charge');
select results_eq(
    $$ select ok, level from litellm._apply_budgets('ho-b', null, null, 5, 'charge') $$,
    $$ values (false, 'organization'::text) $$,
    'a charge in another team of the organisation is refused by the organisation budget'
);
select results_eq(
    $$ select spent from litellm.get_budget_status(team_id => 'ho-t2') $$,
    $$ values (0.000000::numeric), (6.000000) $$,
    'and the team budget that passed was not charged'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('ho-c', null, null, 50, 'charge') $$,
    $$ values (true) $$,
    'teams of another organisation are not limited by it'
);
select results_eq(
    $$ select period_start, period_end - period_start from litellm.get_budget_status(organization_id => 'ho-org') $$,
    $$ values (date_trunc('week', now() at time zone 'UTC')::date, 7) $$,
    'a weekly period starts on Monday (UTC)'
);

select * from finish();
rollback;
