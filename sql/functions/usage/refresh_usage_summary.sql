-- Incremental, exact maintenance of llm_usage_summary and
-- llm_usage_attribution_summary.
--
-- Writers never touch a shared row: an AFTER ... FOR EACH STATEMENT trigger
-- with a transition table appends the statement's deltas, aggregated by the
-- union of both summaries' keys, to usage_summary_pending. refresh_usage_summary()
-- adds the queued sums to both summaries, so its cost is O(rows logged since the
-- last refresh) and the result is exact.
--
-- The queue has two slots (partitions usage_summary_pending_0 and _1). Writers
-- append to slot usage_summary_generation.last_value % 2. A refresh advances
-- the sequence, which switches every writer to the other slot at once (a
-- sequence is not transactional), then takes the old slot's ACCESS EXCLUSIVE
-- lock, which waits for the transactions still writing into it; once it has the
-- lock every row in the slot is committed and visible, and no new one can
-- arrive, so the refresh folds them all and empties the slot with TRUNCATE (a
-- constant cost, where DELETE writes every row twice and leaves them to VACUUM).
-- Writers are never blocked by a refresh, except one that read the slot number
-- just before the switch and reaches the slot just after the lock: it waits for
-- the refresh to commit, then appends to the old slot. Such rows, and rows of a
-- refresh that rolled back after its switch, are committed rows in the slot
-- that is now current; the refresh also folds those (DELETE ... RETURNING of the
-- committed rows of the current slot, normally a handful), so nothing is left
-- behind and nothing is counted twice.
--
-- Statement triggers fire for the table a statement names: the parent's
-- capture every row routed through llm_usage_log, and each partition gets the
-- same triggers (added when it is created) for statements that name the
-- partition directly. A statement through the parent does not fire the
-- partitions' statement triggers, so no row is counted twice.
--
-- DELETE, TRUNCATE and DETACH PARTITION are not captured: archiving old rows
-- leaves the summaries as they were. An UPDATE of a log row replaces its old
-- values by the new ones in the summaries.

-- A set-returning BEGIN ATOMIC function without a SET clause, so that the
-- planner inlines it into the triggers' INSERT (read as
-- `cross join litellm._usage_log_current_slot(tg_relid) as s`): a scalar SQL
-- function that reads a table is never inlined, and was planned again on every
-- logged call. Stable, not volatile (which would keep it from being inlined):
-- a refresh may switch the slot while a statement runs, and every slot a row
-- lands in is folded exactly once (see above), so any value read is right.
create or replace function litellm._usage_log_current_slot(relid oid)
returns table (slot smallint)
language sql
stable
security invoker
begin atomic
    select (g.last_value % 2)::smallint
    from litellm.usage_summary_generation as g
    where
        _usage_log_current_slot.relid = 'litellm.llm_usage_log'::regclass  -- noqa: RF01
        or exists (
            select from pg_catalog.pg_inherits as i
            where
                i.inhrelid = _usage_log_current_slot.relid  -- noqa: RF01
                and i.inhparent = 'litellm.llm_usage_log'::regclass
        );
end;

comment on function litellm._usage_log_current_slot(oid) is
'The usage_summary_pending slot a statement on relid (llm_usage_log or one of its partitions) appends to: '
'usage_summary_generation.last_value % 2, read when the statement runs. No row for a table that is not part of the '
'log (a detached, archived partition). Inlined into the summary-queue triggers.';

