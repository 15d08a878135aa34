-- Usage rollups beyond the per-user summary, and the archive of old log months.
--
-- llm_usage_attribution_summary answers "who inside the customer spent it":
-- tenant, organisation, team, service and operation (seeds 003 and 004). It is
-- filled by the same queue and the same refresh_usage_summary() call as
-- llm_usage_summary (sql/functions/0050_...), so both are exact together.
-- PostgreSQL 14 has no NULLS NOT DISTINCT, so a missing attribution is stored as
-- '' in the key columns (the analytics functions show it as NULL again).
--
-- litellm_archive holds the monthly partitions archive_usage_logs() detached
-- from llm_usage_log; usage_log_archives records what was moved and when.

create table litellm.llm_usage_attribution_summary (
    date date not null,
    tenant_id text not null default '',
    organization_id text not null default '',
    team_id text not null default '',
    service_name text not null default '',
    operation text not null default '',
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
    primary key (date, tenant_id, organization_id, team_id, service_name, operation, provider, model)
) with (fillfactor = 80);

comment on table litellm.llm_usage_attribution_summary is
'Daily usage per tenant, organisation, team, service, operation, provider and model (no user), exact as of the last '
'refresh_usage_summary(), like llm_usage_summary. A key column holds '''' where the log row had NULL. Archiving log rows '
'does not change it.';
comment on column litellm.llm_usage_attribution_summary.date is
'UTC calendar date of the calls: (created_at at time zone ''UTC'')::date.';
comment on column litellm.llm_usage_attribution_summary.tenant_id is
'llm_usage_log.tenant_id, or '''' for calls without one.';
comment on column litellm.llm_usage_attribution_summary.organization_id is
'llm_usage_log.organization_id, or '''' for calls without one.';
comment on column litellm.llm_usage_attribution_summary.team_id is
'llm_usage_log.team_id, or '''' for calls without one.';
comment on column litellm.llm_usage_attribution_summary.service_name is
'llm_usage_log.service_name, or '''' for calls without one.';
comment on column litellm.llm_usage_attribution_summary.operation is
'llm_usage_log.operation, or '''' for calls without one.';
comment on column litellm.llm_usage_attribution_summary.request_count is
'Calls logged, successful or not.';
comment on column litellm.llm_usage_attribution_summary.total_latency_ms is
'Sum of latency_ms over the calls that reported one; average latency = total_latency_ms / latency_count.';
comment on column litellm.llm_usage_attribution_summary.latency_count is
'Calls that reported a latency_ms.';
comment on column litellm.llm_usage_attribution_summary.total_cost is
'Sum of cost_credits.';
comment on column litellm.llm_usage_attribution_summary.total_cost_usd is
'Sum of cost_usd over the calls that reported one.';
comment on column litellm.llm_usage_attribution_summary.updated_at is
'When a refresh last changed this row.';

-- The primary key serves every "last N days" rollup (date first); these serve
-- the rollups that name one tenant, organisation or service.
create index llm_usage_attribution_summary_tenant
on litellm.llm_usage_attribution_summary (tenant_id, date);

create index llm_usage_attribution_summary_organization
on litellm.llm_usage_attribution_summary (organization_id, date);

create index llm_usage_attribution_summary_service
on litellm.llm_usage_attribution_summary (service_name, date);

-- "Top spenders" and "provider breakdown" read a date range of the per-user summary
-- through its primary key; "a user's usage" through (user_id, date).

-- if not exists: `litellm-db init --reset` drops schema litellm only, and the
-- archived months (the only copy of those raw rows) survive it.
create schema if not exists litellm_archive;

comment on schema litellm_archive is
'litellm-db: monthly partitions of litellm.llm_usage_log detached by archive_usage_logs(), one plain table per month. '
'Owner-only; dump, move or drop them as retention requires (see docs/operations.md).';

create table litellm.usage_log_archives (
    archived_as text primary key,
    partition_name text not null,
    range_start timestamptz not null,
    range_end timestamptz not null,
    row_estimate bigint,
    archived_at timestamptz not null default now(),
    dropped_at timestamptz,
    check (range_start < range_end)
);

comment on table litellm.usage_log_archives is
'One row per llm_usage_log partition moved to schema litellm_archive by archive_usage_logs(); dropped_at is set when '
'drop_archived_usage_logs() drops the table.';
comment on column litellm.usage_log_archives.archived_as is
'Name of the table in schema litellm_archive (the partition''s name, with a suffix if that name was taken).';
comment on column litellm.usage_log_archives.partition_name is
'Name the table had as a partition of litellm.llm_usage_log (llm_usage_log_pYYYYMM).';
comment on column litellm.usage_log_archives.range_start is
'First instant the partition covered (inclusive).';
comment on column litellm.usage_log_archives.range_end is
'End of the range the partition covered (exclusive).';
comment on column litellm.usage_log_archives.row_estimate is
'pg_class.reltuples at the time of the move (the planner''s estimate, from the last VACUUM or ANALYZE); NULL when the '
'table had never been analysed.';
