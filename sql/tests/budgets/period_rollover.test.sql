-- A new period is a new counter row: spending starts again, live holds move with it.
begin;
select plan(6);

select litellm.set_budget('user', 10, user_id => 'pr-user', period => 'daily');
select litellm._apply_budgets('pr-user', null, null, 8, 'charge');
select litellm._apply_budgets('pr-user', null, null, 1.5, 'hold');
select results_eq(
    $$ select ok from litellm._apply_budgets('pr-user', null, null, 1, 'charge') $$,
    $$ values (false) $$,
    'today''s budget is used up (spent 8 + held 1.5)'
);

-- Yesterday, as far as the counter knows.
update litellm.budget_counters set period_start = period_start - 1;

select results_eq(
    $$ select ok from litellm._apply_budgets('pr-user', null, null, 8, 'charge') $$,
    $$ values (true) $$,
    'a new day starts a new count without any batch job'
);
select results_eq(
    $$ select period_start - (now() at time zone 'UTC')::date, spent, held
       from litellm.budget_counters order by period_start $$,
    $$ values (-1, 8.000000::numeric, 0.000000::numeric), (0, 8.000000, 1.500000) $$,
    'yesterday''s row keeps its spending; the live hold moved to today''s'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('pr-user', null, null, 1, 'charge') $$,
    $$ values (false) $$,
    'the moved hold still counts'
);
select litellm._apply_budgets('pr-user', null, null, 1.5, 'release');
select results_eq(
    $$ select spent, held, remaining from litellm.get_budget_status('pr-user') $$,
    $$ values (8.000000::numeric, 0.000000::numeric, 2.000000::numeric) $$,
    'releasing it frees the room'
);

select litellm.set_budget('user', 10, user_id => 'pr-forever', period => 'none');
select litellm._apply_budgets('pr-forever', null, null, 9, 'charge');
select results_eq(
    $$ select c.period_start::text, s.period_start from litellm.budget_counters as c
       inner join litellm.budgets as b using (budget_id)
       cross join litellm.get_budget_status('pr-forever') as s
       where b.user_id = 'pr-forever' $$,
    $$ values ('-infinity'::text, null::date) $$,
    'period none has a single counter that never rolls over'
);

select * from finish();
rollback;