-- SECURITY DEFINER: writes usage_summary_pending, which the inserting role may not.
create or replace function litellm._usage_log_enqueue_inserts()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- No slot, no row: a detached (archived) partition is no longer part of the log.
    insert into litellm.usage_summary_pending (
        slot, date, user_id, provider, model, tenant_id, organization_id, team_id, service_name, operation,
        request_count, success_count, failure_count, total_prompt_tokens, total_completion_tokens, total_tokens,
        total_latency_ms, latency_count, total_cost, total_cost_usd
    )
    select
        s.slot,
        (n.created_at at time zone 'UTC')::date,
        n.user_id,
        n.provider,
        n.model,
        coalesce(n.tenant_id, ''),
        coalesce(n.organization_id, ''),
        coalesce(n.team_id, ''),
        coalesce(n.service_name, ''),
        coalesce(n.operation, ''),
        count(*),
        count(*) filter (where n.success),
        count(*) filter (where not n.success),
        sum(n.prompt_tokens),
        sum(n.completion_tokens),
        sum(n.total_tokens),
        coalesce(sum(n.latency_ms), 0),
        count(n.latency_ms),
        sum(n.cost_credits),
        coalesce(sum(n.cost_usd), 0)
    from new_rows as n
    cross join litellm._usage_log_current_slot(tg_relid) as s
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
    return null;
end
$$;

comment on function litellm._usage_log_enqueue_inserts() is
'Trigger function (AFTER INSERT FOR EACH STATEMENT on llm_usage_log and its partitions, transition table new_rows): '
'queues the inserted rows'' summary deltas in the current slot of usage_summary_pending.';

