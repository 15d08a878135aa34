create or replace function litellm.rotate_end_user_token_key(revoke_issued boolean default false)
returns integer
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
begin
    if rotate_end_user_token_key.revoke_issued is null then
        raise exception using errcode = 'LD007', message = 'revoke_issued must be true or false';
    end if;
    update litellm.end_user_token_keys as k set retired_at = pg_catalog.clock_timestamp()
    where k.retired_at is null;
    -- A retired key signed its last token when it retired, so none of its tokens
    -- outlives it by more than the longest validity.
    delete from litellm.end_user_token_keys as k
    where k.retired_at is not null
      and (rotate_end_user_token_key.revoke_issued
           or k.retired_at < pg_catalog.clock_timestamp() - litellm._end_user_token_max_validity());
    return litellm._add_end_user_token_key();
end
$$;

comment on function litellm.rotate_end_user_token_key(boolean) is
'The owner''s: a new random key signs end-user tokens from now on; returns its id. Tokens signed with the previous '
'key stay valid until they expire, unless revoke_issued is true: then every token issued so far stops working at once '
'(for a key that may have leaked). Keys retired more than a day ago are deleted. LD007 for a NULL revoke_issued.';
