-- Waiting for locks.
--
-- Package functions serialise only on locks that no other role can take: rows
-- they write anyway, unique-index entries they insert, whole tables only the
-- writers of that table may lock, and rows of the owner-only table
-- litellm.locks (taken by _lock below). No function takes an advisory lock:
-- any login can take any advisory lock key, and so could make the package
-- wait. Every API function that can wait for a lock sets lock_timeout (5 s)
-- in its SET clause and turns the timeout (55P03) into LD340 with
-- _lock_timeout_error, so a call held up by another transaction fails with
-- a documented code instead of hanging.

create or replace function litellm._lock(lock_key text)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- The row normally exists: one statement. On first use it is inserted
    -- (a concurrent first use waits on the primary key, then finds the row).
    loop
        perform from litellm.locks as l where l.lock_key = _lock.lock_key for update;
        exit when found;
        insert into litellm.locks as l (lock_key) values (_lock.lock_key)
        on conflict on constraint locks_pkey do nothing;
    end loop;
end
$$;

comment on function litellm._lock(text) is
'Locks the row of litellm.locks named lock_key (inserting it on first use) until the transaction ends. Only the owner '
'can lock these rows, so only package functions wait for each other here.';

create or replace function litellm._lock_timeout_error(function_name text, reason text)
returns void
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
begin
    raise exception using
        errcode = 'LD340',
        message = format('%s waited longer than %s for a lock held by another transaction', function_name,
                         pg_catalog.current_setting('lock_timeout')),
        detail = reason,
        hint = 'Nothing was written. Retry the call; if it keeps failing, look for a long-running transaction '
               '(pg_stat_activity) holding the same account, budget or key.';
end
$$;

comment on function litellm._lock_timeout_error(text, text) is
'Raises LD340: function_name waited longer than lock_timeout (set by the function, 5 s) for a lock. Called from the '
'lock_not_available handler of every API function that can wait.';
