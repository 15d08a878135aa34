-- Balances and totals per account for the analyst role, who reads no account
-- table directly. A slot account's totals are its slots' sums: the balance of
-- slot 0 and the active slots, the spending and entries of every slot.
create or replace view litellm.account_overview
with (security_barrier = true)
as
with slots as (
    select
        cs.user_id,
        sum(cs.credits_remaining) filter (where cs.active) as credits_remaining,
        sum(cs.total_spent) as total_spent,
        sum(cs.last_seq)::bigint as entries,
        max(cs.updated_at) as updated_at
    from litellm.credit_slots as cs
    group by cs.user_id
),

transfers as (
    select
        ct.user_id,
        count(*) as transfers
    from litellm.credit_transactions as ct
    where ct.transaction_type = 'transfer'
    group by ct.user_id
)

select
    uc.user_id,
    uc.tier,
    case
        when s.user_id is null then uc.credits_remaining
        else (uc.credits_remaining + coalesce(s.credits_remaining, 0))::numeric(20, 6)
    end as credits_remaining,
    uc.total_purchased,
    uc.total_granted,
    case
        when s.user_id is null then uc.total_spent
        else (uc.total_spent + s.total_spent)::numeric(20, 6)
    end as total_spent,
    cap.monthly_cap,
    uc.last_seq + coalesce(s.entries, 0) - coalesce(t.transfers, 0) as transaction_count,
    uc.created_at,
    greatest(uc.updated_at, s.updated_at) as last_activity_at
from litellm.user_credits as uc
cross join lateral litellm._effective_monthly_cap(uc) as cap
left join slots as s on uc.user_id = s.user_id
left join transfers as t on uc.user_id = t.user_id;

comment on view litellm.account_overview is
'One row per account: balance, totals, effective monthly cap (the user''s, else the tier''s), the number of journal '
'entries and last activity. For an account split into slots, the account''s totals: balance summed over its active '
'slots, spending and entries over all of them, transfers between slots left out.';
