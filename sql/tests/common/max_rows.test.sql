-- One row-limit rule for every listing and report: NULL is every row, below 1
-- is LD009, whichever area the function belongs to.
begin;
select plan(12);

select is(litellm._check_max_rows(null), null, 'NULL: no limit');
select is(litellm._check_max_rows(1), 1, 'one row');
select throws_ok($$ select litellm._check_max_rows(0) $$, 'LD009', 'max_rows must be at least 1, got 0', 'zero');
select throws_ok($$ select litellm._check_max_rows(-5) $$, 'LD009', null, 'negative');

select throws_ok($$ select * from litellm.top_models(30, 0) $$, 'LD009', null, 'top_models');
select throws_ok($$ select * from litellm.top_spenders(30, 0) $$, 'LD009', null, 'top_spenders');
select throws_ok(
    $$ select * from litellm.usage_between(current_date, current_date, max_rows => 0) $$, 'LD009', null, 'usage_between'
);
select throws_ok($$ select * from litellm.list_budget_alerts(max_rows => 0) $$, 'LD009', null, 'list_budget_alerts');

-- NULL lists every alert, where the old budget listing refused it (LD056).
select litellm.set_budget('user', 100, user_id => 'mr-user', period => 'none');
insert into litellm.budget_alerts (budget_id, period_start, threshold, hard_limit, spent, user_id)
select
    b.budget_id,
    current_date as period_start,
    t.threshold,
    100 as hard_limit,
    100 * t.threshold as spent,
    'mr-user' as user_id
from litellm.budgets as b
cross join (values (0.5), (0.8), (0.9)) as t (threshold)
where b.user_id = 'mr-user';
select is(
    (select count(*) from litellm.list_budget_alerts(user_id => 'mr-user', max_rows => null)), 3::bigint,
    'list_budget_alerts: NULL is every row'
);
select is(
    (select count(*) from litellm.list_budget_alerts(user_id => 'mr-user', max_rows => 2)), 2::bigint,
    'list_budget_alerts: a limit limits'
);
select lives_ok($$ select * from litellm.top_spenders(30, null) $$, 'top_spenders: NULL is every row');
select lives_ok(
    $$ select * from litellm.usage_between(current_date, current_date, max_rows => null) $$,
    'usage_between: NULL is every row'
);

select * from finish();
rollback;
