-- Privileges, all in one place, re-applied with every API change, in the
-- order of sql/functions/<area>/. Nothing is executable by PUBLIC; the group
-- roles get what they need. The role names are the defaults: the installer
-- applies this file with each database's own names in their place
-- (docs/security.md#role-names). A helper whose name starts with `_` is granted
-- only where a function running as its caller needs it (or PostgreSQL needs
-- the privilege to inline it): it is not part of the API.

revoke all on all functions in schema litellm from public;
revoke all on all procedures in schema litellm from public;
-- This file is the whole of the group roles' privileges: what it no longer
-- grants, an upgraded database no longer grants either (and grants in the same
-- order as a fresh install).
revoke all on all tables in schema litellm from litellm_app, litellm_analyst, litellm_end_user;
revoke all on all sequences in schema litellm from litellm_app, litellm_analyst, litellm_end_user;
revoke all on all functions in schema litellm from litellm_app, litellm_analyst, litellm_end_user;
revoke all on all procedures in schema litellm from litellm_app, litellm_analyst, litellm_end_user;
-- Functions and procedures the installing role creates later (in this
-- database, in any schema) are not executable by PUBLIC either. Per-schema
-- default privileges (IN SCHEMA litellm) can only add to the global default,
-- which grants EXECUTE to PUBLIC, so they cannot take it away: this cannot
-- name the schema.
alter default privileges revoke execute on functions from public;

grant usage on schema litellm to litellm_app, litellm_analyst;

-- common: argument checks that functions running as their caller use.
grant execute on function
litellm._check_text(text, text, integer),
litellm._check_tokens(bigint, bigint),
litellm._check_max_rows(integer)
to litellm_app, litellm_analyst;

-- ledger: accounts, charges, holds, corrections, expiry and the audit. The
-- early-release debit is security invoker (a procedure that commits cannot be
-- a definer): the application role runs it, and through it the definer debit
-- and a setval of the WAL flush mark. The account overview computes the
-- effective monthly cap with its helper, which PostgreSQL inlines only for a
-- role that may execute it.
grant select on litellm.credit_types to litellm_app, litellm_analyst;
grant execute on function
litellm.add_user_credits(text, numeric, text, text, text, integer, text, jsonb, text, timestamptz),
litellm.debit_user_credits(text, numeric, text, text, bigint, bigint, text, jsonb, text),
litellm.get_user_balance(text),
litellm.account_statement(text, timestamptz, timestamptz, integer),
litellm.reserve_credits(text, numeric, text, interval, jsonb),
litellm.settle_reservation(text, text, numeric, text, text, bigint, bigint, text, jsonb),
litellm.release_reservation(text, text),
litellm.refund_transaction(bigint, text, text, numeric),
litellm.adjust_credits(text, numeric, text, text, timestamptz),
litellm.expire_credits(integer),
litellm.set_account_slots(text, integer),
litellm.verify_ledger()
to litellm_app;
grant execute on procedure
litellm.debit_user_credits_early_release(
    text, numeric, text, text, bigint, bigint, text, jsonb, text,
    boolean, bigint, numeric, numeric, text, text, boolean
)
to litellm_app;
grant update on sequence litellm.wal_flush_mark to litellm_app;
grant execute on function litellm.verify_ledger() to litellm_analyst;
grant select on litellm.account_overview to litellm_analyst;
grant execute on function litellm._effective_monthly_cap(litellm.user_credits) to litellm_analyst;

-- usage: the log of calls and its summaries. The application logs calls with
-- plain INSERTs (the documented statements) or with record_llm_call and
-- settle_llm_call (charge and log in one call); INSERT ... RETURNING needs
-- SELECT. The summaries and their queue are written only by
-- refresh_usage_summary() and the log's triggers (SECURITY DEFINER).
-- Partitions get no grants: every access goes through llm_usage_log.
-- archive_usage_logs() and drop_archived_usage_logs() are the owner's only.
grant insert on litellm.llm_usage_log to litellm_app;
-- Its CHECK constraint calls this as the role inserting (schema/0122_row_rules.sql).
grant execute on function
litellm._llm_usage_log_rules(integer, integer, integer, integer, numeric, numeric, numeric)
to litellm_app;
grant usage on sequence litellm.llm_usage_log_id_seq to litellm_app;
grant select on litellm.llm_usage_summary, litellm.llm_usage_log to litellm_app;
grant select on litellm.llm_usage_summary, litellm.llm_usage_log to litellm_analyst;
grant select on litellm.llm_usage_attribution_summary to litellm_app, litellm_analyst;
grant select on litellm.usage_log_archives to litellm_analyst;
grant execute on function
litellm.refresh_usage_summary(),
litellm.ensure_usage_log_partitions(integer, integer),
litellm.record_llm_call(
    text, text, text, bigint, bigint, numeric, boolean, text, text, text, integer, numeric, text, text, text, text, text,
    text, text, text, jsonb, jsonb
),
litellm.settle_llm_call(
    text, text, numeric, text, text, bigint, bigint, text, text, integer, numeric, text, text, text, text, text, text,
    jsonb, jsonb, jsonb
)
to litellm_app;

-- analytics: reports over the summaries, the log and the journal. They run as
-- their caller (credit_flow_daily and credit_totals are definers that return
-- totals only), so their argument checks are granted with them. The
-- application gets the per-user ones; the analyst all of them, which is what
-- `litellm-db usage`, `top` and `report` and the metrics exporter read.
grant execute on function
litellm.usage_daily(text, integer),
litellm.top_models(integer, integer, text),
litellm.tenant_usage_daily(text, integer),
litellm._usage_since(integer)
to litellm_app, litellm_analyst;
grant execute on function
litellm.top_spenders(integer, integer),
litellm.provider_breakdown(integer),
litellm.failed_calls(integer, text),
litellm.usage_by_tenant(integer),
litellm.usage_by_operation(integer, text, text),
litellm.team_usage(integer, text),
litellm.organization_usage(integer),
litellm._usage_by_operation(integer, text, text),
litellm._team_usage(integer, text),
litellm.usage_between(date, date, text, text, text, text, text, integer),
litellm.credit_flow_daily(date, date, text),
litellm.credit_totals()
to litellm_analyst;

-- pricing: prices, the conversion rate, tiers, power levels and credit
-- packages are catalogues both roles read; the price audit and tier history
-- are the analyst's. set_model_price is granted to nobody: prices are set by
-- the owner (or a role the owner grants it to, with write access to
-- model_prices and model_price_audit). calculate_cost, get_model_price and
-- usd_to_credits run as the caller, so their helpers are granted with them.
grant select on
litellm.model_prices, litellm.pricing_settings, litellm.tiers, litellm.power_levels, litellm.credit_packages
to litellm_app, litellm_analyst;
grant select on litellm.model_price_audit, litellm.user_tier_history to litellm_analyst;
grant execute on function
litellm.calculate_cost(text, text, bigint, bigint, text, text, timestamptz),
litellm.get_model_price(text, text, timestamptz),
litellm.usd_to_credits(numeric, numeric),
litellm._price_key(text, text),
litellm._power_level_key(text),
litellm._unknown_power_level(text),
litellm._check_usd(numeric, text)
to litellm_app, litellm_analyst;
grant execute on function
litellm.purchase_credit_package(text, integer, text, text),
litellm.set_user_tier(text, text, text)
to litellm_app;

-- routing: the application reports provider health with plain statements or
-- record_provider_health and picks providers; thresholds are a catalogue.
grant select, insert, update on litellm.provider_health to litellm_app;
grant select on litellm.provider_health to litellm_analyst;
grant select on litellm.health_thresholds to litellm_app, litellm_analyst;
grant execute on function
litellm.select_providers(text),
litellm._health_status(numeric, numeric, bigint)
to litellm_app, litellm_analyst;
grant execute on function
litellm.record_provider_health(text, text, integer, numeric, bigint, text, text),
litellm.refresh_provider_health(integer, boolean)
to litellm_app;

-- byok: the application stores, reads (ciphertext only), lists, toggles,
-- deletes and rotates keys through the API; nobody but the owner reads
-- user_provider_keys directly. The analyst gets nothing: keys are not
-- analytics. Provider spellings are a catalogue the application reads
-- (canonical_provider runs as its caller); only the owner changes them.
grant select on litellm.provider_aliases to litellm_app;
grant execute on function
litellm.canonical_provider(text),
litellm.store_user_api_key(text, text, text, text, text, text, jsonb, boolean),
litellm.get_user_api_key(text, text),
litellm.get_user_api_keys(text),
litellm.list_user_api_keys(text),
litellm.set_user_api_key_enabled(text, text, boolean),
litellm.delete_user_api_key(text, text),
litellm.count_user_api_keys_to_rotate(text),
litellm.list_user_api_keys_to_rotate(text, bigint, integer),
litellm.rotate_user_api_keys(bigint[], text[], text[], text)
to litellm_app;

-- budgets: the application manages organisations, teams and budgets through
-- the API (SECURITY DEFINER) and reads them; the analyst reads budgets, alerts
-- and attribution. Nobody may execute litellm._apply_budgets: the charging
-- functions call it as the owner. The read functions run as the caller, so
-- the helpers they call are granted with them (docs/budgets.md).
grant select on
litellm.organizations, litellm.teams, litellm.team_memberships, litellm.budgets, litellm.budget_counters,
litellm.budget_alerts, litellm.budget_subjects, litellm.spend_daily, litellm.spend_tag_daily
to litellm_app, litellm_analyst;
grant execute on function
litellm.create_organization(text, text, jsonb),
litellm.create_team(text, text, text, jsonb),
litellm.add_team_member(text, text, text, boolean),
litellm.remove_team_member(text, text),
litellm.set_budget(text, numeric, text, text, text, text, numeric[], text, boolean, jsonb),
litellm.set_budget_shares(bigint, integer)
to litellm_app;
grant execute on function
litellm.get_budget_status(text, text, text),
litellm.list_budget_alerts(bigint, text, text, text, timestamptz, integer),
litellm.get_daily_spend(text, text, text, text, integer),
litellm._charge_team(text, litellm.budget_subjects),
litellm._charge_team_of(text, text),
litellm._subject_budgets(text, text, text, boolean, boolean),
litellm._budget_period_start(text, timestamptz),
litellm._budget_period_end(text, date)
to litellm_app, litellm_analyst;

-- end_users: end-user connections read their own user's rows of four tables,
-- chosen by row-level security from the user their token proves, and never a
-- key's ciphertext. They execute one function, the one the policies call.
-- The application issues the tokens; rotating the signing key is the owner's
-- (rotate_end_user_token_key is granted to nobody; docs/security.md).
grant usage on schema litellm to litellm_end_user;
grant select on litellm.user_credits, litellm.credit_transactions, litellm.llm_usage_log to litellm_end_user;
revoke select on litellm.user_provider_keys from litellm_end_user;
grant select (
    id, user_id, provider, key_name, key_hint, enabled, metadata, created_at, updated_at, last_used_at, encryption_key_id
) on litellm.user_provider_keys to litellm_end_user;
grant execute on function litellm.current_end_user_id() to litellm_end_user;
grant execute on function litellm.issue_end_user_token(text, interval) to litellm_app;

-- maintenance: the analyst and the exporter read the jobs' outcomes;
-- run_maintenance() is the owner's (it runs as its caller). busy_accounts()
-- names accounts whose charges wait on each other (`litellm-db status`): the
-- analyst's, who sees every account in account_overview already.
grant select on litellm.maintenance_jobs to litellm_analyst;
grant execute on function litellm.busy_accounts(numeric, integer) to litellm_analyst;
