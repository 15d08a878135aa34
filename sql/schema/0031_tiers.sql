-- Tiers (seed 001's markups, seed 002's token limits) get default monthly
-- spending caps, and a user's tier changes are kept as history.
--
-- Seed 002's limits map onto seed 001's tiers by rank: free 10k tokens = free,
-- basic 100k = starter, premium 500k = professional, unlimited = enterprise
-- (NULL: no limit). Those allowances ship with sql/schema/0002_catalogues.sql;
-- the caps below are this package's defaults, in credits per calendar month
-- (10 credits = 1 USD): free 100 (the Starter Pack), starter 1000,
-- professional 5000, enterprise none. Change them with an UPDATE.

update litellm.tiers as t
set monthly_cap = c.monthly_cap
from (
    values
    ('free', 100::numeric),
    ('starter', 1000),
    ('professional', 5000),
    ('enterprise', null)
) as c (tier, monthly_cap)
where t.tier = c.tier;

comment on column litellm.tiers.monthly_cap is
'Default spending cap in credits per calendar month for users of this tier (user_credits.monthly_cap overrides it); '
'NULL = no cap.';
comment on column litellm.tiers.monthly_token_allowance is
'Tokens per calendar month included in the tier (seed 002: free 10k, basic 100k, premium 500k, unlimited); NULL = no limit.';

create table litellm.user_tier_history (
    history_id bigint generated always as identity,
    user_id text not null references litellm.user_credits (user_id),
    old_tier text references litellm.tiers (tier),
    new_tier text not null references litellm.tiers (tier),
    reason text,
    changed_by text not null default session_user,
    changed_at timestamptz not null default now(),
    primary key (user_id, history_id)
);

comment on table litellm.user_tier_history is
'Every change of a user''s tier, written by set_user_tier(): from, to, why, who and when.';
comment on column litellm.user_tier_history.old_tier is
'The tier before the change.';
comment on column litellm.user_tier_history.changed_by is
'session_user of the change (the login role; set_user_tier runs as its owner).';
