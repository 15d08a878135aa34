create or replace function litellm.rotate_user_api_keys(
    ids bigint[],
    old_encrypted_api_keys text[],
    new_encrypted_api_keys text[],
    current_key_id text
)
returns table (id bigint)
language plpgsql
volatile
-- definer: user_provider_keys is not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_key_id text := litellm._check_key_id(rotate_user_api_keys.current_key_id, true);
    v_count integer := coalesce(cardinality(rotate_user_api_keys.ids), 0);
    v_token text;
begin
    if rotate_user_api_keys.ids is null
       or cardinality(rotate_user_api_keys.old_encrypted_api_keys) is distinct from v_count
       or cardinality(rotate_user_api_keys.new_encrypted_api_keys) is distinct from v_count then
        raise exception using
            errcode = 'LD044',
            message = 'ids, old_encrypted_api_keys and new_encrypted_api_keys must be arrays of the same length',
            detail = format('lengths: %s, %s, %s', cardinality(rotate_user_api_keys.ids),
                            cardinality(rotate_user_api_keys.old_encrypted_api_keys),
                            cardinality(rotate_user_api_keys.new_encrypted_api_keys));
    end if;
    foreach v_token in array rotate_user_api_keys.new_encrypted_api_keys loop
        perform litellm._check_fernet_token(v_token, 'new_encrypted_api_keys');
    end loop;

    -- Rows are locked in id order so that concurrent rotations cannot deadlock.
    perform
    from litellm.user_provider_keys as k
    where k.id = any(rotate_user_api_keys.ids)
    order by k.id
    for update;

    -- Compare-and-set: a row whose ciphertext changed since it was read (the
    -- user stored a new key) is left alone and not reported.
    return query
    update litellm.user_provider_keys as k
    set encrypted_api_key = r.new_token,
        encryption_key_id = v_key_id
    from unnest(rotate_user_api_keys.ids, rotate_user_api_keys.old_encrypted_api_keys,
                rotate_user_api_keys.new_encrypted_api_keys) as r (key_id, old_token, new_token)
    where k.id = r.key_id and k.encrypted_api_key = r.old_token
    returning k.id;
end
$$;

comment on function litellm.rotate_user_api_keys(bigint[], text[], text[], text) is
'Writes back keys re-encrypted under the Fernet key with fingerprint current_key_id: row ids[i] gets '
'new_encrypted_api_keys[i] only if it still holds old_encrypted_api_keys[i] (compare-and-set), so a key the user '
'replaced meanwhile is never overwritten. Returns the ids it rewrote; updated_at is unchanged (it records the '
'user''s changes). Raises LD041, LD042, LD044 (arrays of different lengths).';
