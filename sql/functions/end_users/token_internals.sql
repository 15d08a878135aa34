-- End-user tokens: what issue_end_user_token() signs and
-- current_end_user_id() verifies (docs/security.md#end-user-tokens).
--
-- A token is three dot-separated fields, all plain ASCII:
--   <key_id>.<payload>.<mac>
-- key_id   the decimal id of the end_user_token_keys row that signed it;
-- payload  base64url (no padding) of the UTF-8 text of a JSON object
--          {"e": <expiry, seconds since the epoch>, "u": <user id>}: the user id
--          is a JSON string, so any id (dots, quotes, non-ASCII) reads back
--          exactly and no field can run into another;
-- mac      base64url of HMAC-SHA256(key, '<key_id>.<payload>'), 43 characters.
-- HMAC is built on the core sha256() (PostgreSQL 11+), so no extension is needed.

-- The one place the longest token lifetime is written.
create or replace function litellm._end_user_token_max_validity()
returns interval
language sql
immutable
parallel safe
begin atomic
    select interval '1 day';
end;

comment on function litellm._end_user_token_max_validity() is
'The longest validity issue_end_user_token accepts (1 day); also how long a rotated-out signing key is kept.';

create or replace function litellm._hmac_key_pad(key bytea, pad integer)
returns bytea
language sql
immutable
strict
parallel safe
begin atomic
    -- HMAC's K0 (the key hashed when longer than the 64-byte block, then
    -- zero-padded to 64 bytes) xor `pad` in every byte, eight bytes at a time
    -- (72340172838076673 is 0x0101010101010101).
    select
        pg_catalog.decode(
            pg_catalog.string_agg(
                pg_catalog.lpad(
                    pg_catalog.to_hex(pg_catalog.int8xor(
                        ('x' || pg_catalog.substr(k0.hex, c.n * 16 + 1, 16))::bit(64)::bigint,
                        pad * 72340172838076673::bigint  -- noqa: RF02
                    )),
                    16,
                    '0'
                ),
                ''
                order by c.n
            ),
            'hex'
        )
    from
        (
            select
                pg_catalog.rpad(
                    pg_catalog.encode(
                        case
                            when pg_catalog.length(key) > 64 then pg_catalog.sha256(key)
                            else key
                        end,
                        'hex'
                    ),
                    128,
                    '0'
                ) as hex
        ) as k0
    cross join pg_catalog.generate_series(0, 7) as c (n);
end;

comment on function litellm._hmac_key_pad(bytea, integer) is
'HMAC-SHA256 key preparation (RFC 2104): the key as a 64-byte block xor the byte `pad` (54 = ipad, 92 = opad).';

create or replace function litellm._hmac_sha256(inner_key bytea, outer_key bytea, message bytea)
returns bytea
language sql
immutable
strict
parallel safe
begin atomic
    select pg_catalog.sha256(outer_key || pg_catalog.sha256(inner_key || message));
end;

comment on function litellm._hmac_sha256(bytea, bytea, bytea) is
'HMAC-SHA256 of message, given the key already padded: _hmac_key_pad(key, 54) and _hmac_key_pad(key, 92).';

create or replace function litellm._base64url_encode(data bytea)
returns text
language sql
immutable
strict
parallel safe
begin atomic
    -- encode() wraps lines at 76 characters; base64url drops them and the padding.
    select pg_catalog.translate(pg_catalog.encode(data, 'base64'), '+/=' || pg_catalog.chr(10), '-_');
end;

comment on function litellm._base64url_encode(bytea) is
'URL- and filename-safe base64 (RFC 4648 section 5) without padding or line breaks.';

create or replace function litellm._base64url_decode(data text)
returns bytea
language sql
immutable
strict
parallel safe
begin atomic
    select
        pg_catalog.decode(
            pg_catalog.rpad(
                pg_catalog.translate(data, '-_', '+/'),
                (pg_catalog.length(data) + 3) / 4 * 4,
                '='
            ),
            'base64'
        );
end;

comment on function litellm._base64url_decode(text) is
'The bytes of unpadded base64url text (_base64url_encode''s inverse); invalid input raises 22023.';

create or replace function litellm._add_end_user_token_key()
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    -- 64 bytes from four version-4 UUIDs: 488 bits from the server's
    -- cryptographically strong random source (pg_strong_random).
    v_secret constant bytea := pg_catalog.decode(
        pg_catalog.replace(
            pg_catalog.gen_random_uuid()::text || pg_catalog.gen_random_uuid()::text
            || pg_catalog.gen_random_uuid()::text || pg_catalog.gen_random_uuid()::text,
            '-', ''
        ),
        'hex'
    );
begin
    insert into litellm.end_user_token_keys (inner_key, outer_key)
    values (litellm._hmac_key_pad(v_secret, 54), litellm._hmac_key_pad(v_secret, 92))
    on conflict ((true)) where retired_at is null do nothing;
    -- Another transaction may have made the current key first: use it.
    return (select k.key_id from litellm.end_user_token_keys as k where k.retired_at is null);
end
$$;

comment on function litellm._add_end_user_token_key() is
'Makes a new random signing key the current one unless a current key exists; returns the current key''s id.';

create or replace function litellm._sign_end_user_token(user_id text, expires_at timestamptz)
returns text
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_key litellm.end_user_token_keys;
    v_body text;
begin
    select k.* into v_key from litellm.end_user_token_keys as k where k.retired_at is null;
    if v_key.key_id is null then
        v_key.key_id := litellm._add_end_user_token_key();
        select k.* into v_key from litellm.end_user_token_keys as k where k.key_id = v_key.key_id;
    end if;
    v_body := v_key.key_id::text || '.' || litellm._base64url_encode(pg_catalog.convert_to(
        pg_catalog.jsonb_build_object(
            'u', _sign_end_user_token.user_id,
            'e', extract(epoch from _sign_end_user_token.expires_at)
        )::text,
        'UTF8'
    ));
    return v_body || '.' || litellm._base64url_encode(
        litellm._hmac_sha256(v_key.inner_key, v_key.outer_key, pg_catalog.convert_to(v_body, 'UTF8'))
    );
end
$$;

comment on function litellm._sign_end_user_token(text, timestamptz) is
'A token proving user_id until expires_at, signed with the current key (made when there is none). No checks: '
'issue_end_user_token checks its arguments and is the only caller granted to a role.';
