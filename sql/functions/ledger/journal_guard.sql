-- The journal is append-only: corrections are new, reversing entries.

create or replace function litellm._reject_journal_change()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    raise exception using
        errcode = 'LD901',
        message = format('%s is append-only: %s is not allowed', tg_table_name, lower(tg_op)),
        hint = 'Correct a balance with a new entry (a refund or an adjustment), never by editing history.';
end
$$;

comment on function litellm._reject_journal_change() is
'Trigger function: rejects UPDATE, DELETE and TRUNCATE on journal tables (credit_transactions, credit_allocations) '
'with LD901.';

create or replace trigger credit_transactions_append_only
before update or delete on litellm.credit_transactions
for each row execute function litellm._reject_journal_change();

create or replace trigger credit_transactions_no_truncate
before truncate on litellm.credit_transactions
for each statement execute function litellm._reject_journal_change();

create or replace trigger credit_allocations_append_only
before update or delete on litellm.credit_allocations
for each row execute function litellm._reject_journal_change();

create or replace trigger credit_allocations_no_truncate
before truncate on litellm.credit_allocations
for each statement execute function litellm._reject_journal_change();
