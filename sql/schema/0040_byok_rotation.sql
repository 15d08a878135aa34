-- Bring-your-own-key rotation. Each stored key records which Fernet key
-- encrypted it, as a fingerprint (never the key itself), so a rotation can find
-- the rows still under an old key, re-encrypt them in the client and write them
-- back compare-and-set on the old ciphertext. Rows written directly with the
-- seed's INSERT have no key id: a rotation treats them as not yet rotated.

alter table litellm.user_provider_keys
add column encryption_key_id text check (encryption_key_id ~ '^[0-9a-f]{16}$');

comment on column litellm.user_provider_keys.encryption_key_id is
'Fingerprint of the Fernet key that encrypted encrypted_api_key: the first 16 hex digits of '
'SHA-256("litellm-db:fernet-key-id:" || key), computed by the client. NULL: unknown (written without the API).';
comment on column litellm.user_provider_keys.enabled is
'false: the key is kept but not handed out for use (get_user_api_key skips it).';
comment on column litellm.user_provider_keys.key_name is
'The user''s label for the key, such as My OpenAI Key.';
comment on column litellm.user_provider_keys.metadata is
'Caller-supplied context (a JSON object), stored as given; never the key.';
comment on column litellm.user_provider_keys.last_used_at is
'When get_user_api_key last handed the key out, to the minute (it is not rewritten more often than once a minute).';
