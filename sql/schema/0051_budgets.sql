-- Budgets on users, memberships (a user within a team), teams and
-- organisations, enforced in the debit's own transaction by
-- litellm._apply_budgets() (sql/functions/0520_apply_budgets.sql), which
-- documents the lock order. See docs/budgets.md.
--
-- A budget is a hard limit per period (UTC day, ISO week starting Monday,
-- calendar month, or no period), optionally for one model only, with soft
-- thresholds that raise an alert once per period. Spending is counted per
-- (budget_id, period_start) in budget_counters: a new period is a new row, so
-- periods roll over without a batch job. held counts reservations and moves
-- to the new period's row when that row is created.

create table litellm.budgets (
    budget_id bigint generated always as identity primary key,
    level text not null check (level in ('user', 'membership', 'team', 'organization')),
    user_id text check (length(user_id) between 1 and 255),
    team_id text references litellm.teams (team_id),
    organization_id text references litellm.organizations (organization_id),
    model text check (length(model) between 1 and 255),
    period text not null default 'monthly' check (period in ('daily', 'weekly', 'monthly', 'none')),
    hard_limit numeric(20, 6) not null check (hard_limit >= 0 and hard_limit < 1e14),
    soft_thresholds numeric[] not null default '{}' check (
        cardinality(soft_thresholds) <= 10
        and array_position(soft_thresholds, null) is null
        and 0 < all(soft_thresholds)
        and 1 >= all(soft_thresholds)
    ),
    active boolean not null default true,
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check (
        case level
            when 'user' then user_id is not null and team_id is null and organization_id is null
            when 'membership' then user_id is not null and team_id is not null and organization_id is null
            when 'team' then user_id is null and team_id is not null and organization_id is null
            when 'organization' then user_id is null and team_id is null and organization_id is not null
        end
    )
);

comment on table litellm.budgets is
'Spending limits. level says what a budget covers: a user (all their charges), a membership (the user''s charges in '
'one team), a team (all members'' charges in it) or an organisation (charges in all its teams). One budget per '
'level, subject, model and period; set_budget() creates or changes it.';
comment on column litellm.budgets.user_id is
'The user, for level user and membership; NULL otherwise.';
comment on column litellm.budgets.team_id is
'The team, for level membership and team; NULL otherwise.';
comment on column litellm.budgets.organization_id is
'The organisation, for level organization; NULL otherwise.';
comment on column litellm.budgets.model is
'NULL: the budget counts every charge. A model name: it counts (and limits) only charges for that model, and a '
'refusal names the level model:<name>.';
comment on column litellm.budgets.period is
'daily (UTC day), weekly (ISO week from Monday 00:00 UTC), monthly (calendar month, UTC) or none (never resets).';
comment on column litellm.budgets.hard_limit is
'Spent plus held plus a new charge or hold may not exceed this in one period; 0 blocks every charge.';
comment on column litellm.budgets.soft_thresholds is
'Fractions of hard_limit (0 < t <= 1, at most 10). The first charge of a period that takes spent to or past '
't x hard_limit records a budget_alerts row and sends NOTIFY litellm_budget_alerts.';
comment on column litellm.budgets.active is
'false: the budget is kept with its history but no longer checked.';
comment on column litellm.budgets.metadata is
'Caller-supplied context (a JSON object), stored as given.';

create unique index budgets_identity on litellm.budgets (
    level, coalesce(user_id, ''), coalesce(team_id, ''), coalesce(organization_id, ''), coalesce(model, ''), period
);

-- One probe per level when a charge collects the budgets that apply.
create index budgets_user on litellm.budgets (user_id) where level = 'user';
create index budgets_membership on litellm.budgets (user_id, team_id) where level = 'membership';
create index budgets_team on litellm.budgets (team_id) where level = 'team';
create index budgets_organization on litellm.budgets (organization_id) where level = 'organization';

create table litellm.budget_counters (
    budget_id bigint not null references litellm.budgets (budget_id),
    period_start date not null,
    spent numeric(20, 6) not null default 0 check (spent >= 0),
    held numeric(20, 6) not null default 0 check (held >= 0),
    primary key (budget_id, period_start)
)
with (fillfactor = 50);

comment on table litellm.budget_counters is
'What a budget has spent and holds in one period. Written only by _apply_budgets() under a row lock; the row of a new '
'period is created by the first charge or hold in it. Fill factor 50 keeps the updates HOT.';
comment on column litellm.budget_counters.period_start is
'First day (UTC) of the period: the day, the Monday of the ISO week, the first of the month; -infinity for period none.';
comment on column litellm.budget_counters.spent is
'Charges in the period, net of refunds (never below 0).';
comment on column litellm.budget_counters.held is
'Live reservations counted against the budget. Only the newest row of a budget holds any: creating a period''s row '
'moves the previous row''s held into it.';

