-- The auditor's checks, one function each; verify_ledger() is their union.
-- Each returns one row (user_id, problem, detail) per finding of its
-- invariant and reads only what that invariant needs. Plain SQL without a SET
-- clause: the planner inlines them into verify_ledger()'s statement. No role
-- is granted them; verify_ledger() runs them as the owner.
--
-- Slot accounts (docs/ledger.md#slot-accounts): every check of a balance, a
-- sequence, running totals, lots or holds runs per (user, slot), slot 0 being
-- the user_credits row and slots 1 and above credit_slots rows (retired ones
-- included: their history stays). A finding on slot n >= 1 starts its detail
-- with "slot n: ", and journal entries, lots or holds on a slot an existing
-- account has no row for are reported as "no such slot" (those of no account
-- at all are _audit_references' finding). An account of one slot has
-- slot 0 only, so its findings are word for word what they always were.

create or replace function litellm._audit_slot_label(slot smallint)
returns text
language sql
immutable
security invoker
begin atomic
    select case when slot = 0 then '' else 'slot ' || slot::text || ': ' end;  -- noqa: RF02
end;

comment on function litellm._audit_slot_label(smallint) is
'How a finding of verify_ledger() names its slot: nothing for slot 0 (the user_credits row, the whole of an account '
'of one slot), "slot n: " for slot n.';

create or replace function litellm._audit_slots()
returns table (
    user_id text,
    slot smallint,
    label text,
    credits_remaining numeric,
    credits_held numeric,
    total_purchased numeric,
    total_granted numeric,
    total_spent numeric,
    last_seq bigint
)
language sql
stable
security invoker
begin atomic
    select
        uc.user_id,
        0::smallint as slot,
        '' as label,
        uc.credits_remaining,
        uc.credits_held,
        uc.total_purchased,
        uc.total_granted,
        uc.total_spent,
        uc.last_seq
    from litellm.user_credits as uc
    union all
    select
        s.user_id,
        s.slot,
        litellm._audit_slot_label(s.slot) as label,
        s.credits_remaining,
        s.credits_held,
        0 as total_purchased,
        0 as total_granted,
        s.total_spent,
        s.last_seq
    from litellm.credit_slots as s;
end;

comment on function litellm._audit_slots() is
'Every slot of every account, the ledger''s unit of account: slot 0 is the user_credits row, slots 1 and above the '
'credit_slots rows (retired ones included). Purchases and grants land on slot 0 only, so the other slots'' totals of '
'them are 0. What the checks of verify_ledger() compare the journal, lots and holds with.';

create or replace function litellm._audit_journal_sum()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with j as (
        select
            t.user_id,
            t.slot,
            sum(t.amount) as total
        from litellm.credit_transactions as t
        group by t.user_id, t.slot
    )

    select
        coalesce(s.user_id, j.user_id) as user_id,
        'balance differs from the journal' as problem,
        case
            when s.user_id is null then format('%sno such slot, journal sum %s', litellm._audit_slot_label(j.slot), j.total)
            else format('%sbalance %s, journal sum %s', s.label, s.credits_remaining, coalesce(j.total, 0))
        end as detail
    from litellm._audit_slots() as s
    full join j on s.user_id = j.user_id and s.slot = j.slot
    where
        s.credits_remaining <> coalesce(j.total, 0)
        or (
            s.user_id is null
            and exists (
                select from litellm.user_credits as uc
                where uc.user_id = j.user_id
            )
        );
end;

comment on function litellm._audit_journal_sum() is
'Slots whose balance differs from the sum of their journal (0 for a slot without entries), and journal entries on a '
'slot the account does not have. A check of verify_ledger().';

create or replace function litellm._audit_last_balance_after()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        s.user_id,
        'balance differs from the last balance_after' as problem,
        format('%sbalance %s, last balance_after %s', s.label, s.credits_remaining, l.balance_after) as detail
    from litellm._audit_slots() as s
    cross join
        lateral (
            select t.balance_after
            from litellm.credit_transactions as t
            where t.user_id = s.user_id and t.slot = s.slot
            order by t.seq desc
            limit 1
        ) as l
    where s.credits_remaining <> l.balance_after;
end;

comment on function litellm._audit_last_balance_after() is
'Slots whose balance differs from the balance_after of their last journal entry (the highest seq of the slot). A '
'check of verify_ledger().';

create or replace function litellm._audit_journal_sequence()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with j as (
        select
            t.user_id,
            t.slot,
            count(*) as entries,
            max(t.seq) as last_seq
        from litellm.credit_transactions as t
        group by t.user_id, t.slot
    )

    select
        coalesce(s.user_id, j.user_id) as user_id,
        'journal sequence has gaps' as problem,
        case
            when s.user_id is null
                then format(
                    '%sno such slot, %s entries, highest seq %s', litellm._audit_slot_label(j.slot), j.entries,
                    j.last_seq
                )
            else format(
                '%s%s entries, highest seq %s, account last_seq %s', s.label, coalesce(j.entries, 0), j.last_seq,
                s.last_seq
            )
        end as detail
    from litellm._audit_slots() as s
    full join j on s.user_id = j.user_id and s.slot = j.slot
    where
        coalesce(j.entries, 0) <> s.last_seq
        or coalesce(j.last_seq, 0) <> s.last_seq
        or (
            s.user_id is null
            and exists (
                select from litellm.user_credits as uc
                where uc.user_id = j.user_id
            )
        );
end;

comment on function litellm._audit_journal_sequence() is
'Slots whose journal is not exactly the entries 1..last_seq (a count or a highest seq that differs from the slot''s '
'last_seq), and journal entries on a slot the account does not have. A check of verify_ledger().';

create or replace function litellm._audit_journal_never_negative()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        t.user_id,
        'journal balance went below zero' as problem,
        format('%slowest balance_after %s', litellm._audit_slot_label(t.slot), min(t.balance_after)) as detail
    from litellm.credit_transactions as t
    where t.balance_after < 0
    group by t.user_id, t.slot;
end;

comment on function litellm._audit_journal_never_negative() is
'Slots whose journal shows a balance_after below zero, with the lowest. A check of verify_ledger().';

create or replace function litellm._audit_journal_totals()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with j as (
        select
            t.user_id,
            t.slot,
            sum(t.amount) filter (where t.transaction_type = 'purchase') as purchased,
            sum(t.amount) filter (
                where t.transaction_type in ('bonus', 'trial', 'promo')
                or (t.transaction_type = 'adjustment' and t.amount > 0)
            ) as granted,
            -sum(t.amount) filter (where t.transaction_type in ('usage', 'refund')) as spent
        from litellm.credit_transactions as t
        group by t.user_id, t.slot
    )

    select
        coalesce(s.user_id, j.user_id) as user_id,
        'totals differ from the journal' as problem,
        format(
            '%spurchased %s/%s, granted %s/%s, spent %s/%s',
            coalesce(s.label, litellm._audit_slot_label(j.slot) || 'no such slot, '),
            s.total_purchased, coalesce(j.purchased, 0), s.total_granted, coalesce(j.granted, 0),
            s.total_spent, coalesce(j.spent, 0)
        ) as detail
    from litellm._audit_slots() as s
    full join j on s.user_id = j.user_id and s.slot = j.slot
    where
        s.total_purchased <> coalesce(j.purchased, 0)
        or s.total_granted <> coalesce(j.granted, 0)
        or s.total_spent <> coalesce(j.spent, 0)
        or (
            s.user_id is null
            and exists (
                select from litellm.user_credits as uc
                where uc.user_id = j.user_id
            )
        );
end;

comment on function litellm._audit_journal_totals() is
'Slots whose running totals (total_purchased and total_granted, on slot 0 only, and total_spent) differ from what '
'their journal sums to; transfers between slots count in none. Every journal entry is on a slot the account has '
'(else reported), so the account''s totals, the sums over its slots, equal its journal''s. A check of '
'verify_ledger().';

create or replace function litellm._audit_lots_sum()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with l as (
        select
            cl.user_id,
            cl.slot,
            sum(cl.remaining) as remaining
        from litellm.credit_lots as cl
        group by cl.user_id, cl.slot
    )

    select
        coalesce(s.user_id, l.user_id) as user_id,
        'balance differs from the lots' as problem,
        case
            when s.user_id is null then format('%sno such slot, lots remaining %s', litellm._audit_slot_label(l.slot), l.remaining)
            else format('%sbalance %s, lots remaining %s', s.label, s.credits_remaining, coalesce(l.remaining, 0))
        end as detail
    from litellm._audit_slots() as s
    full join l on s.user_id = l.user_id and s.slot = l.slot
    where
        s.credits_remaining <> coalesce(l.remaining, 0)
        or (
            s.user_id is null
            and exists (
                select from litellm.user_credits as uc
                where uc.user_id = l.user_id
            )
        );
end;

comment on function litellm._audit_lots_sum() is
'Slots whose balance differs from the sum of their lots'' remainders, and lots on a slot the account does not have. '
'A check of verify_ledger().';

create or replace function litellm._audit_lot_ranges()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        l.user_id,
        'lot remaining out of range' as problem,
        format('%s%s lots', litellm._audit_slot_label(l.slot), count(*)) as detail
    from litellm.credit_lots as l
    where l.remaining < 0 or l.remaining > l.amount
    group by l.user_id, l.slot;
end;

comment on function litellm._audit_lot_ranges() is
'Slots with lots whose remainder is below zero or above the lot''s amount, with how many. A check of '
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
        where
            t.transaction_type in ('usage', 'refund', 'expiry')
            or (t.transaction_type in ('adjustment', 'transfer') and t.amount < 0)
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
'Consuming journal entries (usage, refund, expiry, negative adjustment, the outgoing half of a transfer) not allocated '
'to lots for exactly their amount. A check of verify_ledger().';

create or replace function litellm._audit_allocation_slots()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    -- Only accounts with slots other than 0 can mix slots: on any other, an
    -- entry or lot off slot 0 is a slot the account does not have, which the
    -- journal and lot checks report.
    with split as (
        select distinct s.user_id from litellm.credit_slots as s
    ),

    entries as (
        select
            t.user_id,
            t.id,
            t.slot
        from split
        inner join litellm.credit_transactions as t on split.user_id = t.user_id
    )

    select
        e.user_id,
        'lot or allocation on another slot' as problem,
        format('lot %s on slot %s, granted by entry %s on slot %s', l.lot_id, l.slot, e.id, e.slot) as detail
    from entries as e
    inner join litellm.credit_lots as l on e.id = l.transaction_id
    where l.slot <> e.slot
    union all
    select
        e.user_id,
        'lot or allocation on another slot' as problem,
        format('entry %s on slot %s takes from lot %s on slot %s', e.id, e.slot, l.lot_id, l.slot) as detail
    from entries as e
    inner join litellm.credit_allocations as a on e.id = a.transaction_id
    inner join litellm.credit_lots as l on a.lot_id = l.lot_id
    where l.slot <> e.slot;
end;

comment on function litellm._audit_allocation_slots() is
'Lots on another slot than the entry that granted them, and allocations between an entry and a lot of different '
'slots: a slot''s lots are its own. A check of verify_ledger().';

create or replace function litellm._audit_held_vs_holds()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    with h as (
        select
            ch.user_id,
            ch.slot,
            sum(ch.amount) filter (where ch.status = 'held') as held
        from litellm.credit_holds as ch
        group by ch.user_id, ch.slot
    )

    select
        coalesce(s.user_id, h.user_id) as user_id,
        'held amount differs from live holds' as problem,
        case
            when s.user_id is null then format('%sno such slot, holds %s', litellm._audit_slot_label(h.slot), coalesce(h.held, 0))
            else format('%scredits_held %s, holds %s', s.label, s.credits_held, coalesce(h.held, 0))
        end as detail
    from litellm._audit_slots() as s
    full join h on s.user_id = h.user_id and s.slot = h.slot
    where
        s.credits_held <> coalesce(h.held, 0)
        or (
            s.user_id is null
            and exists (
                select from litellm.user_credits as uc
                where uc.user_id = h.user_id
            )
        );
end;

comment on function litellm._audit_held_vs_holds() is
'Slots whose credits_held differs from the sum of their live holds, and holds on a slot the account does not have. A '
'check of verify_ledger().';

create or replace function litellm._audit_held_within_balance()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        s.user_id,
        'held amount exceeds the balance' as problem,
        format('%scredits_held %s, balance %s', s.label, s.credits_held, s.credits_remaining) as detail
    from litellm._audit_slots() as s
    where s.credits_held > s.credits_remaining;
end;

comment on function litellm._audit_held_within_balance() is
'Slots that hold more than their balance. A check of verify_ledger().';

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

create or replace function litellm._audit_transfer_pairs()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    -- The incoming half (transfer_of set) is checked against the outgoing one
    -- it names; an outgoing half only needs an incoming one naming it.
    select
        i.user_id,
        'transfer is not one half of a pair' as problem,
        format(
            '%s entry %s (slot %s, amount %s) names entry %s (%s of user %s, slot %s, amount %s)', i.transaction_type,
            i.id, i.slot, i.amount, o.id, o.transaction_type, o.user_id, o.slot, o.amount
        ) as detail
    from litellm.credit_transactions as i
    inner join litellm.credit_transactions as o on i.transfer_of = o.id
    where
        i.transfer_of is not null
        and (
            i.transaction_type <> 'transfer' or o.transaction_type <> 'transfer' or o.transfer_of is not null
            or o.user_id <> i.user_id or o.slot = i.slot or o.amount >= 0 or i.amount <> -o.amount
        )
    union all
    select
        t.user_id,
        'transfer is not one half of a pair' as problem,
        format('transfer entry %s (slot %s, amount %s) has no other half', t.id, t.slot, t.amount) as detail
    from litellm.credit_transactions as t
    where
        t.transaction_type = 'transfer'
        and t.transfer_of is null
        and (
            t.amount >= 0
            or not exists (
                select from litellm.credit_transactions as i
                where i.transfer_of = t.id
            )
        );
end;

comment on function litellm._audit_transfer_pairs() is
'Transfer entries that are not one half of a pair: an incoming half (transfer_of set) must name an outgoing transfer '
'of the same user, on another slot, of the opposite amount; an outgoing half must be named by an incoming one. A '
'check of verify_ledger().';

create or replace function litellm._audit_retired_slots()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        s.user_id,
        'retired slot is not empty' as problem,
        format(
            'slot %s: balance %s, credits_held %s, cap_fraction %s, live holds %s, lots with credits %s', s.slot,
            s.credits_remaining, s.credits_held, s.cap_fraction, h.holds, l.lots
        ) as detail
    from litellm.credit_slots as s
    cross join
        lateral (
            select count(*) as holds
            from litellm.credit_holds as ch
            where ch.user_id = s.user_id and ch.slot = s.slot and ch.status = 'held'
        ) as h
    cross join
        lateral (
            select count(*) as lots
            from litellm.credit_lots as cl
            where cl.user_id = s.user_id and cl.slot = s.slot and not cl.depleted
        ) as l
    where
        not s.active
        and (s.credits_remaining <> 0 or s.credits_held <> 0 or s.cap_fraction <> 0 or h.holds > 0 or l.lots > 0);
end;

comment on function litellm._audit_retired_slots() is
'Retired slots (active = false) that are not empty: a balance, held credits, a share of the cap, a live hold or a lot '
'with credits left. A check of verify_ledger().';

create or replace function litellm._audit_slot_count()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    -- Only accounts with slot rows, or a slot_count other than 1, can be
    -- wrong: the slots of the others are not read.
    select
        uc.user_id,
        'slot count differs from the active slots' as problem,
        format(
            'slot_count %s, active slots %s, highest active slot %s', uc.slot_count, a.active + 1,
            coalesce(a.highest, 0)
        ) as detail
    from litellm.user_credits as uc
    cross join
        lateral (
            select
                count(*) filter (where s.active) as active,
                max(s.slot) filter (where s.active) as highest
            from litellm.credit_slots as s
            where s.user_id = uc.user_id
        ) as a
    where
        (uc.slot_count <> 1 or uc.user_id in (select cs.user_id from litellm.credit_slots as cs))
        and (a.active <> uc.slot_count - 1 or coalesce(a.highest, 0) <> uc.slot_count - 1);
end;

comment on function litellm._audit_slot_count() is
'Accounts whose slot_count is not 1 + the number of active credit_slots rows, or whose active slots are not exactly '
'1 .. slot_count - 1. A check of verify_ledger().';

create or replace function litellm._audit_cap_fractions()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    select
        uc.user_id,
        'cap fractions do not sum to 1' as problem,
        format('slot 0 %s, other active slots %s', uc.cap_fraction, a.fractions) as detail
    from litellm.user_credits as uc
    cross join
        lateral (
            select coalesce(sum(s.cap_fraction) filter (where s.active), 0) as fractions
            from litellm.credit_slots as s
            where s.user_id = uc.user_id
        ) as a
    where
        (uc.cap_fraction <> 1 or uc.user_id in (select cs.user_id from litellm.credit_slots as cs))
        and uc.cap_fraction + a.fractions <> 1;
end;

comment on function litellm._audit_cap_fractions() is
'Accounts whose active slots'' shares of the monthly cap (cap_fraction of slot 0 and of the active credit_slots '
'rows) do not sum to exactly 1. A check of verify_ledger().';
