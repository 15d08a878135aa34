create or replace function litellm.get_user_balance(user_id text)
returns table (
    user_id text,
    credits_remaining numeric,
    tier text,
    monthly_cap numeric,
    total_purchased numeric,
    total_granted numeric,
    total_spent numeric,
    transaction_count bigint,
    last_reset timestamptz,
    created_at timestamptz,
    updated_at timestamptz
)
language sql
stable
-- definer: the application role reads accounts only through the API.
security definer
set search_path = ''
begin atomic
    select
        uc.user_id,
        uc.credits_remaining,
        uc.tier,
        coalesce(uc.monthly_cap, t.monthly_cap) as monthly_cap,
        uc.total_purchased,
        uc.total_granted,
        uc.total_spent,
        uc.last_seq as transaction_count,
        uc.last_reset,
        uc.created_at,
        uc.updated_at
    from litellm.user_credits as uc
    inner join litellm.tiers as t on uc.tier = t.tier
    where uc.user_id = get_user_balance.user_id;  -- noqa: RF01
end;

comment on function litellm.get_user_balance(text) is
'The user''s balance, tier, effective monthly cap and running totals; no row for an unknown user.';
