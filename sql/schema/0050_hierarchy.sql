-- The organisation -> team -> user hierarchy (seed 003).
--
-- Ids are text chosen by the gateway (LiteLLM's own ids, or any stable name),
-- the same text llm_usage_log.team_id and organization_id carry. A user is the
-- text user_id of user_credits, but a member need not have an account yet:
-- team_memberships has no foreign key to user_credits (an admin can put a user
-- in a team before the user's first purchase).

create table litellm.organizations (
    organization_id text primary key check (length(organization_id) between 1 and 255),
    name text check (length(name) <= 255),
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table litellm.organizations is
'Organisations: the top of the hierarchy. Teams belong to at most one; organisation budgets cover every team in it.';
comment on column litellm.organizations.name is
'Display name (LiteLLM''s organization_alias); NULL shows the id.';
comment on column litellm.organizations.metadata is
'Caller-supplied context (a JSON object), stored as given.';

create table litellm.teams (
    team_id text primary key check (length(team_id) between 1 and 255),
    organization_id text references litellm.organizations (organization_id),
    name text check (length(name) <= 255),
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table litellm.teams is
'Teams, each in one organisation or in none. A charge made in a team counts against the team''s budgets and its '
'organisation''s.';
comment on column litellm.teams.organization_id is
'The organisation the team belongs to; NULL for a team without one.';
comment on column litellm.teams.name is
'Display name (LiteLLM''s team_alias); NULL shows the id.';
comment on column litellm.teams.metadata is
'Caller-supplied context (a JSON object), stored as given.';

create index teams_organization on litellm.teams (organization_id) where organization_id is not null;

create table litellm.team_memberships (
    user_id text not null check (length(user_id) between 1 and 255),
    team_id text not null references litellm.teams (team_id),
    role text not null default 'member' check (role in ('owner', 'admin', 'member', 'viewer')),
    is_primary boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (user_id, team_id)
);

comment on table litellm.team_memberships is
'Which teams a user is in (several at once), with a role. At most one membership per user is primary: a charge that '
'names no team is made in the primary team. No foreign key to user_credits: a member need not have credits yet.';
comment on column litellm.team_memberships.role is
'owner, admin, member or viewer: recorded for the gateway''s own authorisation; budgets do not depend on it.';
comment on column litellm.team_memberships.is_primary is
'The user''s primary team (LiteLLM''s user.team_id): charges that name no team count against it. At most one per user.';

create unique index team_memberships_one_primary on litellm.team_memberships (user_id) where is_primary;

create index team_memberships_team on litellm.team_memberships (team_id, user_id);
