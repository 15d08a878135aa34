-- Organisations, teams and memberships: created idempotently, one primary team per user.
begin;
select plan(9);

select litellm.create_organization('h-org', 'Org');
select litellm.create_team('h-team-1', 'h-org', 'One');
select litellm.create_team('h-team-2', null);

select results_eq(
    $$ select organization_id, name from litellm.create_organization('h-org', 'Org') $$,
    $$ values ('h-org'::text, 'Org'::text) $$,
    'creating an organisation again returns it unchanged'
);
select results_eq(
    $$ select count(*) from litellm.organizations where organization_id = 'h-org' $$,
    $$ values (1::bigint) $$,
    'and does not duplicate it'
);
select results_eq(
    $$ select team_id, organization_id from litellm.create_team('h-team-2', 'h-org') $$,
    $$ values ('h-team-2'::text, 'h-org'::text) $$,
    'calling create_team with another organisation moves the team'
);
select results_eq(
    $$ select is_primary from litellm.add_team_member('h-user', 'h-team-1') $$,
    $$ values (true) $$,
    'a user''s first membership is primary (and the user needs no account)'
);
select results_eq(
    $$ select is_primary, role from litellm.add_team_member('h-user', 'h-team-2', 'admin') $$,
    $$ values (false, 'admin'::text) $$,
    'a second membership is not primary unless asked'
);
select litellm.add_team_member('h-user', 'h-team-2', is_primary => true);
select results_eq(
    $$ select team_id, is_primary from litellm.team_memberships where user_id = 'h-user' order by team_id $$,
    $$ values ('h-team-1'::text, false), ('h-team-2', true) $$,
    'making another team primary clears the old primary'
);
select results_eq(
    $$ select primary_team_id from litellm.budget_subjects where user_id = 'h-user' $$,
    $$ values ('h-team-2'::text) $$,
    'budget_subjects follows the primary team'
);
select ok(litellm.remove_team_member('h-user', 'h-team-2'), 'removing a member reports it');
select results_eq(
    $$ select primary_team_id is null from litellm.budget_subjects where user_id = 'h-user' $$,
    $$ values (true) $$,
    'without its primary membership the user has no primary team'
);

select * from finish();
rollback;
