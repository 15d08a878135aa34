create or replace function litellm._audit_references()
returns table (user_id text, problem text, detail text)
language sql
stable
security invoker
begin atomic
    -- What foreign keys would otherwise promise: every account, entry and lot
    -- that the journal, the allocations and the holds name exists.
    select
        t.user_id,
        'journal entries of no account' as problem,
        format('%s entries, the first %s', count(*), min(t.id)) as detail
    from litellm.credit_transactions as t
    where
        not exists (
            select from litellm.user_credits as uc
            where uc.user_id = t.user_id
        )
    group by t.user_id
    union all
    select
        a.user_id,
        'allocations of a missing entry or lot' as problem,
        format('%s allocations, the first of entry %s', count(*), min(a.transaction_id)) as detail
    from litellm.credit_allocations as a
    where
        not exists (
            select from litellm.credit_transactions as t
            where t.id = a.transaction_id
        )
        or not exists (
            select from litellm.credit_lots as l
            where l.lot_id = a.lot_id
        )
    group by a.user_id
    union all
    select
        h.user_id,
        'holds of no account or of a missing entry' as problem,
        format('%s holds, the first %s', count(*), min(h.hold_id)) as detail
    from litellm.credit_holds as h
    where
        not exists (
            select from litellm.user_credits as uc
            where uc.user_id = h.user_id
        )
        or (
            h.transaction_id is not null
            and not exists (
                select from litellm.credit_transactions as t
                where t.id = h.transaction_id
            )
        )
    group by h.user_id;
end;

comment on function litellm._audit_references() is
'Journal entries, allocations and holds naming an account, entry or lot that does not exist (these columns have no '
'foreign key: see LD903). A check of verify_ledger().';
