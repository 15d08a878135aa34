begin;
select plan(9);

select throws_ok(
    $$ select * from litellm.run_maintenance('vacuum_everything') $$, 'LD361', null, 'an unknown job is refused'
);

select results_eq(
    $$ select status, error from litellm.run_maintenance('expire_credits') $$,
    $$ values ('ok'::text, null::text) $$,
    'a job runs and succeeds'
);
select results_eq(
    $$ select runs, failures, last_status, last_error is null, last_success_at is not null
       from litellm.maintenance_jobs where job = 'expire_credits' $$,
    $$ values (1::bigint, 0::bigint, 'ok'::text, true, true) $$,
    'its outcome is recorded'
);
select is(
    (
        select last_result from litellm.maintenance_jobs
        where job = 'expire_credits'
    ),
    '{"users_swept": 0, "more_due": false, "credits_expired": 0}'::jsonb,
    'with what it did'
);

-- A job the function has no code for fails inside run_maintenance: recorded, not raised.
insert into litellm.maintenance_jobs (job, description, default_schedule) values ('no_code', 'test', '* * * * *');
select results_eq(
    $$ select status, error from litellm.run_maintenance('no_code') $$,
    $$ values ('failed'::text, '20000: case not found'::text) $$,
    'a failing job returns failed with its SQLSTATE'
);
select results_eq(
    $$ select runs, failures, last_status, last_success_at is null from litellm.maintenance_jobs where job = 'no_code' $$,
    $$ values (1::bigint, 1::bigint, 'failed'::text, true) $$,
    'and the failure is recorded'
);

set local role litellm_app;
select throws_ok(
    $$ select * from litellm.run_maintenance('expire_credits') $$, '42501', null, 'the application cannot run jobs'
);
reset role;
set local role litellm_analyst;
select throws_ok(
    $$ select * from litellm.run_maintenance('expire_credits') $$, '42501', null, 'nor can the analyst'
);
select is(
    (
        select count(*) from litellm.maintenance_jobs
        where last_status is not null
    ),
    2::bigint,
    'the analyst reads the outcomes'
);
reset role;

select * from finish();
rollback;
