-- The application issues end-user tokens; nobody else may; bad arguments are refused; any user id reads back exactly.
begin;
select plan(17);

select litellm_test.funded_user('u.1', 10);
select litellm_test.funded_user('u.1.x', 10);

-- HMAC-SHA256 as RFC 4231 defines it (test cases 1, 2 and 6: a key longer than the block is hashed first).
select is(
    encode(litellm._hmac_sha256(
        litellm._hmac_key_pad(decode(repeat('0b', 20), 'hex'), 54), litellm._hmac_key_pad(decode(repeat('0b', 20), 'hex'), 92),
        convert_to('Hi There', 'UTF8')
    ), 'hex'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'HMAC-SHA256: RFC 4231 test case 1'
);
select is(
    encode(litellm._hmac_sha256(
        litellm._hmac_key_pad('Jefe', 54), litellm._hmac_key_pad('Jefe', 92),
        convert_to('what do ya want for nothing?', 'UTF8')
    ), 'hex'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'test case 2'
);
select is(
    encode(litellm._hmac_sha256(
        litellm._hmac_key_pad(decode(repeat('aa', 131), 'hex'), 54),
        litellm._hmac_key_pad(decode(repeat('aa', 131), 'hex'), 92),
        convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8')
    ), 'hex'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    'test case 6'
);

set local role litellm_app;
select matches(
    litellm.issue_end_user_token('u.1'),
    '^[1-9][0-9]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$',
    'the application issues a token: key id, payload, signature'
);
select throws_ok($$ select litellm.issue_end_user_token(null) $$, 'LD004', null, 'a NULL user id is refused');
select throws_ok($$ select litellm.issue_end_user_token('  ') $$, 'LD004', null, 'so is a blank one');
select throws_ok($$ select litellm.issue_end_user_token(repeat('x', 256)) $$, 'LD004', null, 'and an over-long one');
select throws_ok(
    $$ select litellm.issue_end_user_token('u.1', null) $$, 'LD060', null, 'a NULL validity is refused'
);
select throws_ok(
    $$ select litellm.issue_end_user_token('u.1', interval '0') $$, 'LD060', null, 'so is none'
);
select throws_ok(
    $$ select litellm.issue_end_user_token('u.1', interval '-5 minutes') $$, 'LD060', null, 'or a negative one'
);
select throws_ok(
    $$ select litellm.issue_end_user_token('u.1', interval '1 day 1 second') $$, 'LD060', null,
    'or one longer than a day'
);
select throws_ok(
    $$ select litellm.rotate_end_user_token_key() $$, '42501', null, 'only the owner rotates the signing key'
);
select throws_ok(
    $$ select * from litellm.end_user_token_keys $$, '42501', null, 'the application cannot read the keys'
);
reset role;

set local role litellm_analyst;
select throws_ok(
    $$ select litellm.issue_end_user_token('u.1') $$, '42501', null, 'the analyst cannot issue tokens'
);
reset role;

-- User ids with dots, quotes, backslashes and non-ASCII letters read back exactly: the id is a JSON string.
create temporary table ids as
select
    id,
    litellm.issue_end_user_token(id) as token
from unnest(array['u.1', 'u.1.x', 'a"b\c', e'tab\there', 'Zoë 東京']) as id;
create function pg_temp.proven(token text)
returns text
language plpgsql
as $$
begin
    perform set_config('litellm.end_user_token', token, true);
    return litellm.current_end_user_id();
end
$$;
select is_empty(
    $$ select id from ids where pg_temp.proven(token) is distinct from id $$,
    'every user id comes back unchanged from its token'
);
grant select on ids to public;
set local role litellm_end_user;
select set_config('litellm.end_user_token', (
    select token from ids
    where id = 'u.1'
), true);
select results_eq(
    $$ select user_id from litellm.user_credits $$, $$ values ('u.1') $$,
    'u.1''s token shows u.1 and not u.1.x'
);
select set_config('litellm.end_user_token', null, true);
select is_empty($$ select from litellm.user_credits $$, 'no token, no rows');

select * from finish();
rollback;
