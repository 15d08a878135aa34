-- Catalogues: data that configures pricing and routing. Rows, not code:
-- seed 000's values ship as defaults and can be changed with plain SQL.

create table litellm.tiers (
    tier text primary key check (tier ~ '^[a-z][a-z0-9_]{0,62}$'),
    markup numeric(8, 4) not null default 0 check (markup >= 0),
    monthly_cap numeric(20, 6) check (monthly_cap >= 0),
    monthly_token_allowance bigint check (monthly_token_allowance >= 0),
    description text not null default ''
);

comment on table litellm.tiers is
'Subscription tiers: markup on base cost, default monthly spending cap and token allowance (NULL = none).';
comment on column litellm.tiers.markup is
'Fraction added to the base cost: 0.40 means cost x 1.40.';

insert into litellm.tiers (tier, markup, monthly_token_allowance, description) values
('free', 0, 10000, 'Free tier: the platform absorbs the markup'),
('starter', 0.40, 100000, 'Starter'),
('professional', 0.60, 500000, 'Professional'),
('enterprise', 0.80, null, 'Enterprise');

create table litellm.power_levels (
    power_level text primary key check (power_level ~ '^[a-z][a-z0-9_]{0,62}$'),
    display_name text not null,
    cost_multiplier numeric(8, 4) not null check (cost_multiplier >= 0),
    max_latency_ms integer not null check (max_latency_ms > 0),
    min_quality integer not null check (min_quality between 0 and 100),
    max_tokens integer check (max_tokens > 0),
    providers text[] not null default '{}',
    description text not null default ''
);

comment on table litellm.power_levels is
'Routing levels a caller picks per request (seed 000 defaults): allowed providers, cost multiplier, latency bound and minimum quality.';
comment on column litellm.power_levels.providers is
'Providers allowed for this level, in order of preference.';

insert into litellm.power_levels (
    power_level, display_name, cost_multiplier, max_latency_ms, min_quality, providers, description
) values
('eco', 'Eco', 0.7, 5000, 70, '{openrouter,together,deepinfra}', 'Cheapest providers, relaxed latency'),
('balanced', 'Balanced', 1.0, 3000, 85, '{openai,anthropic,openrouter}', 'General purpose (default)'),
('precision', 'Precision', 1.5, 2000, 95, '{anthropic,openai}', 'Best quality, tight latency');

create table litellm.credit_packages (
    package_id integer primary key,
    name text not null unique,
    credits numeric(20, 6) not null check (credits > 0),
    price_usd numeric(12, 2) not null check (price_usd >= 0),
    discount_percent numeric(5, 2) not null default 0 check (discount_percent between 0 and 100),
    active boolean not null default true,
    created_at timestamptz not null default now()
);

comment on table litellm.credit_packages is
'Credit packages a user can buy (seed 000 catalogue). Retired packages stay with active = false so old purchases keep their reference.';

insert into litellm.credit_packages (package_id, name, credits, price_usd, discount_percent) values
(1, 'Starter Pack', 100, 10.00, 0),
(2, 'Value Pack', 500, 45.00, 10),
(3, 'Pro Pack', 1000, 80.00, 20),
(4, 'Enterprise Pack', 5000, 350.00, 30);
