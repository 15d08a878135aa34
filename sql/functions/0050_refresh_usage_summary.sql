-- Incremental, exact maintenance of llm_usage_summary.
--
-- Writers never touch a shared row: an AFTER ... FOR EACH STATEMENT trigger
-- with a transition table appends the statement's deltas, aggregated by
-- summary key, to usage_summary_pending. refresh_usage_summary() deletes the
-- committed queue rows and adds their sums to the summary in one statement, so
-- its cost is O(rows logged since the last refresh) and the result is exact.
--
-- Statement triggers fire for the table a statement names: the parent's
-- capture every row routed through llm_usage_log, and each partition gets the
-- same triggers (added when it is created) for statements that name the
-- partition directly. A statement through the parent does not fire the
-- partitions' statement triggers, so no row is counted twice.
--
-- DELETE, TRUNCATE and DETACH PARTITION are not captured: archiving old rows
-- leaves the summary as it was. An UPDATE of a log row replaces its old values
-- by the new ones in the summary.

-- SECURITY DEFINER: writes usage_summary_pending, which the inserting role may not.
create or replace function litellm._usage_log_enqueue_inserts()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
    if tg_relid <> 'litellm.llm_usage_log'::regclass and not exists (
        select from pg_catalog.pg_inherits as i
        where i.inhrelid = tg_relid and i.inhparent = 'litellm.llm_usage_log'::regclass
    ) then
        return null;  -- a detached (archived) partition is no longer part of the log
    end if;
    insert into litellm.usage_summary_pending (
        date, user_id, provider, model, request_count, success_count, failure_count,
        total_prompt_tokens, total_completion_tokens, total_tokens, total_latency_ms, latency_count,
        total_cost, total_cost_usd
    )
    select
        (n.created_at at time zone 'UTC')::date,
        n.user_id,
        n.provider,
        n.model,
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
    group by 1, 2, 3, 4;
    return null;
end
$$;

comment on function litellm._usage_log_enqueue_inserts() is
'Trigger function (AFTER INSERT FOR EACH STATEMENT on llm_usage_log and its partitions, transition table new_rows): '
'queues the inserted rows'' summary deltas in usage_summary_pending.';

-- SECURITY DEFINER: writes usage_summary_pending, which the updating role may not.
create or replace function litellm._usage_log_enqueue_updates()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
    if tg_relid <> 'litellm.llm_usage_log'::regclass and not exists (
        select from pg_catalog.pg_inherits as i
        where i.inhrelid = tg_relid and i.inhparent = 'litellm.llm_usage_log'::regclass
    ) then
        return null;
    end if;
    insert into litellm.usage_summary_pending (
        date, user_id, provider, model, request_count, success_count, failure_count,
        total_prompt_tokens, total_completion_tokens, total_tokens, total_latency_ms, latency_count,
        total_cost, total_cost_usd
    )
    select
        d.date, d.user_id, d.provider, d.model, d.request_count, d.success_count, d.failure_count,
        d.total_prompt_tokens, d.total_completion_tokens, d.total_tokens, d.total_latency_ms, d.latency_count,
        d.total_cost, d.total_cost_usd
    from (
        select
            (r.created_at at time zone 'UTC')::date as date,
            r.user_id,
            r.provider,
            r.model,
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
                1 as sign, n.created_at, n.user_id, n.provider, n.model, n.success, n.prompt_tokens,
                n.completion_tokens, n.total_tokens, n.latency_ms, n.cost_credits, n.cost_usd
            from new_rows as n
            union all
            select
                -1, o.created_at, o.user_id, o.provider, o.model, o.success, o.prompt_tokens,
                o.completion_tokens, o.total_tokens, o.latency_ms, o.cost_credits, o.cost_usd
            from old_rows as o
        ) as r
        group by 1, 2, 3, 4
    ) as d
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
set search_path = ''
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

-- SECURITY DEFINER: writes llm_usage_summary and usage_summary_pending, which the application may not.
create or replace function litellm.refresh_usage_summary()
returns bigint
language sql
volatile
security definer
set search_path = ''
begin atomic
    select litellm.ensure_usage_log_partitions();
    with consumed as (
        delete from litellm.usage_summary_pending
        returning
            date, user_id, provider, model, request_count, success_count, failure_count,
            total_prompt_tokens, total_completion_tokens, total_tokens, total_latency_ms, latency_count,
            total_cost, total_cost_usd
    ),

    upserted as (
        insert into litellm.llm_usage_summary as s (
            date, user_id, provider, model, request_count, success_count, failure_count,
            total_prompt_tokens, total_completion_tokens, total_tokens, total_latency_ms, latency_count,
            total_cost, total_cost_usd
        )
        select
            c.date,
            c.user_id,
            c.provider,
            c.model,
            sum(c.request_count) as request_count,
            sum(c.success_count) as success_count,
            sum(c.failure_count) as failure_count,
            sum(c.total_prompt_tokens) as total_prompt_tokens,
            sum(c.total_completion_tokens) as total_completion_tokens,
            sum(c.total_tokens) as total_tokens,
            sum(c.total_latency_ms) as total_latency_ms,
            sum(c.latency_count) as latency_count,
            sum(c.total_cost) as total_cost,
            sum(c.total_cost_usd) as total_cost_usd
        from consumed as c
        group by c.date, c.user_id, c.provider, c.model
        -- One lock order for every refresh, so concurrent refreshes cannot deadlock.
        order by c.date, c.user_id, c.provider, c.model
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
                updated_at = now()
        returning 1
    )

    select count(*) from upserted;
end;

comment on function litellm.refresh_usage_summary() is
'Folds the queued deltas (usage_summary_pending) into llm_usage_summary and returns the number of summary rows inserted '
'or updated. Cost is proportional to the rows logged since the last refresh; afterwards the summary is exact for every '
'log row committed before the call. Also runs ensure_usage_log_partitions() (a no-op unless a month is missing). Call it '
'in READ COMMITTED; concurrent calls are safe.';
