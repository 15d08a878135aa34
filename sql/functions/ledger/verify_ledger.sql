create or replace function litellm.verify_ledger()
returns table (
    user_id text,
    problem text,
    detail text
)
language sql
stable
-- definer: the analyst role may audit without reading accounts directly.
security definer
set search_path = pg_catalog, pg_temp
begin atomic
    with journal as (
        select
            t.user_id,
            sum(t.amount) as total,
            count(*) as entries,
            max(t.seq) as last_seq,
            sum(t.amount) filter (where t.transaction_type = 'purchase') as purchased,
            sum(t.amount) filter (
                where t.transaction_type in ('bonus', 'trial', 'promo')
                or (t.transaction_type = 'adjustment' and t.amount > 0)
            ) as granted,
            -sum(t.amount) filter (where t.transaction_type in ('usage', 'refund')) as spent,
            (array_agg(t.balance_after order by t.seq desc))[1] as last_balance_after,
            min(t.balance_after) as lowest_balance_after
        from litellm.credit_transactions as t
        group by t.user_id
    ),

    lots as (
        select
            l.user_id,
            sum(l.remaining) as remaining,
            count(*) filter (where l.remaining < 0 or l.remaining > l.amount) as out_of_range
        from litellm.credit_lots as l
        group by l.user_id
    ),

    lot_allocations as (
        select
            l.user_id,
            l.lot_id,
            l.amount,
            l.remaining,
            coalesce(sum(a.amount), 0) as allocated
        from litellm.credit_lots as l
        left join litellm.credit_allocations as a on l.lot_id = a.lot_id
        group by l.user_id, l.lot_id, l.amount, l.remaining
    ),

    entry_allocations as (
        select
            t.user_id,
            t.id,
            t.transaction_type,
            t.amount,
            coalesce(sum(a.amount), 0) as allocated
        from litellm.credit_transactions as t
        left join litellm.credit_allocations as a on t.id = a.transaction_id
        where t.transaction_type in ('usage', 'refund', 'expiry') or (t.transaction_type = 'adjustment' and t.amount < 0)
        group by t.user_id, t.id, t.transaction_type, t.amount
    ),

    holds as (
        select
            h.user_id,
            sum(h.amount) filter (where h.status = 'held') as held
        from litellm.credit_holds as h
        group by h.user_id
    )

    select
        uc.user_id,
        'balance differs from the journal' as problem,
        format('balance %s, journal sum %s', uc.credits_remaining, coalesce(j.total, 0)) as detail
    from litellm.user_credits as uc left join journal as j on uc.user_id = j.user_id
    where uc.credits_remaining <> coalesce(j.total, 0)
    union all
    select
        uc.user_id,
        'balance differs from the last balance_after' as problem,
        format('balance %s, last balance_after %s', uc.credits_remaining, j.last_balance_after) as detail
    from litellm.user_credits as uc inner join journal as j on uc.user_id = j.user_id
    where uc.credits_remaining <> j.last_balance_after
    union all
    select
        uc.user_id,
        'journal sequence has gaps' as problem,
        format('%s entries, highest seq %s, account last_seq %s', coalesce(j.entries, 0), j.last_seq, uc.last_seq) as detail
    from litellm.user_credits as uc left join journal as j on uc.user_id = j.user_id
    where coalesce(j.entries, 0) <> uc.last_seq or coalesce(j.last_seq, 0) <> uc.last_seq
    union all
    select
        j.user_id,
        'journal balance went below zero' as problem,
        format('lowest balance_after %s', j.lowest_balance_after) as detail
    from journal as j
    where j.lowest_balance_after < 0
    union all
    select
        uc.user_id,
        'totals differ from the journal' as problem,
        format(
            'purchased %s/%s, granted %s/%s, spent %s/%s',
            uc.total_purchased, coalesce(j.purchased, 0), uc.total_granted, coalesce(j.granted, 0),
            uc.total_spent, coalesce(j.spent, 0)
        ) as detail
    from litellm.user_credits as uc left join journal as j on uc.user_id = j.user_id
    where
        uc.total_purchased <> coalesce(j.purchased, 0)
        or uc.total_granted <> coalesce(j.granted, 0)
        or uc.total_spent <> coalesce(j.spent, 0)
    union all
    select
        uc.user_id,
        'balance differs from the lots' as problem,
        format('balance %s, lots remaining %s', uc.credits_remaining, coalesce(l.remaining, 0)) as detail
    from litellm.user_credits as uc left join lots as l on uc.user_id = l.user_id
    where uc.credits_remaining <> coalesce(l.remaining, 0)
    union all
    select
        l.user_id,
        'lot remaining out of range' as problem,
        format('%s lots', l.out_of_range) as detail
    from lots as l
    where l.out_of_range > 0
    union all
    select
        la.user_id,
        'lot remaining differs from its allocations' as problem,
        format('lot %s: amount %s, allocated %s, remaining %s', la.lot_id, la.amount, la.allocated, la.remaining) as detail
    from lot_allocations as la
    where la.remaining <> la.amount - la.allocated
    union all
    select
        ea.user_id,
        'entry differs from its allocations' as problem,
        format('%s entry %s: amount %s, allocated %s', ea.transaction_type, ea.id, ea.amount, ea.allocated) as detail
    from entry_allocations as ea
    where ea.allocated <> -ea.amount
    union all
    select
        uc.user_id,
        'held amount differs from live holds' as problem,
        format('credits_held %s, holds %s', uc.credits_held, coalesce(h.held, 0)) as detail
    from litellm.user_credits as uc left join holds as h on uc.user_id = h.user_id
    where uc.credits_held <> coalesce(h.held, 0)
    union all
    select
        uc.user_id,
        'held amount exceeds the balance' as problem,
        format('credits_held %s, balance %s', uc.credits_held, uc.credits_remaining) as detail
    from litellm.user_credits as uc
    where uc.credits_held > uc.credits_remaining
    union all
    select
        h.user_id,
        'hold in an impossible state' as problem,
        format(
            'hold %s: status %s, settled_amount %s, transaction %s', h.hold_id, h.status, h.settled_amount,
            h.transaction_id
        ) as detail
    from litellm.credit_holds as h
    where
        (h.status = 'settled') <> (h.transaction_id is not null)
        or (h.status = 'held' and h.resolved_at is not null)
        or (h.status <> 'held' and h.resolved_at is null)
    order by user_id, problem;
end;

comment on function litellm.verify_ledger() is
'The auditor: one row per broken invariant (empty result = healthy). Checks, per account: balance = sum of the '
'journal = last balance_after = sum of lot remainders; the journal sequence is 1..last_seq without gaps and never '
'went below zero; running totals match the journal; every lot''s remainder equals its amount less its allocations and '
'every consuming entry is fully allocated; credits_held equals the live holds and does not exceed the balance; no '
'hold is in an impossible state. '
'Reads everything: run it off-peak on large ledgers.';
