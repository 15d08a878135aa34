-- A split budget: k counter rows, each with a part of the limit; a charge no
-- row can take borrows from the others, and the limit stays exact.
begin;
select plan(16);

select litellm.create_organization('sc-org');
select litellm.create_team('sc-team', 'sc-org');
select litellm.add_team_member('sc-u1', 'sc-team');
select litellm.set_budget('team', 10, team_id => 'sc-team', period => 'daily');
create temporary table sc as
select budget_id from litellm.budgets
where team_id = 'sc-team';

select litellm.set_budget_shares((select budget_id from sc), 4);
select results_eq(
    $$ select b.shares, count(*), sum(litellm._budget_share_limit(c.share, b.hard_limit, c.quota)), sum(c.quota)
       from litellm.budgets as b
       inner join litellm.budget_counters as c using (budget_id)
       where b.budget_id = (select budget_id from sc)
       group by b.shares $$,
    $$ values (4::smallint, 4::bigint, 10.000000::numeric, 0.000000::numeric) $$,
    'four rows for the period, whose parts add up to the hard limit'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('sc-u1', null, null, 9, 'charge') $$,
    $$ values (true) $$,
    'a charge larger than any row''s part borrows from the others'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('sc-u1', null, null, 1, 'hold') $$,
    $$ values (true) $$,
    'a hold that takes the budget exactly to its limit is allowed'
);
select results_eq(
    $$ select ok, level, error_message from litellm._apply_budgets('sc-u1', null, null, 0.000001, 'charge') $$,
    $$ values (false, 'team'::text, 'Team budget ' || (select budget_id from sc)
               || ' (daily) would be exceeded: limit 10.000000, spent 9.000000, held 1.000000, cost 0.000001') $$,
    'one micro-credit more is refused, with the budget''s totals'
);
select results_eq(
    $$ select sum(spent), sum(held), sum(quota) from litellm.budget_counters where budget_id = (select budget_id from sc) $$,
    $$ values (9.000000::numeric, 1.000000::numeric, 0.000000::numeric) $$,
    'the refusal changed nothing; the quotas still add up to 0'
);
select results_eq(
    $$ select count(*) from litellm.budget_counters as c inner join litellm.budgets as b using (budget_id)
       where b.budget_id = (select budget_id from sc)
         and c.spent + c.held > litellm._budget_share_limit(c.share, b.hard_limit, c.quota) $$,
    $$ values (0::bigint) $$,
    'no row counts more than its part'
);
select litellm._apply_budgets('sc-u1', null, null, 1, 'release');
select results_eq(
    $$ select ok from litellm._apply_budgets('sc-u1', null, null, 1, 'charge') $$,
    $$ values (true) $$,
    'the released hold''s room is there for a charge'
);
select results_eq(
    $$ select spent, held, remaining from litellm.get_budget_status(team_id => 'sc-team') $$,
    $$ values (10.000000::numeric, 0.000000::numeric, 0.000000::numeric) $$,
    'get_budget_status gives the totals over the rows'
);
select litellm._apply_budgets('sc-u1', null, null, 12, 'refund');
select results_eq(
    $$ select sum(spent), min(spent) from litellm.budget_counters where budget_id = (select budget_id from sc) $$,
    $$ values (0.000000::numeric, 0.000000::numeric) $$,
    'a refund larger than any row takes from all of them, never below 0'
);

-- A lower limit is shared out at once: no row keeps a part of the old one.
select litellm._apply_budgets('sc-u1', null, null, 3, 'charge');
select litellm.set_budget('team', 4, team_id => 'sc-team', period => 'daily');
select results_eq(
    $$ select (select ok from litellm._apply_budgets('sc-u1', null, null, 1, 'charge')),
              (select ok from litellm._apply_budgets('sc-u1', null, null, 0.000001, 'charge')) $$,
    $$ values (true, false) $$,
    'after set_budget lowers the limit, charges stop exactly at the new one'
);
select throws_ok(
    $$ select litellm.set_budget_shares((select budget_id from sc), 0) $$,
    'LD071', 'invalid number of budget shares 0', 'shares below 1 are refused'
);
select throws_ok(
    $$ select litellm.set_budget_shares(-1, 2) $$,
    'LD072', 'unknown budget -1', 'an unknown budget is refused'
);
select litellm.set_budget_shares((select budget_id from sc), 1);
select results_eq(
    $$ select b.shares, c.share, c.spent, c.quota
       from litellm.budgets as b
       inner join litellm.budget_counters as c using (budget_id)
       where b.budget_id = (select budget_id from sc) $$,
    $$ values (1::smallint, 0::smallint, 4.000000::numeric, 0.000000::numeric) $$,
    'back to one share: the rows fold into one, spending kept'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('sc-u1', null, null, 0.000001, 'charge') $$,
    $$ values (false) $$,
    'and the folded row still holds the limit'
);

-- A budget never split keeps one row per period, as always.
select litellm.create_team('sc-other', 'sc-org');
select litellm.add_team_member('sc-u2', 'sc-other');
select litellm.set_budget('team', 5, team_id => 'sc-other');
select litellm._apply_budgets('sc-u2', null, null, 1, 'charge');
select results_eq(
    $$ select c.share, c.spent, c.quota from litellm.budget_counters as c
       inner join litellm.budgets as b using (budget_id) where b.team_id = 'sc-other' $$,
    $$ values (0::smallint, 1.000000::numeric, 0.000000::numeric) $$,
    'a budget of one share has one row, share 0, quota 0'
);

-- Soft thresholds are judged on the totals, and alert once.
select litellm.set_budget('team', 100, team_id => 'sc-team', period => 'daily', soft_thresholds => '{0.5}');
select litellm.set_budget_shares((select budget_id from sc), 8);
select litellm._apply_budgets('sc-u1', null, null, 20, 'charge');
select litellm._apply_budgets('sc-u1', null, null, 30, 'charge');
select litellm._apply_budgets('sc-u1', null, null, 5, 'charge');
select results_eq(
    $$ select threshold, spent from litellm.budget_alerts where budget_id = (select budget_id from sc) $$,
    $$ values (0.5, 54.000000::numeric) $$,
    'the charge that took the total past half the limit alerted, once'
);

select * from finish();
rollback;
