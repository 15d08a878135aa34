-- Account totals of slot accounts: the transfer entries of each account, so
-- that the number of an account's entries leaving transfers out (the sum of
-- its slots' last_seq, less its transfers) is an index count. Only transfers
-- are indexed: a charge or a grant writes nothing more.

create index credit_transactions_transfers
on litellm.credit_transactions (user_id)
where transaction_type = 'transfer';

comment on index litellm.credit_transactions_transfers is
'The transfer entries of each account (moves between its slots), counted out of the account''s number of entries.';
