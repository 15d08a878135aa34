begin;
select plan(5);

select throws_ok($$ select * from litellm.archive_usage_logs(null) $$, 'LD021', null, 'archive: NULL older_than');
select throws_ok(
    $$ select * from litellm.archive_usage_logs(interval '-1 day') $$, 'LD021', null, 'archive: negative older_than'
);
select throws_ok($$ select * from litellm.drop_archived_usage_logs(null) $$, 'LD021', null, 'drop: NULL older_than');
select throws_ok(
    $$ select * from litellm.drop_archived_usage_logs(interval '-1 month') $$, 'LD021', null, 'drop: negative older_than'
);
set local role litellm_app;
select throws_ok(
    $$ select * from litellm.archive_usage_logs(interval '90 days') $$, '42501', null, 'the application cannot archive'
);
reset role;

select * from finish();
rollback;
