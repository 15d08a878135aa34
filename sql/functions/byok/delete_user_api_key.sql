create or replace function litellm.delete_user_api_key(
    user_id text,
    provider text
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
    v_user text := litellm._check_user_id(delete_user_api_key.user_id);
    v_provider text := litellm._check_provider(delete_user_api_key.provider);
begin
    delete from litellm.user_provider_keys as k
    where k.user_id = v_user and k.provider = v_provider;
    return found;
end
$$;

comment on function litellm.delete_user_api_key(text, text) is
'Deletes a user''s key for provider. Returns false when there was none. Raises LD004, LD040.';
