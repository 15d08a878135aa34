-- A user in no team and without budgets: nothing to check and nothing written.
begin;
select plan(5);

select litellm.create_team('fp-team');
select litellm.set_budget('team', 1, team_id => 'fp-team');

select results_eq(
    $$ select ok, level from litellm._apply_budgets('fp-user', null, 'gpt-4', 1000, 'charge') $$,
    $$ values (true, null::text) $$,
    'a user in no team passes'
);
select is_empty(
    $$ select from litellm.budget_counters union all select from litellm.spend_daily $$,
    'and nothing is written'
);
select is_empty(
    $$ select from litellm.budget_subjects where user_id = 'fp-user' $$,
    'the user has no budget_subjects row (the one probe of the fast path)'
);
select results_eq(
    $$ select ok, level from litellm._apply_budgets('fp-user', 'fp-team', null, 2, 'charge') $$,
    $$ values (false, 'team'::text) $$,
    'naming a team applies its budgets even to a non-member'
);
select results_eq(
    $$ select ok from litellm._apply_budgets('fp-user', null, null, 0, 'charge') $$,
    $$ values (true) $$,
    'a zero amount is always allowed'
);

select * from finish();
rollback;
