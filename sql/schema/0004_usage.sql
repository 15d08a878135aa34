-- Usage metering: the per-call log, its daily summary and provider health.
--
-- llm_usage_log is RANGE-partitioned by created_at into calendar months (UTC),
-- named llm_usage_log_pYYYYMM and created ahead of time by
-- litellm.ensure_usage_log_partitions() (sql/functions/0040_...). A DEFAULT
-- partition catches any row no monthly partition covers, so an insert never
-- fails for want of a partition; creating that month's partition later moves
-- such rows out of it. Archiving a month is DETACH PARTITION, not DELETE.
--
-- llm_usage_summary (and llm_usage_attribution_summary, sql/schema/0020_...) are
-- tables kept exact incrementally: a statement-level trigger on the log
-- (sql/functions/0050_...) appends each insert's aggregated deltas to
-- usage_summary_pending, and refresh_usage_summary() folds the queue into both
-- summaries. Inserting a log row never updates a shared row.
--
-- The queue has two slots (list partitions 0 and 1). Writers append to the slot
-- that usage_summary_generation's last value selects (even: 0, odd: 1); a
-- refresh advances the sequence (which switches writers to the other slot at
-- once, since sequences are not transactional), folds the slot it switched
-- away from and empties it with TRUNCATE. Emptying a queue costs the same
-- whatever its length, where DELETE would write every row twice (and leave
-- dead rows for VACUUM).

create sequence litellm.llm_usage_log_id_seq as bigint;

comment on sequence litellm.llm_usage_log_id_seq is
'Ids of llm_usage_log rows. A plain sequence default (not an identity column) so that partitions created with LIKE ... '
'INCLUDING DEFAULTS number rows too.';

create table litellm.llm_usage_log (
    id bigint not null default nextval('litellm.llm_usage_log_id_seq'),
    created_at timestamptz not null default now(),
    user_id text not null,
    provider text not null,
    model text not null,
    power_level text,
    prompt_tokens integer not null default 0 check (prompt_tokens >= 0),
    completion_tokens integer not null default 0 check (completion_tokens >= 0),
    total_tokens integer not null check (total_tokens >= 0),
    cost_credits numeric(20, 6) not null default 0 check (cost_credits >= 0),
    cost_usd numeric(20, 8) check (cost_usd >= 0),
    success boolean not null default true,
    latency_ms integer check (latency_ms >= 0),
    request_id text,
    litellm_call_id text,
    error_type text,
    error_message text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text,
    transaction_id bigint,
    uncharged_credits numeric(20, 6) check (uncharged_credits >= 0),
    billing_error text,
    request_metadata jsonb not null default '{}',
    response_metadata jsonb not null default '{}',
    primary key (user_id, created_at, id)
) partition by range (created_at);

alter sequence litellm.llm_usage_log_id_seq owned by litellm.llm_usage_log.id;

