create or replace function litellm.issue_end_user_token(
    user_id text,
    valid_for interval default interval '15 minutes'
)
returns text
language plpgsql
volatile
-- definer: the signing keys are readable by the owner only.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(issue_end_user_token.user_id);
begin
    if issue_end_user_token.valid_for is null
        or issue_end_user_token.valid_for <= interval '0'
        or issue_end_user_token.valid_for > litellm._end_user_token_max_validity() then
        raise exception using
            errcode = 'LD060',
            message = format('valid_for must be positive and at most %s, got %s',
                             litellm._end_user_token_max_validity(),
                             coalesce(issue_end_user_token.valid_for::text, 'NULL')),
            hint = 'Issue short-lived tokens and issue a new one when it expires.';
    end if;
    return litellm._sign_end_user_token(v_user, pg_catalog.clock_timestamp() + issue_end_user_token.valid_for);
end
$$;

comment on function litellm.issue_end_user_token(text, interval) is
'A token proving user_id to row-level security for valid_for (default 15 minutes, at most 1 day). The application '
'authenticates its end user, calls this, and hands the token to the end-user connection, which sets '
'litellm.end_user_token to it: litellm_end_user then sees that user''s rows and no other. Text of the form '
'<key id>.<base64url payload>.<base64url HMAC-SHA256>, signed with a key only the owner can read. LD004 for a bad '
'user id, LD060 for a validity that is NULL, not positive or over a day.';
