create or replace function litellm.list_user_api_keys(user_id text)
returns table (
    provider text,
    key_name text,
    key_hint text,
    enabled boolean,
    encryption_key_id text,
    metadata jsonb,
    created_at timestamptz,
    updated_at timestamptz,
    last_used_at timestamptz
)
language sql
stable
-- definer: the application role cannot read user_provider_keys directly.
security definer
set search_path = pg_catalog, pg_temp
begin atomic
    select
        k.provider,
        k.key_name,
        k.key_hint,
        k.enabled,
        k.encryption_key_id,
        k.metadata,
        k.created_at,
        k.updated_at,
        k.last_used_at
    from litellm.user_provider_keys as k
    where k.user_id = list_user_api_keys.user_id  -- noqa: RF01
    order by k.provider;
end;

comment on function litellm.list_user_api_keys(text) is
'A user''s stored provider keys for display: masked hint, name, enabled flag and dates, never the ciphertext. '
'No rows for an unknown user.';
