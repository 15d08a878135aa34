create or replace function litellm._balance_now(account litellm.user_credits, slot smallint)
returns table (remaining numeric, held numeric)
language sql
stable
security invoker
begin atomic
    -- Lots and holds past their expiry that no sweep has reached yet count
    -- for nothing, as they will once swept; except that, as in a sweep, no
    -- more expires than the balance less what live holds need.
    select
        (account).credits_remaining - x.expired as remaining,  -- noqa: RF01, RF02, RF03
        h.held
    from (
        select coalesce(sum(ch.amount), 0) as held
        from litellm.credit_holds as ch
        where
            ch.user_id = (account).user_id  -- noqa: RF01, RF02, RF03
            and ch.slot = _balance_now.slot  -- noqa: RF01
            and ch.status = 'held'
            and ch.expires_at > pg_catalog.now()
    ) as h
    cross join
        lateral (
            select
                least(
                    coalesce(sum(l.remaining), 0),
                    greatest((account).credits_remaining - h.held, 0)  -- noqa: RF01, RF02, RF03
                ) as expired
            from litellm.credit_lots as l
            where
                l.user_id = (account).user_id  -- noqa: RF01, RF02, RF03
                and l.slot = _balance_now.slot  -- noqa: RF01
                and not l.depleted
                and l.expires_at <= pg_catalog.now()
        ) as x;
end;

comment on function litellm._balance_now(litellm.user_credits, smallint) is
'One slot''s balance as of now (account: the slot''s row in the shape of an account, _slot_account for slots 1 and '
'above): remaining, its balance less expired lots no sweep has reached (but never what its live holds need), and '
'held, its live holds.';

create or replace function litellm._account_balance(account_id text)
returns table (
    user_id text,
    credits_remaining numeric,
    credits_held numeric,
    credits_available numeric,
    tier text,
    monthly_cap numeric,
    month_spent numeric,
    total_purchased numeric,
    total_granted numeric,
    total_spent numeric,
    transaction_count bigint,
    next_expiry_at timestamptz,
    last_reset timestamptz,
    created_at timestamptz,
    updated_at timestamptz
)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
begin
    -- PL/pgSQL, not a BEGIN ATOMIC body, for its cached plan: this is read on
    -- every request of a gateway, and its statement costs more to plan than
    -- to run. Account totals: slot 0 (the user_credits row) and the account's other
    -- slots (none for an account of one slot). Balance, holds and this month's
    -- spending are the active slots' (a retired slot has none); total_spent
    -- and the entries count every slot's history, transfers left out.
    return query
    select
        uc.user_id,
        b.remaining + o.remaining as credits_remaining,
        b.held + o.held as credits_held,
        b.remaining + o.remaining - b.held - o.held as credits_available,
        uc.tier,
        (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c) as monthly_cap,  -- noqa: RF03
        litellm._month_spent(uc, litellm._current_month()) + o.month_spent as month_spent,
        uc.total_purchased,
        uc.total_granted,
        uc.total_spent + o.total_spent as total_spent,
        (uc.last_seq + o.entries - case
            when o.slots > 0 then (
                select count(*) from litellm.credit_transactions as t
                where t.user_id = uc.user_id and t.transaction_type = 'transfer'
            )
            else 0
        end)::bigint as transaction_count,
        (
            select min(l.expires_at) from litellm.credit_lots as l
            where l.user_id = uc.user_id and not l.depleted and l.expires_at > pg_catalog.now()
        ) as next_expiry_at,
        uc.last_reset,
        uc.created_at,
        greatest(uc.updated_at, o.updated_at) as updated_at
    from litellm.user_credits as uc
    cross join lateral litellm._balance_now(uc, 0::smallint) as b
    cross join
        lateral (
            select
                count(*) as slots,
                coalesce(sum(sb.remaining) filter (where s.active), 0) as remaining,
                coalesce(sum(sb.held) filter (where s.active), 0) as held,
                coalesce(
                    sum(litellm._month_spent(litellm._slot_account(s), litellm._current_month())) filter (where s.active),
                    0
                ) as month_spent,
                coalesce(sum(s.total_spent), 0) as total_spent,
                coalesce(sum(s.last_seq), 0) as entries,
                max(s.updated_at) as updated_at
            from litellm.credit_slots as s
            cross join lateral litellm._balance_now(litellm._slot_account(s), s.slot) as sb
            where s.user_id = uc.user_id
        ) as o
    where uc.user_id = _account_balance.account_id;
end
$$;

comment on function litellm._account_balance(text) is
'get_user_balance''s answer, in PL/pgSQL for its cached plan (a BEGIN ATOMIC body is planned at every call).';

create or replace function litellm.get_user_balance(user_id text)
returns table (
    user_id text,
    credits_remaining numeric,
    credits_held numeric,
    credits_available numeric,
    tier text,
    monthly_cap numeric,
    month_spent numeric,
    total_purchased numeric,
    total_granted numeric,
    total_spent numeric,
    transaction_count bigint,
    next_expiry_at timestamptz,
    last_reset timestamptz,
    created_at timestamptz,
    updated_at timestamptz
)
language sql
stable
-- definer: the application role reads accounts only through the API.
security definer
set search_path = pg_catalog, pg_temp
begin atomic
    select * from litellm._account_balance(get_user_balance.user_id);  -- noqa: RF01, RF02, RF03
end;

comment on function litellm.get_user_balance(text) is
'The user''s balance as of now, for the account as a whole (summed over its slots when it has several): '
'credits_remaining (expired lots excluded, except what live reservations need: that does not expire while they '
'live), credits_held by live reservations, credits_available = remaining - held, tier, effective monthly cap and '
'this month''s spending, running totals, the number of journal entries (transfers between slots left out) and the '
'next lot expiry. No row for an unknown user.';
