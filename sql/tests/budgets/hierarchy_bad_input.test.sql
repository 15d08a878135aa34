-- Bad hierarchy arguments raise documented SQLSTATEs and write nothing.
begin;
select plan(8);

select litellm.create_team('hb-team');

select throws_ok($$ select litellm.create_organization(null) $$, 'LD054', null, 'an organisation needs an id');
select throws_ok($$ select litellm.create_organization('  ') $$, 'LD054', null, 'a blank id is refused');
select throws_ok(
    $$ select litellm.create_organization(repeat('o', 256)) $$, 'LD007', null, 'an id over 255 characters is refused'
);
select throws_ok(
    $$ select litellm.create_team('hb-team-2', 'no-such-org') $$, 'LD250', null, 'a team in an unknown organisation'
);
select throws_ok(
    $$ select litellm.add_team_member('hb-user', 'no-such-team') $$, 'LD251', null, 'a member of an unknown team'
);
select throws_ok(
    $$ select litellm.add_team_member('hb-user', 'hb-team', 'superuser') $$, 'LD055', null, 'an unknown role'
);
select throws_ok($$ select litellm.add_team_member(null, 'hb-team') $$, 'LD004', null, 'a NULL user');
select is_empty($$ select from litellm.team_memberships where user_id = 'hb-user' $$, 'nothing was written');

select * from finish();
rollback;
