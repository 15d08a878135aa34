-- Credits in and out per UTC day, for the analyst role (which reads no journal
-- row) and the spend report: daily totals only, never an entry.

create or replace function litellm.credit_flow_daily(from_date date, to_date date, user_id text default null)
returns table (
    date date,
    purchased numeric,
    granted numeric,
    consumed numeric,
    refunded numeric,
    expired numeric,
    adjusted numeric,
    entries bigint
)
language plpgsql
stable
-- definer: the analyst role reads no journal entry; this returns daily totals only.
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if credit_flow_daily.from_date is null or credit_flow_daily.to_date is null
        or credit_flow_daily.to_date < credit_flow_daily.from_date
        or credit_flow_daily.to_date - credit_flow_daily.from_date >= 36600 then
        raise exception using
            errcode = 'LD362',
            message = format('invalid date range %s to %s', coalesce(credit_flow_daily.from_date::text, 'NULL'),
                             coalesce(credit_flow_daily.to_date::text, 'NULL')),
            hint = 'from_date and to_date are UTC dates, both included, from_date <= to_date, at most 36600 days apart.';
    end if;
    return query
    select
        (t.created_at at time zone 'UTC')::date,
        coalesce(sum(t.amount) filter (where t.transaction_type = 'purchase'), 0),
        coalesce(sum(t.amount) filter (where t.transaction_type in ('bonus', 'trial', 'promo')), 0),
        coalesce(-sum(t.amount) filter (where t.transaction_type = 'usage'), 0),
        coalesce(sum(t.amount) filter (where t.transaction_type = 'refund'), 0),
        coalesce(-sum(t.amount) filter (where t.transaction_type = 'expiry'), 0),
        coalesce(sum(t.amount) filter (
            where t.transaction_type not in ('purchase', 'bonus', 'trial', 'promo', 'usage', 'refund', 'expiry')
        ), 0),
        count(*)
    from litellm.credit_transactions as t
    where
        t.created_at >= (credit_flow_daily.from_date::timestamp at time zone 'UTC')
        and t.created_at < ((credit_flow_daily.to_date + 1)::timestamp at time zone 'UTC')
        and (credit_flow_daily.user_id is null or t.user_id = credit_flow_daily.user_id)
        and t.transaction_type <> 'transfer'
    group by 1
    order by 1;
end
$$;

comment on function litellm.credit_flow_daily(date, date, text) is
'Credits that came in and went out per UTC day from from_date to to_date (both included), of one user or (user_id '
'NULL) of everyone, from the journal: purchased, granted (bonus, trial, promo), consumed (usage, as a positive number), '
'refunded, expired (positive), adjusted (signed) and the number of entries; moves between the slots of an account '
'(transfer entries, which sum to zero) are left out. Days without entries are absent. Reads the '
'journal of the period (all of it for everyone: a report''s query, not a dashboard''s). LD362 for a bad date range.';
