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
    select
        uc.user_id,
        uc.credits_remaining - x.expired as credits_remaining,
        h.held as credits_held,
        uc.credits_remaining - x.expired - h.held as credits_available,
        uc.tier,
        (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c) as monthly_cap,  -- noqa: RF03
        litellm._month_spent(uc, litellm._current_month()) as month_spent,
        uc.total_purchased,
        uc.total_granted,
        uc.total_spent,
        uc.last_seq as transaction_count,
        (
            select min(l.expires_at) from litellm.credit_lots as l
            where l.user_id = uc.user_id and not l.depleted and l.expires_at > pg_catalog.now()
        ) as next_expiry_at,
        uc.last_reset,
        uc.created_at,
        uc.updated_at
    from litellm.user_credits as uc
    -- Lots and holds past their expiry that no sweep has reached yet count
    -- for nothing, as they will once swept; except that, as in a sweep, no
    -- more expires than the balance less what live holds need.
    cross join
        lateral (
            select coalesce(sum(ch.amount), 0) as held
            from litellm.credit_holds as ch
            where ch.user_id = uc.user_id and ch.status = 'held' and ch.expires_at > pg_catalog.now()
        ) as h
    cross join
        lateral (
            select least(coalesce(sum(l.remaining), 0), greatest(uc.credits_remaining - h.held, 0)) as expired
            from litellm.credit_lots as l
            where l.user_id = uc.user_id and not l.depleted and l.expires_at <= pg_catalog.now()
        ) as x
    where uc.user_id = get_user_balance.user_id;  -- noqa: RF01
end;

comment on function litellm.get_user_balance(text) is
'The user''s balance as of now: credits_remaining (expired lots excluded, except what live reservations need: that '
'does not expire while they live), credits_held by live reservations, '
'credits_available = remaining - held, tier, effective monthly cap and this month''s spending, running totals and '
'the next lot expiry. No row for an unknown user.';
