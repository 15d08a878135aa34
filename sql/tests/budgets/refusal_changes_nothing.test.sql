-- A refusal by any level leaves every counter, alert and attribution row as it was.
begin;
select plan(4);

select litellm.create_organization('rn-org');
select litellm.create_team('rn-team', 'rn-org');
select litellm.add_team_member('rn-user', 'rn-team');
select litellm.set_budget('user', 100, user_id => 'rn-user', soft_thresholds => '{0.1}');
select litellm.set_budget('membership', 100, user_id => 'rn-user', team_id => 'rn-team', soft_thresholds => '{0.1}');
select litellm.set_budget('team', 100, team_id => 'rn-team', soft_thresholds => '{0.1}');
select litellm.set_budget('organization', 10, organization_id => 'rn-org');
select litellm._apply_budgets('rn-user', null, 'm', 5, 'charge', '{tag-a}');

create temporary table before_refusal as
select
    c.budget_id,
    c.period_start,
    c.spent,
    c.held
from litellm.budget_counters as c;

select results_eq(
    $$ select ok, level from litellm._apply_budgets('rn-user', null, 'm', 6, 'charge', '{tag-a}') $$,
    $$ values (false, 'organization'::text) $$,
    'the organisation, checked last, refuses'
);
select set_eq(
    $$ select c.budget_id, c.period_start, c.spent, c.held from litellm.budget_counters as c $$,
    $$ select * from before_refusal $$,
    'no counter changed, though the user, membership and team budgets had room'
);
select is_empty($$ select from litellm.budget_alerts $$, 'no threshold alert was recorded');
select results_eq(
    $$ select (select sum(spend) from litellm.spend_daily), (select sum(spend) from litellm.spend_tag_daily) $$,
    $$ values (5.000000::numeric, 5.000000::numeric) $$,
    'nothing was attributed'
);

select * from finish();
rollback;
