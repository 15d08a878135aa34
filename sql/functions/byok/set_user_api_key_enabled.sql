create or replace function litellm.set_user_api_key_enabled(
    user_id text,
    provider text,
    enabled boolean
)
returns boolean
language plpgsql
volatile
-- definer: user_provider_keys is not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(set_user_api_key_enabled.user_id);
    v_provider text := litellm._check_provider(set_user_api_key_enabled.provider);
begin
    if set_user_api_key_enabled.enabled is null then
        raise exception using
            errcode = 'LD007',
            message = 'enabled must be true or false, not NULL';
    end if;
    update litellm.user_provider_keys as k
    set enabled = set_user_api_key_enabled.enabled,
        updated_at = case when k.enabled = set_user_api_key_enabled.enabled then k.updated_at else pg_catalog.now() end
    where k.user_id = v_user and k.provider = v_provider;
    return found;
end
$$;

comment on function litellm.set_user_api_key_enabled(text, text, boolean) is
'Enables or disables a user''s key for provider (a disabled key is kept but get_user_api_key skips it). '
'Returns false when the user has no key for that provider. Raises LD004, LD007 (enabled is NULL), LD040.';
