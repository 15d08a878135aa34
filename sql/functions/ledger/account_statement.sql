create or replace function litellm.account_statement(
    user_id text,
    from_time timestamptz default null,
    to_time timestamptz default null,
    max_rows integer default null
)
returns table (
    transaction_id bigint,
    created_at timestamptz,
    transaction_type text,
    amount numeric,
    account_balance numeric,
    slot smallint,
    seq bigint,
    balance_after numeric,
    provider text,
    model text,
    description text
)
language plpgsql
stable
-- definer: the application role reads the journal only through the API.
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_limit integer := litellm._check_max_rows(account_statement.max_rows);
begin
    if account_statement.to_time < account_statement.from_time then
        raise exception using
            errcode = 'LD082',
            message = format('invalid time range %s to %s', account_statement.from_time, account_statement.to_time),
            hint = 'from_time is included, to_time is not, from_time <= to_time; NULL leaves that end open.';
    end if;
    -- The statement's entries are chosen first (in id order, transfers left
    -- out); the running balance then sums every entry of the account up to
    -- the last of them, transfers included.
    return query
    with chosen as (
        select t.id
        from litellm.credit_transactions as t
        where
            t.user_id = account_statement.user_id
            and t.transaction_type <> 'transfer'
            and (account_statement.from_time is null or t.created_at >= account_statement.from_time)
            and (account_statement.to_time is null or t.created_at < account_statement.to_time)
        order by t.id
        limit v_limit
    ),

    running as (
        select
            t.id,
            t.created_at,
            t.transaction_type,
            t.amount,
            sum(t.amount) over (order by t.id) as account_balance,
            t.slot,
            t.seq,
            t.balance_after,
            t.provider,
            t.model,
            t.description
        from litellm.credit_transactions as t
        where t.user_id = account_statement.user_id and t.id <= (select max(c.id) from chosen as c)
    )

    select r.*
    from running as r
    where r.id in (select c.id from chosen as c)
    order by r.id;
end
$$;

comment on function litellm.account_statement(text, timestamptz, timestamptz, integer) is
'The account''s journal as its user sees it: its entries created from from_time (included) to to_time (not included; '
'NULL leaves an end open) in id order, the order they were written in, at most max_rows of them (NULL: all; LD009 '
'below 1). Transfers between the slots of an account are left out; account_balance is the running balance of the '
'whole account, the sum of the amounts of every entry with an id up to this one, transfers included, so it is never '
'negative. For an account of one slot it is balance_after; for an account split into slots, balance_after and seq '
'are those of the entry''s slot. Reads the account''s journal up to the last entry it returns. No row for an unknown '
'user. LD082 when to_time is before from_time.';
