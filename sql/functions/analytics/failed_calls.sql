create or replace function litellm.failed_calls(hours integer default 24, user_id text default null)
returns table (
    provider text,
    error_type text,
    failures bigint,
    last_failure_at timestamptz
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_since timestamptz;
begin
    if failed_calls.hours is null or failed_calls.hours not between 1 and 8784 then
        raise exception using
            errcode = 'LD021',
            message = format('hours must be between 1 and 8784, got %s', coalesce(failed_calls.hours::text, 'NULL'));
    end if;
    v_since := pg_catalog.now() - make_interval(hours => failed_calls.hours);
    -- From the log itself (the summaries do not keep error types), through its
    -- partial index on failures (or the primary key, for one user).
    if failed_calls.user_id is null then
        return query
        select l.provider, l.error_type, count(*), max(l.created_at)
        from litellm.llm_usage_log as l
        where not l.success and l.created_at >= v_since
        group by l.provider, l.error_type
        order by 3 desc, 1, 2;
    else
        return query
        select l.provider, l.error_type, count(*), max(l.created_at)
        from litellm.llm_usage_log as l
        where not l.success and l.created_at >= v_since and l.user_id = failed_calls.user_id
        group by l.provider, l.error_type
        order by 3 desc, 1, 2;
    end if;
end
$$;

comment on function litellm.failed_calls(integer, text) is
'Failed calls (success = false) of the last hours hours, of one user or (user_id NULL) of everyone, per provider and '
'error type, most frequent first, with the time of the latest. Reads llm_usage_log through its partial index on '
'failures, so it is live (no refresh needed) and its cost grows with the failures, not the log. LD021 for hours outside '
'1..8784.';
