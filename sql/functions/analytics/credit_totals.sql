-- Balances and live holds per tier: the Prometheus gauges and the report's
-- header. One pass over the accounts and one over the slots of accounts split
-- into slots (none for accounts of one slot); holds through their partial
-- index, whatever their slot.

create or replace function litellm.credit_totals()
returns table (
    tier text,
    accounts bigint,
    credits_remaining numeric,
    credits_held numeric,
    live_holds bigint,
    live_hold_credits numeric
)
language sql
stable
-- definer: the analyst role and a metrics exporter read no account or hold row; this returns totals per tier only.
security definer
set search_path = pg_catalog, pg_temp
begin atomic
    with accounts as (
        select
            uc.tier,
            count(*) as accounts,
            sum(uc.credits_remaining) as credits_remaining,
            sum(uc.credits_held) as credits_held
        from litellm.user_credits as uc
        group by uc.tier
    ),

    slots as (
        select
            uc.tier,
            sum(s.credits_remaining) as credits_remaining,
            sum(s.credits_held) as credits_held
        from litellm.credit_slots as s
        inner join litellm.user_credits as uc on s.user_id = uc.user_id
        where s.active
        group by uc.tier
    ),

    holds as (
        select
            uc.tier,
            count(*) as live_holds,
            sum(h.amount) as live_hold_credits
        from litellm.credit_holds as h
        inner join litellm.user_credits as uc on h.user_id = uc.user_id
        where h.status = 'held' and h.expires_at > pg_catalog.now()
        group by uc.tier
    )

    select
        t.tier,
        coalesce(a.accounts, 0) as accounts,
        coalesce(a.credits_remaining, 0) + coalesce(sl.credits_remaining, 0) as credits_remaining,
        coalesce(a.credits_held, 0) + coalesce(sl.credits_held, 0) as credits_held,
        coalesce(h.live_holds, 0) as live_holds,
        coalesce(h.live_hold_credits, 0) as live_hold_credits
    from litellm.tiers as t
    left join accounts as a on t.tier = a.tier
    left join slots as sl on t.tier = sl.tier
    left join holds as h on t.tier = h.tier
    order by t.tier;
end;

comment on function litellm.credit_totals() is
'Per tier: accounts, the sum of their balances, of their held credits (credits_held; both over every active slot of '
'an account split into slots), and the holds that are live now '
'(status held, not expired) with their credits. Every tier has a row, with zeros when it has no account. For dashboards '
'and the metrics exporter; reads every account once.';
