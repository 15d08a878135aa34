-- Bring-your-own-key storage: the helpers shared by the BYOK functions
-- (0400-0499) and store_user_api_key. The database only ever sees Fernet
-- ciphertext: the client encrypts before storing and decrypts after reading.

create or replace function litellm._check_provider(provider text)
returns text
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_provider text := litellm.canonical_provider(provider);
begin
    if v_provider is null or v_provider !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' then
        raise exception using
            errcode = 'LD040',
            message = format('invalid provider name %s', coalesce(quote_literal(provider), 'NULL')),
            hint = 'A provider is a name such as openai, anthropic or together_ai: '
                   'lowercase letters, digits, ".", "_" and "-", at most 63 characters.';
    end if;
    return v_provider;
end
$$;

comment on function litellm._check_provider(text) is
'Returns the provider''s canonical name (canonical_provider: trimmed, lower case, aliases folded); rejects NULL and '
'malformed names with LD040.';

create or replace function litellm._check_fernet_token(value text, argument text)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    -- A Fernet token is urlsafe base64 of at least 73 bytes (version, time,
    -- IV, one AES block, HMAC): 100 characters or more, starting with gAAAAA.
    if value is null or value !~ '^gAAAAA[A-Za-z0-9_-]+={0,2}$' or length(value) < 100 then
        raise exception using
            errcode = 'LD041',
            message = format('%s is not a Fernet token', argument),
            detail = format('length: %s', coalesce(length(value), 0)),
            hint = 'Encrypt the key in the client (cryptography.fernet.Fernet(key).encrypt) and store the token; '
                   'the database never accepts a plaintext key.';
    end if;
    if length(value) > 16384 then
        raise exception using
            errcode = 'LD041',
            message = format('%s is longer than 16384 characters', argument),
            detail = format('length: %s', length(value));
    end if;
    return value;
end
$$;

comment on function litellm._check_fernet_token(text, text) is
'Rejects anything not shaped like a Fernet token (and tokens over 16 KiB) with LD041; returns it unchanged.';

create or replace function litellm._check_key_id(encryption_key_id text, required boolean)
returns text
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if encryption_key_id is null and not required then
        return null;
    end if;
    if encryption_key_id is null or encryption_key_id !~ '^[0-9a-f]{16}$' then
        raise exception using
            errcode = 'LD042',
            message = format('invalid encryption_key_id %s', coalesce(quote_literal(encryption_key_id), 'NULL')),
            hint = 'The key id is the fingerprint the client computes for a Fernet key: 16 lowercase hex digits.';
    end if;
    return encryption_key_id;
end
$$;

comment on function litellm._check_key_id(text, boolean) is
'Rejects a malformed encryption key fingerprint (or a missing one when required) with LD042.';

create or replace function litellm.store_user_api_key(
    user_id text,
    provider text,
    encrypted_api_key text,
    key_hint text default null,
    key_name text default null,
    encryption_key_id text default null,
    metadata jsonb default '{}',
    enabled boolean default true
)
returns table (
    key_id bigint,
    created boolean,
    created_at timestamptz,
    updated_at timestamptz
)
language plpgsql
volatile
-- definer: user_provider_keys and user_credits are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(store_user_api_key.user_id);
    v_provider text := litellm._check_provider(store_user_api_key.provider);
    v_token text := litellm._check_fernet_token(store_user_api_key.encrypted_api_key, 'encrypted_api_key');
    v_key_id text := litellm._check_key_id(store_user_api_key.encryption_key_id, false);
    v_metadata jsonb := litellm._check_metadata(store_user_api_key.metadata);
begin
    perform litellm._check_text(store_user_api_key.key_hint, 'key_hint', 32);
    perform litellm._check_text(store_user_api_key.key_name, 'key_name', 255);

    -- The key belongs to an account: a BYOK user may never buy credits, so the
    -- account is created (with a zero balance and no journal entry) as
    -- add_user_credits would.
    insert into litellm.user_credits as uc (user_id) values (v_user)
    on conflict on constraint user_credits_pkey do nothing;

    return query
    insert into litellm.user_provider_keys as k (
        user_id, provider, encrypted_api_key, key_hint, key_name, encryption_key_id, metadata, enabled
    ) values (
        v_user, v_provider, v_token, store_user_api_key.key_hint, store_user_api_key.key_name, v_key_id,
        v_metadata, coalesce(store_user_api_key.enabled, true)
    )
    on conflict on constraint user_provider_keys_user_id_provider_key do update
    set encrypted_api_key = excluded.encrypted_api_key,
        key_hint = excluded.key_hint,
        key_name = excluded.key_name,
        encryption_key_id = excluded.encryption_key_id,
        metadata = excluded.metadata,
        enabled = excluded.enabled,
        updated_at = pg_catalog.now(),
        last_used_at = null
    -- xmax is 0 on a freshly inserted row version and set on an updated one.
    returning k.id, k.xmax = 0, k.created_at, k.updated_at;
end
$$;

comment on function litellm.store_user_api_key(text, text, text, text, text, text, jsonb, boolean) is
'Stores a user''s provider API key as Fernet ciphertext encrypted by the client, replacing any key the user '
'already has for that provider (one key per user and provider, stored under the provider''s canonical name, see '
'canonical_provider; a replaced key is enabled again unless enabled => false). '
'Creates the user''s account with a zero balance when it does not exist. key_hint is a masked form for display '
'(at most 32 characters); encryption_key_id the fingerprint of the Fernet key used. '
'Returns the row id and created = false when a key was replaced. '
'Raises LD004, LD007 (key_hint, key_name or metadata), LD040 (provider), LD041 (not a Fernet token), LD042 (key id).';
