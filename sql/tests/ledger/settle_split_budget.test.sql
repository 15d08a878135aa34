-- A settlement moves each budget once: the hold's amount leaves held and the
-- cost is spent in one move, on a counter row that holds the hold and has
-- room, else with every row locked; beyond the hold only as far as every
-- budget allows.
begin;
select plan(16);

select litellm.create_organization('ssb-org');
select litellm.set_budget('organization', 100, organization_id => 'ssb-org', period => 'daily');
select litellm.create_team('ssb-team', 'ssb-org');
select litellm.set_budget('team', 10, team_id => 'ssb-team', period => 'daily', soft_thresholds => '{0.6}');
select litellm_test.funded_user('ssb-u1', 1000);
select litellm.add_team_member('ssb-u1', 'ssb-team');
create temporary table ssb as
select
    b.budget_id,
    b.level
from litellm.budgets as b
where b.team_id = 'ssb-team' or b.organization_id = 'ssb-org';
select litellm.set_budget_shares(budget_id, 4) from ssb;

-- The hold's amount sits in a row other than this backend's own.
select litellm.reserve_credits('ssb-u1', 2, 'ssb-r1');
create temporary table ssb_rows as
select
    (pg_catalog.pg_backend_pid() % 4)::smallint as own,
    ((pg_catalog.pg_backend_pid() + 1) % 4)::smallint as other;
update litellm.budget_counters as c
set held = c.held + case when c.share = r.other then 2 else -2 end
from ssb_rows as r
where c.budget_id in (select s.budget_id from ssb as s) and c.share in (r.own, r.other);
create temporary table ssb_before as
select
    c.budget_id,
    c.share,
    c.spent,
    c.held,
    c.quota
from litellm.budget_counters as c
where c.budget_id in (select s.budget_id from ssb as s);

select results_eq(
    $$ select amount_charged, amount_released, amount_uncovered from litellm.settle_reservation('ssb-u1', 'ssb-r1', 1.5) $$,
    $$ values (1.5::numeric, 0.5::numeric, 0::numeric) $$,
    'a settlement below its hold'
);
select results_eq(
    $$ select s.level, c.spent, c.held from litellm.budget_counters as c
       inner join ssb as s using (budget_id)
       where c.share = (select other from ssb_rows) order by s.level $$,
    $$ values ('organization'::text, 1.500000::numeric, 0.000000::numeric), ('team', 1.500000, 0.000000) $$,
    'each budget moved once, in the row that held the hold: released and charged there'
);
select is_empty(
    $$ select c.budget_id, c.share, c.spent, c.held, c.quota from litellm.budget_counters as c
       where c.budget_id in (select budget_id from ssb) and c.share <> (select other from ssb_rows)
       except select * from ssb_before $$,
    'no other row moved, and no rebalancing was needed'
);

-- A hold whose amount no single row holds: every row locked, the totals moved.
select litellm.reserve_credits('ssb-u1', 2, 'ssb-r2');
update litellm.budget_counters as c
set held = case when c.share in (r.own, r.other) then 1 else 0 end
from ssb_rows as r
where c.budget_id in (select s.budget_id from ssb as s);
select results_eq(
    $$ select amount_charged, amount_uncovered from litellm.settle_reservation('ssb-u1', 'ssb-r2', 2) $$,
    $$ values (2::numeric, 0::numeric) $$,
    'a settlement at its hold that no row holds alone'
);
select results_eq(
    $$ select s.level, sum(c.spent), sum(c.held), sum(c.quota),
              count(*) filter (where c.spent + c.held > litellm._budget_share_limit(c.share, b.hard_limit, c.quota))
       from litellm.budget_counters as c
       inner join ssb as s using (budget_id)
       inner join litellm.budgets as b using (budget_id)
       group by s.level order by s.level $$,
    $$ values ('organization'::text, 3.500000::numeric, 0.000000::numeric, 0.000000::numeric, 0::bigint),
              ('team', 3.500000, 0.000000, 0.000000, 0) $$,
    'released from the rows that hold it, charged, the room shared out again'
);

