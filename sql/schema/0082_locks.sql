-- Named locks that only the package can take.
--
-- A package function that must serialise on something other than a row it
-- writes anyway (one summary refresh at a time, one membership change per
-- user, one logged call per user and request id) locks a row of this table
-- (litellm._lock). No role but the owner has any privilege on it, so no other
-- login can take these locks and make package functions wait; a transaction
-- advisory lock, which every login may take with any key, would let them.
--
-- Rows are inserted on first use and never updated or deleted: a row lock
-- writes no new row version, so the table holds one small row per key (a few
-- fixed names, one per user who has logged a call with a request id, one per
-- user whose memberships or budgets changed).

create table litellm.locks (
    lock_key text primary key
);

comment on table litellm.locks is
'One row per named lock the package serialises on (litellm._lock locks it FOR UPDATE). Owner only: no other role can '
'take these locks. Rows are added on first use and never change.';
comment on column litellm.locks.lock_key is
'The lock''s name: usage_summary_refresh, call:<user_id> (record_llm_call with a request id), member:<user_id> '
'(membership and budget changes of one user).';

insert into litellm.locks (lock_key) values ('usage_summary_refresh');
