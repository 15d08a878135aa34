-- Rotation: find the keys not under the current key, write back compare-and-set.
begin;
select plan(9);

select litellm.store_user_api_key('byok-rot-1', 'openai', 'gAAAAA' || repeat('a', 94), encryption_key_id => '1111111111111111');
select litellm.store_user_api_key('byok-rot-2', 'openai', 'gAAAAA' || repeat('b', 94), encryption_key_id => '2222222222222222');
select litellm.store_user_api_key('byok-rot-3', 'openai', 'gAAAAA' || repeat('c', 94));
create temp table k on commit drop as
select
    user_id,
    id
from litellm.user_provider_keys
where user_id like 'byok-rot-%';

select is(litellm.count_user_api_keys_to_rotate('2222222222222222'), 2::bigint, 'two keys are not under the current key');
select results_eq(
    $$ select user_id, encrypted_api_key, encryption_key_id
       from litellm.list_user_api_keys_to_rotate('2222222222222222', batch_size => 1) $$,
    $$ values ('byok-rot-1', 'gAAAAA' || repeat('a', 94), '1111111111111111') $$,
    'batches come in id order'
);
select results_eq(
    $$ select user_id from litellm.list_user_api_keys_to_rotate(
           '2222222222222222', after_id => (select id from k where user_id = 'byok-rot-1')) $$,
    $$ values ('byok-rot-3') $$,
    'the next batch starts after the last id (a key with no id is not under the current key)'
);

-- The user replaces key 3 after the rotation read it: its write-back must not win.
select litellm.store_user_api_key('byok-rot-3', 'openai', 'gAAAAA' || repeat('z', 94));
select results_eq(
    $$ select id from litellm.rotate_user_api_keys(
           array[(select id from k where user_id = 'byok-rot-1'), (select id from k where user_id = 'byok-rot-3')],
           array['gAAAAA' || repeat('a', 94), 'gAAAAA' || repeat('c', 94)],
           array['gAAAAA' || repeat('A', 94), 'gAAAAA' || repeat('C', 94)],
           '2222222222222222') $$,
    $$ select id from k where user_id = 'byok-rot-1' $$,
    'only the row still holding the old ciphertext is rewritten'
);
select results_eq(
    $$ select user_id, encrypted_api_key, encryption_key_id from litellm.user_provider_keys
       where user_id like 'byok-rot-%' order by user_id $$,
    $$ values ('byok-rot-1', 'gAAAAA' || repeat('A', 94), '2222222222222222'),
              ('byok-rot-2', 'gAAAAA' || repeat('b', 94), '2222222222222222'),
              ('byok-rot-3', 'gAAAAA' || repeat('z', 94), null) $$,
    'the rotated key carries the new key id; the user''s new key is untouched'
);
select is(litellm.count_user_api_keys_to_rotate('2222222222222222'), 1::bigint, 'one key is left');

select throws_ok(
    $$ select litellm.rotate_user_api_keys(array[1::bigint], array[]::text [], array['gAAAAA' || repeat('a', 94)], '2222222222222222') $$,
    'LD044', null, 'arrays of different lengths are refused'
);
select throws_ok(
    $$ select litellm.rotate_user_api_keys(array[1::bigint], array['x'], array['sk-plaintext'], '2222222222222222') $$,
    'LD041', null, 'a plaintext replacement is refused'
);
select throws_ok(
    $$ select litellm.list_user_api_keys_to_rotate('2222222222222222', batch_size => 0) $$,
    'LD043', null, 'a batch size below 1 is refused'
);

select * from finish();
rollback;
