-- The ledger beyond plain balances: credits as lots with priority and expiry,
-- holds (reserve, then settle), monthly caps, and the allocation of every
-- debit to the lots it consumed.
--
-- Invariants (verify_ledger() checks each one):
--   user_credits.credits_remaining = sum of the user's journal amounts
--                                  = sum of the user's lots' remaining
--   lot.remaining = lot.amount - sum of its allocations, 0 <= remaining <= amount
--   user_credits.credits_held = sum of the user's holds in status 'held'
--   journal seq is 1..last_seq without gaps
--
-- Lock order, for every function that locks more than one row: (1) the
-- transaction-scoped advisory lock of a global idempotency key (a charge id),
-- (2) the user's user_credits row, (3) that user's credit_lots rows, in
-- consumption order, (4) that user's credit_holds rows. A function never locks
-- two users' rows, except expire_credits(), which takes them in user_id order.

-- Signatures that change in this release are dropped here; sql/functions
-- recreates them right after.
drop function if exists litellm.add_user_credits(text, numeric, text, text, text, integer, text, jsonb, text);
drop function if exists litellm.get_user_balance(text);

create table litellm.credit_types (
    transaction_type text primary key,
    grants_credits boolean not null,
    priority smallint not null default 100,
    default_validity interval check (default_validity > interval '0'),
    description text not null
);

comment on table litellm.credit_types is
'Kinds of journal entry. For kinds that grant credits: the priority of their lots (lower is consumed first) and how '
'long they stay valid by default (NULL = no expiry). Data, not code: change the rows to change the policy.';

insert into litellm.credit_types (transaction_type, grants_credits, priority, description) values
('trial', true, 10, 'Trial credits: consumed first'),
('promo', true, 20, 'Promotional credits'),
('bonus', true, 30, 'Bonus credits, such as a welcome bonus'),
('adjustment', true, 50, 'Manual correction with a reason (positive: a lot; negative: consumed like usage)'),
('purchase', true, 100, 'Bought credits: consumed last, never expire by default'),
('usage', false, 0, 'Charge for an LLM call'),
('refund', false, 0, 'Credits returned for a usage entry, to the lots it consumed'),
('expiry', false, 0, 'What was left of an expired lot');

alter table litellm.user_credits
add column credits_held numeric(20, 6) not null default 0 check (credits_held >= 0),
add column month_start date,
add column month_spent numeric(20, 6) not null default 0 check (month_spent >= 0),
add column next_expiry_at timestamptz;

-- Every debit rewrites its account row and a lot row; free space on their
-- pages keeps those updates HOT (no new index entries, cheap pruning).
alter table litellm.user_credits set (fillfactor = 50);

create index user_credits_next_expiry
on litellm.user_credits (next_expiry_at)
where next_expiry_at is not null;

comment on column litellm.user_credits.credits_held is
'Sum of the user''s live holds (credit_holds in status held). Available balance = credits_remaining - credits_held.';
comment on column litellm.user_credits.month_start is
'First day (UTC) of the month month_spent counts; a debit in a later month starts the count again.';
comment on column litellm.user_credits.month_spent is
'Credits charged in the month starting month_start, net of refunds: checked against the monthly cap.';
comment on column litellm.user_credits.next_expiry_at is
'Earliest time a lot or hold of this user may expire (or earlier): when it has passed, the next debit first sweeps '
'expired lots and holds.';

create table litellm.credit_lots (
    lot_id bigint generated always as identity primary key,
    user_id text not null references litellm.user_credits (user_id),
    transaction_id bigint not null unique references litellm.credit_transactions (id),
    transaction_type text not null references litellm.credit_types (transaction_type),
    priority smallint not null,
    expires_at timestamptz,
    amount numeric(20, 6) not null check (amount > 0),
    remaining numeric(20, 6) not null check (remaining >= 0 and remaining <= amount),
    depleted boolean not null generated always as (remaining = 0) stored,
    created_at timestamptz not null default now()
)
with (fillfactor = 50);

comment on table litellm.credit_lots is
'Credits as they arrived: one lot per grant, consumed in order of priority, then soonest expiry, then age. '
'remaining is what is left after the allocations.';
comment on column litellm.credit_lots.transaction_id is
'The journal entry that granted the lot.';
comment on column litellm.credit_lots.depleted is
'remaining = 0. The partial indexes filter on this flag, not on remaining: it changes once in a lot''s life, so the '
'updates of remaining stay HOT (no new index entries per debit).';

create index credit_lots_consumption_order
on litellm.credit_lots (user_id, priority, expires_at, lot_id)
where not depleted;

create index credit_lots_expiring
on litellm.credit_lots (expires_at)
where not depleted and expires_at is not null;

create table litellm.credit_allocations (
    transaction_id bigint not null references litellm.credit_transactions (id),
    lot_id bigint not null references litellm.credit_lots (lot_id),
    user_id text not null,
    amount numeric(20, 6) not null check (amount <> 0),
    primary key (transaction_id, lot_id)
);

comment on table litellm.credit_allocations is
'Which lots each journal entry took credits from (amount > 0: usage, expiry, negative adjustment) or gave back to '
'(amount < 0: refund). Append-only.';

create index credit_allocations_lot on litellm.credit_allocations (lot_id);

create table litellm.credit_holds (
    hold_id bigint generated always as identity primary key,
    user_id text not null references litellm.user_credits (user_id),
    request_id text not null,
    amount numeric(20, 6) not null check (amount > 0),
    status text not null default 'held' check (status in ('held', 'settled', 'released', 'expired')),
    expires_at timestamptz not null,
    settled_amount numeric(20, 6) check (settled_amount >= 0),
    transaction_id bigint references litellm.credit_transactions (id),
    metadata jsonb not null default '{}',
    created_at timestamptz not null default now(),
    resolved_at timestamptz,
    unique (user_id, request_id),
    check ((status = 'held') = (resolved_at is null)),
    check ((status = 'settled') = (settled_amount is not null))
);

comment on table litellm.credit_holds is
'Reservations: the worst-case cost of a call, held before it runs and settled (or released) after. A hold counts '
'against the available balance and the monthly cap while it is live (status held and not past expires_at).';
comment on column litellm.credit_holds.request_id is
'The client''s id for the call; the settlement''s journal entry uses it as its idempotency key.';
comment on column litellm.credit_holds.settled_amount is
'Credits charged when settled (may exceed amount: see settle_reservation).';

create index credit_holds_live
on litellm.credit_holds (user_id, expires_at)
where status = 'held';