-- Beyond the hold, the organisation (locked after the team) has no room for
-- the overage: the team, moved first, gives it back; both are charged the hold.
select litellm.reserve_credits('ssb-u1', 2, 'ssb-r3');
select litellm.set_budget('organization', 6, organization_id => 'ssb-org', period => 'daily');
select results_eq(
    $$ select amount_charged, amount_released, amount_uncovered from litellm.settle_reservation('ssb-u1', 'ssb-r3', 3) $$,
    $$ values (2::numeric, 0::numeric, 1::numeric) $$,
    'an overage one budget refuses is not charged'
);
select results_eq(
    $$ select s.level, sum(c.spent), sum(c.held), sum(c.quota) from litellm.budget_counters as c
       inner join ssb as s using (budget_id) group by s.level order by s.level $$,
    $$ values ('organization'::text, 5.500000::numeric, 0.000000::numeric, 0.000000::numeric),
              ('team', 5.500000, 0.000000, 0.000000) $$,
    'every budget is charged the hold, and nothing stays held'
);
select is_empty(
    $$ select from litellm.budget_alerts as a where a.budget_id in (select budget_id from ssb) $$,
    'no alert for the overage given back (the team''s 60 % is 6: 3.5 + 3 would cross it, 3.5 + 2 does not)'
);
select results_eq(
    $$ select sum(d.spend), sum(d.charge_count) from litellm.spend_daily as d where d.team_id = 'ssb-team' $$,
    $$ values (5.500000::numeric, 3::numeric) $$,
    'the spending attributed is what was charged'
);

-- Refused by the team, the first budget: nothing to give back.
select litellm.set_budget('organization', 100, organization_id => 'ssb-org', period => 'daily');
select litellm.set_budget('team', 7, team_id => 'ssb-team', period => 'daily', soft_thresholds => '{0.6}');
select litellm.reserve_credits('ssb-u1', 1, 'ssb-r4');
select results_eq(
    $$ select amount_charged, amount_uncovered from litellm.settle_reservation('ssb-u1', 'ssb-r4', 2) $$,
    $$ values (1::numeric, 1::numeric) $$,
    'an overage the team refuses is not charged either'
);
select results_eq(
    $$ select s.level, sum(c.spent), sum(c.held) from litellm.budget_counters as c
       inner join ssb as s using (budget_id) group by s.level order by s.level $$,
    $$ values ('organization'::text, 6.500000::numeric, 0.000000::numeric), ('team', 6.500000, 0.000000) $$,
    'both are charged the hold'
);
select results_eq(
    $$ select a.spent from litellm.budget_alerts as a where a.budget_id in (select budget_id from ssb) $$,
    $$ values (6.500000::numeric) $$,
    'the team''s threshold is crossed by what was charged, once'
);

-- At or below the hold, never refused, even past a limit lowered since.
select litellm.reserve_credits('ssb-u1', 0.5, 'ssb-r5');
select litellm.set_budget('team', 1, team_id => 'ssb-team', period => 'daily');
select results_eq(
    $$ select amount_charged, amount_uncovered from litellm.settle_reservation('ssb-u1', 'ssb-r5', 0.5) $$,
    $$ values (0.5::numeric, 0::numeric) $$,
    'a settlement at its hold past a lowered limit is charged'
);

-- A hold made in the previous period: the new period's rows take its amount
-- when they are created, and the settlement releases it there.
select litellm.set_budget('team', 10, team_id => 'ssb-team', period => 'daily');
select litellm.reserve_credits('ssb-u1', 2, 'ssb-r6');
update litellm.budget_counters as c set period_start = c.period_start - 1
where c.budget_id in (select budget_id from ssb);
select results_eq(
    $$ select amount_charged, amount_uncovered from litellm.settle_reservation('ssb-u1', 'ssb-r6', 1) $$,
    $$ values (1::numeric, 0::numeric) $$,
    'a hold of yesterday settled today'
);
select results_eq(
    $$ select s.level, c.period_start - (now() at time zone 'UTC')::date, sum(c.spent), sum(c.held), sum(c.quota)
       from litellm.budget_counters as c inner join ssb as s using (budget_id)
       group by s.level, c.period_start order by s.level, c.period_start $$,
    $$ values ('organization'::text, -1, 7.000000::numeric, 0.000000::numeric, 0.000000::numeric),
              ('organization', 0, 1.000000, 0.000000, 0.000000),
              ('team', -1, 7.000000, 0.000000, 0.000000),
              ('team', 0, 1.000000, 0.000000, 0.000000) $$,
    'yesterday keeps its spending; today''s rows released the hold and spent the cost'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
