create or replace function litellm.drop_archived_usage_logs(older_than interval)
returns table (
    archived_as text,
    range_start timestamptz,
    range_end timestamptz
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_archive record;
begin
    if drop_archived_usage_logs.older_than is null or drop_archived_usage_logs.older_than < interval '0' then
        raise exception using
            errcode = 'LD021',
            message = format('older_than must be zero or positive, got %s',
                             coalesce(drop_archived_usage_logs.older_than::text, 'NULL')),
            hint = 'For example drop_archived_usage_logs(interval ''13 months'').';
    end if;
    for v_archive in
        select a.archived_as, a.range_start, a.range_end
        from litellm.usage_log_archives as a
        where a.dropped_at is null and a.range_end <= pg_catalog.now() - drop_archived_usage_logs.older_than
        order by a.range_start
        for update
    loop
        execute format('drop table if exists litellm_archive.%I', v_archive.archived_as);
        update litellm.usage_log_archives as a
        set dropped_at = pg_catalog.now()
        where a.archived_as = v_archive.archived_as;
        archived_as := v_archive.archived_as;
        range_start := v_archive.range_start;
        range_end := v_archive.range_end;
        return next;
    end loop;
end
$$;

comment on function litellm.drop_archived_usage_logs(interval) is
'Retention: drops the tables in litellm_archive (recorded in usage_log_archives) whose month ended before now() - '
'older_than, marks them dropped_at, and returns them. The raw rows are gone after this (dump them first if they must be '
'kept, see docs/operations.md); the summaries are not touched. Owner only. LD021 when older_than is NULL or negative.';
