-- Accounts, slots, lots and holds are never deleted: journal entries and
-- allocations name them without a foreign key (the key's lookup and lock
-- would cost every charge), so the named side refuses to lose rows instead.
-- Statement triggers: an UPDATE, the hot path, fires none of them.

create or replace function litellm._reject_ledger_row_removal()
returns trigger
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    raise exception using
        errcode = 'LD903',
        message = format('rows of %s are never removed: %s is not allowed', tg_table_name, lower(tg_op)),
        hint = 'The journal names accounts, slots, lots and holds for good. Retire a slot with '
               'set_account_slots(); an account, lot or hold stays, with its history.';
end
$$;

comment on function litellm._reject_ledger_row_removal() is
'Trigger function: rejects DELETE and TRUNCATE on the tables the journal names (user_credits, credit_slots, '
'credit_lots, credit_holds) with LD903.';

create or replace trigger user_credits_kept
before delete or truncate on litellm.user_credits
for each statement execute function litellm._reject_ledger_row_removal();

create or replace trigger credit_slots_kept
before delete or truncate on litellm.credit_slots
for each statement execute function litellm._reject_ledger_row_removal();

create or replace trigger credit_lots_kept
before delete or truncate on litellm.credit_lots
for each statement execute function litellm._reject_ledger_row_removal();

create or replace trigger credit_holds_kept
before delete or truncate on litellm.credit_holds
for each statement execute function litellm._reject_ledger_row_removal();
