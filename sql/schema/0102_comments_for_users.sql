-- Comments of earlier schema files that cited the design documents the package
-- was drawn from, or described a column as it no longer works. Released schema
-- files never change, so the comments are replaced here.

comment on table litellm.credit_packages is
'Credit packages a user can buy. Retired packages stay with active = false so old purchases keep their reference.';
comment on table litellm.power_levels is
'Routing levels a caller picks per request: allowed providers, cost multiplier, latency bound and minimum quality.';
comment on column litellm.power_levels.max_tokens is
'Largest completion a request at this level may ask for (defaults: eco 2000, balanced 4000, precision 16000).';
comment on column litellm.tiers.monthly_token_allowance is
'Tokens per calendar month included in the tier (defaults: free 10k, basic 100k, premium 500k, unlimited); '
'NULL = no limit.';
comment on column litellm.pricing_settings.credits_per_usd is
'Credits charged per US dollar of provider cost (default 10: 100 credits cost 10 USD).';
comment on column litellm.user_credits.last_reset is
'When the account was created, in the column the original account table had; the package never updates it. '
'The monthly cap runs on month_start and month_spent.';
comment on column litellm.llm_usage_log.tenant_id is
'Tenant the call is attributed to, for a gateway that serves several customers.';
comment on column litellm.llm_usage_log.team_id is
'Team the call is attributed to (litellm.teams).';
comment on column litellm.llm_usage_log.organization_id is
'Organisation the call is attributed to (litellm.organizations).';
comment on column litellm.llm_usage_log.service_name is
'Internal service that made the call, such as pattern_analysis.';
comment on column litellm.llm_usage_log.operation is
'Operation within the service, such as analyze_edge_case.';
