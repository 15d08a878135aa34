create or replace function litellm.get_user_api_key(
    user_id text,
    provider text
)
returns table (
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
    v_user text := litellm._check_user_id(get_user_api_key.user_id);
    v_provider text := litellm._check_provider(get_user_api_key.provider);
begin
    -- last_used_at is kept to the minute: a key used on every request is
    -- not rewritten on every request.
    update litellm.user_provider_keys as k
    set last_used_at = pg_catalog.now()
    where k.user_id = v_user
      and k.provider = v_provider
      and k.enabled
      and (k.last_used_at is null or k.last_used_at < pg_catalog.now() - interval '1 minute');

    return query
    select k.encrypted_api_key, k.encryption_key_id, k.key_name
    from litellm.user_provider_keys as k
    where k.user_id = v_user and k.provider = v_provider and k.enabled;
end
$$;

comment on function litellm.get_user_api_key(text, text) is
'The Fernet ciphertext of a user''s key for provider (any spelling of it, see canonical_provider), for the client '
'to decrypt and use; records the use in '
'last_used_at (to the minute). No row when the user has no key for the provider or it is disabled. Raises LD004, LD040.';
