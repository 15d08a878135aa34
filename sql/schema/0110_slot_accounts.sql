-- Slot accounts: an account split into slots, each a full account of the
-- ledger (balance never below zero, its own gapless seq and balance_after,
-- lots, holds and a share of the monthly cap), so that concurrent charges of
-- one busy account take different row locks. Slot 0 is the user_credits row
-- itself; slots 1 .. slot_count - 1 are credit_slots rows. Every account has
-- slot_count = 1 until set_account_slots() says otherwise, and then nothing
-- here changes what it does: its journal, lots and holds are all slot 0.
--
-- Lock order (docs/ledger.md): the slots of one account in ascending slot
-- order, slot 0 first; a transaction never waits for a slot while it holds a
-- higher one.

alter table litellm.user_credits
add column slot_count smallint not null default 1 check (slot_count between 1 and 64),
add column cap_fraction numeric not null default 1 check (cap_fraction between 0 and 1);

comment on column litellm.user_credits.slot_count is
'Number of slots the account is split into (set_account_slots): 1, the default, is one account row as always; with '
'n > 1 this row is slot 0 and credit_slots holds the active slots 1 .. n - 1. The account''s balance, holds and '
'spending are then the sums over its slots.';
comment on column litellm.user_credits.cap_fraction is
'The share of the monthly cap that slot 0 may spend and hold this month: 1 for an account of one slot. The active '
'slots'' fractions sum to exactly 1; a slot''s share is trunc(cap_fraction * cap, 6), so the shares never sum past '
'the cap.';

create table litellm.credit_slots (
    user_id text not null references litellm.user_credits (user_id),
    slot smallint not null check (slot between 1 and 63),
    active boolean not null default true,
    credits_remaining numeric(20, 6) not null default 0 check (credits_remaining >= 0),
    credits_held numeric(20, 6) not null default 0 check (credits_held >= 0),
    total_spent numeric(20, 6) not null default 0 check (total_spent >= 0),
    month_start date,
    month_spent numeric(20, 6) not null default 0 check (month_spent >= 0),
    cap_fraction numeric not null default 0 check (cap_fraction between 0 and 1),
    last_seq bigint not null default 0 check (last_seq >= 0),
    next_expiry_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (user_id, slot),
    check (active or (credits_remaining = 0 and credits_held = 0 and cap_fraction = 0))
)
with (fillfactor = 50);

comment on table litellm.credit_slots is
'Slots 1 .. n - 1 of an account split into n slots (slot 0 is its user_credits row). Each slot is an account of the '
'ledger: its balance, held credits, spending and journal sequence, kept equal to the journal entries, lots and '
'holds of that slot. Rows are never deleted: a slot the account no longer uses is retired (active = false), empty.';
comment on column litellm.credit_slots.active is
'Whether the slot is one of the account''s slot_count slots. A retired slot is empty, holds nothing and takes no '
'charge; it becomes active again if the account grows back, its sequence continuing.';
comment on column litellm.credit_slots.credits_remaining is
'The slot''s balance: the sum of the slot''s journal amounts. Never negative.';
comment on column litellm.credit_slots.credits_held is
'Sum of the slot''s live holds (credit_holds of this slot in status held).';
comment on column litellm.credit_slots.total_spent is
'Usage charged to this slot, net of refunds (as a positive number).';
comment on column litellm.credit_slots.month_start is
'First day (UTC) of the month month_spent counts.';
comment on column litellm.credit_slots.month_spent is
'Credits charged to this slot in the month starting month_start: checked against the slot''s share of the cap.';
comment on column litellm.credit_slots.cap_fraction is
'The slot''s share of the account''s monthly cap (see user_credits.cap_fraction); 0 when retired.';
comment on column litellm.credit_slots.last_seq is
'Sequence number of the slot''s latest journal entry; a slot''s entries are numbered 1, 2, 3 ... without gaps.';
comment on column litellm.credit_slots.next_expiry_at is
'Earliest time a lot or hold of this slot may expire (or earlier): the next charge of the slot sweeps first.';

alter table litellm.credit_slots enable row level security;

create policy service_roles on litellm.credit_slots
for all to litellm_app, litellm_analyst using (true) with check (true);

comment on policy service_roles on litellm.credit_slots is
'The application and analyst roles see every row their grants allow (row-level security is for end users).';

-- The journal: entries name their slot; seq is gapless per (user, slot), and
-- balance_after is the slot's balance. Credits move between slots as
-- transfer pairs: the outgoing entry (negative), and the incoming one
-- (positive) naming it in transfer_of.
alter table litellm.credit_transactions
add column slot smallint not null default 0 check (slot between 0 and 63),
add column transfer_of bigint references litellm.credit_transactions (id),
drop constraint credit_transactions_user_id_seq_key,
add constraint credit_transactions_user_id_slot_seq_key unique (user_id, slot, seq),
drop constraint credit_transactions_transaction_type_check,
add constraint credit_transactions_transaction_type_check check (
    transaction_type in (
        'purchase', 'bonus', 'trial', 'promo', 'usage', 'refund', 'adjustment', 'expiry', 'transfer'
    )
),
drop constraint credit_transactions_check,
add constraint credit_transactions_check check (
    (transaction_type in ('purchase', 'bonus', 'trial', 'promo') and amount > 0)
    or (transaction_type = 'usage' and amount <= 0)
    or (transaction_type = 'transfer' and amount <> 0)
    or transaction_type in ('refund', 'adjustment', 'expiry')
),
add constraint credit_transactions_transfer_check check (
    case
        when transaction_type = 'transfer' then (transfer_of is null) = (amount < 0)
        else transfer_of is null
    end
);

create unique index credit_transactions_transfer_of
on litellm.credit_transactions (transfer_of)
where transfer_of is not null;

comment on column litellm.credit_transactions.slot is
'The slot of the account the entry belongs to: 0 (the account row) for an account of one slot.';
comment on column litellm.credit_transactions.seq is
'Sequence number within the user''s slot, gapless from 1. For an account of one slot: the user''s entries in order.';
comment on column litellm.credit_transactions.balance_after is
'The slot''s balance right after this entry: the user''s balance for an account of one slot.';
comment on column litellm.credit_transactions.transfer_of is
'For the incoming half of a transfer between two slots of one account: the outgoing half (same user, opposite '
'amount).';

-- A transfer is no row of credit_types: it creates no lot of a kind of its
-- own (the incoming lot keeps its source lot's kind), and an upgrade adds no
-- rows to existing tables.

-- Lots and holds belong to one slot. A lot created by a transfer keeps the
-- kind, priority and expiry of the lot it came from (source_lot_id).
alter table litellm.credit_lots
add column slot smallint not null default 0 check (slot between 0 and 63),
add column source_lot_id bigint references litellm.credit_lots (lot_id);

comment on column litellm.credit_lots.slot is
'The slot whose balance the lot is part of (0 for an account of one slot).';
comment on column litellm.credit_lots.source_lot_id is
'For a lot created by a transfer between slots: the lot its credits came from, whose kind, priority and expiry it '
'keeps.';

-- Consumption order within a slot other than 0; accounts of one slot never
-- write to this index.
create index credit_lots_slot_consumption_order
on litellm.credit_lots (user_id, slot, priority, expires_at, lot_id)
where slot > 0 and not depleted;

alter table litellm.credit_holds
add column slot smallint not null default 0 check (slot between 0 and 63);

comment on column litellm.credit_holds.slot is
'The slot the hold sets credits aside in (0 for an account of one slot). A request id is unique per user across '
'slots.';
