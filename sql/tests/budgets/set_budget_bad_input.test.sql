-- set_budget refuses what it cannot enforce, with a documented SQLSTATE.
begin;
select plan(12);

select litellm.create_organization('sb-org');
select litellm.create_team('sb-team', 'sb-org');

select throws_ok($$ select litellm.set_budget('tenant', 10, user_id => 'u') $$, 'LD051', null, 'unknown level');
select throws_ok(
    $$ select litellm.set_budget('user', 10, user_id => 'u', team_id => 'sb-team') $$,
    'LD051', null, 'a user budget takes no team (that is a membership budget)'
);
select throws_ok(
    $$ select litellm.set_budget('team', 10, team_id => 'sb-team', organization_id => 'sb-org') $$,
    'LD051', null, 'a team budget takes no organisation'
);
select throws_ok(
    $$ select litellm.set_budget('user', 10, user_id => 'u', period => 'yearly') $$, 'LD052', null, 'unknown period'
);
select throws_ok(
    $$ select litellm.set_budget('user', 10, user_id => 'u', soft_thresholds => '{0.5,1.5}') $$,
    'LD053', null, 'a threshold above 1'
);
select throws_ok(
    $$ select litellm.set_budget('user', 10, user_id => 'u', soft_thresholds => '{0,0.5}') $$,
    'LD053', null, 'a threshold of 0'
);
select throws_ok(
    $$ select litellm.set_budget('user', 10, user_id => 'u', soft_thresholds => '{0.5,null}') $$,
    'LD053', null, 'a NULL threshold'
);
select throws_ok(
    $$ select litellm.set_budget('user', -1, user_id => 'u') $$, 'LD001', null, 'a negative limit'
);
select throws_ok(
    $$ select litellm.set_budget('user', 'NaN', user_id => 'u') $$, 'LD001', null, 'a NaN limit'
);
select throws_ok(
    $$ select litellm.set_budget('organization', 10, organization_id => 'no-org') $$,
    'LD250', null, 'an unknown organisation'
);
select throws_ok(
    $$ select litellm.set_budget('membership', 10, user_id => 'not-a-member', team_id => 'sb-team') $$,
    'LD252', null, 'a membership budget for a user who is not in the team'
);
select is_empty($$ select from litellm.budgets $$, 'no budget was written');

select * from finish();
rollback;
