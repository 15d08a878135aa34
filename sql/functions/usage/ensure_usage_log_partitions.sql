-- Monthly partitions of llm_usage_log, created ahead of time.
--
-- A month's partition is llm_usage_log_pYYYYMM and covers
-- [YYYY-MM-01 00:00 UTC, next month 00:00 UTC). It is created as a plain table
-- (LIKE the parent), filled with the rows of that month that had landed in the
-- DEFAULT partition, and then attached. For a month still ahead, ATTACH
-- PARTITION takes only SHARE UPDATE EXCLUSIVE on the parent, so inserts go on
-- meanwhile; a month that has already begun (catching up when partitions were
-- not created ahead) briefly locks the parent so that no insert in flight is
-- routed to the default partition across the attach.

create or replace function litellm._usage_log_month_begun(month date)
returns boolean
language sql
stable
begin atomic
    select (pg_catalog.date_trunc('month', month::timestamp) at time zone 'UTC') <= pg_catalog.now() + interval '1 day';
end;

comment on function litellm._usage_log_month_begun(date) is
'Whether the UTC month containing month has begun (or begins within a day): its partition is then created under an '
'ACCESS EXCLUSIVE lock on llm_usage_log, which only the owner may take (see ensure_usage_log_partitions).';

create or replace function litellm._session_owns_usage_log()
returns boolean
language sql
stable
begin atomic
    select pg_catalog.pg_has_role(session_user, c.relowner, 'MEMBER')
    from pg_catalog.pg_class as c
    where c.oid = 'litellm.llm_usage_log'::regclass;
end;

comment on function litellm._session_owns_usage_log() is
'Whether the session''s login (session_user, which SET ROLE and SECURITY DEFINER do not change) is a member of the '
'role that owns llm_usage_log (or a superuser).';

create or replace function litellm._ensure_usage_log_partition(month date)
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_start date;
    v_name text;
    v_from text;
    v_to text;
    v_columns text;
    v_moved bigint;
begin
    if month is null then
        raise exception using
            errcode = 'LD007', message = 'month is required';
    end if;
    v_start := date_trunc('month', month::timestamp)::date;
    v_name := 'llm_usage_log_p' || to_char(v_start, 'YYYYMM');

    -- Fast path, no lock: the partition exists already.
    if litellm._usage_log_partition_state(v_name) = 'attached' then
        return null;
    end if;

    -- Serialise partition creation. For a month still in the future, SHARE
    -- UPDATE EXCLUSIVE (it conflicts with itself, not with inserts) is enough:
    -- no live insert targets that month. For a month that has begun, rows are
    -- being routed to the default partition right now, and an insert routed
    -- before the attach would fail its recheck after it; ACCESS EXCLUSIVE
    -- makes those inserts wait and route again (this is the catch-up case,
    -- when partitions were not created ahead).
    if litellm._usage_log_month_begun(v_start) then
        lock table litellm.llm_usage_log in access exclusive mode;
    else
        lock table litellm.llm_usage_log in share update exclusive mode;
    end if;
    -- Freeze the default partition: no row of this month may land in it
    -- between the move and the attach.
    lock table litellm.llm_usage_log_default in access exclusive mode;

    case litellm._usage_log_partition_state(v_name)
        when 'attached' then
            return null;  -- created by a concurrent call while we waited
        when 'other' then
            raise exception using
                errcode = 'LD007',
                message = format('litellm.%s exists but is not a partition of litellm.llm_usage_log', v_name),
                hint = 'It is probably an archived (detached) month: rename it, then create the partition again.';
        else
            null;
    end case;

    v_from := to_char(v_start, 'YYYY-MM-DD') || ' 00:00:00+00';
    v_to := to_char(v_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';

    execute format(
        'create table litellm.%I (like litellm.llm_usage_log including defaults including constraints including storage)',
        v_name
    );

    -- Move this month's rows out of the default partition (the attach would
    -- fail otherwise). Neither statement fires the summary triggers: the moved
    -- rows were counted when they were first inserted.
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
    into strict v_columns
    from pg_catalog.pg_attribute as a
    where
        a.attrelid = 'litellm.llm_usage_log'::regclass
        and a.attnum > 0
        and not a.attisdropped;
    execute format(
        'with moved as (delete from litellm.llm_usage_log_default where created_at >= %1$L::timestamptz'
        ' and created_at < %2$L::timestamptz returning %3$s) insert into litellm.%4$I (%3$s) select %3$s from moved',
        v_from, v_to, v_columns, v_name
    );
    get diagnostics v_moved = row_count;

    execute format(
        'alter table litellm.llm_usage_log attach partition litellm.%I for values from (%L) to (%L)',
        v_name, v_from, v_to
    );
    perform litellm._usage_log_add_triggers(format('litellm.%I', v_name)::regclass);

    if v_moved > 0 then
        raise notice using
            message = format('moved %s rows from litellm.llm_usage_log_default into litellm.%s', v_moved, v_name);
    end if;
    return v_name;
