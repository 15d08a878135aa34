-- The ledger's functions enforce and maintain the budgets of the user's team.
begin;
select plan(10);

select litellm.create_organization('org-1', 'Org');
select litellm.create_team('team-1', 'org-1', 'Team');
select litellm.add_team_member('member', 'team-1', 'member', true);
select litellm_test.funded_user('member', 100);
select litellm.set_budget('team', 10, team_id => 'team-1', period => 'monthly');

create temp view team_budget as
select
    spent,
    held
from litellm.get_budget_status(team_id => 'team-1')
where level = 'team';

select results_eq(
    $$ select success from litellm.debit_user_credits('member', 6, 'openai', 'gpt-4') $$,
    $$ values (true) $$,
    'a debit within the team budget succeeds'
);
select results_eq(
    $$ select spent, held from team_budget $$, $$ values (6.000000::numeric, 0::numeric) $$,
    'and counts as the team''s spending'
);
select results_eq(
    $$ select success, error_code, credits_remaining from litellm.debit_user_credits('member', 5, 'openai', 'gpt-4') $$,
    $$ values (false, 'budget_exceeded'::text, 94.000000::numeric) $$,
    'a debit past the team budget is refused though the balance covers it'
);
select is(litellm_test.journal_count('member'), 2::bigint, 'the refused debit wrote nothing');

select results_eq(
    $$ select success, error_code from litellm.reserve_credits('member', 5, 'big-call') $$,
    $$ values (false, 'budget_exceeded'::text) $$,
    'a hold past the team budget is refused'
);
select litellm.reserve_credits('member', 3, 'call');
select results_eq($$ select held from team_budget $$, $$ values (3.000000::numeric) $$, 'a hold counts as held');
select litellm.settle_reservation('member', 'call', 2, 'openai', 'gpt-4');
select results_eq(
    $$ select spent, held from team_budget $$, $$ values (8.000000::numeric, 0::numeric) $$,
    'settling releases the hold and spends the actual cost'
);

select litellm.refund_transaction(
    (
        select max(id) from litellm.credit_transactions
        where user_id = 'member' and transaction_type = 'usage'
    ),
    'refund', 'rf-1'
);
select results_eq(
    $$ select spent from team_budget $$, $$ values (6.000000::numeric) $$,
    'a refund gives the team budget back'
);

select litellm.reserve_credits('member', 1, 'lapsing');
select litellm_test.age_past_expiry('member');
select litellm.debit_user_credits('member', 1, 'openai', 'gpt-4');
select results_eq(
    $$ select spent, held from team_budget $$, $$ values (7.000000::numeric, 0::numeric) $$,
    'an expired hold is released from the budget by the sweep'
);
select is_empty($$ select * from litellm.verify_ledger() $$, 'the ledger verifies');

select * from finish();
rollback;
