create or replace function litellm.current_end_user_id()
returns text
language plpgsql
stable
-- definer: it verifies the token with the signing keys, which only the owner may read.
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_token text := pg_catalog.current_setting('litellm.end_user_token', true);
    v_parts text[];
    v_key litellm.end_user_token_keys;
    v_payload jsonb;
begin
    if v_token is null or v_token = '' then
        return null;
    end if;
    -- (A match without capture groups is many times cheaper than regexp_match.)
    if pg_catalog.length(v_token) <= 4096
        and v_token ~ '^[1-9][0-9]{0,8}[.][A-Za-z0-9_-]+[.][A-Za-z0-9_-]+$' then
        v_parts := pg_catalog.string_to_array(v_token, '.');
    end if;
    if v_parts is null or pg_catalog.length(v_parts[3]) <> 43 then
        raise exception using
            errcode = 'LD330',
            message = 'litellm.end_user_token is not an end-user token',
            hint = 'Set it to the text issue_end_user_token() returned, unchanged, or to '''' for no user.';
    end if;
    select k.* into v_key from litellm.end_user_token_keys as k where k.key_id = v_parts[1]::integer;
    -- SQL has no constant-time comparison, so the two MACs are compared through
    -- another MAC of each: how long "=" takes then depends on values an
    -- attacker cannot choose byte by byte.
    if v_key.key_id is null or litellm._hmac_sha256(
        v_key.inner_key, v_key.outer_key,
        pg_catalog.convert_to(
            litellm._base64url_encode(litellm._hmac_sha256(
                v_key.inner_key, v_key.outer_key, pg_catalog.convert_to(v_parts[1] || '.' || v_parts[2], 'UTF8')
            )),
            'UTF8'
        )
    ) <> litellm._hmac_sha256(v_key.inner_key, v_key.outer_key, pg_catalog.convert_to(v_parts[3], 'UTF8')) then
        raise exception using
            errcode = 'LD331',
            message = 'litellm.end_user_token has no valid signature',
            detail = 'It was changed, made without the key, or signed with a key that has since been rotated out.',
            hint = 'Ask the application for a new token (issue_end_user_token).';
    end if;
    -- Signed by this database, so the payload is the JSON _sign_end_user_token wrote.
    v_payload := pg_catalog.convert_from(litellm._base64url_decode(v_parts[2]), 'UTF8')::jsonb;
    if (v_payload ->> 'e')::numeric <= extract(epoch from pg_catalog.statement_timestamp()) then
        raise exception using
            errcode = 'LD332',
            message = 'litellm.end_user_token has expired',
            detail = format('expired at %s', pg_catalog.to_timestamp((v_payload ->> 'e')::double precision)),
            hint = 'Ask the application for a new token (issue_end_user_token).';
    end if;
    return v_payload ->> 'u';
end
$$;

comment on function litellm.current_end_user_id() is
'The user the session''s end-user token (the setting litellm.end_user_token) proves: NULL when the setting is unset or '
'empty; LD330 when it is not a token, LD331 when its signature is not valid (tampered, forged, or its key rotated '
'out), LD332 when it has expired. The row-level security policies for litellm_end_user call it once per statement.';