end
$$;

comment on function litellm._ensure_usage_log_partition(date) is
'Creates and attaches the llm_usage_log partition for the UTC month containing month (any day of it), moving that '
'month''s rows out of the default partition first. Returns the new partition''s name, or NULL when it already existed. '
'LD007 when month is NULL or a non-partition table has the name.';

create or replace function litellm._usage_log_partition_state(partition_name text)
returns text
language sql
stable
set search_path = pg_catalog, pg_temp
begin atomic
    select
        case
            when c.oid is null then 'missing'
            when exists (
                select from pg_catalog.pg_inherits as i
                where i.inhrelid = c.oid and i.inhparent = 'litellm.llm_usage_log'::regclass
            ) then 'attached'
            else 'other'
        end
    from (select to_regclass('litellm.' || quote_ident(partition_name))::oid as oid) as c;
end;

comment on function litellm._usage_log_partition_state(text) is
'Whether litellm.<partition_name> is missing, attached (a partition of llm_usage_log) or other (some other relation).';

-- SECURITY DEFINER: creates tables in schema litellm, which the application role may not.
create or replace function litellm.ensure_usage_log_partitions(months_ahead integer default 3, months_behind integer default 0)
returns setof text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_this_month date := date_trunc('month', now() at time zone 'UTC')::date;
    v_owner boolean := litellm._session_owns_usage_log();
    v_current_attached boolean;
    v_month date;
    v_name text;
    v_skipped text [] := array[]::text [];
begin
    if months_ahead is null or months_ahead not between 0 and 120 then
        raise exception using
            errcode = 'LD007',
            message = format('months_ahead must be between 0 and 120, got %s', coalesce(months_ahead::text, 'NULL'));
    end if;
    if months_behind is null or months_behind not between 0 and 120 then
        raise exception using
            errcode = 'LD007',
            message = format('months_behind must be between 0 and 120, got %s', coalesce(months_behind::text, 'NULL')),
            hint = 'For an older month call litellm._ensure_usage_log_partition(month) as the owner.';
    end if;
    -- Only the owner creates a month that has begun: that locks the log
    -- against inserts (ACCESS EXCLUSIVE), and a session that then kept its
    -- transaction open would stop usage logging. Any other session creates
    -- only months still ahead (SHARE UPDATE EXCLUSIVE, which inserts do not
    -- wait for), and only while this month's partition exists: attaching
    -- locks the default partition, which takes every insert when it does not.
    v_current_attached := litellm._usage_log_partition_state('llm_usage_log_p' || to_char(v_this_month, 'YYYYMM'))
                          = 'attached';
    for i in -months_behind..months_ahead loop
        v_month := (v_this_month + make_interval(months => i))::date;
        if not v_owner and (litellm._usage_log_month_begun(v_month) or not v_current_attached) then
            if litellm._usage_log_partition_state('llm_usage_log_p' || to_char(v_month, 'YYYYMM')) <> 'attached' then
                v_skipped := array_append(v_skipped, 'llm_usage_log_p' || to_char(v_month, 'YYYYMM'));
            end if;
            continue;
        end if;
        v_name := litellm._ensure_usage_log_partition(v_month);
        if v_name is not null then
            return next v_name;
        end if;
    end loop;
    if cardinality(v_skipped) > 0 then
        raise warning using
            message = format('usage log partitions missing: %s', array_to_string(v_skipped, ', ')),
            detail = 'Their rows go to the default partition. Creating them locks the usage log against inserts, '
                     'which only the owner may do.',
            hint = 'As the owner: SELECT * FROM litellm.ensure_usage_log_partitions(3, <months back>);';
    end if;
    return;
end
$$;

comment on function litellm.ensure_usage_log_partitions(integer, integer) is
'Creates the monthly partitions of llm_usage_log (UTC months, named llm_usage_log_pYYYYMM) from months_behind months ago '
'to months_ahead months ahead, moving rows of those months out of the default partition. Returns the names it created '
'(none when all exist, so it is cheap to call often). Called by the installer and by refresh_usage_summary(). Only a '
'session whose login is (a member of) the log''s owner creates a month that has begun (that locks the log against '
'inserts); any other session creates only months ahead, and only while this month''s partition exists, and is warned '
'of the missing months it skipped. LD007 for a count outside 0..120.';
