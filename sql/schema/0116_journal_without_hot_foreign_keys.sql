-- The rows a charge inserts keep no foreign keys to the rows the same charge
-- has just locked or written: a journal entry names its account, an
-- allocation its entry and lot, a hold its account and settling entry. Each
-- such key cost every charge a lookup and a key-share lock on the referenced
-- row (about a tenth of a debit's server time), and on a slot account the
-- key-share locks of charges on different slots met on the one account row
-- as MultiXacts. The functions write these columns from the rows they hold
-- locked; that the rows they name exist is checked by verify_ledger()
-- (_audit_references), and the rows named are never deleted: accounts, lots
-- and slots refuse DELETE and TRUNCATE (LD903), the journal and allocations
-- are append-only (LD901), and credit_lots keeps its key to the account.

alter table litellm.credit_transactions
drop constraint credit_transactions_user_id_fkey;

alter table litellm.credit_allocations
drop constraint credit_allocations_transaction_id_fkey,
drop constraint credit_allocations_lot_id_fkey;

alter table litellm.credit_holds
drop constraint credit_holds_user_id_fkey,
drop constraint credit_holds_transaction_id_fkey;
