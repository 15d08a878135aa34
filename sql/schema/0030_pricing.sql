-- Model pricing as data (seed 004): effective-dated prices per provider and
-- model, an audit trail of every change, and the USD -> credits rate (seed 000).
--
-- A price is in force on [effective_from, effective_to); effective_to NULL
-- means until further notice. Periods of one provider + model never overlap:
-- litellm.set_model_price() (sql/functions/0300_...) is the only writer, closes
-- the previous period at the new one's start, and serialises all price changes
-- on one advisory lock (an exclusion constraint would need btree_gist).
-- Fallback rows use '*': (provider, '*') is the provider's default price and
-- ('*', '*') the global default; see docs/pricing.md.

create table litellm.pricing_settings (
    singleton boolean primary key default true check (singleton),
    credits_per_usd numeric(20, 6) not null check (credits_per_usd > 0),
    updated_at timestamptz not null default now()
);

comment on table litellm.pricing_settings is
'One row of pricing configuration used by calculate_cost(). Change it with an UPDATE; the single row cannot be duplicated.';
comment on column litellm.pricing_settings.singleton is
'Always true: the primary key that keeps this table to one row.';
comment on column litellm.pricing_settings.credits_per_usd is
'Credits charged per US dollar of provider cost (seed 000: 100 credits = 10 USD, so 10).';

insert into litellm.pricing_settings (credits_per_usd) values (10);

create table litellm.model_prices (
    price_id bigint generated always as identity primary key,
    provider text not null check (length(provider) between 1 and 255 and provider = lower(btrim(provider))),
    model text not null check (length(model) between 1 and 255 and model = btrim(model)),
    prompt_per_1m numeric(20, 6) not null check (prompt_per_1m >= 0),
    completion_per_1m numeric(20, 6) not null check (completion_per_1m >= 0),
    cached_per_1m numeric(20, 6) check (cached_per_1m >= 0),
    effective_from timestamptz not null check (isfinite(effective_from)),
    effective_to timestamptz check (effective_to > effective_from and isfinite(effective_to)),
    source text not null default 'manual' check (source in ('default', 'manual', 'litellm')),
    note text,
    created_at timestamptz not null default now(),
    constraint model_prices_period_start unique (provider, model, effective_from)
);

comment on table litellm.model_prices is
'Provider list prices in USD per million tokens, effective-dated; rows are never deleted. Written only by set_model_price(), '
'which keeps the periods of one provider + model from overlapping. model = ''*'' is the provider''s default, provider = '
'model = ''*'' the global default (the fallback for unknown models).';
comment on column litellm.model_prices.provider is
'LLM provider in lower case (openai, anthropic, openrouter ...), or ''*'' for the global default row.';
comment on column litellm.model_prices.model is
'Model name as the gateway logs it (case-sensitive), or ''*'' for the provider''s default row.';
comment on column litellm.model_prices.prompt_per_1m is
'USD per 1,000,000 prompt (input) tokens. 0 is a deliberate free price.';
comment on column litellm.model_prices.completion_per_1m is
'USD per 1,000,000 completion (output) tokens.';
comment on column litellm.model_prices.cached_per_1m is
'USD per 1,000,000 cached input tokens (cache reads), when the provider has such a price.';
comment on column litellm.model_prices.effective_from is
'First instant the price is in force (inclusive); always finite (drivers cannot read infinities). 1970-01-01 UTC for the '
'shipped defaults.';
comment on column litellm.model_prices.effective_to is
'First instant the price is no longer in force (exclusive); NULL = until further notice.';
comment on column litellm.model_prices.source is
'Where the row came from: default (shipped with the package), manual (set_model_price), litellm (the importer).';

create table litellm.model_price_audit (
    audit_id bigint generated always as identity primary key,
    changed_at timestamptz not null default now(),
    changed_by text not null default current_user,
    session_role text not null default session_user,
    provider text not null,
    model text not null,
    action text not null check (action in ('added', 'changed', 'replaced')),
    price_id bigint not null references litellm.model_prices (price_id),
    old jsonb,
    new jsonb not null,
    note text
);

comment on table litellm.model_price_audit is
'Every change to model_prices, written by set_model_price(): who, when, the row before (old) and the row written (new), and the note.';
comment on column litellm.model_price_audit.changed_by is
'current_user of the change (set_model_price runs as its caller).';
comment on column litellm.model_price_audit.session_role is
'session_user of the change: the login role, also when the caller had SET ROLE.';
comment on column litellm.model_price_audit.action is
'added: first price of the provider + model; changed: the period in force was closed and a new one starts; '
'replaced: the prices of a period not yet in force were rescheduled.';
comment on column litellm.model_price_audit.price_id is
'The model_prices row written (the new period, or the replaced one).';
comment on column litellm.model_price_audit.old is
'The affected earlier row as it was before the change (to_jsonb of model_prices), NULL when added.';
comment on column litellm.model_price_audit.new is
'The row written by the change.';

create index model_price_audit_model
on litellm.model_price_audit (provider, model, changed_at);

-- Shipped prices: public list prices in USD per 1M tokens (standard tier, no
-- batch discount), in force since 1970-01-01 UTC (the beginning of time for
-- this table) until someone schedules a change.
-- The fallback rows are deliberately conservative (the most expensive model of
-- the provider): an unknown model is overcharged rather than given away.
insert into litellm.model_prices (
    provider, model, prompt_per_1m, completion_per_1m, cached_per_1m, effective_from, source, note
) values
('openai', 'gpt-4o', 2.50, 10.00, 1.25, '1970-01-01+00', 'default', 'OpenAI list price'),
('openai', 'gpt-4o-mini', 0.15, 0.60, 0.075, '1970-01-01+00', 'default', 'OpenAI list price'),
('openai', 'gpt-4-turbo', 10.00, 30.00, null, '1970-01-01+00', 'default', 'OpenAI list price'),
('openai', 'gpt-4', 30.00, 60.00, null, '1970-01-01+00', 'default', 'OpenAI list price (8k context)'),
('openai', 'gpt-3.5-turbo', 0.50, 1.50, null, '1970-01-01+00', 'default', 'OpenAI list price'),
('anthropic', 'claude-3-5-sonnet-20241022', 3.00, 15.00, 0.30, '1970-01-01+00', 'default', 'Anthropic list price'),
('anthropic', 'claude-3-5-haiku-20241022', 0.80, 4.00, 0.08, '1970-01-01+00', 'default', 'Anthropic list price'),
('anthropic', 'claude-3-opus-20240229', 15.00, 75.00, 1.50, '1970-01-01+00', 'default', 'Anthropic list price'),
('anthropic', 'claude-3-haiku-20240307', 0.25, 1.25, 0.03, '1970-01-01+00', 'default', 'Anthropic list price'),
('openai', '*', 30.00, 60.00, null, '1970-01-01+00', 'default', 'Fallback for unknown OpenAI models: gpt-4''s price'),
('anthropic', '*', 15.00, 75.00, null, '1970-01-01+00', 'default', 'Fallback for unknown Anthropic models: claude-3-opus''s price'),
(
    '*', '*', 30.00, 75.00, null, '1970-01-01+00', 'default',
    'Global fallback for unknown models: the highest shipped prompt and completion prices'
);

insert into litellm.model_price_audit (provider, model, action, price_id, new, note)
select
    mp.provider,
    mp.model,
    'added' as action,
    mp.price_id,
    to_jsonb(mp) as new,
    'shipped default' as note
from litellm.model_prices as mp;
