create or replace function litellm.list_user_api_keys_to_rotate(
    current_key_id text,
    after_id bigint default 0,
    batch_size integer default 100
)
returns table (
    id bigint,
    user_id text,
    provider text,
    encrypted_api_key text,
    encryption_key_id text
)
language plpgsql
stable
-- definer: the application role cannot read user_provider_keys directly.
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key_id text := litellm._check_key_id(list_user_api_keys_to_rotate.current_key_id, true);
begin
    if list_user_api_keys_to_rotate.batch_size is null
       or list_user_api_keys_to_rotate.batch_size not between 1 and 10000 then
        raise exception using
            errcode = 'LD043',
            message = format('batch_size must be between 1 and 10000, got %s',
                             coalesce(list_user_api_keys_to_rotate.batch_size::text, 'NULL'));
    end if;
    return query
    select k.id, k.user_id, k.provider, k.encrypted_api_key, k.encryption_key_id
    from litellm.user_provider_keys as k
    where k.encryption_key_id is distinct from v_key_id
      and k.id > coalesce(list_user_api_keys_to_rotate.after_id, 0)
    order by k.id
    limit list_user_api_keys_to_rotate.batch_size;
end
$$;

comment on function litellm.list_user_api_keys_to_rotate(text, bigint, integer) is
'The next batch (in id order, after after_id) of stored keys not encrypted under the Fernet key with this fingerprint, '
'with their ciphertext, for a rotation to re-encrypt in the client and write back with rotate_user_api_keys. '
'Raises LD042, LD043 (batch_size not between 1 and 10000).';
