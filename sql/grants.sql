-- Privileges, all in one place, re-applied with every API change.
-- Nothing is executable by PUBLIC; the two group roles get what they need.
-- The role names are the defaults: the installer applies this file with each
-- database's own names in their place (docs/security.md#role-names).

revoke all on all functions in schema litellm from public;
revoke all on all procedures in schema litellm from public;
-- Functions and procedures the installing role creates later (in this
-- database, in any schema) are not executable by PUBLIC either. Per-schema
-- default privileges (IN SCHEMA litellm) can only add to the global default,
-- which grants EXECUTE to PUBLIC, so they cannot take it away: this cannot
-- name the schema.
alter default privileges revoke execute on functions from public;

grant usage on schema litellm to litellm_app, litellm_analyst;

grant select on litellm.tiers, litellm.power_levels, litellm.credit_packages
to litellm_app, litellm_analyst;

grant execute on function
litellm.add_user_credits(text, numeric, text, text, text, integer, text, jsonb, text, timestamptz),
litellm.debit_user_credits(text, numeric, text, text, bigint, bigint, text, jsonb, text),
litellm.get_user_balance(text)
to litellm_app;

-- The early-release debit (sql/functions/0021) is security invoker (a
-- procedure that commits cannot be a definer): the application role runs it,
-- and through it the definer debit and a setval of the WAL flush mark.
grant execute on procedure
litellm.debit_user_credits_early_release(
    text, numeric, text, text, bigint, bigint, text, jsonb, text,
    boolean, bigint, numeric, numeric, text, text, boolean
)
to litellm_app;
grant update on sequence litellm.wal_flush_mark to litellm_app;

