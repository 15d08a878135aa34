-- One budget per level, subject, model and period: setting it again changes it in place.
begin;
select plan(5);

select litellm.create_team('su-team');
select litellm.set_budget('team', 10, team_id => 'su-team', soft_thresholds => '{0.8,0.5,0.8}');
select litellm.add_team_member('su-user', 'su-team');
select litellm_test.funded_user('su-user', 100);
select litellm._apply_budgets('su-user', null, null, 4, 'charge');

select results_eq(
    $$ select soft_thresholds from litellm.budgets where team_id = 'su-team' $$,
    $$ values ('{0.5,0.8}'::numeric []) $$,
    'thresholds are stored sorted, without duplicates'
);
select results_eq(
    $$ select hard_limit from litellm.set_budget('team', 20, team_id => 'su-team') $$,
    $$ values (20.000000::numeric) $$,
    'setting the budget again changes the limit'
);
select results_eq(
    $$ select count(*) from litellm.budgets where team_id = 'su-team' $$,
    $$ values (1::bigint) $$,
    'the same budget, not a second one'
);
select results_eq(
    $$ select spent from litellm.get_budget_status(team_id => 'su-team') $$,
    $$ values (4.000000::numeric) $$,
    'what was spent this period stays'
);
select litellm.set_budget('team', 20, team_id => 'su-team', period => 'daily');
select results_eq(
    $$ select period from litellm.budgets where team_id = 'su-team' order by budget_id $$,
    $$ values ('monthly'::text), ('daily') $$,
    'another period is another budget'
);

select * from finish();
rollback;
