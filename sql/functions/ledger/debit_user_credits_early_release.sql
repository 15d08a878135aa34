create or replace procedure litellm.debit_user_credits_early_release(
    user_id text,
    cost numeric,
    provider text default null,
    model text default null,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    power_level text default null,
    metadata jsonb default '{}',
    request_id text default null,
    inout success boolean default null,
    inout transaction_id bigint default null,
    inout credits_remaining numeric default null,
    inout amount_debited numeric default null,
    inout error_code text default null,
    inout error_message text default null,
    inout replayed boolean default null
)
language plpgsql
-- No SET clause (a procedure with one cannot COMMIT) and security invoker:
-- every name below is schema-qualified, and the caller's role needs only
-- EXECUTE on the debit and UPDATE on the sequence (sql/grants.sql).
as $$
begin
    -- The debit commits with synchronous_commit off: the account row's lock
    -- ends with the commit record written, not flushed, so the next charge of
    -- the account starts without waiting for this one's disk flush.
    perform pg_catalog.set_config('synchronous_commit', 'off', true);
    select *
    into success, transaction_id, credits_remaining, amount_debited, error_code, error_message, replayed
    from litellm.debit_user_credits(
        debit_user_credits_early_release.user_id,
        debit_user_credits_early_release.cost,
        debit_user_credits_early_release.provider,
        debit_user_credits_early_release.model,
        debit_user_credits_early_release.prompt_tokens,
        debit_user_credits_early_release.completion_tokens,
        debit_user_credits_early_release.power_level,
        debit_user_credits_early_release.metadata,
        debit_user_credits_early_release.request_id
    );
    commit;
    -- Then a transaction with the session's own synchronous_commit whose
    -- commit record comes after the debit's in the WAL. setval always writes
    -- a WAL record (and so takes a transaction id), so that commit waits for
    -- the disk: the procedure returns only when the WAL is on disk up to it,
    -- and so up to the debit. A crash before that loses the charge only
    -- together with its answer, and the WAL is replayed in order, so no later
    -- charge that saw this one survives without it. This also runs after a
    -- replay or a refusal: either may rest on a charge that another caller
    -- committed early and is not yet on disk.
    perform pg_catalog.setval('litellm.wal_flush_mark', 1);
end
$$;

comment on procedure litellm.debit_user_credits_early_release (
    text, numeric, text, text, bigint, bigint, text, jsonb, text,
    boolean, bigint, numeric, numeric, text, text, boolean
) is
'debit_user_credits for an account that many clients charge at once: the same arguments, checks, journal entry and '
'result (as INOUT parameters), but the account row is released before the debit''s commit is on disk, and the '
'procedure returns only once it is. Two commits instead of one; use it for busy accounts, in autocommit mode (CALL '
'it outside a transaction block: inside one it raises 2D000 and changes nothing). Until it returns, other sessions '
'may see the charge before it is durable. Raises what debit_user_credits raises: LD001, LD002, LD003, LD004, '
'LD007, LD101.';
