create or replace function litellm.get_user_api_keys(user_id text)
returns table (
    provider text,
    encrypted_api_key text,
    encryption_key_id text,
    key_name text
)
language plpgsql
volatile
-- definer: the application role cannot read user_provider_keys directly.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(get_user_api_keys.user_id);
begin
    update litellm.user_provider_keys as k
    set last_used_at = pg_catalog.now()
    where k.user_id = v_user
      and k.enabled
      and (k.last_used_at is null or k.last_used_at < pg_catalog.now() - interval '1 minute');

    return query
    select k.provider, k.encrypted_api_key, k.encryption_key_id, k.key_name
    from litellm.user_provider_keys as k
    where k.user_id = v_user and k.enabled
    order by k.provider;
end
$$;

comment on function litellm.get_user_api_keys(text) is
'The Fernet ciphertext of every enabled key of a user, one row per provider, for the client to decrypt; '
'records the use in last_used_at (to the minute). Raises LD004.';
