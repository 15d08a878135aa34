-- The analyst runs every analytics function; the application runs the
-- per-user and per-tenant ones and records calls; the analyst cannot record.
begin;
select plan(14);

set local role litellm_analyst;
select lives_ok($$ select * from litellm.usage_daily('u') $$, 'analyst: usage_daily');
select lives_ok($$ select * from litellm.top_models() $$, 'analyst: top_models');
select lives_ok($$ select * from litellm.top_spenders() $$, 'analyst: top_spenders');
select lives_ok($$ select * from litellm.provider_breakdown() $$, 'analyst: provider_breakdown');
select lives_ok($$ select * from litellm.failed_calls() $$, 'analyst: failed_calls');
select lives_ok($$ select * from litellm.usage_by_tenant() $$, 'analyst: usage_by_tenant');
select lives_ok($$ select * from litellm.tenant_usage_daily('t') $$, 'analyst: tenant_usage_daily');
select lives_ok($$ select * from litellm.usage_by_operation() $$, 'analyst: usage_by_operation');
select lives_ok($$ select * from litellm.team_usage() $$, 'analyst: team_usage');
select lives_ok($$ select * from litellm.organization_usage() $$, 'analyst: organization_usage');
select throws_ok(
    $$ select * from litellm.record_llm_call('u', 'openai', 'gpt-4', 1, 1, 0) $$, '42501', null, 'analyst: no record_llm_call'
);
reset role;

set local role litellm_app;
select lives_ok(
    $$ select * from litellm.record_llm_call('tap-role-an', 'openai', 'gpt-4', 1, 1, 0) $$, 'app: record_llm_call'
);
select lives_ok($$ select * from litellm.usage_daily('tap-role-an') $$, 'app: usage_daily');
select throws_ok($$ select * from litellm.top_spenders() $$, '42501', null, 'app: no top_spenders');
reset role;

select * from finish();
rollback;