-- Usage metering (sql/schema/0004_usage.sql). The application logs calls and
-- reports provider health with plain INSERTs (the seed's statements); the
-- summary and its queue are written only by refresh_usage_summary() and the
-- log's triggers (SECURITY DEFINER). Partitions get no grants: every access
-- goes through llm_usage_log.
grant insert on litellm.llm_usage_log to litellm_app;
grant usage on sequence litellm.llm_usage_log_id_seq to litellm_app;
grant select, insert, update on litellm.provider_health to litellm_app;
grant select on litellm.llm_usage_summary, litellm.provider_health to litellm_analyst;
grant execute on function
litellm.refresh_usage_summary(),
litellm.ensure_usage_log_partitions(integer, integer)
to litellm_app;
-- The seed's user-statistics queries read the summary; INSERT ... RETURNING on
-- the log needs SELECT; the seed's failed-requests query is an analyst's.
grant select on litellm.llm_usage_summary, litellm.llm_usage_log to litellm_app;
grant select on litellm.llm_usage_log to litellm_analyst;

grant select on litellm.account_overview to litellm_analyst;
-- The view computes the effective monthly cap with its helper, which PostgreSQL
-- inlines only for a role that may execute it: the analyst reads the view.
grant execute on function litellm._effective_monthly_cap(litellm.user_credits) to litellm_analyst;

-- Bring-your-own-key storage (sql/functions/0400-0408). The application stores,
-- reads (ciphertext only), lists, toggles, deletes and rotates keys through the
-- API; nobody but the owner reads user_provider_keys directly. The analyst
-- gets nothing here: keys are not analytics.
grant execute on function
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

-- Pricing and routing (sql/schema/0030-0032, sql/functions/0300-0340). Prices,
-- the conversion rate and the health thresholds are catalogues: both roles read
-- them; the price audit and tier history are for the analyst. set_model_price
-- is granted to nobody: prices are set by the owner (or a role the owner grants
-- it to, together with write access to model_prices and model_price_audit).
-- The application's pricing and health functions run as the caller, so the
-- argument-check helpers they call (invoker, side-effect free) are granted too.
grant select on litellm.model_prices, litellm.pricing_settings, litellm.health_thresholds
to litellm_app, litellm_analyst;
grant select on litellm.model_price_audit, litellm.user_tier_history to litellm_analyst;
grant execute on function
litellm.calculate_cost(text, text, bigint, bigint, text, text, timestamptz),
litellm.get_model_price(text, text, timestamptz),
litellm.select_providers(text),
litellm._price_key(text, text),
litellm._check_text(text, text, integer),
litellm._check_tokens(bigint, bigint),
litellm._power_level_key(text),
litellm._unknown_power_level(text),
litellm._health_status(numeric, numeric, bigint)
to litellm_app, litellm_analyst;
grant execute on function
litellm.purchase_credit_package(text, integer, text, text),
litellm.set_user_tier(text, text, text),
litellm.record_provider_health(text, text, integer, numeric, bigint, text, text),
litellm.refresh_provider_health(integer, boolean)
to litellm_app;

-- The ledger (sql/schema/0010_ledger.sql): holds, corrections, expiry, audit.
grant execute on function
litellm.reserve_credits(text, numeric, text, interval, jsonb),
litellm.settle_reservation(text, text, numeric, text, text, bigint, bigint, text, jsonb),
litellm.release_reservation(text, text),
litellm.refund_transaction(bigint, text, text, numeric),
litellm.adjust_credits(text, numeric, text, text, timestamptz),
litellm.expire_credits(integer),
litellm.verify_ledger()
to litellm_app;
grant execute on function litellm.verify_ledger() to litellm_analyst;
grant select on litellm.credit_types to litellm_app, litellm_analyst;

-- Organisations, teams, budgets and row-level security (sql/schema/0050-0052,
-- sql/functions/0500-0520; docs/budgets.md, docs/security.md). The application
-- manages the hierarchy and budgets through the API (SECURITY DEFINER) and
-- reads them; the analyst reads budgets, alerts and attribution. Nobody may
-- execute litellm._apply_budgets: the debit functions call it as the owner.
-- The read functions run as the caller, so the helpers they call are granted
-- with them.
grant select on
litellm.organizations, litellm.teams, litellm.team_memberships, litellm.budgets, litellm.budget_counters,
litellm.budget_alerts, litellm.budget_subjects, litellm.spend_daily, litellm.spend_tag_daily
to litellm_app, litellm_analyst;
grant execute on function
litellm.create_organization(text, text, jsonb),
litellm.create_team(text, text, text, jsonb),
litellm.add_team_member(text, text, text, boolean),
litellm.remove_team_member(text, text),
litellm.set_budget(text, numeric, text, text, text, text, numeric[], text, boolean, jsonb)
to litellm_app;
grant execute on function
litellm.get_budget_status(text, text, text),
litellm.list_budget_alerts(bigint, text, text, text, timestamptz, integer),
litellm.get_daily_spend(text, text, text, text, integer),
litellm._charge_team(text, litellm.budget_subjects),
litellm._budget_period_start(text, timestamptz),
litellm._budget_period_end(text, date),
litellm._check_max_rows(integer)
to litellm_app, litellm_analyst;
-- End-user connections: their own user's rows of four tables, chosen by
-- row-level security from the user their token proves (sql/schema/0081), and
-- never a key's ciphertext. They execute one function, the one the policies
-- call. The application issues the tokens; rotating the signing key is the
-- owner's (rotate_end_user_token_key is granted to nobody).
grant usage on schema litellm to litellm_end_user;
grant select on litellm.user_credits, litellm.credit_transactions, litellm.llm_usage_log to litellm_end_user;
revoke select on litellm.user_provider_keys from litellm_end_user;
grant select (
    id, user_id, provider, key_name, key_hint, enabled, metadata, created_at, updated_at, last_used_at, encryption_key_id
) on litellm.user_provider_keys to litellm_end_user;
grant execute on function litellm.current_end_user_id() to litellm_end_user;
grant execute on function litellm.issue_end_user_token(text, interval) to litellm_app;

-- Usage metering, part 2 (issue 4): one-call charge+log, analytics, archival.
-- record_llm_call() is the gateway's; the analytics read the summaries (and
-- failed_calls() the log) as the caller, so the analyst gets both summaries.
-- archive_usage_logs() and drop_archived_usage_logs() are the owner's only.
grant execute on function
litellm.record_llm_call(
    text, text, text, bigint, bigint, numeric, boolean, text, text, text, integer, numeric, text, text, text, text, text,
    text, text, text, jsonb, jsonb
),
litellm.settle_llm_call(
    text, text, numeric, text, text, bigint, bigint, text, text, integer, numeric, text, text, text, text, text, text,
    jsonb, jsonb, jsonb
),
litellm.usage_daily(text, integer),
litellm.top_models(integer, integer, text),
litellm.tenant_usage_daily(text, integer)
to litellm_app;
grant select on litellm.llm_usage_attribution_summary to litellm_app, litellm_analyst;
grant execute on function
litellm.usage_daily(text, integer),
litellm.top_models(integer, integer, text),
litellm.top_spenders(integer, integer),
litellm.provider_breakdown(integer),
litellm.failed_calls(integer, text),
litellm.usage_by_tenant(integer),
litellm.tenant_usage_daily(text, integer),
litellm.usage_by_operation(integer, text, text),
litellm.team_usage(integer, text),
litellm.organization_usage(integer),
litellm._usage_by_operation(integer, text, text),
litellm._team_usage(integer, text)
to litellm_analyst;
-- The analytics run as their caller, and so do the argument checks they call.
grant execute on function
litellm._usage_since(integer),
litellm._usage_max_rows(integer)
to litellm_app, litellm_analyst;
grant select on litellm.usage_log_archives to litellm_analyst;
-- Usage over a date range, credits in and out per day, balances per tier: what
-- `litellm-db usage`, `top` and `report` and the metrics exporter read (as the
-- analyst). credit_flow_daily and credit_totals are definers that return totals only.
grant execute on function
litellm.usage_between(date, date, text, text, text, text, text, integer),
litellm.credit_flow_daily(date, date, text),
litellm.credit_totals()
to litellm_analyst;
-- Maintenance (sql/schema/0090): the analyst and the exporter read the jobs'
-- outcomes; run_maintenance() is the owner's (it runs as its caller).
grant select on litellm.maintenance_jobs to litellm_analyst;

-- USD to credits by the database's rate (sql/functions/0303): the LiteLLM logger
-- converts LiteLLM's dollar cost with it. Runs as the caller, so its argument
-- check is granted too.
grant execute on function
litellm.usd_to_credits(numeric),
litellm._check_usd(numeric, text)
to litellm_app, litellm_analyst;
