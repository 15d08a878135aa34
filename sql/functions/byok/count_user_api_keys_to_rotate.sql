create or replace function litellm.count_user_api_keys_to_rotate(current_key_id text)
returns bigint
language plpgsql
stable
-- definer: the application role cannot read user_provider_keys directly.
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key_id text := litellm._check_key_id(count_user_api_keys_to_rotate.current_key_id, true);
    v_count bigint;
begin
    select count(*) into v_count
    from litellm.user_provider_keys as k
    where k.encryption_key_id is distinct from v_key_id;
    return v_count;
end
$$;

comment on function litellm.count_user_api_keys_to_rotate(text) is
'How many stored keys are not (known to be) encrypted under the Fernet key with this fingerprint: '
'the work left for a rotation. Raises LD042.';
