-- Accounts and the journal. Money is numeric(20, 6): exact, six decimal places
-- (micro-credits), up to 10^14 credits. Nothing here is ever a float.

create table litellm.user_credits (
    user_id text primary key check (length(user_id) between 1 and 255),
    credits_remaining numeric(20, 6) not null default 0 check (credits_remaining >= 0),
    tier text not null default 'free' references litellm.tiers (tier),
    monthly_cap numeric(20, 6) check (monthly_cap >= 0),
    total_purchased numeric(20, 6) not null default 0 check (total_purchased >= 0),
    total_granted numeric(20, 6) not null default 0 check (total_granted >= 0),
    total_spent numeric(20, 6) not null default 0 check (total_spent >= 0),
    last_seq bigint not null default 0 check (last_seq >= 0),
    last_reset timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table litellm.user_credits is
'One account per user: the cached balance and running totals, kept equal to the journal '
'(credit_transactions) by the API functions. Never negative.';
comment on column litellm.user_credits.credits_remaining is
'Current balance in credits (100 credits = 10 USD by default). Equals the sum of the user''s journal amounts.';
comment on column litellm.user_credits.monthly_cap is
'Spending cap per calendar month for this user; NULL falls back to the tier''s cap.';
comment on column litellm.user_credits.total_purchased is
'Sum of purchase entries.';
comment on column litellm.user_credits.total_granted is
'Sum of bonus, trial and promo entries.';
comment on column litellm.user_credits.total_spent is
'Sum of usage debits (as a positive number).';
comment on column litellm.user_credits.last_seq is
'Sequence number of the user''s latest journal entry; entries are numbered 1, 2, 3 ... without gaps.';
comment on column litellm.user_credits.last_reset is
'Start of the current cap period (kept for the seed''s column; caps are computed from the journal).';

create table litellm.credit_transactions (
    id bigint generated always as identity primary key,
    user_id text not null references litellm.user_credits (user_id),
    seq bigint not null check (seq > 0),
    transaction_type text not null check (
        transaction_type in ('purchase', 'bonus', 'trial', 'promo', 'usage', 'refund', 'adjustment', 'expiry')
    ),
    amount numeric(20, 6) not null,
    balance_after numeric(20, 6) not null check (balance_after >= 0),
    payment_method text,
    stripe_transaction_id text,
    package_id integer references litellm.credit_packages (package_id),
    description text,
    provider text,
    model text,
    power_level text references litellm.power_levels (power_level),
    prompt_tokens integer check (prompt_tokens >= 0),
    completion_tokens integer check (completion_tokens >= 0),
    idempotency_key text,
    reverses_transaction_id bigint references litellm.credit_transactions (id),
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    unique (user_id, seq),
    check (
        (transaction_type in ('purchase', 'bonus', 'trial', 'promo') and amount > 0)
        or (transaction_type = 'usage' and amount <= 0)
        or transaction_type in ('refund', 'adjustment', 'expiry')
    )
);

comment on table litellm.credit_transactions is
'The journal: one append-only entry per credit movement. UPDATE, DELETE and TRUNCATE are rejected; corrections are new entries.';
comment on column litellm.credit_transactions.seq is
'Per-user sequence number, gapless from 1.';
comment on column litellm.credit_transactions.amount is
'Signed change to the balance: positive for purchases and grants, negative (or zero) for usage.';
comment on column litellm.credit_transactions.balance_after is
'The user''s balance right after this entry.';
comment on column litellm.credit_transactions.stripe_transaction_id is
'Payment provider charge id; unique, so a replayed charge credits once.';
comment on column litellm.credit_transactions.idempotency_key is
'Client-chosen key (a debit''s request id, or an explicit key); unique per user.';
comment on column litellm.credit_transactions.reverses_transaction_id is
'For a refund: the usage entry it gives credits back for.';
comment on column litellm.credit_transactions.metadata is
'Caller-supplied context, stored as given, plus budget_team when the entry counted in a team''s budgets.';

create unique index credit_transactions_stripe_key
on litellm.credit_transactions (stripe_transaction_id)
where stripe_transaction_id is not null;

create unique index credit_transactions_idempotency_key
on litellm.credit_transactions (user_id, idempotency_key)
where idempotency_key is not null;

create index credit_transactions_user_created
on litellm.credit_transactions (user_id, created_at desc);

-- Purchases and grants by time ("all purchases today"); usage entries, the
-- vast majority, are left out of this index.
create index credit_transactions_type_created
on litellm.credit_transactions (transaction_type, created_at desc)
where transaction_type <> 'usage';

create index credit_transactions_reverses
on litellm.credit_transactions (reverses_transaction_id)
where reverses_transaction_id is not null;
