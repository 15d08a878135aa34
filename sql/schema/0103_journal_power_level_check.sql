-- The journal's power_level loses its foreign key. A foreign key makes every
-- debit that names a level take a key-share lock on that catalogue row; under
-- many concurrent debits the row's lockers become a MultiXact, a cost paid on
-- every charge (docs/benchmarks.md). The same guarantee now lives on the side
-- that is rarely written: the debit checks the level before it writes
-- (LD003), and a trigger on litellm.power_levels refuses to delete, rename or
-- truncate a level the journal names (LD058,
-- sql/functions/ledger/journal_power_levels.sql).

alter table litellm.credit_transactions
drop constraint credit_transactions_power_level_fkey;

comment on column litellm.credit_transactions.power_level is
'The power level the call asked for, a row of litellm.power_levels: the debit checks it before writing, and a level '
'the journal names cannot be deleted or renamed (LD058).';
