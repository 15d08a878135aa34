-- End users prove who they are. Row-level security for litellm_end_user no
-- longer trusts a setting the end-user connection chooses itself
-- (litellm.user_id, 0052_access.sql): a connection sees the rows of the user
-- named in a token the application issued, signed with a secret only the
-- owner can read, and not yet expired. See docs/security.md.
--
--   end_user_token_keys   the signing keys (HMAC-SHA256). No role but the
--                         owner may read or write it; a key is made by the
--                         first issue_end_user_token() and replaced by
--                         rotate_end_user_token_key().
--   own_rows policies     user_id = (select litellm.current_end_user_id()):
--                         the user a valid token proves, evaluated once per
--                         statement; no rows without a token.

create table litellm.end_user_token_keys (
    key_id integer generated always as identity primary key,
    inner_key bytea not null check (octet_length(inner_key) = 64),
    outer_key bytea not null check (octet_length(outer_key) = 64),
    created_at timestamptz not null default now(),
    retired_at timestamptz,
    constraint end_user_token_keys_retired_after_created check (retired_at >= created_at)
);

-- At most one key signs new tokens at a time.
create unique index end_user_token_keys_one_current on litellm.end_user_token_keys ((true))
where retired_at is null;

comment on table litellm.end_user_token_keys is
'The secret keys that sign end-user tokens (issue_end_user_token). Readable by the owner only: whoever reads a key can '
'prove any identity to row-level security until the key is rotated out (rotate_end_user_token_key).';
comment on column litellm.end_user_token_keys.key_id is
'Named in every token it signed, so a rotated key keeps verifying its tokens until they expire.';
comment on column litellm.end_user_token_keys.inner_key is
'The 64-byte random HMAC-SHA256 key K, stored as K xor ipad (0x36 repeated), ready for the inner hash.';
comment on column litellm.end_user_token_keys.outer_key is
'The same key K, stored as K xor opad (0x5c repeated), ready for the outer hash.';
comment on column litellm.end_user_token_keys.retired_at is
'When a newer key replaced this one; NULL for the key that signs new tokens. A retired key still verifies the tokens '
'it signed until they expire, and is deleted by a later rotation.';

-- The policies below name litellm.current_end_user_id(), which the API
-- (sql/functions/0532_current_end_user_id.sql) defines; the installer applies
-- it right after the schema files, in the same transaction. Until then this
-- placeholder proves nobody, so the policies show no rows.
create function litellm.current_end_user_id()
returns text
language sql
stable
begin atomic
    select null::text;
end;

revoke all on function litellm.current_end_user_id() from public;

drop policy own_rows on litellm.user_credits;
drop policy own_rows on litellm.credit_transactions;
drop policy own_rows on litellm.llm_usage_log;
drop policy own_rows on litellm.user_provider_keys;

create policy own_rows on litellm.user_credits
for select to litellm_end_user using (user_id = (select litellm.current_end_user_id()));
create policy own_rows on litellm.credit_transactions
for select to litellm_end_user using (user_id = (select litellm.current_end_user_id()));
create policy own_rows on litellm.llm_usage_log
for select to litellm_end_user using (user_id = (select litellm.current_end_user_id()));
create policy own_rows on litellm.user_provider_keys
for select to litellm_end_user using (user_id = (select litellm.current_end_user_id()));

comment on policy own_rows on litellm.user_credits is
'litellm_end_user sees the account of the user its end-user token proves (litellm.current_end_user_id()), and nothing '
'without a valid token.';
comment on policy own_rows on litellm.credit_transactions is
'litellm_end_user sees the journal entries of the user its end-user token proves.';
comment on policy own_rows on litellm.llm_usage_log is
'litellm_end_user sees the usage rows of the user its end-user token proves (through llm_usage_log only).';
comment on policy own_rows on litellm.user_provider_keys is
'litellm_end_user sees the stored keys of the user its end-user token proves, without their ciphertext.';
