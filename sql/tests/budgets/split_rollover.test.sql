-- A split budget's new period: its rows are created by the first charge, and
-- the live holds of every row of the old period move into it.
begin;
select plan(5);

select litellm.set_budget('user', 10, user_id => 'sr-user', period => 'daily');
select litellm.set_budget_shares(b.budget_id, 3) from litellm.budgets as b
where b.user_id = 'sr-user';
select litellm._apply_budgets('sr-user', null, null, 1.5, 'hold');
select litellm._apply_budgets('sr-user', null, null, 3, 'hold');
select litellm._apply_budgets('sr-user', null, null, 2, 'charge');
select results_eq(
    $$ select count(*) filter (where held > 0) > 1 from litellm.budget_counters $$,
    $$ values (true) $$,
    'the holds sit in more than one row'
);

-- Yesterday, as far as the counters know.
update litellm.budget_counters set period_start = period_start - 1;

select results_eq(
    $$ select ok from litellm._apply_budgets('sr-user', null, null, 5.5, 'charge') $$,
    $$ values (true) $$,
    'a new day: the limit less the moved holds is there to charge'
);
select results_eq(
    $$ select period_start - (now() at time zone 'UTC')::date, count(*), sum(spent), sum(held)
       from litellm.budget_counters group by period_start order by period_start $$,
    $$ values (-1, 3::bigint, 2.000000::numeric, 0.000000::numeric), (0, 3, 5.500000, 4.500000) $$,
    'yesterday''s rows keep their spending; every live hold moved to today''s rows'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('sr-user', null, null, 0.000001, 'charge') $$,
    $$ values (false) $$,
    'the moved holds still count: the limit is reached exactly'
);
select litellm._apply_budgets('sr-user', null, null, 4.5, 'release');
select results_eq(
    $$ select spent, held, remaining from litellm.get_budget_status('sr-user') $$,
    $$ values (5.500000::numeric, 0.000000::numeric, 4.500000::numeric) $$,
    'releasing them frees the room'
);

select * from finish();
rollback;
