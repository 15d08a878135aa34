-- Bring-your-own-key storage. The database only ever holds Fernet tokens:
-- encryption and decryption happen in the client, and the check constraint
-- rejects anything that is not shaped like a Fernet token.

create table litellm.user_provider_keys (
    id bigint generated always as identity primary key,
    user_id text not null references litellm.user_credits (user_id),
    provider text not null check (provider ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    encrypted_api_key text not null check (encrypted_api_key ~ '^gAAAAA[A-Za-z0-9_-]+={0,2}$'),
    key_name text,
    key_hint text check (length(key_hint) <= 32),
    enabled boolean not null default true,
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_used_at timestamptz,
    unique (user_id, provider)
);

comment on table litellm.user_provider_keys is
'Users'' own provider API keys, stored only as Fernet ciphertext (the database never sees a plaintext key). One key per user and provider.';
comment on column litellm.user_provider_keys.encrypted_api_key is
'Fernet token (urlsafe base64, starts with gAAAAA) produced by the client.';
comment on column litellm.user_provider_keys.key_hint is
'Masked form for display, such as sk-...abcd; never enough to use the key.';
