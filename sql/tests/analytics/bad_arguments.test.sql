-- The analytics refuse windows and limits that make no sense (LD021).
begin;
select plan(7);

select throws_ok($$ select * from litellm.usage_daily('u', 0) $$, 'LD021', null, 'days = 0');
select throws_ok($$ select * from litellm.top_spenders(null) $$, 'LD021', null, 'days NULL');
select throws_ok($$ select * from litellm.top_spenders(30, 0) $$, 'LD009', null, 'max_rows = 0');
select throws_ok($$ select * from litellm.top_models(36601) $$, 'LD021', null, 'days over 100 years');
select throws_ok($$ select * from litellm.failed_calls(0) $$, 'LD021', null, 'hours = 0');
select throws_ok($$ select * from litellm.usage_by_operation(-1) $$, 'LD021', null, 'negative days');
select throws_ok($$ select * from litellm.team_usage(0) $$, 'LD021', null, 'team_usage days = 0');

select * from finish();
rollback;
