-- Early release for a busy account (sql/functions/0021): the debit commits
-- without waiting for the disk, which frees its account row at once, and a
-- second transaction then waits for the disk on the caller's behalf. That
-- second transaction needs a write that costs nothing and keeps nothing: a
-- setval of this sequence. Its value means nothing.

create sequence litellm.wal_flush_mark as smallint minvalue 0 maxvalue 1 start 0;

comment on sequence litellm.wal_flush_mark is
'Set by debit_user_credits_early_release so that its second transaction has a WAL record, and so a commit that '
'waits until the WAL is on disk up to it. Its value means nothing.';