-- SECURITY DEFINER: writes usage_summary_pending, which the updating role may not.
create or replace function litellm._usage_log_enqueue_updates()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    insert into litellm.usage_summary_pending (
        slot, date, user_id, provider, model, tenant_id, organization_id, team_id, service_name, operation,
        request_count, success_count, failure_count, total_prompt_tokens, total_completion_tokens, total_tokens,
        total_latency_ms, latency_count, total_cost, total_cost_usd
    )
    select
        s.slot, d.date, d.user_id, d.provider, d.model, d.tenant_id, d.organization_id, d.team_id, d.service_name,
        d.operation, d.request_count, d.success_count, d.failure_count, d.total_prompt_tokens,
        d.total_completion_tokens, d.total_tokens, d.total_latency_ms, d.latency_count, d.total_cost, d.total_cost_usd
    from (
        select
            (r.created_at at time zone 'UTC')::date as date,
            r.user_id,
            r.provider,
            r.model,
            coalesce(r.tenant_id, '') as tenant_id,
            coalesce(r.organization_id, '') as organization_id,
            coalesce(r.team_id, '') as team_id,
            coalesce(r.service_name, '') as service_name,
            coalesce(r.operation, '') as operation,
            sum(r.sign) as request_count,
            coalesce(sum(r.sign) filter (where r.success), 0) as success_count,
            coalesce(sum(r.sign) filter (where not r.success), 0) as failure_count,
            sum(r.sign * r.prompt_tokens) as total_prompt_tokens,
            sum(r.sign * r.completion_tokens) as total_completion_tokens,
            sum(r.sign * r.total_tokens) as total_tokens,
            coalesce(sum(r.sign * r.latency_ms), 0) as total_latency_ms,
            coalesce(sum(r.sign) filter (where r.latency_ms is not null), 0) as latency_count,
            sum(r.sign * r.cost_credits) as total_cost,
            coalesce(sum(r.sign * r.cost_usd), 0) as total_cost_usd
        from (
            select
                1 as sign, n.created_at, n.user_id, n.provider, n.model, n.tenant_id, n.organization_id, n.team_id,
                n.service_name, n.operation, n.success, n.prompt_tokens, n.completion_tokens, n.total_tokens,
                n.latency_ms, n.cost_credits, n.cost_usd
            from new_rows as n
            union all
            select
                -1, o.created_at, o.user_id, o.provider, o.model, o.tenant_id, o.organization_id, o.team_id,
                o.service_name, o.operation, o.success, o.prompt_tokens, o.completion_tokens, o.total_tokens,
                o.latency_ms, o.cost_credits, o.cost_usd
            from old_rows as o
        ) as r
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9
    ) as d
    cross join litellm._usage_log_current_slot(tg_relid) as s
    where (
        d.request_count, d.success_count, d.failure_count, d.total_prompt_tokens, d.total_completion_tokens,
        d.total_tokens, d.total_latency_ms, d.latency_count, d.total_cost, d.total_cost_usd
    ) is distinct from (0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    return null;
end
$$;

comment on function litellm._usage_log_enqueue_updates() is
'Trigger function (AFTER UPDATE FOR EACH STATEMENT on llm_usage_log and its partitions, transition tables old_rows and '
'new_rows): queues the summary deltas of an update (new values minus old), skipping keys whose deltas are all zero.';

create or replace function litellm._usage_log_add_triggers(target regclass)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    execute format(
        'create or replace trigger llm_usage_log_enqueue_inserts after insert on %s'
        ' referencing new table as new_rows'
        ' for each statement execute function litellm._usage_log_enqueue_inserts()',
        target
    );
    execute format(
        'create or replace trigger llm_usage_log_enqueue_updates after update on %s'
        ' referencing old table as old_rows new table as new_rows'
        ' for each statement execute function litellm._usage_log_enqueue_updates()',
        target
    );
end
$$;

comment on function litellm._usage_log_add_triggers(regclass) is
'Creates (or replaces) the summary-queue statement triggers on target: llm_usage_log itself or one of its partitions.';

-- The parent, and every partition that exists already (an upgrade re-applies this file).
select litellm._usage_log_add_triggers(t.rel)
from (
    select 'litellm.llm_usage_log'::regclass as rel
    union all
    select i.inhrelid::regclass from pg_catalog.pg_inherits as i
    where i.inhparent = 'litellm.llm_usage_log'::regclass
) as t;

-- SECURITY DEFINER: writes both summaries and empties the queue, which the application may not.
create or replace function litellm.refresh_usage_summary()
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_old smallint;
    v_written bigint;
begin
    if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
        raise exception using
            errcode = 'LD310',
            message = format('refresh_usage_summary() must run in READ COMMITTED, not %s',
                             upper(pg_catalog.current_setting('transaction_isolation'))),
            detail = 'It waits for the writers of the queue slot it folds; a snapshot taken before that wait would miss '
                     'their rows.',
            hint = 'Call it in a transaction of its own (autocommit): SELECT refresh_usage_summary();';
    end if;
    perform litellm.ensure_usage_log_partitions();

    -- One refresh at a time.
    perform litellm._lock('usage_summary_refresh');

    -- Switch writers to the other slot, then wait for the old slot's writers.
    select (g.last_value % 2)::smallint into v_old from litellm.usage_summary_generation as g;
    perform pg_catalog.nextval('litellm.usage_summary_generation');
    execute format('lock table litellm.%I in access exclusive mode', 'usage_summary_pending_' || v_old);

    -- Fold the old slot (%1$I, read whole) and the committed rows of the current
    -- one (%2$I, deleted: normally none or a handful) into both summaries, each
    -- aggregating queued by its own key. queued is NOT MATERIALIZED: inlined into
    -- both inserts it reads the slot twice, which is cheaper than a materialised
    -- copy of it (that spills to disk once the queue outgrows work_mem).
    execute format(
        $fold$
        with leftover as (
            delete from litellm.%2$I
            returning *
        ),
        queued as not materialized (
            select
                q.date, q.user_id, q.provider, q.model, q.tenant_id, q.organization_id, q.team_id, q.service_name, q.operation,
                q.request_count, q.success_count, q.failure_count, q.total_prompt_tokens, q.total_completion_tokens,
                q.total_tokens, q.total_latency_ms, q.latency_count, q.total_cost, q.total_cost_usd
            from litellm.%1$I as q
            union all
            select
                l.date, l.user_id, l.provider, l.model, l.tenant_id, l.organization_id, l.team_id, l.service_name, l.operation,
                l.request_count, l.success_count, l.failure_count, l.total_prompt_tokens, l.total_completion_tokens,
                l.total_tokens, l.total_latency_ms, l.latency_count, l.total_cost, l.total_cost_usd
            from leftover as l
        ),
        per_user as (
            insert into litellm.llm_usage_summary as s (
                date, user_id, provider, model, request_count, success_count, failure_count, total_prompt_tokens,
                total_completion_tokens, total_tokens, total_latency_ms, latency_count, total_cost, total_cost_usd
            )
            select
                d.date, d.user_id, d.provider, d.model, sum(d.request_count), sum(d.success_count), sum(d.failure_count),
                sum(d.total_prompt_tokens), sum(d.total_completion_tokens), sum(d.total_tokens), sum(d.total_latency_ms),
                sum(d.latency_count), sum(d.total_cost), sum(d.total_cost_usd)
            from queued as d
            group by d.date, d.user_id, d.provider, d.model
            on conflict (date, user_id, provider, model) do update
                set
                    request_count = s.request_count + excluded.request_count,
                    success_count = s.success_count + excluded.success_count,
                    failure_count = s.failure_count + excluded.failure_count,
                    total_prompt_tokens = s.total_prompt_tokens + excluded.total_prompt_tokens,
                    total_completion_tokens = s.total_completion_tokens + excluded.total_completion_tokens,
                    total_tokens = s.total_tokens + excluded.total_tokens,
                    total_latency_ms = s.total_latency_ms + excluded.total_latency_ms,
                    latency_count = s.latency_count + excluded.latency_count,
                    total_cost = s.total_cost + excluded.total_cost,
                    total_cost_usd = s.total_cost_usd + excluded.total_cost_usd,
                    updated_at = pg_catalog.now()
            returning 1
        ),
        attributed as (
            insert into litellm.llm_usage_attribution_summary as a (
                date, tenant_id, organization_id, team_id, service_name, operation, provider, model, request_count,
                success_count, failure_count, total_prompt_tokens, total_completion_tokens, total_tokens, total_latency_ms,
                latency_count, total_cost, total_cost_usd
            )
            select
                d.date, d.tenant_id, d.organization_id, d.team_id, d.service_name, d.operation, d.provider, d.model,
                sum(d.request_count), sum(d.success_count), sum(d.failure_count), sum(d.total_prompt_tokens),
                sum(d.total_completion_tokens), sum(d.total_tokens), sum(d.total_latency_ms), sum(d.latency_count),
                sum(d.total_cost), sum(d.total_cost_usd)
            from queued as d
            group by d.date, d.tenant_id, d.organization_id, d.team_id, d.service_name, d.operation, d.provider, d.model
            on conflict (date, tenant_id, organization_id, team_id, service_name, operation, provider, model) do update
                set
                    request_count = a.request_count + excluded.request_count,
                    success_count = a.success_count + excluded.success_count,
                    failure_count = a.failure_count + excluded.failure_count,
                    total_prompt_tokens = a.total_prompt_tokens + excluded.total_prompt_tokens,
                    total_completion_tokens = a.total_completion_tokens + excluded.total_completion_tokens,
                    total_tokens = a.total_tokens + excluded.total_tokens,
                    total_latency_ms = a.total_latency_ms + excluded.total_latency_ms,
                    latency_count = a.latency_count + excluded.latency_count,
                    total_cost = a.total_cost + excluded.total_cost,
                    total_cost_usd = a.total_cost_usd + excluded.total_cost_usd,
                    updated_at = pg_catalog.now()
            returning 1
        )
        select count(*) from per_user
        $fold$,
        'usage_summary_pending_' || v_old,
        'usage_summary_pending_' || (1 - v_old)
    ) into v_written;
    execute format('truncate litellm.%I', 'usage_summary_pending_' || v_old);
    return v_written;
end
$$;

comment on function litellm.refresh_usage_summary() is
'Folds the queued deltas (usage_summary_pending) into llm_usage_summary and llm_usage_attribution_summary and returns the '
'number of llm_usage_summary rows inserted or updated. Cost is proportional to the rows logged since the last refresh; '
'afterwards both summaries are exact for every log row committed before the call. Waits for transactions still writing '
'into the queue slot it folds, never blocks writers. Concurrent calls queue. Raises LD310 outside READ COMMITTED: call it '
'in its own transaction, not in one that has logged calls. Also runs ensure_usage_log_partitions() (a no-op unless a '
'month is missing).';
