-- Archival of the usage log: whole monthly partitions leave llm_usage_log for
-- schema litellm_archive. DETACH PARTITION and ALTER TABLE ... SET SCHEMA change
-- the catalogue only, so the cost does not depend on the rows moved. The
-- summaries are not touched (they keep the history).
--
-- DETACH PARTITION ... CONCURRENTLY cannot run inside a function (it commits
-- between its steps), and PostgreSQL refuses it anyway while the table has a
-- default partition, as llm_usage_log does. So this uses plain DETACH, which
-- takes an ACCESS EXCLUSIVE lock on llm_usage_log until the calling transaction
-- ends: it waits for running statements on the log and blocks new ones (inserts
-- included) meanwhile, a few milliseconds per month when nothing long-running
-- holds the log. Set lock_timeout to bound the wait. A month detached by hand
-- (and left in schema litellm) is picked up and filed by the next call.

create or replace function litellm._usage_archive_name(partition_name text)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_name text := partition_name;
    v_n integer := 1;
begin
    while to_regclass(format('litellm_archive.%I', v_name)) is not null
          or to_regclass(format('litellm.%I', v_name)) is not null and v_name <> partition_name loop
        v_n := v_n + 1;
        v_name := partition_name || '_' || v_n;
    end loop;
    return v_name;
end
$$;

comment on function litellm._usage_archive_name(text) is
'A free name in schema litellm_archive for partition_name: the name itself, else name_2, name_3, ...';

create or replace function litellm.archive_usage_logs(older_than interval default '90 days')
returns table (
    partition_name text,
    archived_as text,
    range_start timestamptz,
    range_end timestamptz,
    row_estimate bigint
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_cutoff timestamptz;
    v_part record;
    v_index record;
begin
    if archive_usage_logs.older_than is null or archive_usage_logs.older_than < interval '0' then
        raise exception using
            errcode = 'LD021',
            message = format('older_than must be zero or positive, got %s', coalesce(archive_usage_logs.older_than::text, 'NULL')),
            hint = 'For example archive_usage_logs(interval ''90 days'').';
    end if;
    v_cutoff := pg_catalog.now() - archive_usage_logs.older_than;

    for v_part in
        -- Attached monthly partitions (never the default one, nor one whose
        -- concurrent detach is pending), with their bounds ...
        select
            c.relname::text as relname,
            c.reltuples,
            true as attached,
            substring(b.bound from 'FROM [(]''([^'']*)''[)]')::timestamptz as range_start,
            substring(b.bound from 'TO [(]''([^'']*)''[)]')::timestamptz as range_end
        from pg_catalog.pg_inherits as i
        inner join pg_catalog.pg_class as c on i.inhrelid = c.oid
        cross join lateral (select pg_catalog.pg_get_expr(c.relpartbound, c.oid) as bound) as b
        where
            i.inhparent = 'litellm.llm_usage_log'::regclass
            and not i.inhdetachpending
            and b.bound ~ '^FOR VALUES FROM [(]''[^'']*''[)] TO [(]''[^'']*''[)]$'
        union all
        -- ... and months detached by hand but left in schema litellm.
        select
            c.relname::text,
            c.reltuples,
            false,
            to_date(substring(c.relname from '^llm_usage_log_p([0-9]{6})$'), 'YYYYMM')::timestamp at time zone 'UTC',
            (to_date(substring(c.relname from '^llm_usage_log_p([0-9]{6})$'), 'YYYYMM') + interval '1 month') at time zone 'UTC'
        from pg_catalog.pg_class as c
        where
            c.relnamespace = 'litellm'::regnamespace
            and c.relkind = 'r'
            and c.relname ~ '^llm_usage_log_p[0-9]{6}$'
            and not c.relispartition
        order by 4
    loop
        continue when v_part.range_end > v_cutoff;

        partition_name := v_part.relname;
        archived_as := litellm._usage_archive_name(v_part.relname);
        range_start := v_part.range_start;
        range_end := v_part.range_end;
        row_estimate := case when v_part.reltuples >= 0 then v_part.reltuples::bigint end;

        if v_part.attached then
            execute format('alter table litellm.llm_usage_log detach partition litellm.%I', v_part.relname);
        end if;
        -- The summary-queue triggers do nothing on a detached table; drop them.
        execute format('drop trigger if exists llm_usage_log_enqueue_inserts on litellm.%I', v_part.relname);
        execute format('drop trigger if exists llm_usage_log_enqueue_updates on litellm.%I', v_part.relname);
        -- Archived rows take no new ids from the live log's sequence.
        execute format('alter table litellm.%I alter column id drop default', v_part.relname);
        if archived_as <> v_part.relname then
            for v_index in
                select ic.relname::text as relname
                from pg_catalog.pg_index as x
                inner join pg_catalog.pg_class as ic on x.indexrelid = ic.oid
                where x.indrelid = format('litellm.%I', v_part.relname)::regclass
            loop
                execute format(
                    'alter index litellm.%I rename to %I',
                    v_index.relname,
                    left(archived_as || '_' || replace(v_index.relname, v_part.relname || '_', ''), 63)
                );
            end loop;
            execute format('alter table litellm.%I rename to %I', v_part.relname, archived_as);
        end if;
        execute format('alter table litellm.%I set schema litellm_archive', archived_as);

        insert into litellm.usage_log_archives (archived_as, partition_name, range_start, range_end, row_estimate)
        values (
            archive_usage_logs.archived_as,
            archive_usage_logs.partition_name,
            archive_usage_logs.range_start,
            archive_usage_logs.range_end,
            archive_usage_logs.row_estimate
        );
        return next;
    end loop;
end
$$;

comment on function litellm.archive_usage_logs(interval) is
'Moves every monthly partition of llm_usage_log whose whole month ended before now() - older_than into schema '
'litellm_archive (plain tables, same name unless taken) and records it in usage_log_archives; returns what it moved '
'(names, UTC range, pg_class row estimate). Never touches the default partition or a month that has not ended. Time '
'does not grow with the rows moved (DETACH PARTITION and SET SCHEMA are catalogue changes). The summaries keep the '
'history. Takes an ACCESS EXCLUSIVE lock on llm_usage_log until the transaction ends (plain DETACH: CONCURRENTLY cannot '
'run in a function, nor on a table with a default partition); set lock_timeout to bound the wait. Also files months '
'detached by hand (llm_usage_log_pYYYYMM tables left in schema litellm). Safe to call any time; owner only. LD021 when '
'older_than is NULL or negative.';
