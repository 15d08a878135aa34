-- The auditor's checks, one function each; verify_ledger() is their union.
-- Each returns one row (user_id, problem, detail) per finding of its
-- invariant and reads only what that invariant needs. Plain SQL without a SET
-- clause: the planner inlines them into verify_ledger()'s statement. No role
-- is granted them; verify_ledger() runs them as the owner.

create or replace function litellm._audit_journal_sum()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with j as (
        select
            t.user_id,
            sum(t.amount) as total
        from litellm.credit_transactions as t
        group by t.user_id
    )

    select
        uc.user_id,
        'balance differs from the journal' as problem,
        format('balance %s, journal sum %s', uc.credits_remaining, coalesce(j.total, 0)) as detail
    from litellm.user_credits as uc
    left join j on uc.user_id = j.user_id
    where uc.credits_remaining <> coalesce(j.total, 0);
end;

comment on function litellm._audit_journal_sum() is
'Accounts whose balance differs from the sum of their journal (0 for an account without entries). A check of '
'verify_ledger().';

create or replace function litellm._audit_last_balance_after()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        uc.user_id,
        'balance differs from the last balance_after' as problem,
        format('balance %s, last balance_after %s', uc.credits_remaining, l.balance_after) as detail
    from litellm.user_credits as uc
    cross join
        lateral (
            select t.balance_after
            from litellm.credit_transactions as t
            where t.user_id = uc.user_id and t.slot = 0
            order by t.seq desc
            limit 1
        ) as l
    where uc.credits_remaining <> l.balance_after;
end;

comment on function litellm._audit_last_balance_after() is
'Accounts whose balance differs from the balance_after of their last journal entry on slot 0, the account row '
'(the highest seq). A check of verify_ledger().';

create or replace function litellm._audit_journal_sequence()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with j as (
        select
            t.user_id,
            count(*) as entries,
            max(t.seq) as last_seq
        from litellm.credit_transactions as t
        group by t.user_id
    )

    select
        uc.user_id,
        'journal sequence has gaps' as problem,
        format('%s entries, highest seq %s, account last_seq %s', coalesce(j.entries, 0), j.last_seq, uc.last_seq) as detail
    from litellm.user_credits as uc
    left join j on uc.user_id = j.user_id
    where coalesce(j.entries, 0) <> uc.last_seq or coalesce(j.last_seq, 0) <> uc.last_seq;
end;

comment on function litellm._audit_journal_sequence() is
'Accounts whose journal is not exactly the entries 1..last_seq: a count or a highest seq that differs from the '
'account''s last_seq. A check of verify_ledger().';

create or replace function litellm._audit_journal_never_negative()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        t.user_id,
        'journal balance went below zero' as problem,
        format('lowest balance_after %s', min(t.balance_after)) as detail
    from litellm.credit_transactions as t
    where t.balance_after < 0
    group by t.user_id;
end;

comment on function litellm._audit_journal_never_negative() is
'Users whose journal shows a balance_after below zero, with the lowest. A check of verify_ledger().';

create or replace function litellm._audit_journal_totals()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with j as (
        select
            t.user_id,
            sum(t.amount) filter (where t.transaction_type = 'purchase') as purchased,
            sum(t.amount) filter (
                where t.transaction_type in ('bonus', 'trial', 'promo')
                or (t.transaction_type = 'adjustment' and t.amount > 0)
            ) as granted,
            -sum(t.amount) filter (where t.transaction_type in ('usage', 'refund')) as spent
        from litellm.credit_transactions as t
        group by t.user_id
    )

    select
        uc.user_id,
        'totals differ from the journal' as problem,
        format(
            'purchased %s/%s, granted %s/%s, spent %s/%s',
            uc.total_purchased, coalesce(j.purchased, 0), uc.total_granted, coalesce(j.granted, 0),
            uc.total_spent, coalesce(j.spent, 0)
        ) as detail
    from litellm.user_credits as uc
    left join j on uc.user_id = j.user_id
    where
        uc.total_purchased <> coalesce(j.purchased, 0)
        or uc.total_granted <> coalesce(j.granted, 0)
        or uc.total_spent <> coalesce(j.spent, 0);
