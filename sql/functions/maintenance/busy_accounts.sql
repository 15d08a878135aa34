-- Accounts whose charges wait on each other, from the row locks the server
-- reports (pg_locks), sampled over a short window.
--
-- A charge waiting for an account row holds or queues for a tuple lock on the
-- row version it waits for: the first waiter holds the tuple lock and waits
-- for the locking transaction, the others queue for the tuple lock. The row
-- version is read back by its tuple id (visible while the transaction that
-- locked it is in progress); a waiter queued on an older version, whose
-- locker has committed since, is counted with the account of the backend it
-- waits for.

create or replace function litellm._account_lock_waiters()
returns table (user_id text, waiting integer)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    with recursive tuple_waits as (
        select l.pid, l.relation, pg_catalog.format('(%s,%s)', l.page, l.tuple)::pg_catalog.tid as row_tid
        from pg_catalog.pg_locks as l
        where l.locktype = 'tuple'
            and l.database = (select d.oid from pg_catalog.pg_database as d where d.datname = pg_catalog.current_database())
            and l.relation in ('litellm.user_credits'::pg_catalog.regclass, 'litellm.credit_slots'::pg_catalog.regclass)
            and exists (select from pg_catalog.pg_locks as w where w.pid = l.pid and not w.granted)
    ),

    found as (
        select t.pid, coalesce(a.user_id, s.user_id) as user_id
        from tuple_waits as t
        left join litellm.user_credits as a
            on t.relation = 'litellm.user_credits'::pg_catalog.regclass and a.ctid = t.row_tid
        left join litellm.credit_slots as s
            on t.relation = 'litellm.credit_slots'::pg_catalog.regclass and s.ctid = t.row_tid
    ),

    located (pid, user_id, depth) as (
        select f.pid, f.user_id, 0 from found as f where f.user_id is not null
        union all
        select f.pid, l.user_id, l.depth + 1
        from located as l
        inner join found as f on f.user_id is null and l.pid = any(pg_catalog.pg_blocking_pids(f.pid))
        where l.depth < 4
    )

    select l.user_id, count(distinct l.pid)::integer
    from located as l
    group by l.user_id
$$;

comment on function litellm._account_lock_waiters() is
'The accounts that charges are waiting for right now, each with the number of backends waiting for its row (or one '
'of its slot rows). Used by busy_accounts.';

create or replace function litellm.busy_accounts(seconds numeric default 1, samples integer default 10)
returns table (
    user_id text,
    slot_count smallint,
    samples_waiting integer,
    samples_taken integer,
    most_waiting integer,
    suggested_slots integer
)
language plpgsql
volatile
-- definer: reads the rows that pg_locks names by their tuple ids, in tables the analyst cannot read.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_seen jsonb := '[]'::jsonb;
begin
    if busy_accounts.seconds is null or busy_accounts.seconds not between 0 and 60
        or busy_accounts.samples is null or busy_accounts.samples not between 1 and 600 then
        raise exception using
            errcode = 'LD057',
            message = format(
                'busy_accounts samples 1 to 600 times over 0 to 60 seconds, got %s samples over %s seconds',
                coalesce(busy_accounts.samples::text, 'NULL'), coalesce(busy_accounts.seconds::text, 'NULL')
            ),
            hint = 'The defaults, 10 samples over 1 second, suit a status check.';
    end if;
    for i in 1..busy_accounts.samples loop
        if i > 1 then
            perform pg_catalog.pg_sleep(busy_accounts.seconds / busy_accounts.samples);
        end if;
        v_seen := v_seen || coalesce((
            select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(w.user_id, w.waiting))
            from litellm._account_lock_waiters() as w
        ), '[]'::jsonb);
    end loop;
    return query
    select s.user_id, uc.slot_count, count(*)::integer, busy_accounts.samples, max(s.waiting)::integer,
        least(64, uc.slot_count + max(s.waiting))::integer
    from (
        select e ->> 0 as user_id, (e ->> 1)::integer as waiting
        from pg_catalog.jsonb_array_elements(v_seen) as e
    ) as s
    inner join litellm.user_credits as uc on uc.user_id = s.user_id
    group by s.user_id, uc.slot_count
    order by count(*) desc, max(s.waiting) desc, s.user_id;
end
$$;

comment on function litellm.busy_accounts(numeric, integer) is
'Accounts whose charges wait on each other: samples the server''s lock table (pg_locks) samples times (default 10) '
'over seconds (default 1), and returns each account that charges were waiting for in any sample, with its '
'slot_count, in how many samples it had waiters, the most waiting at once, and suggested_slots (its slot count '
'plus the most waiting, at most 64), the count to give set_account_slots so that those charges run at once. '
'Busiest first. A charge waits for an account row only while another transaction holds it, so an empty result over '
'a short window is no proof that no account is busy. Raises LD057 for samples outside 1-600 or seconds outside '
'0-60.';
