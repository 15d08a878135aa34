-- Balances and totals per account for the analyst role, who reads no account
-- table directly.
create or replace view litellm.account_overview
with (security_barrier = true)
as
select
    uc.user_id,
    uc.tier,
    uc.credits_remaining,
    uc.total_purchased,
    uc.total_granted,
    uc.total_spent,
    cap.monthly_cap,
    uc.last_seq as transaction_count,
    uc.created_at,
    uc.updated_at as last_activity_at
from litellm.user_credits as uc
cross join lateral litellm._effective_monthly_cap(uc) as cap;

comment on view litellm.account_overview is
'One row per account: balance, totals, effective monthly cap (the user''s, else the tier''s) and last activity.';
