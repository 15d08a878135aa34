-- Maintenance jobs: what the package needs run on a schedule, and how each
-- last went. run_maintenance(job) runs one job and records its outcome here;
-- `litellm-db schedule` registers run_maintenance calls with pg_cron and
-- `litellm-db maintain` runs them from cron, a systemd timer or a loop.
-- One row per job (not a journal): the latest outcome and running counts are
-- what `litellm-db status` and the Prometheus metrics show.

create table litellm.maintenance_jobs (
    job text primary key,
    description text not null,
    default_schedule text not null,
    last_started_at timestamptz,
    last_finished_at timestamptz,
    last_status text check (last_status in ('ok', 'failed')),
    last_error text,
    last_result jsonb,
    last_duration_ms numeric(12, 1),
    last_success_at timestamptz,
    runs bigint not null default 0 check (runs >= 0),
    failures bigint not null default 0 check (failures >= 0)
);

comment on table litellm.maintenance_jobs is
'The maintenance jobs run_maintenance() knows, each with its default cron schedule, the outcome of its latest run and '
'how many runs and failures it has had. Written only by run_maintenance().';
comment on column litellm.maintenance_jobs.default_schedule is
'Cron expression (minute hour day-of-month month day-of-week, UTC on pg_cron) that `litellm-db schedule` registers.';
comment on column litellm.maintenance_jobs.last_status is
'ok or failed: the outcome of the latest run; NULL before the first.';
comment on column litellm.maintenance_jobs.last_error is
'SQLSTATE and message of the latest run when it failed; NULL when it succeeded.';
comment on column litellm.maintenance_jobs.last_result is
'What the latest successful run did (rows refreshed, credits expired, partitions created ...), as JSON.';
comment on column litellm.maintenance_jobs.last_duration_ms is
'Wall-clock duration of the latest run in milliseconds.';
comment on column litellm.maintenance_jobs.last_success_at is
'When the latest successful run finished.';
comment on column litellm.maintenance_jobs.runs is
'Runs recorded since the install, successful or not.';
comment on column litellm.maintenance_jobs.failures is
'Failed runs recorded since the install.';

insert into litellm.maintenance_jobs (job, description, default_schedule) values
('refresh_usage_summary', 'fold newly logged calls into the daily summaries (cost: the new rows)', '* * * * *'),
('refresh_provider_health', 'recompute each provider''s health from the last 15 minutes of calls', '* * * * *'),
('expire_credits', 'sweep expired credit lots and holds (up to 1000 accounts a run)', '*/15 * * * *'),
('ensure_usage_log_partitions', 'create the usage log''s monthly partitions three months ahead', '5 0 * * *'),
('archive_usage_logs', 'archive usage log months that ended more than 90 days ago (lock_timeout 5s)', '15 3 2 * *');