comment on table litellm.llm_usage_log is
'One row per LLM call (successful or not), append-only. Partitioned by month of created_at (UTC); rows no monthly '
'partition covers land in llm_usage_log_default. Deleting or detaching rows never changes llm_usage_summary.';
comment on column litellm.llm_usage_log.id is
'Row id from llm_usage_log_id_seq; unique together with created_at (the partition key).';
comment on column litellm.llm_usage_log.created_at is
'When the call was made; the partition key. Summarised under the UTC date of this instant.';
comment on column litellm.llm_usage_log.power_level is
'Routing level the caller asked for (see power_levels). Not a foreign key: logging never fails because a level was renamed.';
comment on column litellm.llm_usage_log.prompt_tokens is
'Input tokens; NULL is stored as 0.';
comment on column litellm.llm_usage_log.completion_tokens is
'Output tokens; NULL is stored as 0.';
comment on column litellm.llm_usage_log.total_tokens is
'Tokens billed; when the insert omits it or gives NULL it is set to prompt_tokens + completion_tokens.';
comment on column litellm.llm_usage_log.cost_credits is
'Credits charged for the call (numeric, never float); NULL is stored as 0. record_llm_call() writes the amount it debited '
'(0 when it charged nothing), so the summaries'' total_cost is revenue.';
comment on column litellm.llm_usage_log.cost_usd is
'Provider cost in US dollars, when known.';
comment on column litellm.llm_usage_log.latency_ms is
'Wall-clock duration of the call in milliseconds, when known.';
comment on column litellm.llm_usage_log.request_id is
'The gateway''s request id (the debit''s idempotency key). record_llm_call() logs a request id once per user; a direct '
'INSERT is not checked.';
comment on column litellm.llm_usage_log.litellm_call_id is
'LiteLLM''s own call id (litellm_call_id in its callback payload).';
comment on column litellm.llm_usage_log.error_type is
'Error class of a failed call (for example RateLimitError, Timeout); NULL on success.';
comment on column litellm.llm_usage_log.tenant_id is
'Tenant the call is attributed to (seed 004).';
comment on column litellm.llm_usage_log.team_id is
'Team the call is attributed to (seed 003 hierarchy).';
comment on column litellm.llm_usage_log.organization_id is
'Organisation the call is attributed to (seed 003 hierarchy).';
comment on column litellm.llm_usage_log.service_name is
'Internal service that made the call, such as pattern_analysis (seed 004).';
comment on column litellm.llm_usage_log.operation is
'Operation within the service, such as analyze_edge_case (seed 004).';
comment on column litellm.llm_usage_log.transaction_id is
'credit_transactions.id of the debit that charged this call, if any. Deliberately not a foreign key.';
comment on column litellm.llm_usage_log.uncharged_credits is
'What the call cost in credits when it was not charged: a failed call (never charged), or a successful call the user could '
'not pay for (see billing_error). NULL when the call was charged or cost nothing. Not part of cost_credits or the summaries.';
comment on column litellm.llm_usage_log.billing_error is
'Why a successful call with a cost was not charged, as the debit reported it (insufficient_credits, unknown_user, ...); '
'NULL otherwise. Written by record_llm_call().';
comment on column litellm.llm_usage_log.request_metadata is
'Caller-supplied request context (JSON object); NULL is stored as {}.';
comment on column litellm.llm_usage_log.response_metadata is
'Provider response context (JSON object); NULL is stored as {}.';

create table litellm.llm_usage_log_default partition of litellm.llm_usage_log default;

comment on table litellm.llm_usage_log_default is
'Catch-all partition of llm_usage_log for rows outside every monthly partition. Normally empty: '
'ensure_usage_log_partitions() creates months ahead, and creating a month''s partition moves that month''s rows out of '
'here.';

-- The primary key (user_id, created_at, id) also serves "a user's recent calls".
create index llm_usage_log_failures
on litellm.llm_usage_log (created_at)
where not success;

create index llm_usage_log_request_id
on litellm.llm_usage_log (request_id)
where request_id is not null;

-- record_llm_call() looks a replay up by request id, else by LiteLLM call id.
create index llm_usage_log_litellm_call_id
on litellm.llm_usage_log (litellm_call_id)
where litellm_call_id is not null;

create table litellm.llm_usage_summary (
    date date not null,
    user_id text not null,
    provider text not null,
    model text not null,
    request_count bigint not null default 0,
    success_count bigint not null default 0,
    failure_count bigint not null default 0,
    total_prompt_tokens bigint not null default 0,
    total_completion_tokens bigint not null default 0,
    total_tokens bigint not null default 0,
    total_latency_ms bigint not null default 0,
    latency_count bigint not null default 0,
    total_cost numeric(20, 6) not null default 0,
    total_cost_usd numeric(20, 8) not null default 0,
    updated_at timestamptz not null default now(),
    primary key (date, user_id, provider, model)
) with (fillfactor = 80);

comment on table litellm.llm_usage_summary is
'Daily usage per user, provider and model, exact as of the last refresh_usage_summary(). Counts every call ever logged: '
'archiving (detaching or deleting) log rows does not change it. Fill factor 80 leaves room on each page so that a refresh '
'updates rows in place (HOT).';
comment on column litellm.llm_usage_summary.date is
'UTC calendar date of the calls: (created_at at time zone ''UTC'')::date.';
comment on column litellm.llm_usage_summary.request_count is
'Calls logged, successful or not.';
comment on column litellm.llm_usage_summary.success_count is
'Calls with success = true.';
comment on column litellm.llm_usage_summary.failure_count is
'Calls with success = false.';
comment on column litellm.llm_usage_summary.total_latency_ms is
'Sum of latency_ms over the calls that reported one; average latency = total_latency_ms / latency_count.';
comment on column litellm.llm_usage_summary.latency_count is
'Calls that reported a latency_ms.';
comment on column litellm.llm_usage_summary.total_cost is
'Sum of cost_credits.';
comment on column litellm.llm_usage_summary.total_cost_usd is
'Sum of cost_usd over the calls that reported one.';
comment on column litellm.llm_usage_summary.updated_at is
'When a refresh last changed this row.';