end;

comment on function litellm._audit_journal_totals() is
'Accounts whose running totals (total_purchased, total_granted, total_spent) differ from what their journal sums '
'to. A check of verify_ledger().';

create or replace function litellm._audit_lots_sum()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with l as (
        select
            cl.user_id,
            sum(cl.remaining) as remaining
        from litellm.credit_lots as cl
        group by cl.user_id
    )

    select
        uc.user_id,
        'balance differs from the lots' as problem,
        format('balance %s, lots remaining %s', uc.credits_remaining, coalesce(l.remaining, 0)) as detail
    from litellm.user_credits as uc
    left join l on uc.user_id = l.user_id
    where uc.credits_remaining <> coalesce(l.remaining, 0);
end;

comment on function litellm._audit_lots_sum() is
'Accounts whose balance differs from the sum of their lots'' remainders. A check of verify_ledger().';

create or replace function litellm._audit_lot_ranges()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        l.user_id,
        'lot remaining out of range' as problem,
        format('%s lots', count(*)) as detail
    from litellm.credit_lots as l
    where l.remaining < 0 or l.remaining > l.amount
    group by l.user_id;
end;

comment on function litellm._audit_lot_ranges() is
'Users with lots whose remainder is below zero or above the lot''s amount, with how many. A check of '
'verify_ledger().';

create or replace function litellm._audit_lot_allocations()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with la as (
        select
            l.user_id,
            l.lot_id,
            l.amount,
            l.remaining,
            coalesce(sum(a.amount), 0) as allocated
        from litellm.credit_lots as l
        left join litellm.credit_allocations as a on l.lot_id = a.lot_id
        group by l.user_id, l.lot_id, l.amount, l.remaining
    )

    select
        la.user_id,
        'lot remaining differs from its allocations' as problem,
        format('lot %s: amount %s, allocated %s, remaining %s', la.lot_id, la.amount, la.allocated, la.remaining) as detail
    from la
    where la.remaining <> la.amount - la.allocated;
end;

comment on function litellm._audit_lot_allocations() is
'Lots whose remainder differs from their amount less what was allocated from them. A check of verify_ledger().';

create or replace function litellm._audit_entry_allocations()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with ea as (
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
    )

    select
        ea.user_id,
        'entry differs from its allocations' as problem,
        format('%s entry %s: amount %s, allocated %s', ea.transaction_type, ea.id, ea.amount, ea.allocated) as detail
    from ea
    where ea.allocated <> -ea.amount;
end;

comment on function litellm._audit_entry_allocations() is
'Consuming journal entries (usage, refund, expiry, negative adjustment) not allocated to lots for exactly their '
'amount. A check of verify_ledger().';

create or replace function litellm._audit_held_vs_holds()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with h as (
        select
            ch.user_id,
            sum(ch.amount) filter (where ch.status = 'held') as held
        from litellm.credit_holds as ch
        group by ch.user_id
    )

    select
        uc.user_id,
        'held amount differs from live holds' as problem,
        format('credits_held %s, holds %s', uc.credits_held, coalesce(h.held, 0)) as detail
    from litellm.user_credits as uc
    left join h on uc.user_id = h.user_id
    where uc.credits_held <> coalesce(h.held, 0);
end;

comment on function litellm._audit_held_vs_holds() is
'Accounts whose credits_held differs from the sum of their live holds. A check of verify_ledger().';

create or replace function litellm._audit_held_within_balance()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        uc.user_id,
        'held amount exceeds the balance' as problem,
        format('credits_held %s, balance %s', uc.credits_held, uc.credits_remaining) as detail
    from litellm.user_credits as uc
    where uc.credits_held > uc.credits_remaining;
end;

comment on function litellm._audit_held_within_balance() is
'Accounts that hold more than their balance. A check of verify_ledger().';

create or replace function litellm._audit_hold_states()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
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
        or (h.status <> 'held' and h.resolved_at is null);
end;

comment on function litellm._audit_hold_states() is
'Holds in an impossible state: settled without a journal entry or with one without being settled, live but '
'resolved, or resolved without a time. A check of verify_ledger().';
