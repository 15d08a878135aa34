-- A user budget limits all of the user's charges, in any team or none.
begin;
select plan(5);

select litellm.create_team('hu-team');
select litellm.set_budget('user', 10, user_id => 'hu-user');

select results_eq(
    $$ select ok, level, budget_id, error_message from litellm._apply_budgets('hu-user', null, 'gpt-4', 6, 'charge') $$,
    $$ values (true, null::text, null::bigint, null::text) $$,
    'a charge within the budget passes'
);
select results_eq(
    $$ select ok, level, budget_id = (select b.budget_id from litellm.budgets as b where b.user_id = 'hu-user')
       from litellm._apply_budgets('hu-user', 'hu-team', 'gpt-4', 5, 'charge') $$,
    $$ values (false, 'user'::text, true) $$,
    'a charge past it is refused in any team, naming the level and the budget'
);
select results_eq(
    $$ select error_message from litellm._apply_budgets('hu-user', null, null, 5, 'charge') $$,
    $$ values ('User budget ' || (select b.budget_id from litellm.budgets as b where b.user_id = 'hu-user')
               || ' (monthly) would be exceeded: limit 10.000000, spent 6.000000, held 0.000000, cost 5.000000') $$,
    'the message says by how much'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('hu-user', null, null, 4, 'charge') $$,
    $$ values (true) $$,
    'up to the limit exactly is allowed'
);
select results_eq(
    $$ select spent, remaining from litellm.get_budget_status('hu-user') $$,
    $$ values (10.000000::numeric, 0.000000::numeric) $$,
    'the budget is spent'
);

select * from finish();
rollback;
