create or replace function litellm.refresh_provider_health(
    window_minutes integer default 15,
    dry_run boolean default false
)
returns table (
    provider text,
    status text,
    avg_latency_ms integer,
    success_rate numeric,
    request_count bigint,
    error_count bigint,
    last_error text
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_since timestamptz;
begin
    if refresh_provider_health.window_minutes is null
       or refresh_provider_health.window_minutes not between 1 and 10080 then
        raise exception using
            errcode = 'LD030',
            message = format('window_minutes must be from 1 to 10080 (a week), got %s',
                             coalesce(refresh_provider_health.window_minutes::text, 'NULL'));
    end if;
    v_since := pg_catalog.now() - pg_catalog.make_interval(mins => refresh_provider_health.window_minutes);

    return query
    with window_calls as (
        select
            lower(l.provider) as provider,
            count(*) as calls,
            count(*) filter (where l.success) as successes,
            round(100.0 * count(*) filter (where l.success) / count(*), 2) as rate,
            avg(l.latency_ms) as latency,
            (array_agg(left(coalesce(l.error_message, l.error_type), 1000) order by l.created_at desc)
                filter (where not l.success and coalesce(l.error_message, l.error_type) is not null))[1] as last_error
        from litellm.llm_usage_log as l
        where l.created_at >= v_since and l.created_at <= pg_catalog.now()
        group by lower(l.provider)
    ),

    derived as (
        select
            w.provider,
            litellm._health_status(w.rate, w.latency, w.successes) as status,
            round(w.latency)::integer as avg_latency_ms,
            w.rate as success_rate,
            w.calls as request_count,
            w.calls - w.successes as error_count,
            w.last_error
        from window_calls as w
    ),

    saved as (
        insert into litellm.provider_health as ph (
            provider, status, avg_latency_ms, success_rate, error_count, last_error, notes, last_check
        )
        select
            d.provider,
            d.status,
            d.avg_latency_ms,
            d.success_rate,
            d.error_count,
            d.last_error,
            format('derived from %s calls in the last %s minutes of llm_usage_log', d.request_count,
                   refresh_provider_health.window_minutes),
            pg_catalog.now()
        from derived as d
        where not refresh_provider_health.dry_run
        on conflict on constraint provider_health_pkey do update
            set status = excluded.status,
            avg_latency_ms = excluded.avg_latency_ms,
            success_rate = excluded.success_rate,
            error_count = excluded.error_count,
            last_error = excluded.last_error,
            notes = excluded.notes,
            last_check = excluded.last_check
        returning ph.provider
    )

    select d.provider, d.status, d.avg_latency_ms, d.success_rate, d.request_count, d.error_count, d.last_error
    from derived as d
    order by d.provider;
end
$$;

comment on function litellm.refresh_provider_health(integer, boolean) is
'Derives each provider''s health from its calls in llm_usage_log during the last window_minutes (default 15): success '
'rate (percent of calls with success), average latency (of the calls that reported one), error count, the latest error, '
'and the status by litellm.health_thresholds. Unless dry_run, upserts them into provider_health (notes says so); '
'providers without calls in the window are left as they were. Returns one row per provider seen. '
'Raises LD030 (window_minutes outside 1-10080).';