create table litellm.budget_alerts (
    alert_id bigint generated always as identity primary key,
    budget_id bigint not null references litellm.budgets (budget_id),
    period_start date not null,
    threshold numeric not null,
    hard_limit numeric(20, 6) not null,
    spent numeric(20, 6) not null,
    user_id text,
    team_id text,
    created_at timestamptz not null default now(),
    unique (budget_id, period_start, threshold)
);

comment on table litellm.budget_alerts is
'Soft-threshold crossings: at most one row per budget, period and threshold, written in the transaction of the '
'charge that crossed it (together with NOTIFY litellm_budget_alerts).';
comment on column litellm.budget_alerts.threshold is
'The fraction of hard_limit that was reached.';
comment on column litellm.budget_alerts.hard_limit is
'The budget''s hard limit when the threshold was crossed.';
comment on column litellm.budget_alerts.spent is
'The period''s spending right after the charge that crossed the threshold.';
comment on column litellm.budget_alerts.user_id is
'The user whose charge crossed the threshold.';
comment on column litellm.budget_alerts.team_id is
'The team the charge was made in, if any.';

create index budget_alerts_created on litellm.budget_alerts (created_at desc);

create table litellm.budget_subjects (
    user_id text primary key,
    primary_team_id text,
    has_user_budgets boolean not null default false,
    has_membership_budgets boolean not null default false
);

comment on table litellm.budget_subjects is
'One row per user who is in a team or has a user or membership budget, kept by triggers on team_memberships and '
'budgets. A charge looks the user up here first: no row and no team given means nothing to check (one index probe).';
comment on column litellm.budget_subjects.primary_team_id is
'The team of the user''s primary membership, if any.';
comment on column litellm.budget_subjects.has_user_budgets is
'The user has an active budget of level user.';
comment on column litellm.budget_subjects.has_membership_budgets is
'The user has an active budget of level membership.';

-- Spend attribution per day. Keyed by user first: a row is only ever written
-- by its user's own charges, which already queue on the user's account row, so
-- attribution adds no shared hot row. Team, membership and organisation totals
-- are sums over these rows (indexes below).
create table litellm.spend_daily (
    user_id text not null,
    date date not null,
    team_id text not null,
    organization_id text not null default '',
    model text not null default '',
    spend numeric(20, 6) not null default 0 check (spend >= 0),
    refunded numeric(20, 6) not null default 0 check (refunded >= 0),
    charge_count bigint not null default 0 check (charge_count >= 0),
    primary key (user_id, date, team_id, organization_id, model)
)
with (fillfactor = 70);

comment on table litellm.spend_daily is
'Charges made in a team, per user, UTC day, team, organisation and model, written by _apply_budgets(). Sum by user '
'and team for a membership, by team, or by organisation. Charges made in no team are not here (a user''s own spending '
'per day is in the journal and llm_usage_summary).';
comment on column litellm.spend_daily.organization_id is
'The team''s organisation at the time of the charge, or '''' for none.';
comment on column litellm.spend_daily.model is
'The model charged for, or '''' when the charge named none.';
comment on column litellm.spend_daily.spend is
'Sum of charges.';
comment on column litellm.spend_daily.refunded is
'Sum of refunds made that day in this context (net spend = spend - refunded).';
comment on column litellm.spend_daily.charge_count is
'Number of charges.';

create index spend_daily_team on litellm.spend_daily (team_id, date);
create index spend_daily_organization on litellm.spend_daily (organization_id, date) where organization_id <> '';

create table litellm.spend_tag_daily (
    user_id text not null,
    date date not null,
    tag text not null check (length(tag) between 1 and 255),
    spend numeric(20, 6) not null default 0 check (spend >= 0),
    refunded numeric(20, 6) not null default 0 check (refunded >= 0),
    charge_count bigint not null default 0 check (charge_count >= 0),
    primary key (user_id, date, tag)
)
with (fillfactor = 70);

comment on table litellm.spend_tag_daily is
'Charges per user, UTC day and tag (a request tag, an API key alias, an end user: whatever the gateway passes in '
'_apply_budgets(tags => ...)). A charge with several tags counts in full under each.';
comment on column litellm.spend_tag_daily.spend is
'Sum of charges with this tag.';
comment on column litellm.spend_tag_daily.refunded is
'Sum of refunds with this tag made that day.';
comment on column litellm.spend_tag_daily.charge_count is
'Number of charges with this tag.';

create index spend_tag_daily_tag on litellm.spend_tag_daily (tag, date);
