-- A slot account's debits count against budgets as any debit does, the
-- budget counters locked after the slot(s); a budget's refusal writes nothing
-- but what a consolidation moved between slots.
begin;
select plan(8);

select litellm.create_organization('org-s', 'Org');
select litellm.create_team('team-s', 'org-s', 'Team');
select litellm.add_team_member('budgeted', 'team-s', 'member', true);
select litellm_test.funded_user('budgeted', 100);
select litellm.set_account_slots('budgeted', 4);
select litellm.set_budget('team', 30, team_id => 'team-s', period => 'monthly');
select litellm.set_budget('user', 50, user_id => 'budgeted', period => 'monthly');

create temp view budget_spent as
select
    level,
    spent
from litellm.get_budget_status(user_id => 'budgeted')
order by level;

select results_eq(
    $$ select success from litellm.debit_user_credits('budgeted', 6, 'openai', 'gpt-4') $$,
    $$ values (true) $$,
    'a debit within the budgets, on one slot'
);
select results_eq(
    $$ select level, spent from budget_spent $$,
    $$ values ('team'::text, 6.000000::numeric), ('user'::text, 6.000000::numeric) $$,
    'counts as the team''s and the user''s spending'
);
select results_eq(
    $$ select metadata ->> 'budget_team' from litellm.credit_transactions
       where user_id = 'budgeted' and transaction_type = 'usage' $$,
    $$ values ('team-s'::text) $$,
    'the entry names the team it counted against'
);
select results_eq(
    $$ select success, error_code from litellm.debit_user_credits('budgeted', 28, 'openai', 'gpt-4') $$,
    $$ values (false, 'budget_exceeded'::text) $$,
    'a debit past the team budget is refused, after a consolidation (no slot holds 28)'
);
select results_eq(
    $$ select count(*) filter (where transaction_type = 'usage'), sum(amount)
       from litellm.credit_transactions where user_id = 'budgeted' $$,
    $$ values (1::bigint, 94.000000::numeric) $$,
    'nothing charged'
);
select results_eq(
    $$ select level, spent from budget_spent $$,
    $$ values ('team'::text, 6.000000::numeric), ('user'::text, 6.000000::numeric) $$,
    'nor counted'
);
select is_empty($$ select * from litellm_test.slot_problems('budgeted') $$, 'every slot agrees with its journal');

select is_empty($$ select * from litellm.verify_ledger() $$, 'verify_ledger() finds nothing');

select * from finish();
rollback;
