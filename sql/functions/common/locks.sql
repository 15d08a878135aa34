-- Waiting for locks.
--
-- Package functions serialise only on locks that no other role can take: rows
-- they write anyway, unique-index entries they insert, whole tables only the
-- writers of that table may lock, and rows of the owner-only table
-- litellm.locks (taken by _lock below). No function takes an advisory lock:
-- any login can take any advisory lock key, and so could make the package
-- wait. Every API function that can wait for a lock sets lock_timeout (5 s)
-- in its SET clause, so a call held up by another transaction fails with
-- PostgreSQL's lock_not_available (55P03) instead of hanging. No handler
-- renames that code: an exception block would start a subtransaction (and
-- use a second transaction id) in every call, the debit's included.

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