create index llm_usage_summary_user_date
on litellm.llm_usage_summary (user_id, date);

create sequence litellm.usage_summary_generation as bigint minvalue 0 start with 0;

-- Mark the start value as used, so that the first nextval() moves to 1 (a fresh
-- sequence's first nextval() returns its start value and would not switch).
select pg_catalog.setval('litellm.usage_summary_generation', 0, true);

comment on sequence litellm.usage_summary_generation is
'Selects the usage_summary_pending slot writers append to: last_value % 2. refresh_usage_summary() advances it to switch '
'writers to the other slot; being non-transactional, the switch is seen by every session at once.';

create table litellm.usage_summary_pending (
    slot smallint not null,
    date date not null,
    user_id text not null,
    provider text not null,
    model text not null,
    tenant_id text not null,
    organization_id text not null,
    team_id text not null,
    service_name text not null,
    operation text not null,
    request_count bigint not null,
    success_count bigint not null,
    failure_count bigint not null,
    total_prompt_tokens bigint not null,
    total_completion_tokens bigint not null,
    total_tokens bigint not null,
    total_latency_ms bigint not null,
    latency_count bigint not null,
    total_cost numeric(20, 6) not null,
    total_cost_usd numeric(20, 8) not null,
    created_at timestamptz not null default now()
) partition by list (slot);

comment on table litellm.usage_summary_pending is
'Queue of summary deltas: one row per (statement, key) written by the log''s triggers into the current slot, folded into '
'llm_usage_summary and llm_usage_attribution_summary by refresh_usage_summary(). Its size is the refresh backlog. The key '
'is the union of both summaries'' keys; attribution columns hold '''' for NULL.';
comment on column litellm.usage_summary_pending.slot is
'0 or 1: the partition (usage_summary_pending_0 or _1) the row was appended to, chosen by usage_summary_generation.';
comment on column litellm.usage_summary_pending.request_count is
'Signed delta: inserts add, an UPDATE of a log row subtracts the old row and adds the new one.';
comment on column litellm.usage_summary_pending.created_at is
'When the delta was queued; min(created_at) is the age of the oldest unrefreshed change.';

create table litellm.usage_summary_pending_0 partition of litellm.usage_summary_pending for values in (0);
create table litellm.usage_summary_pending_1 partition of litellm.usage_summary_pending for values in (1);

comment on table litellm.usage_summary_pending_0 is
'Slot 0 of usage_summary_pending (writers use it while usage_summary_generation is even). Emptied by TRUNCATE.';
comment on table litellm.usage_summary_pending_1 is
'Slot 1 of usage_summary_pending (writers use it while usage_summary_generation is odd). Emptied by TRUNCATE.';

create table litellm.provider_health (
    provider text primary key,
    status text not null default 'unknown' check (status in ('healthy', 'degraded', 'down', 'unknown')),
    avg_latency_ms integer check (avg_latency_ms >= 0),
    success_rate numeric(5, 2) check (success_rate between 0 and 100),
    error_count bigint not null default 0 check (error_count >= 0),
    last_error text,
    notes text,
    last_check timestamptz not null default now()
);

comment on table litellm.provider_health is
'Latest health of each LLM provider, written by the gateway''s health checks (upsert on provider) and read by routing.';
comment on column litellm.provider_health.status is
'healthy, degraded, down or unknown.';
comment on column litellm.provider_health.avg_latency_ms is
'Recent average latency in milliseconds.';
comment on column litellm.provider_health.success_rate is
'Recent success rate in percent, 0 to 100.';
comment on column litellm.provider_health.error_count is
'Errors counted by the health checker in its current window (its own convention).';
comment on column litellm.provider_health.last_check is
'When the status was last written.';
