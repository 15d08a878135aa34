-- A membership budget limits a user's charges in one team only.
begin;
select plan(4);

select litellm.create_team('hm-a');
select litellm.create_team('hm-b');
select litellm.add_team_member('hm-user', 'hm-a');
select litellm.add_team_member('hm-user', 'hm-b');
select litellm.add_team_member('hm-other', 'hm-a');
select litellm.set_budget('membership', 5, user_id => 'hm-user', team_id => 'hm-a');

select results_eq(
    $$ select ok from litellm._apply_budgets('hm-user', null, null, 5, 'charge') $$,
    $$ values (true) $$,
    'a charge in the primary team counts against the membership budget'
);
select results_eq(
    $$ select ok, level from litellm._apply_budgets('hm-user', 'hm-a', null, 0.000001, 'charge') $$,
    $$ values (false, 'membership'::text) $$,
    'the next one in that team is refused as membership'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('hm-user', 'hm-b', null, 50, 'charge') $$,
    $$ values (true) $$,
    'charges in another team are not limited by it'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('hm-other', 'hm-a', null, 50, 'charge') $$,
    $$ values (true) $$,
    'nor are other members'' charges in the team'
);

select * from finish();
rollback;
