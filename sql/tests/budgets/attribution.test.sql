-- Charges in a team are attributed per user, team, membership, organisation, model and tag, per day.
begin;
select plan(6);

select litellm.create_organization('at-org');
select litellm.create_team('at-t1', 'at-org');
select litellm.create_team('at-t2', 'at-org');
select litellm.add_team_member('at-a', 'at-t1');
select litellm.add_team_member('at-b', 'at-t1');
select litellm.add_team_member('at-b', 'at-t2', is_primary => false);

select litellm._apply_budgets('at-a', null, 'gpt-4', 1, 'charge', '{prod,key:1}');
select litellm._apply_budgets('at-a', null, 'gpt-4', 2, 'charge', '{prod}');
select litellm._apply_budgets('at-b', null, 'claude', 4, 'charge');
select litellm._apply_budgets('at-b', 'at-t2', 'claude', 8, 'charge', '{prod}');
select litellm._apply_budgets('at-a', null, 'gpt-4', 0.5, 'refund', '{prod}');
select litellm._apply_budgets('at-a', null, 'gpt-4', 100, 'hold');

select results_eq(
    $$ select model, spend, refunded, charge_count from litellm.get_daily_spend(team_id => 'at-t1') $$,
    $$ values ('claude'::text, 4.000000::numeric, 0.000000::numeric, 1::bigint), ('gpt-4', 3.000000, 0.500000, 2) $$,
    'a team''s spend per model (holds are not spend)'
);
select results_eq(
    $$ select sum(spend) from litellm.get_daily_spend(organization_id => 'at-org') $$,
    $$ values (15.000000::numeric) $$,
    'an organisation''s spend covers its teams'
);
select results_eq(
    $$ select model, spend from litellm.get_daily_spend(user_id => 'at-b', team_id => 'at-t2') $$,
    $$ values ('claude'::text, 8.000000::numeric) $$,
    'a membership''s spend'
);
select results_eq(
    $$ select spend, refunded, charge_count from litellm.get_daily_spend(tag => 'prod') $$,
    $$ values (11.000000::numeric, 0.500000::numeric, 3::bigint) $$,
    'a tag''s spend'
);
select results_eq(
    $$ select date from litellm.get_daily_spend(tag => 'key:1', user_id => 'at-a') $$,
    $$ values ((now() at time zone 'UTC')::date) $$,
    'per UTC day'
);
select throws_ok(
    $$ select * from litellm.get_daily_spend(tag => 'prod', team_id => 'at-t1') $$,
    'LD056', null, 'a tag cannot be narrowed to a team'
);

select * from finish();
rollback;
