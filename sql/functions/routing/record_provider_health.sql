-- Provider health: recording a health check, and the thresholds that turn
-- success rate and latency into a status (shared with refresh_provider_health).

create or replace function litellm._health_status(
    success_rate numeric,
    avg_latency_ms numeric,
    success_count bigint
)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_thresholds litellm.health_thresholds;
    v_latency_bound integer;
begin
    select h.* into v_thresholds from litellm.health_thresholds as h;
    if not found or (_health_status.success_rate is null and _health_status.avg_latency_ms is null) then
        return 'unknown';
    end if;
    if _health_status.success_count = 0 or _health_status.success_rate < v_thresholds.down_below_success_rate then
        return 'down';
    end if;
    if _health_status.success_rate < v_thresholds.degraded_below_success_rate then
        return 'degraded';
    end if;
    v_latency_bound := v_thresholds.degraded_above_latency_ms;
    if v_latency_bound is null then
        select max(pl.max_latency_ms) into v_latency_bound from litellm.power_levels as pl;
    end if;
    if _health_status.avg_latency_ms > v_latency_bound then
        return 'degraded';
    end if;
    return 'healthy';
end
$$;

comment on function litellm._health_status(numeric, numeric, bigint) is
'Status for a success rate (percent), an average latency (ms) and a success count (NULL when not known), by '
'litellm.health_thresholds: down, degraded, healthy; unknown without data or without thresholds.';

create or replace function litellm.record_provider_health(
    provider text,
    status text default null,
    avg_latency_ms integer default null,
    success_rate numeric default null,
    error_count bigint default 0,
    last_error text default null,
    notes text default null
)
returns setof litellm.provider_health
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_provider text := lower(litellm._price_key(record_provider_health.provider, 'provider'));
    v_status text := lower(btrim(record_provider_health.status));
    v_rate numeric := record_provider_health.success_rate;
begin
    if v_status is not null and v_status not in ('healthy', 'degraded', 'down', 'unknown') then
        raise exception using
            errcode = 'LD030',
            message = format('status must be healthy, degraded, down or unknown, not %s', quote_literal(record_provider_health.status)),
            hint = 'Pass NULL to derive the status from success_rate and avg_latency_ms.';
    end if;
    if record_provider_health.avg_latency_ms < 0 then
        raise exception using
            errcode = 'LD030',
            message = format('avg_latency_ms must not be negative, got %s', record_provider_health.avg_latency_ms);
    end if;
    if v_rate = 'NaN'::numeric or v_rate < 0 or v_rate > 100 then
        raise exception using
            errcode = 'LD030',
            message = format('success_rate must be a percentage from 0 to 100, got %s', v_rate);
    end if;
    if record_provider_health.error_count < 0 then
        raise exception using
            errcode = 'LD030',
            message = format('error_count must not be negative, got %s', record_provider_health.error_count);
    end if;
    perform litellm._check_text(record_provider_health.last_error, 'last_error', 1000);
    perform litellm._check_text(record_provider_health.notes, 'notes', 1000);

    if v_status is null then
        v_status := litellm._health_status(round(v_rate, 2), record_provider_health.avg_latency_ms, null);
    end if;

    return query
    insert into litellm.provider_health as ph (
        provider, status, avg_latency_ms, success_rate, error_count, last_error, notes, last_check
    ) values (
        v_provider, v_status, record_provider_health.avg_latency_ms, round(v_rate, 2),
        coalesce(record_provider_health.error_count, 0), record_provider_health.last_error,
        record_provider_health.notes, pg_catalog.now()
    )
    on conflict on constraint provider_health_pkey do update
        set status = excluded.status,
        avg_latency_ms = excluded.avg_latency_ms,
        success_rate = excluded.success_rate,
        error_count = excluded.error_count,
        last_error = excluded.last_error,
        notes = excluded.notes,
        last_check = excluded.last_check
    returning ph.*;
end
$$;

comment on function litellm.record_provider_health(text, text, integer, numeric, bigint, text, text) is
'Inserts or updates the health of a provider (name stored in lower case; one row per provider), with the '
'arguments checked; last_check = now(). A NULL status is derived from success_rate and avg_latency_ms by '
'litellm.health_thresholds (unknown when both are NULL). Returns the row. Raises LD007, LD030 (a status outside '
'healthy/degraded/down/unknown, a negative latency or error count, a success rate outside 0-100), LD031 (blank provider).';
