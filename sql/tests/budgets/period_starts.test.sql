-- Counter rows start where the period does (UTC): the day, Monday, the first of the month.
begin;
select plan(2);

select litellm.set_budget('user', 100, user_id => 'ps-user', period => p.period)
from (values ('daily'), ('weekly'), ('monthly'), ('none')) as p (period);
select litellm._apply_budgets('ps-user', null, null, 1, 'charge');

select results_eq(
    $$ select b.period, c.period_start = litellm._budget_period_start(b.period, now())
       from litellm.budget_counters as c inner join litellm.budgets as b using (budget_id)
       where b.user_id = 'ps-user' order by b.budget_id $$,
    $$ values ('daily'::text, true), ('weekly', true), ('monthly', true), ('none', true) $$,
    'each counter row is keyed by the start of its period'
);
select results_eq(
    $$ select litellm._budget_period_start('daily', '2024-03-10 23:30-05'),
              litellm._budget_period_start('weekly', '2024-03-10 23:30-05'),
              litellm._budget_period_start('monthly', '2024-03-31 23:30-05') $$,
    $$ values ('2024-03-11'::date, '2024-03-11'::date, '2024-04-01'::date) $$,
    'periods are UTC: late evening in New York is already the next day, week and month'
);

select * from finish();
rollback;
