-- Run before every install or upgrade, inside the installer's transaction and
-- advisory lock. Everything here is idempotent; all other objects come from
-- numbered files under sql/schema/ (applied once each) and from the API files
-- under sql/functions/, sql/views/ and sql/grants.sql (re-applied as a unit
-- whenever their checksum changes).

create schema if not exists litellm;

comment on schema litellm is
'litellm-db: credits, ledger, usage metering and budgets for an LLM gateway.';

create table if not exists litellm.schema_migrations (
    version text primary key,
    kind text not null check (kind in ('schema', 'api')),
    description text not null,
    checksum text not null,
    package_version text not null,
    applied_at timestamptz not null default now()
);

comment on table litellm.schema_migrations is
'One row per applied sql/schema file (kind schema, version = its number) and per applied API set (kind api, version = api-<checksum>).';
