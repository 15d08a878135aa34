create or replace function litellm.select_providers(power_level text)
returns table (
    rank integer,
    provider text,
    available boolean,
    status text,
    avg_latency_ms integer,
    success_rate numeric,
    last_check timestamptz,
    reason text
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_level litellm.power_levels;
begin
    select pl.* into v_level
    from litellm.power_levels as pl
    where pl.power_level = litellm._power_level_key(select_providers.power_level);
    if not found then
        perform litellm._unknown_power_level(select_providers.power_level);
    end if;

    return query
    with allowed as (
        select
            lower(btrim(u.provider)) as provider,
            min(u.preference) as preference
        from unnest(v_level.providers) with ordinality as u (provider, preference)
        group by lower(btrim(u.provider))
    ),

    judged as (
        select
            a.provider,
            a.preference,
            coalesce(h.status, 'unknown') as status,
            h.avg_latency_ms,
            h.success_rate,
            h.last_check,
            case
                when h.status = 'down' then 'down'
                when h.status = 'degraded' then 'degraded'
                when h.avg_latency_ms > v_level.max_latency_ms
                    then format('average latency %s ms is above the %s ms bound of %s',
                                h.avg_latency_ms, v_level.max_latency_ms, v_level.power_level)
                when h.provider is null then 'no health data'
                when h.status = 'unknown' then 'health unknown'
            end as reason,
            case
                when h.status = 'down' then 4
                when h.status = 'degraded' or h.avg_latency_ms > v_level.max_latency_ms then 3
                when h.status = 'healthy' then 1
                else 2
            end as grade
        from allowed as a
        left join litellm.provider_health as h on h.provider = a.provider
    )

    select
        (row_number() over (order by j.grade, j.preference, j.avg_latency_ms nulls last))::integer,
        j.provider,
        j.grade <= 2,
        j.status,
        j.avg_latency_ms,
        j.success_rate,
        j.last_check,
        j.reason
    from judged as j
    order by j.grade, j.preference, j.avg_latency_ms nulls last;
end
$$;

comment on function litellm.select_providers(text) is
'The providers allowed for a power level (power_levels.providers), best first, one row each. available = true for a '
'provider whose provider_health status is healthy, or unknown (no row yet), and whose avg_latency_ms is within the '
'level''s max_latency_ms; the others (degraded, over the latency bound, down) follow with available = false and a reason. '
'Order: healthy, then unknown, then degraded or too slow, then down; within each, the level''s preference order, then '
'lower latency. When every provider is down all rows say available = false: the result is never empty for a level '
'with providers. Raises LD003 (unknown power level).';
