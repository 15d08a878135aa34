-- Row-level security accepts only a valid, unexpired token signed by this database: no setting, forged,
-- tampered, swapped, replayed or expired token shows another user's rows.
begin;
select plan(19);

select litellm_test.funded_user('eta-a', 10);
select litellm_test.funded_user('eta-b', 20);

-- Every token below is made before the role changes (the end user may call none of these functions).
create temporary table t as
select
    a,
    b,
    split_part(a, '.', 1)::integer as kid,
    split_part(a, '.', 2) as a_payload,
    split_part(a, '.', 3) as a_mac,
    split_part(b, '.', 2) as b_payload,
    split_part(b, '.', 3) as b_mac,
    litellm._sign_end_user_token('eta-b', now() - interval '1 second') as expired_b
from (
    select
        litellm.issue_end_user_token('eta-a') as a,
        litellm.issue_end_user_token('eta-b') as b
) as x;

create temporary table attack (name text primary key, token text not null);
insert into attack
select
    'forged' as name,
    t.kid || '.' || f.payload || '.' || litellm._base64url_encode(litellm._hmac_sha256(
        litellm._hmac_key_pad('not the secret', 54), litellm._hmac_key_pad('not the secret', 92),
        convert_to(t.kid || '.' || f.payload, 'UTF8')
    )) as token
from t, (select litellm._base64url_encode(convert_to('{"e": 99999999999, "u": "eta-b"}', 'UTF8')) as payload) as f;
insert into attack
select
    'b payload, a mac' as name,
    kid || '.' || b_payload || '.' || a_mac as token
from t
union all
select
    'a payload, b mac' as name,
    kid || '.' || a_payload || '.' || b_mac as token
from t
union all
select
    'a payload edited' as name,
    kid || '.' || litellm._base64url_encode(convert_to(replace(
        convert_from(litellm._base64url_decode(a_payload), 'UTF8'), 'eta-a', 'eta-b'
    ), 'UTF8')) || '.' || a_mac as token
from t
union all
select
    'other key id' as name,
    (kid + 1) || '.' || a_payload || '.' || a_mac as token
from t
union all
select
    'expired' as name,
    expired_b as token
from t
union all
select
    'too long' as name,
    repeat('1.', 3000) || a_mac as token
from t
union all
select
    'trailing space' as name,
    a || ' ' as token
from t;
grant select on t, attack to public;

create function pg_temp.use(name text)
returns text
language sql
as $$ select set_config('litellm.end_user_token', (select a.token from attack as a where a.name = use.name), true) $$;
grant execute on function pg_temp.use(text) to public;

set local role litellm_end_user;

-- Settings.
select set_config('litellm.end_user_token', (select a from t), true);
select set_config('litellm.user_id', 'eta-b', true);
select results_eq(
    $$ select user_id from litellm.user_credits $$, $$ values ('eta-a') $$,
    'A''s token with litellm.user_id = B shows A, not B'
);
select set_config('litellm.end_user_token', '', true);
select is_empty($$ select from litellm.user_credits $$, 'litellm.user_id alone shows nothing');
select set_config('litellm.end_user_token', 'eta-b', true);
select throws_ok($$ select from litellm.user_credits $$, 'LD330', null, 'a user id where the token belongs is refused');
select set_config('litellm.end_user_token', 'garbage', true);
select throws_ok($$ select from litellm.credit_transactions $$, 'LD330', null, 'garbage is refused');
select pg_temp.use('trailing space');
select throws_ok($$ select from litellm.llm_usage_log $$, 'LD330', null, 'a token with anything added is refused');
select pg_temp.use('too long');
select throws_ok($$ select from litellm.user_provider_keys $$, 'LD330', null, 'an over-long one is refused');

-- Forged, tampered, swapped.
select pg_temp.use('forged');
select throws_ok($$ select from litellm.user_credits $$, 'LD331', null, 'a token signed with another key is refused');
select pg_temp.use('b payload, a mac');
select throws_ok($$ select from litellm.user_credits $$, 'LD331', null, 'B''s payload with A''s signature is refused');
select pg_temp.use('a payload, b mac');
select throws_ok($$ select from litellm.user_credits $$, 'LD331', null, 'so is A''s payload with B''s signature');
select pg_temp.use('a payload edited');
select throws_ok($$ select from litellm.user_credits $$, 'LD331', null, 'A''s payload edited to name B is refused');
select pg_temp.use('other key id');
select throws_ok($$ select from litellm.user_credits $$, 'LD331', null, 'a token naming another key id is refused');

-- Replayed after it expired.
select pg_temp.use('expired');
select throws_ok($$ select from litellm.user_credits $$, 'LD332', null, 'an expired token is refused');
select throws_ok(
    $$ select litellm.current_end_user_id() $$, 'LD332', null,
    'and the one function the end user may call says so, naming nobody'
);

-- With a valid token, nothing of B whatever the end user asks.
select set_config('litellm.end_user_token', (select a from t), true);
select is_empty(
    $$ select from litellm.user_credits where user_id = 'eta-b'
       union all select from litellm.credit_transactions where user_id = 'eta-b' $$,
    'with A''s token, B''s rows are not there even when asked for'
);
select is(litellm.current_end_user_id(), 'eta-a', 'current_end_user_id() names A');

-- Rotation.
reset role;
select cmp_ok(litellm.rotate_end_user_token_key(), '>', (select kid from t), 'the owner rotates the key');
set local role litellm_end_user;
select results_eq(
    $$ select user_id from litellm.user_credits $$, $$ values ('eta-a') $$,
    'a token signed before a rotation works until it expires'
);
reset role;
select litellm.rotate_end_user_token_key(revoke_issued => true);
set local role litellm_end_user;
select throws_ok(
    $$ select from litellm.user_credits $$, 'LD331', null,
    'after a rotation with revoke_issued every earlier token is refused'
);
reset role;
select set_config('litellm.end_user_token', litellm.issue_end_user_token('eta-a'), true);
set local role litellm_end_user;
select results_eq($$ select user_id from litellm.user_credits $$, $$ values ('eta-a') $$, 'and a new token works');

select * from finish();
rollback;
