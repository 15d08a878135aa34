-- Power-level routing and provider health as data.
--
-- Seed 001's token limits become power_levels.max_tokens (seed 000's levels
-- keep their multipliers, latency bounds and providers). health_thresholds
-- holds the rules that turn success rate and latency into a provider status
-- (record_provider_health, refresh_provider_health); docs/pricing.md quotes
-- the shipped values.

update litellm.power_levels as pl
set max_tokens = t.max_tokens
from (values ('eco', 2000), ('balanced', 4000), ('precision', 16000)) as t (power_level, max_tokens)
where pl.power_level = t.power_level;

comment on column litellm.power_levels.max_tokens is
'Largest completion a request at this level may ask for (seed 001: eco 2000, balanced 4000, precision 16000).';
comment on column litellm.power_levels.max_latency_ms is
'A provider whose recent average latency is above this bound is not selected for this level.';
comment on column litellm.power_levels.cost_multiplier is
'Factor applied to the base price by calculate_cost() for calls at this level.';

create table litellm.health_thresholds (
    singleton boolean primary key default true check (singleton),
    degraded_below_success_rate numeric(5, 2) not null check (degraded_below_success_rate between 0 and 100),
    down_below_success_rate numeric(5, 2) not null check (down_below_success_rate between 0 and 100),
    degraded_above_latency_ms integer check (degraded_above_latency_ms > 0),
    check (down_below_success_rate <= degraded_below_success_rate)
);

comment on table litellm.health_thresholds is
'One row: how a provider''s status follows from its success rate and average latency. down when the success rate is below '
'down_below_success_rate or there was no success at all; else degraded when it is below degraded_below_success_rate or '
'the average latency is above the latency bound; else healthy.';
comment on column litellm.health_thresholds.singleton is
'Always true: the primary key that keeps this table to one row.';
comment on column litellm.health_thresholds.degraded_below_success_rate is
'Success rate (percent) under which a provider is degraded.';
comment on column litellm.health_thresholds.down_below_success_rate is
'Success rate (percent) under which a provider is down.';
comment on column litellm.health_thresholds.degraded_above_latency_ms is
'Average latency (ms) above which a provider is degraded; NULL = the largest max_latency_ms of power_levels.';

insert into litellm.health_thresholds (degraded_below_success_rate, down_below_success_rate) values (90, 50);

-- refresh_provider_health() reads the last minutes of the log. A BRIN index on
-- created_at finds them cheaply (rows arrive in time order) and costs next to
-- nothing per insert, unlike a B-tree.
create index llm_usage_log_created_brin
on litellm.llm_usage_log using brin (created_at);
