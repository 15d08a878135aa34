-- One maintenance job, run and recorded. The job's own work runs in a
-- subtransaction: when it fails, its changes are rolled back, the failure is
-- recorded in maintenance_jobs and returned (status failed), and the call
-- itself succeeds, so that a scheduler's log and `litellm-db status` agree.

create or replace function litellm.run_maintenance(job text)
returns table (
    status text,
    result jsonb,
    error text,
    duration_ms numeric
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_job text := run_maintenance.job;
    v_started timestamptz := pg_catalog.clock_timestamp();
    v_result jsonb;
    v_error text;
    v_state text;
    v_message text;
    v_duration numeric;
begin
    if not exists (select from litellm.maintenance_jobs as m where m.job = v_job) then
        raise exception using
            errcode = 'LD361',
            message = format('unknown maintenance job %s', coalesce(v_job, 'NULL')),
            hint = 'The jobs are the rows of litellm.maintenance_jobs.';
    end if;
    -- A run of the same job still going holds its row: this one does nothing.
    perform from litellm.maintenance_jobs as m where m.job = v_job for update skip locked;
    if not found then
        return query select 'skipped'::text, null::jsonb, 'another run of this job is in progress'::text, 0::numeric;
        return;
    end if;
    update litellm.maintenance_jobs as m set last_started_at = v_started where m.job = v_job;

    begin
        case v_job
            when 'refresh_usage_summary' then
                v_result := pg_catalog.jsonb_build_object('summary_rows', litellm.refresh_usage_summary());
            when 'refresh_provider_health' then
                select pg_catalog.jsonb_build_object(
                    'providers', count(*),
                    'statuses', coalesce(pg_catalog.jsonb_object_agg(h.provider, h.status), '{}'::jsonb)
                )
                into v_result
                from litellm.refresh_provider_health() as h;
            when 'expire_credits' then
                select pg_catalog.to_jsonb(e) into v_result from litellm.expire_credits() as e;
            when 'ensure_usage_log_partitions' then
                select pg_catalog.jsonb_build_object('created', coalesce(pg_catalog.jsonb_agg(p.p), '[]'::jsonb))
                into v_result
                from litellm.ensure_usage_log_partitions() as p (p);
            when 'archive_usage_logs' then
                -- Detaching a partition waits for every statement on the log and blocks
                -- inserts meanwhile: after 5 s (the function's lock_timeout) the job
                -- fails, and the next run tries again.
                select pg_catalog.jsonb_build_object('archived', coalesce(pg_catalog.jsonb_agg(a.archived_as), '[]'::jsonb))
                into v_result
                from litellm.archive_usage_logs() as a;
        end case;
    exception when others then
        get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
        v_error := v_state || ': ' || v_message;
    end;

    v_duration := round((extract(epoch from pg_catalog.clock_timestamp() - v_started) * 1000)::numeric, 1);
    update litellm.maintenance_jobs as m set
        last_finished_at = pg_catalog.clock_timestamp(),
        last_status = case when v_error is null then 'ok' else 'failed' end,
        last_error = v_error,
        last_result = case when v_error is null then v_result else m.last_result end,
        last_duration_ms = v_duration,
        last_success_at = case when v_error is null then pg_catalog.clock_timestamp() else m.last_success_at end,
        runs = m.runs + 1,
        failures = m.failures + (v_error is not null)::integer
    where m.job = v_job;
    return query select case when v_error is null then 'ok' else 'failed' end, v_result, v_error, v_duration;
end
$$;

comment on function litellm.run_maintenance(text) is
'Runs one maintenance job (a row of maintenance_jobs: refresh_usage_summary, refresh_provider_health, expire_credits, '
'ensure_usage_log_partitions, archive_usage_logs) with its default arguments and records the outcome in '
'maintenance_jobs. A failing job is rolled back and returned as status failed with its SQLSTATE and message (the call '
'itself succeeds); a run while another run of the same job holds it returns skipped. Call it in its own transaction '
'(autocommit), as the owner: it runs as the caller. LD361 for an unknown job.';
