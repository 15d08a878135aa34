-- The litellm schema of a fresh install of litellm-db: tables, types, views, indexes,
-- triggers, policies and comments (functions are in sql/functions; grants in
-- sql/grants.sql). Generated from pg_dump --schema-only; do not edit: regenerate
-- it with scripts/update_schema_snapshot.sh.

-- schema litellm
CREATE SCHEMA litellm;

-- comment SCHEMA litellm
COMMENT ON SCHEMA litellm IS 'litellm-db: credits, ledger, usage metering and budgets for an LLM gateway.';

-- view account_overview
CREATE VIEW litellm.account_overview WITH (security_barrier='true') AS
 WITH slots AS (
         SELECT cs.user_id,
            sum(cs.credits_remaining) FILTER (WHERE cs.active) AS credits_remaining,
            sum(cs.total_spent) AS total_spent,
            (sum(cs.last_seq))::bigint AS entries,
            max(cs.updated_at) AS updated_at
           FROM litellm.credit_slots cs
          GROUP BY cs.user_id
        ), transfers AS (
         SELECT ct.user_id,
            count(*) AS transfers
           FROM litellm.credit_transactions ct
          WHERE (ct.transaction_type = 'transfer'::text)
          GROUP BY ct.user_id
        )
 SELECT uc.user_id,
    uc.tier,
        CASE
            WHEN (s.user_id IS NULL) THEN uc.credits_remaining
            ELSE ((uc.credits_remaining + COALESCE(s.credits_remaining, (0)::numeric)))::numeric(20,6)
        END AS credits_remaining,
    uc.total_purchased,
    uc.total_granted,
        CASE
            WHEN (s.user_id IS NULL) THEN uc.total_spent
            ELSE ((uc.total_spent + s.total_spent))::numeric(20,6)
        END AS total_spent,
    cap.monthly_cap,
    ((uc.last_seq + COALESCE(s.entries, (0)::bigint)) - COALESCE(t.transfers, (0)::bigint)) AS transaction_count,
    uc.created_at,
    GREATEST(uc.updated_at, s.updated_at) AS last_activity_at
   FROM (((litellm.user_credits uc
     CROSS JOIN LATERAL litellm._effective_monthly_cap(uc.*) cap(monthly_cap))
     LEFT JOIN slots s ON ((uc.user_id = s.user_id)))
     LEFT JOIN transfers t ON ((uc.user_id = t.user_id)));

-- comment VIEW account_overview
COMMENT ON VIEW litellm.account_overview IS 'One row per account: balance, totals, effective monthly cap (the user''s, else the tier''s), the number of journal entries and last activity. For an account split into slots, the account''s totals: balance summed over its active slots, spending and entries over all of them, transfers between slots left out.';

-- table budget_alerts
CREATE TABLE litellm.budget_alerts (
    alert_id bigint NOT NULL,
    budget_id bigint NOT NULL,
    period_start date NOT NULL,
    threshold numeric NOT NULL,
    hard_limit numeric(20,6) NOT NULL,
    spent numeric(20,6) NOT NULL,
    user_id text,
    team_id text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment TABLE budget_alerts
COMMENT ON TABLE litellm.budget_alerts IS 'Soft-threshold crossings: at most one row per budget, period and threshold, written in the transaction of the charge that crossed it (together with NOTIFY litellm_budget_alerts).';

-- comment COLUMN budget_alerts.threshold
COMMENT ON COLUMN litellm.budget_alerts.threshold IS 'The fraction of hard_limit that was reached.';

-- comment COLUMN budget_alerts.hard_limit
COMMENT ON COLUMN litellm.budget_alerts.hard_limit IS 'The budget''s hard limit when the threshold was crossed.';

-- comment COLUMN budget_alerts.spent
COMMENT ON COLUMN litellm.budget_alerts.spent IS 'The period''s spending right after the charge that crossed the threshold.';

-- comment COLUMN budget_alerts.user_id
COMMENT ON COLUMN litellm.budget_alerts.user_id IS 'The user whose charge crossed the threshold.';

-- comment COLUMN budget_alerts.team_id
COMMENT ON COLUMN litellm.budget_alerts.team_id IS 'The team the charge was made in, if any.';

-- sequence budget_alerts_alert_id_seq
ALTER TABLE litellm.budget_alerts ALTER COLUMN alert_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.budget_alerts_alert_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table budget_counters
CREATE TABLE litellm.budget_counters (
    budget_id bigint NOT NULL,
    period_start date NOT NULL,
    spent numeric(20,6) DEFAULT 0 NOT NULL,
    held numeric(20,6) DEFAULT 0 NOT NULL,
    share smallint DEFAULT 0 NOT NULL,
    quota numeric(20,6) DEFAULT 0 NOT NULL,
    CONSTRAINT budget_counters_rules CHECK (litellm._budget_counters_rules(spent, held, share, quota))
)
WITH (fillfactor='50');

-- comment TABLE budget_counters
COMMENT ON TABLE litellm.budget_counters IS 'What a budget has spent and holds in one period, in one row per share (share 0 only, unless the budget is split). Written only by _apply_budgets() and the functions that set a budget, under row locks; the rows of a new period are created by the first charge or hold in it. Fill factor 50 keeps the updates HOT.';

-- comment COLUMN budget_counters.period_start
COMMENT ON COLUMN litellm.budget_counters.period_start IS 'First day (UTC) of the period: the day, the Monday of the ISO week, the first of the month; -infinity for period none.';

-- comment COLUMN budget_counters.spent
COMMENT ON COLUMN litellm.budget_counters.spent IS 'Charges in the period counted in this row, net of refunds (never below 0). The budget''s spending in the period is the sum over its rows.';

-- comment COLUMN budget_counters.held
COMMENT ON COLUMN litellm.budget_counters.held IS 'Live reservations counted in this row. Only the newest period of a budget holds any: creating a period''s rows moves the held amounts of the previous period into its share 0.';

-- comment COLUMN budget_counters.share
COMMENT ON COLUMN litellm.budget_counters.share IS 'Which of the budget''s counter rows for the period this is: 0 .. shares - 1 (a budget with one share has only 0).';

-- comment COLUMN budget_counters.quota
COMMENT ON COLUMN litellm.budget_counters.quota IS 'The part of the hard limit this row may count: share 0 may count hard_limit + quota (quota <= 0, what it lent to the other shares), any other share quota. The quotas of a period add up to 0, so spent + held over all rows never passes the hard limit. Always 0 for a budget with one share.';

-- table budget_subjects
CREATE TABLE litellm.budget_subjects (
    user_id text NOT NULL,
    primary_team_id text,
    has_user_budgets boolean DEFAULT false NOT NULL,
    has_membership_budgets boolean DEFAULT false NOT NULL
);

-- comment TABLE budget_subjects
COMMENT ON TABLE litellm.budget_subjects IS 'One row per user who is in a team or has a user or membership budget, kept by triggers on team_memberships and budgets. A charge looks the user up here first: no row and no team given means nothing to check (one index probe).';

-- comment COLUMN budget_subjects.primary_team_id
COMMENT ON COLUMN litellm.budget_subjects.primary_team_id IS 'The team of the user''s primary membership, if any.';

-- comment COLUMN budget_subjects.has_user_budgets
COMMENT ON COLUMN litellm.budget_subjects.has_user_budgets IS 'The user has an active budget of level user.';

-- comment COLUMN budget_subjects.has_membership_budgets
COMMENT ON COLUMN litellm.budget_subjects.has_membership_budgets IS 'The user has an active budget of level membership.';

-- table budgets
CREATE TABLE litellm.budgets (
    budget_id bigint NOT NULL,
    level text NOT NULL,
    user_id text,
    team_id text,
    organization_id text,
    model text,
    period text DEFAULT 'monthly'::text NOT NULL,
    hard_limit numeric(20,6) NOT NULL,
    soft_thresholds numeric[] DEFAULT '{}'::numeric[] NOT NULL,
    active boolean DEFAULT true NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    shares smallint DEFAULT 1 NOT NULL,
    CONSTRAINT budgets_check CHECK (
CASE level
    WHEN 'user'::text THEN ((user_id IS NOT NULL) AND (team_id IS NULL) AND (organization_id IS NULL))
    WHEN 'membership'::text THEN ((user_id IS NOT NULL) AND (team_id IS NOT NULL) AND (organization_id IS NULL))
    WHEN 'team'::text THEN ((user_id IS NULL) AND (team_id IS NOT NULL) AND (organization_id IS NULL))
    WHEN 'organization'::text THEN ((user_id IS NULL) AND (team_id IS NULL) AND (organization_id IS NOT NULL))
    ELSE NULL::boolean
END),
    CONSTRAINT budgets_hard_limit_check CHECK (((hard_limit >= (0)::numeric) AND (hard_limit < '100000000000000'::numeric))),
    CONSTRAINT budgets_level_check CHECK ((level = ANY (ARRAY['user'::text, 'membership'::text, 'team'::text, 'organization'::text]))),
    CONSTRAINT budgets_model_check CHECK (((length(model) >= 1) AND (length(model) <= 255))),
    CONSTRAINT budgets_period_check CHECK ((period = ANY (ARRAY['daily'::text, 'weekly'::text, 'monthly'::text, 'none'::text]))),
    CONSTRAINT budgets_shares_check CHECK (((shares >= 1) AND (shares <= 64))),
    CONSTRAINT budgets_soft_thresholds_check CHECK (((cardinality(soft_thresholds) <= 10) AND (array_position(soft_thresholds, NULL::numeric) IS NULL) AND ((0)::numeric < ALL (soft_thresholds)) AND ((1)::numeric >= ALL (soft_thresholds)))),
    CONSTRAINT budgets_user_id_check CHECK (((length(user_id) >= 1) AND (length(user_id) <= 255)))
);

-- comment TABLE budgets
COMMENT ON TABLE litellm.budgets IS 'Spending limits. level says what a budget covers: a user (all their charges), a membership (the user''s charges in one team), a team (all members'' charges in it) or an organisation (charges in all its teams). One budget per level, subject, model and period; set_budget() creates or changes it.';

-- comment COLUMN budgets.user_id
COMMENT ON COLUMN litellm.budgets.user_id IS 'The user, for level user and membership; NULL otherwise.';

-- comment COLUMN budgets.team_id
COMMENT ON COLUMN litellm.budgets.team_id IS 'The team, for level membership and team; NULL otherwise.';

-- comment COLUMN budgets.organization_id
COMMENT ON COLUMN litellm.budgets.organization_id IS 'The organisation, for level organization; NULL otherwise.';

-- comment COLUMN budgets.model
COMMENT ON COLUMN litellm.budgets.model IS 'NULL: the budget counts every charge. A model name: it counts (and limits) only charges for that model, and a refusal names the level model:<name>.';

-- comment COLUMN budgets.period
COMMENT ON COLUMN litellm.budgets.period IS 'daily (UTC day), weekly (ISO week from Monday 00:00 UTC), monthly (calendar month, UTC) or none (never resets).';

-- comment COLUMN budgets.hard_limit
COMMENT ON COLUMN litellm.budgets.hard_limit IS 'Spent plus held plus a new charge or hold may not exceed this in one period; 0 blocks every charge.';

-- comment COLUMN budgets.soft_thresholds
COMMENT ON COLUMN litellm.budgets.soft_thresholds IS 'Fractions of hard_limit (0 < t <= 1, at most 10). The first charge of a period that takes spent to or past t x hard_limit records a budget_alerts row and sends NOTIFY litellm_budget_alerts.';

-- comment COLUMN budgets.active
COMMENT ON COLUMN litellm.budgets.active IS 'false: the budget is kept with its history but no longer checked.';

-- comment COLUMN budgets.metadata
COMMENT ON COLUMN litellm.budgets.metadata IS 'Caller-supplied context (a JSON object), stored as given.';

-- comment COLUMN budgets.shares
COMMENT ON COLUMN litellm.budgets.shares IS 'How many counter rows the budget counts each period in (1 to 64; set_budget_shares()). 1: one row, every charge of the budget queues on it. More: concurrent charges take different rows (docs/budgets.md, "Split counters").';

-- sequence budgets_budget_id_seq
ALTER TABLE litellm.budgets ALTER COLUMN budget_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.budgets_budget_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table credit_allocations
CREATE TABLE litellm.credit_allocations (
    transaction_id bigint NOT NULL,
    lot_id bigint NOT NULL,
    user_id text NOT NULL,
    amount numeric(20,6) NOT NULL,
    CONSTRAINT credit_allocations_amount_check CHECK ((amount <> (0)::numeric))
);

-- comment TABLE credit_allocations
COMMENT ON TABLE litellm.credit_allocations IS 'Which lots each journal entry took credits from (amount > 0: usage, expiry, negative adjustment) or gave back to (amount < 0: refund). Append-only.';

-- table credit_holds
CREATE TABLE litellm.credit_holds (
    hold_id bigint NOT NULL,
    user_id text NOT NULL,
    request_id text NOT NULL,
    amount numeric(20,6) NOT NULL,
    status text DEFAULT 'held'::text NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    settled_amount numeric(20,6),
    transaction_id bigint,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    resolved_at timestamp with time zone,
    slot smallint DEFAULT 0 NOT NULL,
    CONSTRAINT credit_holds_rules CHECK (litellm._credit_holds_rules(amount, status, settled_amount, resolved_at, slot))
);

-- comment TABLE credit_holds
COMMENT ON TABLE litellm.credit_holds IS 'Reservations: the worst-case cost of a call, held before it runs and settled (or released) after. A hold counts against the available balance and the monthly cap while it is live (status held and not past expires_at).';

-- comment COLUMN credit_holds.request_id
COMMENT ON COLUMN litellm.credit_holds.request_id IS 'The client''s id for the call; the settlement''s journal entry uses it as its idempotency key.';

-- comment COLUMN credit_holds.settled_amount
COMMENT ON COLUMN litellm.credit_holds.settled_amount IS 'Credits charged when settled (may exceed amount: see settle_reservation).';

-- comment COLUMN credit_holds.slot
COMMENT ON COLUMN litellm.credit_holds.slot IS 'The slot the hold sets credits aside in (0 for an account of one slot). A request id is unique per user across slots.';

-- sequence credit_holds_hold_id_seq
ALTER TABLE litellm.credit_holds ALTER COLUMN hold_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.credit_holds_hold_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table credit_lots
CREATE TABLE litellm.credit_lots (
    lot_id bigint NOT NULL,
    user_id text NOT NULL,
    transaction_id bigint NOT NULL,
    transaction_type text NOT NULL,
    priority smallint NOT NULL,
    expires_at timestamp with time zone,
    amount numeric(20,6) NOT NULL,
    remaining numeric(20,6) NOT NULL,
    depleted boolean GENERATED ALWAYS AS ((remaining = (0)::numeric)) STORED NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    slot smallint DEFAULT 0 NOT NULL,
    source_lot_id bigint,
    CONSTRAINT credit_lots_rules CHECK (litellm._credit_lots_rules(amount, remaining, slot))
)
WITH (fillfactor='50');

-- comment TABLE credit_lots
COMMENT ON TABLE litellm.credit_lots IS 'Credits as they arrived: one lot per grant, consumed in order of priority, then soonest expiry, then age. remaining is what is left after the allocations.';

-- comment COLUMN credit_lots.transaction_id
COMMENT ON COLUMN litellm.credit_lots.transaction_id IS 'The journal entry that granted the lot.';

-- comment COLUMN credit_lots.depleted
COMMENT ON COLUMN litellm.credit_lots.depleted IS 'remaining = 0. The partial indexes filter on this flag, not on remaining: it changes once in a lot''s life, so the updates of remaining stay HOT (no new index entries per debit).';

-- comment COLUMN credit_lots.slot
COMMENT ON COLUMN litellm.credit_lots.slot IS 'The slot whose balance the lot is part of (0 for an account of one slot).';

-- comment COLUMN credit_lots.source_lot_id
COMMENT ON COLUMN litellm.credit_lots.source_lot_id IS 'For a lot created by a transfer between slots: the lot its credits came from, whose kind, priority and expiry it keeps.';

-- sequence credit_lots_lot_id_seq
ALTER TABLE litellm.credit_lots ALTER COLUMN lot_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.credit_lots_lot_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table credit_packages
CREATE TABLE litellm.credit_packages (
    package_id integer NOT NULL,
    name text NOT NULL,
    credits numeric(20,6) NOT NULL,
    price_usd numeric(12,2) NOT NULL,
    discount_percent numeric(5,2) DEFAULT 0 NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT credit_packages_credits_check CHECK ((credits > (0)::numeric)),
    CONSTRAINT credit_packages_discount_percent_check CHECK (((discount_percent >= (0)::numeric) AND (discount_percent <= (100)::numeric))),
    CONSTRAINT credit_packages_price_usd_check CHECK ((price_usd >= (0)::numeric))
);

-- comment TABLE credit_packages
COMMENT ON TABLE litellm.credit_packages IS 'Credit packages a user can buy. Retired packages stay with active = false so old purchases keep their reference.';

-- table credit_slots
CREATE TABLE litellm.credit_slots (
    user_id text NOT NULL,
    slot smallint NOT NULL,
    active boolean DEFAULT true NOT NULL,
    credits_remaining numeric(20,6) DEFAULT 0 NOT NULL,
    credits_held numeric(20,6) DEFAULT 0 NOT NULL,
    total_spent numeric(20,6) DEFAULT 0 NOT NULL,
    month_start date,
    month_spent numeric(20,6) DEFAULT 0 NOT NULL,
    cap_fraction numeric DEFAULT 0 NOT NULL,
    last_seq bigint DEFAULT 0 NOT NULL,
    next_expiry_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT credit_slots_rules CHECK (litellm._credit_slots_rules(slot, credits_remaining, credits_held, month_spent, total_spent, last_seq, cap_fraction, active))
)
WITH (fillfactor='50');

-- comment TABLE credit_slots
COMMENT ON TABLE litellm.credit_slots IS 'Slots 1 .. n - 1 of an account split into n slots (slot 0 is its user_credits row). Each slot is an account of the ledger: its balance, held credits, spending and journal sequence, kept equal to the journal entries, lots and holds of that slot. Rows are never deleted: a slot the account no longer uses is retired (active = false), empty.';

-- comment COLUMN credit_slots.active
COMMENT ON COLUMN litellm.credit_slots.active IS 'Whether the slot is one of the account''s slot_count slots. A retired slot is empty, holds nothing and takes no charge; it becomes active again if the account grows back, its sequence continuing.';

-- comment COLUMN credit_slots.credits_remaining
COMMENT ON COLUMN litellm.credit_slots.credits_remaining IS 'The slot''s balance: the sum of the slot''s journal amounts. Never negative.';

-- comment COLUMN credit_slots.credits_held
COMMENT ON COLUMN litellm.credit_slots.credits_held IS 'Sum of the slot''s live holds (credit_holds of this slot in status held).';

-- comment COLUMN credit_slots.total_spent
COMMENT ON COLUMN litellm.credit_slots.total_spent IS 'Usage charged to this slot, net of refunds (as a positive number).';

-- comment COLUMN credit_slots.month_start
COMMENT ON COLUMN litellm.credit_slots.month_start IS 'First day (UTC) of the month month_spent counts.';

-- comment COLUMN credit_slots.month_spent
COMMENT ON COLUMN litellm.credit_slots.month_spent IS 'Credits charged to this slot in the month starting month_start: checked against the slot''s share of the cap.';

-- comment COLUMN credit_slots.cap_fraction
COMMENT ON COLUMN litellm.credit_slots.cap_fraction IS 'The slot''s share of the account''s monthly cap (see user_credits.cap_fraction); 0 when retired.';

-- comment COLUMN credit_slots.last_seq
COMMENT ON COLUMN litellm.credit_slots.last_seq IS 'Sequence number of the slot''s latest journal entry; a slot''s entries are numbered 1, 2, 3 ... without gaps.';

-- comment COLUMN credit_slots.next_expiry_at
COMMENT ON COLUMN litellm.credit_slots.next_expiry_at IS 'Earliest time a lot or hold of this slot may expire (or earlier): the next charge of the slot sweeps first.';

-- table credit_transactions
CREATE TABLE litellm.credit_transactions (
    id bigint NOT NULL,
    user_id text NOT NULL,
    seq bigint NOT NULL,
    transaction_type text NOT NULL,
    amount numeric(20,6) NOT NULL,
    balance_after numeric(20,6) NOT NULL,
    payment_method text,
    stripe_transaction_id text,
    package_id integer,
    description text,
    provider text,
    model text,
    power_level text,
    prompt_tokens integer,
    completion_tokens integer,
    idempotency_key text,
    reverses_transaction_id bigint,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    slot smallint DEFAULT 0 NOT NULL,
    transfer_of bigint,
    CONSTRAINT credit_transactions_rules CHECK (litellm._credit_transactions_rules(transaction_type, amount, transfer_of, slot, seq, balance_after, prompt_tokens, completion_tokens))
);

-- comment TABLE credit_transactions
COMMENT ON TABLE litellm.credit_transactions IS 'The journal: one append-only entry per credit movement. UPDATE, DELETE and TRUNCATE are rejected; corrections are new entries.';

-- comment COLUMN credit_transactions.seq
COMMENT ON COLUMN litellm.credit_transactions.seq IS 'Sequence number within the user''s slot, gapless from 1. For an account of one slot: the user''s entries in order.';

-- comment COLUMN credit_transactions.amount
COMMENT ON COLUMN litellm.credit_transactions.amount IS 'Signed change to the balance: positive for purchases and grants, negative (or zero) for usage.';

-- comment COLUMN credit_transactions.balance_after
COMMENT ON COLUMN litellm.credit_transactions.balance_after IS 'The slot''s balance right after this entry: the user''s balance for an account of one slot.';

-- comment COLUMN credit_transactions.stripe_transaction_id
COMMENT ON COLUMN litellm.credit_transactions.stripe_transaction_id IS 'Payment provider charge id; unique, so a replayed charge credits once.';

-- comment COLUMN credit_transactions.power_level
COMMENT ON COLUMN litellm.credit_transactions.power_level IS 'The power level the call asked for, a row of litellm.power_levels: the debit checks it before writing, and a level the journal names cannot be deleted or renamed (LD058).';

-- comment COLUMN credit_transactions.idempotency_key
COMMENT ON COLUMN litellm.credit_transactions.idempotency_key IS 'Client-chosen key (a debit''s request id, or an explicit key); unique per user.';

-- comment COLUMN credit_transactions.reverses_transaction_id
COMMENT ON COLUMN litellm.credit_transactions.reverses_transaction_id IS 'For a refund: the usage entry it gives credits back for.';

-- comment COLUMN credit_transactions.metadata
COMMENT ON COLUMN litellm.credit_transactions.metadata IS 'Caller-supplied context, stored as given, plus budget_team when the entry counted in a team''s budgets.';

-- comment COLUMN credit_transactions.slot
COMMENT ON COLUMN litellm.credit_transactions.slot IS 'The slot of the account the entry belongs to: 0 (the account row) for an account of one slot.';

-- comment COLUMN credit_transactions.transfer_of
COMMENT ON COLUMN litellm.credit_transactions.transfer_of IS 'For the incoming half of a transfer between two slots of one account: the outgoing half (same user, opposite amount).';

-- sequence credit_transactions_id_seq
ALTER TABLE litellm.credit_transactions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.credit_transactions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table credit_types
CREATE TABLE litellm.credit_types (
    transaction_type text NOT NULL,
    grants_credits boolean NOT NULL,
    priority smallint DEFAULT 100 NOT NULL,
    default_validity interval,
    description text NOT NULL,
    CONSTRAINT credit_types_default_validity_check CHECK ((default_validity > '00:00:00'::interval))
);

-- comment TABLE credit_types
COMMENT ON TABLE litellm.credit_types IS 'Kinds of journal entry. For kinds that grant credits: the priority of their lots (lower is consumed first) and how long they stay valid by default (NULL = no expiry). Data, not code: change the rows to change the policy.';

-- table end_user_token_keys
CREATE TABLE litellm.end_user_token_keys (
    key_id integer NOT NULL,
    inner_key bytea NOT NULL,
    outer_key bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    retired_at timestamp with time zone,
    CONSTRAINT end_user_token_keys_inner_key_check CHECK ((octet_length(inner_key) = 64)),
    CONSTRAINT end_user_token_keys_outer_key_check CHECK ((octet_length(outer_key) = 64)),
    CONSTRAINT end_user_token_keys_retired_after_created CHECK ((retired_at >= created_at))
);

-- comment TABLE end_user_token_keys
COMMENT ON TABLE litellm.end_user_token_keys IS 'The secret keys that sign end-user tokens (issue_end_user_token). Readable by the owner only: whoever reads a key can prove any identity to row-level security until the key is rotated out (rotate_end_user_token_key).';

-- comment COLUMN end_user_token_keys.key_id
COMMENT ON COLUMN litellm.end_user_token_keys.key_id IS 'Named in every token it signed, so a rotated key keeps verifying its tokens until they expire.';

-- comment COLUMN end_user_token_keys.inner_key
COMMENT ON COLUMN litellm.end_user_token_keys.inner_key IS 'The 64-byte random HMAC-SHA256 key K, stored as K xor ipad (0x36 repeated), ready for the inner hash.';

-- comment COLUMN end_user_token_keys.outer_key
COMMENT ON COLUMN litellm.end_user_token_keys.outer_key IS 'The same key K, stored as K xor opad (0x5c repeated), ready for the outer hash.';

-- comment COLUMN end_user_token_keys.retired_at
COMMENT ON COLUMN litellm.end_user_token_keys.retired_at IS 'When a newer key replaced this one; NULL for the key that signs new tokens. A retired key still verifies the tokens it signed until they expire, and is deleted by a later rotation.';

-- sequence end_user_token_keys_key_id_seq
ALTER TABLE litellm.end_user_token_keys ALTER COLUMN key_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.end_user_token_keys_key_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table health_thresholds
CREATE TABLE litellm.health_thresholds (
    singleton boolean DEFAULT true NOT NULL,
    degraded_below_success_rate numeric(5,2) NOT NULL,
    down_below_success_rate numeric(5,2) NOT NULL,
    degraded_above_latency_ms integer,
    CONSTRAINT health_thresholds_check CHECK ((down_below_success_rate <= degraded_below_success_rate)),
    CONSTRAINT health_thresholds_degraded_above_latency_ms_check CHECK ((degraded_above_latency_ms > 0)),
    CONSTRAINT health_thresholds_degraded_below_success_rate_check CHECK (((degraded_below_success_rate >= (0)::numeric) AND (degraded_below_success_rate <= (100)::numeric))),
    CONSTRAINT health_thresholds_down_below_success_rate_check CHECK (((down_below_success_rate >= (0)::numeric) AND (down_below_success_rate <= (100)::numeric))),
    CONSTRAINT health_thresholds_singleton_check CHECK (singleton)
);

-- comment TABLE health_thresholds
COMMENT ON TABLE litellm.health_thresholds IS 'One row: how a provider''s status follows from its success rate and average latency. down when the success rate is below down_below_success_rate or there was no success at all; else degraded when it is below degraded_below_success_rate or the average latency is above the latency bound; else healthy.';

-- comment COLUMN health_thresholds.singleton
COMMENT ON COLUMN litellm.health_thresholds.singleton IS 'Always true: the primary key that keeps this table to one row.';

-- comment COLUMN health_thresholds.degraded_below_success_rate
COMMENT ON COLUMN litellm.health_thresholds.degraded_below_success_rate IS 'Success rate (percent) under which a provider is degraded.';

-- comment COLUMN health_thresholds.down_below_success_rate
COMMENT ON COLUMN litellm.health_thresholds.down_below_success_rate IS 'Success rate (percent) under which a provider is down.';

-- comment COLUMN health_thresholds.degraded_above_latency_ms
COMMENT ON COLUMN litellm.health_thresholds.degraded_above_latency_ms IS 'Average latency (ms) above which a provider is degraded; NULL = the largest max_latency_ms of power_levels.';

-- table llm_usage_attribution_summary
CREATE TABLE litellm.llm_usage_attribution_summary (
    date date NOT NULL,
    tenant_id text DEFAULT ''::text NOT NULL,
    organization_id text DEFAULT ''::text NOT NULL,
    team_id text DEFAULT ''::text NOT NULL,
    service_name text DEFAULT ''::text NOT NULL,
    operation text DEFAULT ''::text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    request_count bigint DEFAULT 0 NOT NULL,
    success_count bigint DEFAULT 0 NOT NULL,
    failure_count bigint DEFAULT 0 NOT NULL,
    total_prompt_tokens bigint DEFAULT 0 NOT NULL,
    total_completion_tokens bigint DEFAULT 0 NOT NULL,
    total_tokens bigint DEFAULT 0 NOT NULL,
    total_latency_ms bigint DEFAULT 0 NOT NULL,
    latency_count bigint DEFAULT 0 NOT NULL,
    total_cost numeric(20,6) DEFAULT 0 NOT NULL,
    total_cost_usd numeric(20,8) DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
)
WITH (fillfactor='80');

-- comment TABLE llm_usage_attribution_summary
COMMENT ON TABLE litellm.llm_usage_attribution_summary IS 'Daily usage per tenant, organisation, team, service, operation, provider and model (no user), exact as of the last refresh_usage_summary(), like llm_usage_summary. A key column holds '''' where the log row had NULL. Archiving log rows does not change it.';

-- comment COLUMN llm_usage_attribution_summary.date
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.date IS 'UTC calendar date of the calls: (created_at at time zone ''UTC'')::date.';

-- comment COLUMN llm_usage_attribution_summary.tenant_id
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.tenant_id IS 'llm_usage_log.tenant_id, or '''' for calls without one.';

-- comment COLUMN llm_usage_attribution_summary.organization_id
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.organization_id IS 'llm_usage_log.organization_id, or '''' for calls without one.';

-- comment COLUMN llm_usage_attribution_summary.team_id
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.team_id IS 'llm_usage_log.team_id, or '''' for calls without one.';

-- comment COLUMN llm_usage_attribution_summary.service_name
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.service_name IS 'llm_usage_log.service_name, or '''' for calls without one.';

-- comment COLUMN llm_usage_attribution_summary.operation
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.operation IS 'llm_usage_log.operation, or '''' for calls without one.';

-- comment COLUMN llm_usage_attribution_summary.request_count
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.request_count IS 'Calls logged, successful or not.';

-- comment COLUMN llm_usage_attribution_summary.total_latency_ms
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.total_latency_ms IS 'Sum of latency_ms over the calls that reported one; average latency = total_latency_ms / latency_count.';

-- comment COLUMN llm_usage_attribution_summary.latency_count
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.latency_count IS 'Calls that reported a latency_ms.';

-- comment COLUMN llm_usage_attribution_summary.total_cost
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.total_cost IS 'Sum of cost_credits.';

-- comment COLUMN llm_usage_attribution_summary.total_cost_usd
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.total_cost_usd IS 'Sum of cost_usd over the calls that reported one.';

-- comment COLUMN llm_usage_attribution_summary.updated_at
COMMENT ON COLUMN litellm.llm_usage_attribution_summary.updated_at IS 'When a refresh last changed this row.';

-- table llm_usage_log
CREATE TABLE litellm.llm_usage_log (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    power_level text,
    prompt_tokens integer DEFAULT 0 NOT NULL,
    completion_tokens integer DEFAULT 0 NOT NULL,
    total_tokens integer NOT NULL,
    cost_credits numeric(20,6) DEFAULT 0 NOT NULL,
    cost_usd numeric(20,8),
    success boolean DEFAULT true NOT NULL,
    latency_ms integer,
    request_id text,
    litellm_call_id text,
    error_type text,
    error_message text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text,
    transaction_id bigint,
    uncharged_credits numeric(20,6),
    billing_error text,
    request_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    response_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT llm_usage_log_rules CHECK (litellm._llm_usage_log_rules(prompt_tokens, completion_tokens, total_tokens, latency_ms, cost_usd, cost_credits, uncharged_credits))
)
PARTITION BY RANGE (created_at);

-- comment TABLE llm_usage_log
COMMENT ON TABLE litellm.llm_usage_log IS 'One row per LLM call (successful or not), append-only. Partitioned by month of created_at (UTC); rows no monthly partition covers land in llm_usage_log_default. Deleting or detaching rows never changes llm_usage_summary.';

-- comment COLUMN llm_usage_log.id
COMMENT ON COLUMN litellm.llm_usage_log.id IS 'Row id from llm_usage_log_id_seq; unique together with created_at (the partition key).';

-- comment COLUMN llm_usage_log.created_at
COMMENT ON COLUMN litellm.llm_usage_log.created_at IS 'When the call was made; the partition key. Summarised under the UTC date of this instant.';

-- comment COLUMN llm_usage_log.power_level
COMMENT ON COLUMN litellm.llm_usage_log.power_level IS 'Routing level the caller asked for (see power_levels). Not a foreign key: logging never fails because a level was renamed.';

-- comment COLUMN llm_usage_log.prompt_tokens
COMMENT ON COLUMN litellm.llm_usage_log.prompt_tokens IS 'Input tokens; NULL is stored as 0.';

-- comment COLUMN llm_usage_log.completion_tokens
COMMENT ON COLUMN litellm.llm_usage_log.completion_tokens IS 'Output tokens; NULL is stored as 0.';

-- comment COLUMN llm_usage_log.total_tokens
COMMENT ON COLUMN litellm.llm_usage_log.total_tokens IS 'Tokens billed; when the insert omits it or gives NULL it is set to prompt_tokens + completion_tokens.';

-- comment COLUMN llm_usage_log.cost_credits
COMMENT ON COLUMN litellm.llm_usage_log.cost_credits IS 'Credits charged for the call (numeric, never float); NULL is stored as 0. record_llm_call() writes the amount it debited (0 when it charged nothing), so the summaries'' total_cost is revenue.';

-- comment COLUMN llm_usage_log.cost_usd
COMMENT ON COLUMN litellm.llm_usage_log.cost_usd IS 'Provider cost in US dollars, when known.';

-- comment COLUMN llm_usage_log.latency_ms
COMMENT ON COLUMN litellm.llm_usage_log.latency_ms IS 'Wall-clock duration of the call in milliseconds, when known.';

-- comment COLUMN llm_usage_log.request_id
COMMENT ON COLUMN litellm.llm_usage_log.request_id IS 'The gateway''s request id (the debit''s idempotency key). record_llm_call() logs a request id once per user; a direct INSERT is not checked.';

-- comment COLUMN llm_usage_log.litellm_call_id
COMMENT ON COLUMN litellm.llm_usage_log.litellm_call_id IS 'LiteLLM''s own call id (litellm_call_id in its callback payload).';

-- comment COLUMN llm_usage_log.error_type
COMMENT ON COLUMN litellm.llm_usage_log.error_type IS 'Error class of a failed call (for example RateLimitError, Timeout); NULL on success.';

-- comment COLUMN llm_usage_log.tenant_id
COMMENT ON COLUMN litellm.llm_usage_log.tenant_id IS 'Tenant the call is attributed to, for a gateway that serves several customers.';

-- comment COLUMN llm_usage_log.team_id
COMMENT ON COLUMN litellm.llm_usage_log.team_id IS 'Team the call is attributed to (litellm.teams).';

-- comment COLUMN llm_usage_log.organization_id
COMMENT ON COLUMN litellm.llm_usage_log.organization_id IS 'Organisation the call is attributed to (litellm.organizations).';

-- comment COLUMN llm_usage_log.service_name
COMMENT ON COLUMN litellm.llm_usage_log.service_name IS 'Internal service that made the call, such as pattern_analysis.';

-- comment COLUMN llm_usage_log.operation
COMMENT ON COLUMN litellm.llm_usage_log.operation IS 'Operation within the service, such as analyze_edge_case.';

-- comment COLUMN llm_usage_log.transaction_id
COMMENT ON COLUMN litellm.llm_usage_log.transaction_id IS 'credit_transactions.id of the debit that charged this call, if any. Deliberately not a foreign key.';

-- comment COLUMN llm_usage_log.uncharged_credits
COMMENT ON COLUMN litellm.llm_usage_log.uncharged_credits IS 'What the call cost in credits when it was not charged: a failed call (never charged), or a successful call the user could not pay for (see billing_error). NULL when the call was charged or cost nothing. Not part of cost_credits or the summaries.';

-- comment COLUMN llm_usage_log.billing_error
COMMENT ON COLUMN litellm.llm_usage_log.billing_error IS 'Why a successful call with a cost was not charged, as the debit reported it (insufficient_credits, unknown_user, ...); NULL otherwise. Written by record_llm_call().';

-- comment COLUMN llm_usage_log.request_metadata
COMMENT ON COLUMN litellm.llm_usage_log.request_metadata IS 'Caller-supplied request context (JSON object); NULL is stored as {}.';

-- comment COLUMN llm_usage_log.response_metadata
COMMENT ON COLUMN litellm.llm_usage_log.response_metadata IS 'Provider response context (JSON object); NULL is stored as {}.';

-- table llm_usage_log_default
CREATE TABLE litellm.llm_usage_log_default (
    id bigint DEFAULT nextval('litellm.llm_usage_log_id_seq'::regclass) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    power_level text,
    prompt_tokens integer DEFAULT 0 NOT NULL,
    completion_tokens integer DEFAULT 0 NOT NULL,
    total_tokens integer NOT NULL,
    cost_credits numeric(20,6) DEFAULT 0 NOT NULL,
    cost_usd numeric(20,8),
    success boolean DEFAULT true NOT NULL,
    latency_ms integer,
    request_id text,
    litellm_call_id text,
    error_type text,
    error_message text,
    tenant_id text,
    team_id text,
    organization_id text,
    service_name text,
    operation text,
    session_id text,
    transaction_id bigint,
    uncharged_credits numeric(20,6),
    billing_error text,
    request_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    response_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT llm_usage_log_rules CHECK (litellm._llm_usage_log_rules(prompt_tokens, completion_tokens, total_tokens, latency_ms, cost_usd, cost_credits, uncharged_credits))
);

-- comment TABLE llm_usage_log_default
COMMENT ON TABLE litellm.llm_usage_log_default IS 'Catch-all partition of llm_usage_log for rows outside every monthly partition. Normally empty: ensure_usage_log_partitions() creates months ahead, and creating a month''s partition moves that month''s rows out of here.';

-- sequence llm_usage_log_id_seq
CREATE SEQUENCE litellm.llm_usage_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- table llm_usage_summary
CREATE TABLE litellm.llm_usage_summary (
    date date NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    request_count bigint DEFAULT 0 NOT NULL,
    success_count bigint DEFAULT 0 NOT NULL,
    failure_count bigint DEFAULT 0 NOT NULL,
    total_prompt_tokens bigint DEFAULT 0 NOT NULL,
    total_completion_tokens bigint DEFAULT 0 NOT NULL,
    total_tokens bigint DEFAULT 0 NOT NULL,
    total_latency_ms bigint DEFAULT 0 NOT NULL,
    latency_count bigint DEFAULT 0 NOT NULL,
    total_cost numeric(20,6) DEFAULT 0 NOT NULL,
    total_cost_usd numeric(20,8) DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
)
WITH (fillfactor='80');

-- comment TABLE llm_usage_summary
COMMENT ON TABLE litellm.llm_usage_summary IS 'Daily usage per user, provider and model, exact as of the last refresh_usage_summary(). Counts every call ever logged: archiving (detaching or deleting) log rows does not change it. Fill factor 80 leaves room on each page so that a refresh updates rows in place (HOT).';

-- comment COLUMN llm_usage_summary.date
COMMENT ON COLUMN litellm.llm_usage_summary.date IS 'UTC calendar date of the calls: (created_at at time zone ''UTC'')::date.';

-- comment COLUMN llm_usage_summary.request_count
COMMENT ON COLUMN litellm.llm_usage_summary.request_count IS 'Calls logged, successful or not.';

-- comment COLUMN llm_usage_summary.success_count
COMMENT ON COLUMN litellm.llm_usage_summary.success_count IS 'Calls with success = true.';

-- comment COLUMN llm_usage_summary.failure_count
COMMENT ON COLUMN litellm.llm_usage_summary.failure_count IS 'Calls with success = false.';

-- comment COLUMN llm_usage_summary.total_latency_ms
COMMENT ON COLUMN litellm.llm_usage_summary.total_latency_ms IS 'Sum of latency_ms over the calls that reported one; average latency = total_latency_ms / latency_count.';

-- comment COLUMN llm_usage_summary.latency_count
COMMENT ON COLUMN litellm.llm_usage_summary.latency_count IS 'Calls that reported a latency_ms.';

-- comment COLUMN llm_usage_summary.total_cost
COMMENT ON COLUMN litellm.llm_usage_summary.total_cost IS 'Sum of cost_credits.';

-- comment COLUMN llm_usage_summary.total_cost_usd
COMMENT ON COLUMN litellm.llm_usage_summary.total_cost_usd IS 'Sum of cost_usd over the calls that reported one.';

-- comment COLUMN llm_usage_summary.updated_at
COMMENT ON COLUMN litellm.llm_usage_summary.updated_at IS 'When a refresh last changed this row.';

-- table locks
CREATE TABLE litellm.locks (
    lock_key text NOT NULL
);

-- comment TABLE locks
COMMENT ON TABLE litellm.locks IS 'One row per named lock the package serialises on (litellm._lock locks it FOR UPDATE). Owner only: no other role can take these locks. Rows are added on first use and never change.';

-- comment COLUMN locks.lock_key
COMMENT ON COLUMN litellm.locks.lock_key IS 'The lock''s name: usage_summary_refresh, call:<user_id> (record_llm_call with a request id), member:<user_id> (membership and budget changes of one user).';

-- table maintenance_jobs
CREATE TABLE litellm.maintenance_jobs (
    job text NOT NULL,
    description text NOT NULL,
    default_schedule text NOT NULL,
    last_started_at timestamp with time zone,
    last_finished_at timestamp with time zone,
    last_status text,
    last_error text,
    last_result jsonb,
    last_duration_ms numeric(12,1),
    last_success_at timestamp with time zone,
    runs bigint DEFAULT 0 NOT NULL,
    failures bigint DEFAULT 0 NOT NULL,
    CONSTRAINT maintenance_jobs_failures_check CHECK ((failures >= 0)),
    CONSTRAINT maintenance_jobs_last_status_check CHECK ((last_status = ANY (ARRAY['ok'::text, 'failed'::text]))),
    CONSTRAINT maintenance_jobs_runs_check CHECK ((runs >= 0))
);

-- comment TABLE maintenance_jobs
COMMENT ON TABLE litellm.maintenance_jobs IS 'The maintenance jobs run_maintenance() knows, each with its default cron schedule, the outcome of its latest run and how many runs and failures it has had. Written only by run_maintenance().';

-- comment COLUMN maintenance_jobs.default_schedule
COMMENT ON COLUMN litellm.maintenance_jobs.default_schedule IS 'Cron expression (minute hour day-of-month month day-of-week, UTC on pg_cron) that `litellm-db schedule` registers.';

-- comment COLUMN maintenance_jobs.last_status
COMMENT ON COLUMN litellm.maintenance_jobs.last_status IS 'ok or failed: the outcome of the latest run; NULL before the first.';

-- comment COLUMN maintenance_jobs.last_error
COMMENT ON COLUMN litellm.maintenance_jobs.last_error IS 'SQLSTATE and message of the latest run when it failed; NULL when it succeeded.';

-- comment COLUMN maintenance_jobs.last_result
COMMENT ON COLUMN litellm.maintenance_jobs.last_result IS 'What the latest successful run did (rows refreshed, credits expired, partitions created ...), as JSON.';

-- comment COLUMN maintenance_jobs.last_duration_ms
COMMENT ON COLUMN litellm.maintenance_jobs.last_duration_ms IS 'Wall-clock duration of the latest run in milliseconds.';

-- comment COLUMN maintenance_jobs.last_success_at
COMMENT ON COLUMN litellm.maintenance_jobs.last_success_at IS 'When the latest successful run finished.';

-- comment COLUMN maintenance_jobs.runs
COMMENT ON COLUMN litellm.maintenance_jobs.runs IS 'Runs recorded since the install, successful or not.';

-- comment COLUMN maintenance_jobs.failures
COMMENT ON COLUMN litellm.maintenance_jobs.failures IS 'Failed runs recorded since the install.';

-- table model_price_audit
CREATE TABLE litellm.model_price_audit (
    audit_id bigint NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    changed_by text DEFAULT CURRENT_USER NOT NULL,
    session_role text DEFAULT SESSION_USER NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    action text NOT NULL,
    price_id bigint NOT NULL,
    old jsonb,
    new jsonb NOT NULL,
    note text,
    CONSTRAINT model_price_audit_action_check CHECK ((action = ANY (ARRAY['added'::text, 'changed'::text, 'replaced'::text])))
);

-- comment TABLE model_price_audit
COMMENT ON TABLE litellm.model_price_audit IS 'Every change to model_prices, written by set_model_price(): who, when, the row before (old) and the row written (new), and the note.';

-- comment COLUMN model_price_audit.changed_by
COMMENT ON COLUMN litellm.model_price_audit.changed_by IS 'current_user of the change (set_model_price runs as its caller).';

-- comment COLUMN model_price_audit.session_role
COMMENT ON COLUMN litellm.model_price_audit.session_role IS 'session_user of the change: the login role, also when the caller had SET ROLE.';

-- comment COLUMN model_price_audit.action
COMMENT ON COLUMN litellm.model_price_audit.action IS 'added: first price of the provider + model; changed: the period in force was closed and a new one starts; replaced: the prices of a period not yet in force were rescheduled.';

-- comment COLUMN model_price_audit.price_id
COMMENT ON COLUMN litellm.model_price_audit.price_id IS 'The model_prices row written (the new period, or the replaced one).';

-- comment COLUMN model_price_audit.old
COMMENT ON COLUMN litellm.model_price_audit.old IS 'The affected earlier row as it was before the change (to_jsonb of model_prices), NULL when added.';

-- comment COLUMN model_price_audit.new
COMMENT ON COLUMN litellm.model_price_audit.new IS 'The row written by the change.';

-- sequence model_price_audit_audit_id_seq
ALTER TABLE litellm.model_price_audit ALTER COLUMN audit_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.model_price_audit_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table model_prices
CREATE TABLE litellm.model_prices (
    price_id bigint NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    prompt_per_1m numeric(20,6) NOT NULL,
    completion_per_1m numeric(20,6) NOT NULL,
    cached_per_1m numeric(20,6),
    effective_from timestamp with time zone NOT NULL,
    effective_to timestamp with time zone,
    source text DEFAULT 'manual'::text NOT NULL,
    note text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT model_prices_cached_per_1m_check CHECK ((cached_per_1m >= (0)::numeric)),
    CONSTRAINT model_prices_check CHECK (((effective_to > effective_from) AND isfinite(effective_to))),
    CONSTRAINT model_prices_completion_per_1m_check CHECK ((completion_per_1m >= (0)::numeric)),
    CONSTRAINT model_prices_effective_from_check CHECK (isfinite(effective_from)),
    CONSTRAINT model_prices_model_check CHECK ((((length(model) >= 1) AND (length(model) <= 255)) AND (model = btrim(model)))),
    CONSTRAINT model_prices_prompt_per_1m_check CHECK ((prompt_per_1m >= (0)::numeric)),
    CONSTRAINT model_prices_provider_check CHECK ((((length(provider) >= 1) AND (length(provider) <= 255)) AND (provider = lower(btrim(provider))))),
    CONSTRAINT model_prices_source_check CHECK ((source = ANY (ARRAY['default'::text, 'manual'::text, 'litellm'::text])))
);

-- comment TABLE model_prices
COMMENT ON TABLE litellm.model_prices IS 'Provider list prices in USD per million tokens, effective-dated; rows are never deleted. Written only by set_model_price(), which keeps the periods of one provider + model from overlapping. model = ''*'' is the provider''s default, provider = model = ''*'' the global default (the fallback for unknown models).';

-- comment COLUMN model_prices.provider
COMMENT ON COLUMN litellm.model_prices.provider IS 'LLM provider in lower case (openai, anthropic, openrouter ...), or ''*'' for the global default row.';

-- comment COLUMN model_prices.model
COMMENT ON COLUMN litellm.model_prices.model IS 'Model name as the gateway logs it (case-sensitive), or ''*'' for the provider''s default row.';

-- comment COLUMN model_prices.prompt_per_1m
COMMENT ON COLUMN litellm.model_prices.prompt_per_1m IS 'USD per 1,000,000 prompt (input) tokens. 0 is a deliberate free price.';

-- comment COLUMN model_prices.completion_per_1m
COMMENT ON COLUMN litellm.model_prices.completion_per_1m IS 'USD per 1,000,000 completion (output) tokens.';

-- comment COLUMN model_prices.cached_per_1m
COMMENT ON COLUMN litellm.model_prices.cached_per_1m IS 'USD per 1,000,000 cached input tokens (cache reads), when the provider has such a price.';

-- comment COLUMN model_prices.effective_from
COMMENT ON COLUMN litellm.model_prices.effective_from IS 'First instant the price is in force (inclusive); always finite (drivers cannot read infinities). 1970-01-01 UTC for the shipped defaults.';

-- comment COLUMN model_prices.effective_to
COMMENT ON COLUMN litellm.model_prices.effective_to IS 'First instant the price is no longer in force (exclusive); NULL = until further notice.';

-- comment COLUMN model_prices.source
COMMENT ON COLUMN litellm.model_prices.source IS 'Where the row came from: default (shipped with the package), manual (set_model_price), litellm (the importer).';

-- sequence model_prices_price_id_seq
ALTER TABLE litellm.model_prices ALTER COLUMN price_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.model_prices_price_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table organizations
CREATE TABLE litellm.organizations (
    organization_id text NOT NULL,
    name text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT organizations_name_check CHECK ((length(name) <= 255)),
    CONSTRAINT organizations_organization_id_check CHECK (((length(organization_id) >= 1) AND (length(organization_id) <= 255)))
);

-- comment TABLE organizations
COMMENT ON TABLE litellm.organizations IS 'Organisations: the top of the hierarchy. Teams belong to at most one; organisation budgets cover every team in it.';

-- comment COLUMN organizations.name
COMMENT ON COLUMN litellm.organizations.name IS 'Display name (LiteLLM''s organization_alias); NULL shows the id.';

-- comment COLUMN organizations.metadata
COMMENT ON COLUMN litellm.organizations.metadata IS 'Caller-supplied context (a JSON object), stored as given.';

-- table power_levels
CREATE TABLE litellm.power_levels (
    power_level text NOT NULL,
    display_name text NOT NULL,
    cost_multiplier numeric(8,4) NOT NULL,
    max_latency_ms integer NOT NULL,
    min_quality integer NOT NULL,
    max_tokens integer,
    providers text[] DEFAULT '{}'::text[] NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    CONSTRAINT power_levels_cost_multiplier_check CHECK ((cost_multiplier >= (0)::numeric)),
    CONSTRAINT power_levels_max_latency_ms_check CHECK ((max_latency_ms > 0)),
    CONSTRAINT power_levels_max_tokens_check CHECK ((max_tokens > 0)),
    CONSTRAINT power_levels_min_quality_check CHECK (((min_quality >= 0) AND (min_quality <= 100))),
    CONSTRAINT power_levels_power_level_check CHECK ((power_level ~ '^[a-z][a-z0-9_]{0,62}$'::text))
);

-- comment TABLE power_levels
COMMENT ON TABLE litellm.power_levels IS 'Routing levels a caller picks per request: allowed providers, cost multiplier, latency bound and minimum quality.';

-- comment COLUMN power_levels.cost_multiplier
COMMENT ON COLUMN litellm.power_levels.cost_multiplier IS 'Factor applied to the base price by calculate_cost() for calls at this level.';

-- comment COLUMN power_levels.max_latency_ms
COMMENT ON COLUMN litellm.power_levels.max_latency_ms IS 'A provider whose recent average latency is above this bound is not selected for this level.';

-- comment COLUMN power_levels.max_tokens
COMMENT ON COLUMN litellm.power_levels.max_tokens IS 'Largest completion a request at this level may ask for (defaults: eco 2000, balanced 4000, precision 16000).';

-- comment COLUMN power_levels.providers
COMMENT ON COLUMN litellm.power_levels.providers IS 'Providers allowed for this level, in order of preference.';

-- table pricing_settings
CREATE TABLE litellm.pricing_settings (
    singleton boolean DEFAULT true NOT NULL,
    credits_per_usd numeric(20,6) NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT pricing_settings_credits_per_usd_check CHECK ((credits_per_usd > (0)::numeric)),
    CONSTRAINT pricing_settings_singleton_check CHECK (singleton)
);

-- comment TABLE pricing_settings
COMMENT ON TABLE litellm.pricing_settings IS 'One row of pricing configuration used by calculate_cost(). Change it with an UPDATE; the single row cannot be duplicated.';

-- comment COLUMN pricing_settings.singleton
COMMENT ON COLUMN litellm.pricing_settings.singleton IS 'Always true: the primary key that keeps this table to one row.';

-- comment COLUMN pricing_settings.credits_per_usd
COMMENT ON COLUMN litellm.pricing_settings.credits_per_usd IS 'Credits charged per US dollar of provider cost (default 10: 100 credits cost 10 USD).';

-- table provider_aliases
CREATE TABLE litellm.provider_aliases (
    alias text NOT NULL,
    provider text NOT NULL,
    CONSTRAINT provider_aliases_alias_check CHECK ((alias ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT provider_aliases_check CHECK ((alias <> provider)),
    CONSTRAINT provider_aliases_provider_check CHECK ((provider ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text))
);

-- comment TABLE provider_aliases
COMMENT ON TABLE litellm.provider_aliases IS 'Other spellings of provider names: a key stored or looked up under alias is stored and looked up under provider (canonical_provider). An alias is never itself the provider of another alias. Changed by the owner only.';

-- comment COLUMN provider_aliases.alias
COMMENT ON COLUMN litellm.provider_aliases.alias IS 'The other spelling, in lower case, as callers may pass it (together_ai).';

-- comment COLUMN provider_aliases.provider
COMMENT ON COLUMN litellm.provider_aliases.provider IS 'The canonical name keys are stored under (together).';

-- table provider_health
CREATE TABLE litellm.provider_health (
    provider text NOT NULL,
    status text DEFAULT 'unknown'::text NOT NULL,
    avg_latency_ms integer,
    success_rate numeric(5,2),
    error_count bigint DEFAULT 0 NOT NULL,
    last_error text,
    notes text,
    last_check timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT provider_health_avg_latency_ms_check CHECK ((avg_latency_ms >= 0)),
    CONSTRAINT provider_health_error_count_check CHECK ((error_count >= 0)),
    CONSTRAINT provider_health_status_check CHECK ((status = ANY (ARRAY['healthy'::text, 'degraded'::text, 'down'::text, 'unknown'::text]))),
    CONSTRAINT provider_health_success_rate_check CHECK (((success_rate >= (0)::numeric) AND (success_rate <= (100)::numeric)))
);

-- comment TABLE provider_health
COMMENT ON TABLE litellm.provider_health IS 'Latest health of each LLM provider, written by the gateway''s health checks (upsert on provider) and read by routing.';

-- comment COLUMN provider_health.status
COMMENT ON COLUMN litellm.provider_health.status IS 'healthy, degraded, down or unknown.';

-- comment COLUMN provider_health.avg_latency_ms
COMMENT ON COLUMN litellm.provider_health.avg_latency_ms IS 'Recent average latency in milliseconds.';

-- comment COLUMN provider_health.success_rate
COMMENT ON COLUMN litellm.provider_health.success_rate IS 'Recent success rate in percent, 0 to 100.';

-- comment COLUMN provider_health.error_count
COMMENT ON COLUMN litellm.provider_health.error_count IS 'Errors counted by the health checker in its current window (its own convention).';

-- comment COLUMN provider_health.last_check
COMMENT ON COLUMN litellm.provider_health.last_check IS 'When the status was last written.';

-- table role_names
CREATE TABLE litellm.role_names (
    purpose text NOT NULL,
    role_name text NOT NULL,
    CONSTRAINT role_names_purpose CHECK ((purpose = ANY (ARRAY['owner'::text, 'app'::text, 'analyst'::text, 'end_user'::text]))),
    CONSTRAINT role_names_role_name CHECK (((octet_length(role_name) <= 63) AND (role_name ~ '^[a-z_][a-z0-9_]*$'::text) AND (role_name !~ '^pg_'::text)))
);

-- comment TABLE role_names
COMMENT ON TABLE litellm.role_names IS 'The role this database uses for each purpose of docs/security.md: owner (runs migrations), app (executes the API), analyst (reads summaries and views), end_user (reads its own rows under row-level security). Written by the installer only.';

-- comment COLUMN role_names.purpose
COMMENT ON COLUMN litellm.role_names.purpose IS 'owner, app, analyst or end_user.';

-- comment COLUMN role_names.role_name
COMMENT ON COLUMN litellm.role_names.role_name IS 'The cluster-wide role name: a lowercase identifier that needs no quoting, at most 63 bytes, not starting with pg_.';

-- table schema_migrations
CREATE TABLE litellm.schema_migrations (
    version text NOT NULL,
    kind text NOT NULL,
    description text NOT NULL,
    checksum text NOT NULL,
    package_version text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT schema_migrations_kind_check CHECK ((kind = ANY (ARRAY['schema'::text, 'api'::text])))
);

-- comment TABLE schema_migrations
COMMENT ON TABLE litellm.schema_migrations IS 'One row per applied sql/schema file (kind schema, version = its number) and per applied API set (kind api, version = api-<checksum>).';

-- table spend_daily
CREATE TABLE litellm.spend_daily (
    user_id text NOT NULL,
    date date NOT NULL,
    team_id text NOT NULL,
    organization_id text DEFAULT ''::text NOT NULL,
    model text DEFAULT ''::text NOT NULL,
    spend numeric(20,6) DEFAULT 0 NOT NULL,
    refunded numeric(20,6) DEFAULT 0 NOT NULL,
    charge_count bigint DEFAULT 0 NOT NULL,
    CONSTRAINT spend_daily_charge_count_check CHECK ((charge_count >= 0)),
    CONSTRAINT spend_daily_refunded_check CHECK ((refunded >= (0)::numeric)),
    CONSTRAINT spend_daily_spend_check CHECK ((spend >= (0)::numeric))
)
WITH (fillfactor='70');

-- comment TABLE spend_daily
COMMENT ON TABLE litellm.spend_daily IS 'Charges made in a team, per user, UTC day, team, organisation and model, written by _apply_budgets(). Sum by user and team for a membership, by team, or by organisation. Charges made in no team are not here (a user''s own spending per day is in the journal and llm_usage_summary).';

-- comment COLUMN spend_daily.organization_id
COMMENT ON COLUMN litellm.spend_daily.organization_id IS 'The team''s organisation at the time of the charge, or '''' for none.';

-- comment COLUMN spend_daily.model
COMMENT ON COLUMN litellm.spend_daily.model IS 'The model charged for, or '''' when the charge named none.';

-- comment COLUMN spend_daily.spend
COMMENT ON COLUMN litellm.spend_daily.spend IS 'Sum of charges.';

-- comment COLUMN spend_daily.refunded
COMMENT ON COLUMN litellm.spend_daily.refunded IS 'Sum of refunds made that day in this context (net spend = spend - refunded).';

-- comment COLUMN spend_daily.charge_count
COMMENT ON COLUMN litellm.spend_daily.charge_count IS 'Number of charges.';

-- table spend_tag_daily
CREATE TABLE litellm.spend_tag_daily (
    user_id text NOT NULL,
    date date NOT NULL,
    tag text NOT NULL,
    spend numeric(20,6) DEFAULT 0 NOT NULL,
    refunded numeric(20,6) DEFAULT 0 NOT NULL,
    charge_count bigint DEFAULT 0 NOT NULL,
    CONSTRAINT spend_tag_daily_charge_count_check CHECK ((charge_count >= 0)),
    CONSTRAINT spend_tag_daily_refunded_check CHECK ((refunded >= (0)::numeric)),
    CONSTRAINT spend_tag_daily_spend_check CHECK ((spend >= (0)::numeric)),
    CONSTRAINT spend_tag_daily_tag_check CHECK (((length(tag) >= 1) AND (length(tag) <= 255)))
)
WITH (fillfactor='70');

-- comment TABLE spend_tag_daily
COMMENT ON TABLE litellm.spend_tag_daily IS 'Charges per user, UTC day and tag (a request tag, an API key alias, an end user: whatever the gateway passes in _apply_budgets(tags => ...)). A charge with several tags counts in full under each.';

-- comment COLUMN spend_tag_daily.spend
COMMENT ON COLUMN litellm.spend_tag_daily.spend IS 'Sum of charges with this tag.';

-- comment COLUMN spend_tag_daily.refunded
COMMENT ON COLUMN litellm.spend_tag_daily.refunded IS 'Sum of refunds with this tag made that day.';

-- comment COLUMN spend_tag_daily.charge_count
COMMENT ON COLUMN litellm.spend_tag_daily.charge_count IS 'Number of charges with this tag.';

-- table team_memberships
CREATE TABLE litellm.team_memberships (
    user_id text NOT NULL,
    team_id text NOT NULL,
    role text DEFAULT 'member'::text NOT NULL,
    is_primary boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT team_memberships_role_check CHECK ((role = ANY (ARRAY['owner'::text, 'admin'::text, 'member'::text, 'viewer'::text]))),
    CONSTRAINT team_memberships_user_id_check CHECK (((length(user_id) >= 1) AND (length(user_id) <= 255)))
);

-- comment TABLE team_memberships
COMMENT ON TABLE litellm.team_memberships IS 'Which teams a user is in (several at once), with a role. At most one membership per user is primary: a charge that names no team is made in the primary team. No foreign key to user_credits: a member need not have credits yet.';

-- comment COLUMN team_memberships.role
COMMENT ON COLUMN litellm.team_memberships.role IS 'owner, admin, member or viewer: recorded for the gateway''s own authorisation; budgets do not depend on it.';

-- comment COLUMN team_memberships.is_primary
COMMENT ON COLUMN litellm.team_memberships.is_primary IS 'The user''s primary team (LiteLLM''s user.team_id): charges that name no team count against it. At most one per user.';

-- table teams
CREATE TABLE litellm.teams (
    team_id text NOT NULL,
    organization_id text,
    name text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT teams_name_check CHECK ((length(name) <= 255)),
    CONSTRAINT teams_team_id_check CHECK (((length(team_id) >= 1) AND (length(team_id) <= 255)))
);

-- comment TABLE teams
COMMENT ON TABLE litellm.teams IS 'Teams, each in one organisation or in none. A charge made in a team counts against the team''s budgets and its organisation''s.';

-- comment COLUMN teams.organization_id
COMMENT ON COLUMN litellm.teams.organization_id IS 'The organisation the team belongs to; NULL for a team without one.';

-- comment COLUMN teams.name
COMMENT ON COLUMN litellm.teams.name IS 'Display name (LiteLLM''s team_alias); NULL shows the id.';

-- comment COLUMN teams.metadata
COMMENT ON COLUMN litellm.teams.metadata IS 'Caller-supplied context (a JSON object), stored as given.';

-- comment PROCEDURE debit_user_credits_early_release(IN user_id text, IN cost numeric, IN provider text, IN model text, IN prompt_tokens bigint, IN completion_tokens bigint, IN power_level text, IN metadata jsonb, IN request_id text, INOUT success boolean, INOUT transaction_id bigint, INOUT credits_remaining numeric, INOUT amount_debited numeric, INOUT error_code text, INOUT error_message text, INOUT replayed boolean)
COMMENT ON PROCEDURE litellm.debit_user_credits_early_release(IN user_id text, IN cost numeric, IN provider text, IN model text, IN prompt_tokens bigint, IN completion_tokens bigint, IN power_level text, IN metadata jsonb, IN request_id text, INOUT success boolean, INOUT transaction_id bigint, INOUT credits_remaining numeric, INOUT amount_debited numeric, INOUT error_code text, INOUT error_message text, INOUT replayed boolean) IS 'debit_user_credits for an account that many clients charge at once: the same arguments, checks, journal entry and result (as INOUT parameters), but the account row is released before the debit''s commit is on disk, and the procedure returns only once it is. Two commits instead of one; use it for busy accounts, in autocommit mode (CALL it outside a transaction block: inside one it raises 2D000 and changes nothing). Until it returns, other sessions may see the charge before it is durable. Raises what debit_user_credits raises: LD001, LD002, LD003, LD004, LD007, LD101.';

-- table tiers
CREATE TABLE litellm.tiers (
    tier text NOT NULL,
    markup numeric(8,4) DEFAULT 0 NOT NULL,
    monthly_cap numeric(20,6),
    monthly_token_allowance bigint,
    description text DEFAULT ''::text NOT NULL,
    CONSTRAINT tiers_markup_check CHECK ((markup >= (0)::numeric)),
    CONSTRAINT tiers_monthly_cap_check CHECK ((monthly_cap >= (0)::numeric)),
    CONSTRAINT tiers_monthly_token_allowance_check CHECK ((monthly_token_allowance >= 0)),
    CONSTRAINT tiers_tier_check CHECK ((tier ~ '^[a-z][a-z0-9_]{0,62}$'::text))
);

-- comment TABLE tiers
COMMENT ON TABLE litellm.tiers IS 'Subscription tiers: markup on base cost, default monthly spending cap and token allowance (NULL = none).';

-- comment COLUMN tiers.markup
COMMENT ON COLUMN litellm.tiers.markup IS 'Fraction added to the base cost: 0.40 means cost x 1.40.';

-- comment COLUMN tiers.monthly_cap
COMMENT ON COLUMN litellm.tiers.monthly_cap IS 'Default spending cap in credits per calendar month for users of this tier (user_credits.monthly_cap overrides it); NULL = no cap.';

-- comment COLUMN tiers.monthly_token_allowance
COMMENT ON COLUMN litellm.tiers.monthly_token_allowance IS 'Tokens per calendar month included in the tier (defaults: free 10k, basic 100k, premium 500k, unlimited); NULL = no limit.';

-- table usage_log_archives
CREATE TABLE litellm.usage_log_archives (
    archived_as text NOT NULL,
    partition_name text NOT NULL,
    range_start timestamp with time zone NOT NULL,
    range_end timestamp with time zone NOT NULL,
    row_estimate bigint,
    archived_at timestamp with time zone DEFAULT now() NOT NULL,
    dropped_at timestamp with time zone,
    CONSTRAINT usage_log_archives_check CHECK ((range_start < range_end))
);

-- comment TABLE usage_log_archives
COMMENT ON TABLE litellm.usage_log_archives IS 'One row per llm_usage_log partition moved to schema litellm_archive by archive_usage_logs(); dropped_at is set when drop_archived_usage_logs() drops the table.';

-- comment COLUMN usage_log_archives.archived_as
COMMENT ON COLUMN litellm.usage_log_archives.archived_as IS 'Name of the table in schema litellm_archive (the partition''s name, with a suffix if that name was taken).';

-- comment COLUMN usage_log_archives.partition_name
COMMENT ON COLUMN litellm.usage_log_archives.partition_name IS 'Name the table had as a partition of litellm.llm_usage_log (llm_usage_log_pYYYYMM).';

-- comment COLUMN usage_log_archives.range_start
COMMENT ON COLUMN litellm.usage_log_archives.range_start IS 'First instant the partition covered (inclusive).';

-- comment COLUMN usage_log_archives.range_end
COMMENT ON COLUMN litellm.usage_log_archives.range_end IS 'End of the range the partition covered (exclusive).';

-- comment COLUMN usage_log_archives.row_estimate
COMMENT ON COLUMN litellm.usage_log_archives.row_estimate IS 'pg_class.reltuples at the time of the move (the planner''s estimate, from the last VACUUM or ANALYZE); NULL when the table had never been analysed.';

-- sequence usage_summary_generation
CREATE SEQUENCE litellm.usage_summary_generation
    START WITH 0
    INCREMENT BY 1
    MINVALUE 0
    NO MAXVALUE
    CACHE 1;

-- comment SEQUENCE usage_summary_generation
COMMENT ON SEQUENCE litellm.usage_summary_generation IS 'Selects the usage_summary_pending slot writers append to: last_value % 2. refresh_usage_summary() advances it to switch writers to the other slot; being non-transactional, the switch is seen by every session at once.';

-- table usage_summary_pending
CREATE TABLE litellm.usage_summary_pending (
    slot smallint NOT NULL,
    date date NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    tenant_id text NOT NULL,
    organization_id text NOT NULL,
    team_id text NOT NULL,
    service_name text NOT NULL,
    operation text NOT NULL,
    request_count bigint NOT NULL,
    success_count bigint NOT NULL,
    failure_count bigint NOT NULL,
    total_prompt_tokens bigint NOT NULL,
    total_completion_tokens bigint NOT NULL,
    total_tokens bigint NOT NULL,
    total_latency_ms bigint NOT NULL,
    latency_count bigint NOT NULL,
    total_cost numeric(20,6) NOT NULL,
    total_cost_usd numeric(20,8) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
)
PARTITION BY LIST (slot);

-- comment TABLE usage_summary_pending
COMMENT ON TABLE litellm.usage_summary_pending IS 'Queue of summary deltas: one row per (statement, key) written by the log''s triggers into the current slot, folded into llm_usage_summary and llm_usage_attribution_summary by refresh_usage_summary(). Its size is the refresh backlog. The key is the union of both summaries'' keys; attribution columns hold '''' for NULL.';

-- comment COLUMN usage_summary_pending.slot
COMMENT ON COLUMN litellm.usage_summary_pending.slot IS '0 or 1: the partition (usage_summary_pending_0 or _1) the row was appended to, chosen by usage_summary_generation.';

-- comment COLUMN usage_summary_pending.request_count
COMMENT ON COLUMN litellm.usage_summary_pending.request_count IS 'Signed delta: inserts add, an UPDATE of a log row subtracts the old row and adds the new one.';

-- comment COLUMN usage_summary_pending.created_at
COMMENT ON COLUMN litellm.usage_summary_pending.created_at IS 'When the delta was queued; min(created_at) is the age of the oldest unrefreshed change.';

-- table usage_summary_pending_0
CREATE TABLE litellm.usage_summary_pending_0 (
    slot smallint NOT NULL,
    date date NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    tenant_id text NOT NULL,
    organization_id text NOT NULL,
    team_id text NOT NULL,
    service_name text NOT NULL,
    operation text NOT NULL,
    request_count bigint NOT NULL,
    success_count bigint NOT NULL,
    failure_count bigint NOT NULL,
    total_prompt_tokens bigint NOT NULL,
    total_completion_tokens bigint NOT NULL,
    total_tokens bigint NOT NULL,
    total_latency_ms bigint NOT NULL,
    latency_count bigint NOT NULL,
    total_cost numeric(20,6) NOT NULL,
    total_cost_usd numeric(20,8) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment TABLE usage_summary_pending_0
COMMENT ON TABLE litellm.usage_summary_pending_0 IS 'Slot 0 of usage_summary_pending (writers use it while usage_summary_generation is even). Emptied by TRUNCATE.';

-- table usage_summary_pending_1
CREATE TABLE litellm.usage_summary_pending_1 (
    slot smallint NOT NULL,
    date date NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    model text NOT NULL,
    tenant_id text NOT NULL,
    organization_id text NOT NULL,
    team_id text NOT NULL,
    service_name text NOT NULL,
    operation text NOT NULL,
    request_count bigint NOT NULL,
    success_count bigint NOT NULL,
    failure_count bigint NOT NULL,
    total_prompt_tokens bigint NOT NULL,
    total_completion_tokens bigint NOT NULL,
    total_tokens bigint NOT NULL,
    total_latency_ms bigint NOT NULL,
    latency_count bigint NOT NULL,
    total_cost numeric(20,6) NOT NULL,
    total_cost_usd numeric(20,8) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment TABLE usage_summary_pending_1
COMMENT ON TABLE litellm.usage_summary_pending_1 IS 'Slot 1 of usage_summary_pending (writers use it while usage_summary_generation is odd). Emptied by TRUNCATE.';

-- table user_credits
CREATE TABLE litellm.user_credits (
    user_id text NOT NULL,
    credits_remaining numeric(20,6) DEFAULT 0 NOT NULL,
    tier text DEFAULT 'free'::text NOT NULL,
    monthly_cap numeric(20,6),
    total_purchased numeric(20,6) DEFAULT 0 NOT NULL,
    total_granted numeric(20,6) DEFAULT 0 NOT NULL,
    total_spent numeric(20,6) DEFAULT 0 NOT NULL,
    last_seq bigint DEFAULT 0 NOT NULL,
    last_reset timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    credits_held numeric(20,6) DEFAULT 0 NOT NULL,
    month_start date,
    month_spent numeric(20,6) DEFAULT 0 NOT NULL,
    next_expiry_at timestamp with time zone,
    slot_count smallint DEFAULT 1 NOT NULL,
    cap_fraction numeric DEFAULT 1 NOT NULL,
    CONSTRAINT user_credits_rules CHECK (litellm._user_credits_rules(user_id, credits_remaining, credits_held, month_spent, monthly_cap, total_purchased, total_granted, total_spent, last_seq, slot_count, cap_fraction))
)
WITH (fillfactor='50');

-- comment TABLE user_credits
COMMENT ON TABLE litellm.user_credits IS 'One account per user: the cached balance and running totals, kept equal to the journal (credit_transactions) by the API functions. Never negative.';

-- comment COLUMN user_credits.credits_remaining
COMMENT ON COLUMN litellm.user_credits.credits_remaining IS 'Current balance in credits (100 credits = 10 USD by default). Equals the sum of the user''s journal amounts.';

-- comment COLUMN user_credits.monthly_cap
COMMENT ON COLUMN litellm.user_credits.monthly_cap IS 'Spending cap per calendar month for this user; NULL falls back to the tier''s cap.';

-- comment COLUMN user_credits.total_purchased
COMMENT ON COLUMN litellm.user_credits.total_purchased IS 'Sum of purchase entries.';

-- comment COLUMN user_credits.total_granted
COMMENT ON COLUMN litellm.user_credits.total_granted IS 'Sum of bonus, trial and promo entries.';

-- comment COLUMN user_credits.total_spent
COMMENT ON COLUMN litellm.user_credits.total_spent IS 'Sum of usage debits (as a positive number).';

-- comment COLUMN user_credits.last_seq
COMMENT ON COLUMN litellm.user_credits.last_seq IS 'Sequence number of the user''s latest journal entry; entries are numbered 1, 2, 3 ... without gaps.';

-- comment COLUMN user_credits.last_reset
COMMENT ON COLUMN litellm.user_credits.last_reset IS 'When the account was created, in the column the original account table had; the package never updates it. The monthly cap runs on month_start and month_spent.';

-- comment COLUMN user_credits.credits_held
COMMENT ON COLUMN litellm.user_credits.credits_held IS 'Sum of the user''s live holds (credit_holds in status held). Available balance = credits_remaining - credits_held.';

-- comment COLUMN user_credits.month_start
COMMENT ON COLUMN litellm.user_credits.month_start IS 'First day (UTC) of the month month_spent counts; a debit in a later month starts the count again.';

-- comment COLUMN user_credits.month_spent
COMMENT ON COLUMN litellm.user_credits.month_spent IS 'Credits charged in the month starting month_start, net of refunds: checked against the monthly cap.';

-- comment COLUMN user_credits.next_expiry_at
COMMENT ON COLUMN litellm.user_credits.next_expiry_at IS 'Earliest time a lot or hold of this user may expire (or earlier): when it has passed, the next debit first sweeps expired lots and holds.';

-- comment COLUMN user_credits.slot_count
COMMENT ON COLUMN litellm.user_credits.slot_count IS 'Number of slots the account is split into (set_account_slots): 1, the default, is one account row as always; with n > 1 this row is slot 0 and credit_slots holds the active slots 1 .. n - 1. The account''s balance, holds and spending are then the sums over its slots.';

-- comment COLUMN user_credits.cap_fraction
COMMENT ON COLUMN litellm.user_credits.cap_fraction IS 'The share of the monthly cap that slot 0 may spend and hold this month: 1 for an account of one slot. The active slots'' fractions sum to exactly 1; a slot''s share is trunc(cap_fraction * cap, 6), so the shares never sum past the cap.';

-- table user_provider_keys
CREATE TABLE litellm.user_provider_keys (
    id bigint NOT NULL,
    user_id text NOT NULL,
    provider text NOT NULL,
    encrypted_api_key text NOT NULL,
    key_name text,
    key_hint text,
    enabled boolean DEFAULT true NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    last_used_at timestamp with time zone,
    encryption_key_id text,
    CONSTRAINT user_provider_keys_encrypted_api_key_check CHECK ((encrypted_api_key ~ '^gAAAAA[A-Za-z0-9_-]+={0,2}$'::text)),
    CONSTRAINT user_provider_keys_encryption_key_id_check CHECK ((encryption_key_id ~ '^[0-9a-f]{16}$'::text)),
    CONSTRAINT user_provider_keys_key_hint_check CHECK ((length(key_hint) <= 32)),
    CONSTRAINT user_provider_keys_provider_check CHECK ((provider ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text))
);

-- comment TABLE user_provider_keys
COMMENT ON TABLE litellm.user_provider_keys IS 'Users'' own provider API keys, stored only as Fernet ciphertext (the database never sees a plaintext key). One key per user and provider.';

-- comment COLUMN user_provider_keys.encrypted_api_key
COMMENT ON COLUMN litellm.user_provider_keys.encrypted_api_key IS 'Fernet token (urlsafe base64, starts with gAAAAA) produced by the client.';

-- comment COLUMN user_provider_keys.key_name
COMMENT ON COLUMN litellm.user_provider_keys.key_name IS 'The user''s label for the key, such as My OpenAI Key.';

-- comment COLUMN user_provider_keys.key_hint
COMMENT ON COLUMN litellm.user_provider_keys.key_hint IS 'Masked form for display, such as sk-...abcd; never enough to use the key.';

-- comment COLUMN user_provider_keys.enabled
COMMENT ON COLUMN litellm.user_provider_keys.enabled IS 'false: the key is kept but not handed out for use (get_user_api_key skips it).';

-- comment COLUMN user_provider_keys.metadata
COMMENT ON COLUMN litellm.user_provider_keys.metadata IS 'Caller-supplied context (a JSON object), stored as given; never the key.';

-- comment COLUMN user_provider_keys.last_used_at
COMMENT ON COLUMN litellm.user_provider_keys.last_used_at IS 'When get_user_api_key last handed the key out, to the minute (it is not rewritten more often than once a minute).';

-- comment COLUMN user_provider_keys.encryption_key_id
COMMENT ON COLUMN litellm.user_provider_keys.encryption_key_id IS 'Fingerprint of the Fernet key that encrypted encrypted_api_key: the first 16 hex digits of SHA-256("litellm-db:fernet-key-id:" || key), computed by the client. NULL: unknown (written without the API).';

-- sequence user_provider_keys_id_seq
ALTER TABLE litellm.user_provider_keys ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.user_provider_keys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- table user_tier_history
CREATE TABLE litellm.user_tier_history (
    history_id bigint NOT NULL,
    user_id text NOT NULL,
    old_tier text,
    new_tier text NOT NULL,
    reason text,
    changed_by text DEFAULT SESSION_USER NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment TABLE user_tier_history
COMMENT ON TABLE litellm.user_tier_history IS 'Every change of a user''s tier, written by set_user_tier(): from, to, why, who and when.';

-- comment COLUMN user_tier_history.old_tier
COMMENT ON COLUMN litellm.user_tier_history.old_tier IS 'The tier before the change.';

-- comment COLUMN user_tier_history.changed_by
COMMENT ON COLUMN litellm.user_tier_history.changed_by IS 'session_user of the change (the login role; set_user_tier runs as its owner).';

-- sequence user_tier_history_history_id_seq
ALTER TABLE litellm.user_tier_history ALTER COLUMN history_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME litellm.user_tier_history_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- sequence wal_flush_mark
CREATE SEQUENCE litellm.wal_flush_mark
    AS smallint
    START WITH 0
    INCREMENT BY 1
    MINVALUE 0
    MAXVALUE 1
    CACHE 1;

-- comment SEQUENCE wal_flush_mark
COMMENT ON SEQUENCE litellm.wal_flush_mark IS 'Set by debit_user_credits_early_release so that its second transaction has a WAL record, and so a commit that waits until the WAL is on disk up to it. Its value means nothing.';

-- sequence owned by llm_usage_log_id_seq
ALTER SEQUENCE litellm.llm_usage_log_id_seq OWNED BY litellm.llm_usage_log.id;

-- comment SEQUENCE llm_usage_log_id_seq
COMMENT ON SEQUENCE litellm.llm_usage_log_id_seq IS 'Ids of llm_usage_log rows. A plain sequence default (not an identity column) so that partitions created with LIKE ... INCLUDING DEFAULTS number rows too.';

-- table attach llm_usage_log_default
ALTER TABLE ONLY litellm.llm_usage_log ATTACH PARTITION litellm.llm_usage_log_default DEFAULT;

-- table attach usage_summary_pending_0
ALTER TABLE ONLY litellm.usage_summary_pending ATTACH PARTITION litellm.usage_summary_pending_0 FOR VALUES IN ('0');

-- table attach usage_summary_pending_1
ALTER TABLE ONLY litellm.usage_summary_pending ATTACH PARTITION litellm.usage_summary_pending_1 FOR VALUES IN ('1');

-- default llm_usage_log id
ALTER TABLE ONLY litellm.llm_usage_log ALTER COLUMN id SET DEFAULT nextval('litellm.llm_usage_log_id_seq'::regclass);

-- constraint budget_alerts budget_alerts_budget_id_period_start_threshold_key
ALTER TABLE ONLY litellm.budget_alerts
    ADD CONSTRAINT budget_alerts_budget_id_period_start_threshold_key UNIQUE (budget_id, period_start, threshold);

-- constraint budget_alerts budget_alerts_pkey
ALTER TABLE ONLY litellm.budget_alerts
    ADD CONSTRAINT budget_alerts_pkey PRIMARY KEY (alert_id);

-- constraint budget_counters budget_counters_pkey
ALTER TABLE ONLY litellm.budget_counters
    ADD CONSTRAINT budget_counters_pkey PRIMARY KEY (budget_id, period_start, share);

-- constraint budget_subjects budget_subjects_pkey
ALTER TABLE ONLY litellm.budget_subjects
    ADD CONSTRAINT budget_subjects_pkey PRIMARY KEY (user_id);

-- constraint budgets budgets_pkey
ALTER TABLE ONLY litellm.budgets
    ADD CONSTRAINT budgets_pkey PRIMARY KEY (budget_id);

-- constraint credit_allocations credit_allocations_pkey
ALTER TABLE ONLY litellm.credit_allocations
    ADD CONSTRAINT credit_allocations_pkey PRIMARY KEY (transaction_id, lot_id);

-- constraint credit_holds credit_holds_pkey
ALTER TABLE ONLY litellm.credit_holds
    ADD CONSTRAINT credit_holds_pkey PRIMARY KEY (hold_id);

-- constraint credit_holds credit_holds_user_id_request_id_key
ALTER TABLE ONLY litellm.credit_holds
    ADD CONSTRAINT credit_holds_user_id_request_id_key UNIQUE (user_id, request_id);

-- constraint credit_lots credit_lots_pkey
ALTER TABLE ONLY litellm.credit_lots
    ADD CONSTRAINT credit_lots_pkey PRIMARY KEY (lot_id);

-- constraint credit_lots credit_lots_transaction_id_key
ALTER TABLE ONLY litellm.credit_lots
    ADD CONSTRAINT credit_lots_transaction_id_key UNIQUE (transaction_id);

-- constraint credit_packages credit_packages_name_key
ALTER TABLE ONLY litellm.credit_packages
    ADD CONSTRAINT credit_packages_name_key UNIQUE (name);

-- constraint credit_packages credit_packages_pkey
ALTER TABLE ONLY litellm.credit_packages
    ADD CONSTRAINT credit_packages_pkey PRIMARY KEY (package_id);

-- constraint credit_slots credit_slots_pkey
ALTER TABLE ONLY litellm.credit_slots
    ADD CONSTRAINT credit_slots_pkey PRIMARY KEY (user_id, slot);

-- constraint credit_transactions credit_transactions_pkey
ALTER TABLE ONLY litellm.credit_transactions
    ADD CONSTRAINT credit_transactions_pkey PRIMARY KEY (id);

-- constraint credit_transactions credit_transactions_user_id_slot_seq_key
ALTER TABLE ONLY litellm.credit_transactions
    ADD CONSTRAINT credit_transactions_user_id_slot_seq_key UNIQUE (user_id, slot, seq);

-- constraint credit_types credit_types_pkey
ALTER TABLE ONLY litellm.credit_types
    ADD CONSTRAINT credit_types_pkey PRIMARY KEY (transaction_type);

-- constraint end_user_token_keys end_user_token_keys_pkey
ALTER TABLE ONLY litellm.end_user_token_keys
    ADD CONSTRAINT end_user_token_keys_pkey PRIMARY KEY (key_id);

-- constraint health_thresholds health_thresholds_pkey
ALTER TABLE ONLY litellm.health_thresholds
    ADD CONSTRAINT health_thresholds_pkey PRIMARY KEY (singleton);

-- constraint llm_usage_attribution_summary llm_usage_attribution_summary_pkey
ALTER TABLE ONLY litellm.llm_usage_attribution_summary
    ADD CONSTRAINT llm_usage_attribution_summary_pkey PRIMARY KEY (date, tenant_id, organization_id, team_id, service_name, operation, provider, model);

-- constraint llm_usage_log llm_usage_log_pkey
ALTER TABLE ONLY litellm.llm_usage_log
    ADD CONSTRAINT llm_usage_log_pkey PRIMARY KEY (user_id, created_at, id);

-- constraint llm_usage_log_default llm_usage_log_default_pkey
ALTER TABLE ONLY litellm.llm_usage_log_default
    ADD CONSTRAINT llm_usage_log_default_pkey PRIMARY KEY (user_id, created_at, id);

-- constraint llm_usage_summary llm_usage_summary_pkey
ALTER TABLE ONLY litellm.llm_usage_summary
    ADD CONSTRAINT llm_usage_summary_pkey PRIMARY KEY (date, user_id, provider, model);

-- constraint locks locks_pkey
ALTER TABLE ONLY litellm.locks
    ADD CONSTRAINT locks_pkey PRIMARY KEY (lock_key);

-- constraint maintenance_jobs maintenance_jobs_pkey
ALTER TABLE ONLY litellm.maintenance_jobs
    ADD CONSTRAINT maintenance_jobs_pkey PRIMARY KEY (job);

-- constraint model_price_audit model_price_audit_pkey
ALTER TABLE ONLY litellm.model_price_audit
    ADD CONSTRAINT model_price_audit_pkey PRIMARY KEY (audit_id);

-- constraint model_prices model_prices_period_start
ALTER TABLE ONLY litellm.model_prices
    ADD CONSTRAINT model_prices_period_start UNIQUE (provider, model, effective_from);

-- constraint model_prices model_prices_pkey
ALTER TABLE ONLY litellm.model_prices
    ADD CONSTRAINT model_prices_pkey PRIMARY KEY (price_id);

-- constraint organizations organizations_pkey
ALTER TABLE ONLY litellm.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (organization_id);

-- constraint power_levels power_levels_pkey
ALTER TABLE ONLY litellm.power_levels
    ADD CONSTRAINT power_levels_pkey PRIMARY KEY (power_level);

-- constraint pricing_settings pricing_settings_pkey
ALTER TABLE ONLY litellm.pricing_settings
    ADD CONSTRAINT pricing_settings_pkey PRIMARY KEY (singleton);

-- constraint provider_aliases provider_aliases_pkey
ALTER TABLE ONLY litellm.provider_aliases
    ADD CONSTRAINT provider_aliases_pkey PRIMARY KEY (alias);

-- constraint provider_health provider_health_pkey
ALTER TABLE ONLY litellm.provider_health
    ADD CONSTRAINT provider_health_pkey PRIMARY KEY (provider);

-- constraint role_names role_names_pkey
ALTER TABLE ONLY litellm.role_names
    ADD CONSTRAINT role_names_pkey PRIMARY KEY (purpose);

-- constraint role_names role_names_role_name_key
ALTER TABLE ONLY litellm.role_names
    ADD CONSTRAINT role_names_role_name_key UNIQUE (role_name);

-- constraint schema_migrations schema_migrations_pkey
ALTER TABLE ONLY litellm.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

-- constraint spend_daily spend_daily_pkey
ALTER TABLE ONLY litellm.spend_daily
    ADD CONSTRAINT spend_daily_pkey PRIMARY KEY (user_id, date, team_id, organization_id, model);

-- constraint spend_tag_daily spend_tag_daily_pkey
ALTER TABLE ONLY litellm.spend_tag_daily
    ADD CONSTRAINT spend_tag_daily_pkey PRIMARY KEY (user_id, date, tag);

-- constraint team_memberships team_memberships_pkey
ALTER TABLE ONLY litellm.team_memberships
    ADD CONSTRAINT team_memberships_pkey PRIMARY KEY (user_id, team_id);

-- constraint teams teams_pkey
ALTER TABLE ONLY litellm.teams
    ADD CONSTRAINT teams_pkey PRIMARY KEY (team_id);

-- constraint tiers tiers_pkey
ALTER TABLE ONLY litellm.tiers
    ADD CONSTRAINT tiers_pkey PRIMARY KEY (tier);

-- constraint usage_log_archives usage_log_archives_pkey
ALTER TABLE ONLY litellm.usage_log_archives
    ADD CONSTRAINT usage_log_archives_pkey PRIMARY KEY (archived_as);

-- constraint user_credits user_credits_pkey
ALTER TABLE ONLY litellm.user_credits
    ADD CONSTRAINT user_credits_pkey PRIMARY KEY (user_id);

-- constraint user_provider_keys user_provider_keys_pkey
ALTER TABLE ONLY litellm.user_provider_keys
    ADD CONSTRAINT user_provider_keys_pkey PRIMARY KEY (id);

-- constraint user_provider_keys user_provider_keys_user_id_provider_key
ALTER TABLE ONLY litellm.user_provider_keys
    ADD CONSTRAINT user_provider_keys_user_id_provider_key UNIQUE (user_id, provider);

-- constraint user_tier_history user_tier_history_pkey
ALTER TABLE ONLY litellm.user_tier_history
    ADD CONSTRAINT user_tier_history_pkey PRIMARY KEY (user_id, history_id);

-- index budget_alerts_created
CREATE INDEX budget_alerts_created ON litellm.budget_alerts USING btree (created_at DESC);

-- index budgets_identity
CREATE UNIQUE INDEX budgets_identity ON litellm.budgets USING btree (level, COALESCE(user_id, ''::text), COALESCE(team_id, ''::text), COALESCE(organization_id, ''::text), COALESCE(model, ''::text), period);

-- index budgets_membership
CREATE INDEX budgets_membership ON litellm.budgets USING btree (user_id, team_id) WHERE (level = 'membership'::text);

-- index budgets_organization
CREATE INDEX budgets_organization ON litellm.budgets USING btree (organization_id) WHERE (level = 'organization'::text);

-- index budgets_team
CREATE INDEX budgets_team ON litellm.budgets USING btree (team_id) WHERE (level = 'team'::text);

-- index budgets_user
CREATE INDEX budgets_user ON litellm.budgets USING btree (user_id) WHERE (level = 'user'::text);

-- index credit_allocations_lot
CREATE INDEX credit_allocations_lot ON litellm.credit_allocations USING btree (lot_id);

-- index credit_holds_live
CREATE INDEX credit_holds_live ON litellm.credit_holds USING btree (user_id, expires_at) WHERE (status = 'held'::text);

-- index credit_lots_consumption_order
CREATE INDEX credit_lots_consumption_order ON litellm.credit_lots USING btree (user_id, priority, expires_at, lot_id) WHERE (NOT depleted);

-- index credit_lots_expiring
CREATE INDEX credit_lots_expiring ON litellm.credit_lots USING btree (expires_at) WHERE ((NOT depleted) AND (expires_at IS NOT NULL));

-- index credit_lots_slot_consumption_order
CREATE INDEX credit_lots_slot_consumption_order ON litellm.credit_lots USING btree (user_id, slot, priority, expires_at, lot_id) WHERE ((slot > 0) AND (NOT depleted));

-- index credit_transactions_idempotency_key
CREATE UNIQUE INDEX credit_transactions_idempotency_key ON litellm.credit_transactions USING btree (user_id, idempotency_key) WHERE (idempotency_key IS NOT NULL);

-- index credit_transactions_reverses
CREATE INDEX credit_transactions_reverses ON litellm.credit_transactions USING btree (reverses_transaction_id) WHERE (reverses_transaction_id IS NOT NULL);

-- index credit_transactions_stripe_key
CREATE UNIQUE INDEX credit_transactions_stripe_key ON litellm.credit_transactions USING btree (stripe_transaction_id) WHERE (stripe_transaction_id IS NOT NULL);

-- index credit_transactions_transfer_of
CREATE UNIQUE INDEX credit_transactions_transfer_of ON litellm.credit_transactions USING btree (transfer_of) WHERE (transfer_of IS NOT NULL);

-- index credit_transactions_transfers
CREATE INDEX credit_transactions_transfers ON litellm.credit_transactions USING btree (user_id) WHERE (transaction_type = 'transfer'::text);

-- comment INDEX credit_transactions_transfers
COMMENT ON INDEX litellm.credit_transactions_transfers IS 'The transfer entries of each account (moves between its slots), counted out of the account''s number of entries.';

-- index credit_transactions_type_created
CREATE INDEX credit_transactions_type_created ON litellm.credit_transactions USING btree (transaction_type, created_at DESC) WHERE (transaction_type <> 'usage'::text);

-- index credit_transactions_user_created
CREATE INDEX credit_transactions_user_created ON litellm.credit_transactions USING btree (user_id, created_at DESC);

-- index end_user_token_keys_one_current
CREATE UNIQUE INDEX end_user_token_keys_one_current ON litellm.end_user_token_keys USING btree ((true)) WHERE (retired_at IS NULL);

-- index llm_usage_attribution_summary_organization
CREATE INDEX llm_usage_attribution_summary_organization ON litellm.llm_usage_attribution_summary USING btree (organization_id, date);

-- index llm_usage_attribution_summary_service
CREATE INDEX llm_usage_attribution_summary_service ON litellm.llm_usage_attribution_summary USING btree (service_name, date);

-- index llm_usage_attribution_summary_tenant
CREATE INDEX llm_usage_attribution_summary_tenant ON litellm.llm_usage_attribution_summary USING btree (tenant_id, date);

-- index llm_usage_log_created_brin
CREATE INDEX llm_usage_log_created_brin ON ONLY litellm.llm_usage_log USING brin (created_at);

-- index llm_usage_log_default_created_at_idx
CREATE INDEX llm_usage_log_default_created_at_idx ON litellm.llm_usage_log_default USING btree (created_at) WHERE (NOT success);

-- index llm_usage_log_default_created_at_idx1
CREATE INDEX llm_usage_log_default_created_at_idx1 ON litellm.llm_usage_log_default USING brin (created_at);

-- index llm_usage_log_default_litellm_call_id_idx
CREATE INDEX llm_usage_log_default_litellm_call_id_idx ON litellm.llm_usage_log_default USING btree (litellm_call_id) WHERE (litellm_call_id IS NOT NULL);

-- index llm_usage_log_default_request_id_idx
CREATE INDEX llm_usage_log_default_request_id_idx ON litellm.llm_usage_log_default USING btree (request_id) WHERE (request_id IS NOT NULL);

-- index llm_usage_log_failures
CREATE INDEX llm_usage_log_failures ON ONLY litellm.llm_usage_log USING btree (created_at) WHERE (NOT success);

-- index llm_usage_log_litellm_call_id
CREATE INDEX llm_usage_log_litellm_call_id ON ONLY litellm.llm_usage_log USING btree (litellm_call_id) WHERE (litellm_call_id IS NOT NULL);

-- index llm_usage_log_request_id
CREATE INDEX llm_usage_log_request_id ON ONLY litellm.llm_usage_log USING btree (request_id) WHERE (request_id IS NOT NULL);

-- index llm_usage_summary_user_date
CREATE INDEX llm_usage_summary_user_date ON litellm.llm_usage_summary USING btree (user_id, date);

-- index model_price_audit_model
CREATE INDEX model_price_audit_model ON litellm.model_price_audit USING btree (provider, model, changed_at);

-- index spend_daily_organization
CREATE INDEX spend_daily_organization ON litellm.spend_daily USING btree (organization_id, date) WHERE (organization_id <> ''::text);

-- index spend_daily_team
CREATE INDEX spend_daily_team ON litellm.spend_daily USING btree (team_id, date);

-- index spend_tag_daily_tag
CREATE INDEX spend_tag_daily_tag ON litellm.spend_tag_daily USING btree (tag, date);

-- index team_memberships_one_primary
CREATE UNIQUE INDEX team_memberships_one_primary ON litellm.team_memberships USING btree (user_id) WHERE is_primary;

-- index team_memberships_team
CREATE INDEX team_memberships_team ON litellm.team_memberships USING btree (team_id, user_id);

-- index teams_organization
CREATE INDEX teams_organization ON litellm.teams USING btree (organization_id) WHERE (organization_id IS NOT NULL);

-- index user_credits_next_expiry
CREATE INDEX user_credits_next_expiry ON litellm.user_credits USING btree (next_expiry_at) WHERE (next_expiry_at IS NOT NULL);

-- index attach llm_usage_log_default_created_at_idx
ALTER INDEX litellm.llm_usage_log_failures ATTACH PARTITION litellm.llm_usage_log_default_created_at_idx;

-- index attach llm_usage_log_default_created_at_idx1
ALTER INDEX litellm.llm_usage_log_created_brin ATTACH PARTITION litellm.llm_usage_log_default_created_at_idx1;

-- index attach llm_usage_log_default_litellm_call_id_idx
ALTER INDEX litellm.llm_usage_log_litellm_call_id ATTACH PARTITION litellm.llm_usage_log_default_litellm_call_id_idx;

-- index attach llm_usage_log_default_pkey
ALTER INDEX litellm.llm_usage_log_pkey ATTACH PARTITION litellm.llm_usage_log_default_pkey;

-- index attach llm_usage_log_default_request_id_idx
ALTER INDEX litellm.llm_usage_log_request_id ATTACH PARTITION litellm.llm_usage_log_default_request_id_idx;

-- trigger budgets budgets_sync_subject
CREATE TRIGGER budgets_sync_subject AFTER INSERT OR DELETE OR UPDATE ON litellm.budgets FOR EACH ROW EXECUTE FUNCTION litellm._budgets_sync_subject();

-- trigger credit_allocations credit_allocations_append_only
CREATE TRIGGER credit_allocations_append_only BEFORE DELETE OR UPDATE ON litellm.credit_allocations FOR EACH ROW EXECUTE FUNCTION litellm._reject_journal_change();

-- trigger credit_allocations credit_allocations_no_truncate
CREATE TRIGGER credit_allocations_no_truncate BEFORE TRUNCATE ON litellm.credit_allocations FOR EACH STATEMENT EXECUTE FUNCTION litellm._reject_journal_change();

-- trigger credit_holds credit_holds_kept
CREATE TRIGGER credit_holds_kept BEFORE DELETE OR TRUNCATE ON litellm.credit_holds FOR EACH STATEMENT EXECUTE FUNCTION litellm._reject_ledger_row_removal();

-- trigger credit_lots credit_lots_kept
CREATE TRIGGER credit_lots_kept BEFORE DELETE OR TRUNCATE ON litellm.credit_lots FOR EACH STATEMENT EXECUTE FUNCTION litellm._reject_ledger_row_removal();

-- trigger credit_slots credit_slots_kept
CREATE TRIGGER credit_slots_kept BEFORE DELETE OR TRUNCATE ON litellm.credit_slots FOR EACH STATEMENT EXECUTE FUNCTION litellm._reject_ledger_row_removal();

-- trigger credit_transactions credit_transactions_append_only
CREATE TRIGGER credit_transactions_append_only BEFORE DELETE OR UPDATE ON litellm.credit_transactions FOR EACH ROW EXECUTE FUNCTION litellm._reject_journal_change();

-- trigger credit_transactions credit_transactions_no_truncate
CREATE TRIGGER credit_transactions_no_truncate BEFORE TRUNCATE ON litellm.credit_transactions FOR EACH STATEMENT EXECUTE FUNCTION litellm._reject_journal_change();

-- trigger llm_usage_log llm_usage_log_defaults
CREATE TRIGGER llm_usage_log_defaults BEFORE INSERT ON litellm.llm_usage_log FOR EACH ROW WHEN (((new.total_tokens IS NULL) OR (new.prompt_tokens IS NULL) OR (new.completion_tokens IS NULL) OR (new.cost_credits IS NULL) OR (new.request_metadata IS NULL) OR (new.response_metadata IS NULL))) EXECUTE FUNCTION litellm._usage_log_defaults();

-- trigger llm_usage_log llm_usage_log_enqueue_inserts
CREATE TRIGGER llm_usage_log_enqueue_inserts AFTER INSERT ON litellm.llm_usage_log REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION litellm._usage_log_enqueue_inserts();

-- trigger llm_usage_log llm_usage_log_enqueue_updates
CREATE TRIGGER llm_usage_log_enqueue_updates AFTER UPDATE ON litellm.llm_usage_log REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION litellm._usage_log_enqueue_updates();

-- trigger llm_usage_log_default llm_usage_log_enqueue_inserts
CREATE TRIGGER llm_usage_log_enqueue_inserts AFTER INSERT ON litellm.llm_usage_log_default REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION litellm._usage_log_enqueue_inserts();

-- trigger llm_usage_log_default llm_usage_log_enqueue_updates
CREATE TRIGGER llm_usage_log_enqueue_updates AFTER UPDATE ON litellm.llm_usage_log_default REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION litellm._usage_log_enqueue_updates();

-- trigger power_levels power_levels_named_by_journal
CREATE TRIGGER power_levels_named_by_journal BEFORE DELETE OR UPDATE OF power_level ON litellm.power_levels FOR EACH ROW EXECUTE FUNCTION litellm._refuse_named_power_level_change();

-- trigger power_levels power_levels_truncate_named_by_journal
CREATE TRIGGER power_levels_truncate_named_by_journal BEFORE TRUNCATE ON litellm.power_levels FOR EACH STATEMENT EXECUTE FUNCTION litellm._refuse_named_power_level_change();

-- trigger provider_aliases provider_aliases_changed
CREATE TRIGGER provider_aliases_changed AFTER INSERT OR UPDATE ON litellm.provider_aliases FOR EACH ROW EXECUTE FUNCTION litellm._provider_alias_changed();

-- trigger team_memberships team_memberships_sync_subject
CREATE TRIGGER team_memberships_sync_subject AFTER INSERT OR DELETE OR UPDATE ON litellm.team_memberships FOR EACH ROW EXECUTE FUNCTION litellm._team_memberships_sync_subject();

-- trigger user_credits user_credits_kept
CREATE TRIGGER user_credits_kept BEFORE DELETE OR TRUNCATE ON litellm.user_credits FOR EACH STATEMENT EXECUTE FUNCTION litellm._reject_ledger_row_removal();

-- trigger user_provider_keys user_provider_keys_canonical_provider
CREATE TRIGGER user_provider_keys_canonical_provider BEFORE INSERT OR UPDATE OF provider ON litellm.user_provider_keys FOR EACH ROW EXECUTE FUNCTION litellm._canonical_key_provider();

-- fk constraint budget_alerts budget_alerts_budget_id_fkey
ALTER TABLE ONLY litellm.budget_alerts
    ADD CONSTRAINT budget_alerts_budget_id_fkey FOREIGN KEY (budget_id) REFERENCES litellm.budgets(budget_id);

-- fk constraint budget_counters budget_counters_budget_id_fkey
ALTER TABLE ONLY litellm.budget_counters
    ADD CONSTRAINT budget_counters_budget_id_fkey FOREIGN KEY (budget_id) REFERENCES litellm.budgets(budget_id);

-- fk constraint budgets budgets_organization_id_fkey
ALTER TABLE ONLY litellm.budgets
    ADD CONSTRAINT budgets_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES litellm.organizations(organization_id);

-- fk constraint budgets budgets_team_id_fkey
ALTER TABLE ONLY litellm.budgets
    ADD CONSTRAINT budgets_team_id_fkey FOREIGN KEY (team_id) REFERENCES litellm.teams(team_id);

-- fk constraint credit_lots credit_lots_source_lot_id_fkey
ALTER TABLE ONLY litellm.credit_lots
    ADD CONSTRAINT credit_lots_source_lot_id_fkey FOREIGN KEY (source_lot_id) REFERENCES litellm.credit_lots(lot_id);

-- fk constraint credit_lots credit_lots_transaction_id_fkey
ALTER TABLE ONLY litellm.credit_lots
    ADD CONSTRAINT credit_lots_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES litellm.credit_transactions(id);

-- fk constraint credit_lots credit_lots_transaction_type_fkey
ALTER TABLE ONLY litellm.credit_lots
    ADD CONSTRAINT credit_lots_transaction_type_fkey FOREIGN KEY (transaction_type) REFERENCES litellm.credit_types(transaction_type);

-- fk constraint credit_lots credit_lots_user_id_fkey
ALTER TABLE ONLY litellm.credit_lots
    ADD CONSTRAINT credit_lots_user_id_fkey FOREIGN KEY (user_id) REFERENCES litellm.user_credits(user_id);

-- fk constraint credit_slots credit_slots_user_id_fkey
ALTER TABLE ONLY litellm.credit_slots
    ADD CONSTRAINT credit_slots_user_id_fkey FOREIGN KEY (user_id) REFERENCES litellm.user_credits(user_id);

-- fk constraint credit_transactions credit_transactions_package_id_fkey
ALTER TABLE ONLY litellm.credit_transactions
    ADD CONSTRAINT credit_transactions_package_id_fkey FOREIGN KEY (package_id) REFERENCES litellm.credit_packages(package_id);

-- fk constraint credit_transactions credit_transactions_reverses_transaction_id_fkey
ALTER TABLE ONLY litellm.credit_transactions
    ADD CONSTRAINT credit_transactions_reverses_transaction_id_fkey FOREIGN KEY (reverses_transaction_id) REFERENCES litellm.credit_transactions(id);

-- fk constraint credit_transactions credit_transactions_transfer_of_fkey
ALTER TABLE ONLY litellm.credit_transactions
    ADD CONSTRAINT credit_transactions_transfer_of_fkey FOREIGN KEY (transfer_of) REFERENCES litellm.credit_transactions(id);

-- fk constraint model_price_audit model_price_audit_price_id_fkey
ALTER TABLE ONLY litellm.model_price_audit
    ADD CONSTRAINT model_price_audit_price_id_fkey FOREIGN KEY (price_id) REFERENCES litellm.model_prices(price_id);

-- fk constraint team_memberships team_memberships_team_id_fkey
ALTER TABLE ONLY litellm.team_memberships
    ADD CONSTRAINT team_memberships_team_id_fkey FOREIGN KEY (team_id) REFERENCES litellm.teams(team_id);

-- fk constraint teams teams_organization_id_fkey
ALTER TABLE ONLY litellm.teams
    ADD CONSTRAINT teams_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES litellm.organizations(organization_id);

-- fk constraint user_credits user_credits_tier_fkey
ALTER TABLE ONLY litellm.user_credits
    ADD CONSTRAINT user_credits_tier_fkey FOREIGN KEY (tier) REFERENCES litellm.tiers(tier);

-- fk constraint user_provider_keys user_provider_keys_user_id_fkey
ALTER TABLE ONLY litellm.user_provider_keys
    ADD CONSTRAINT user_provider_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES litellm.user_credits(user_id);

-- fk constraint user_tier_history user_tier_history_new_tier_fkey
ALTER TABLE ONLY litellm.user_tier_history
    ADD CONSTRAINT user_tier_history_new_tier_fkey FOREIGN KEY (new_tier) REFERENCES litellm.tiers(tier);

-- fk constraint user_tier_history user_tier_history_old_tier_fkey
ALTER TABLE ONLY litellm.user_tier_history
    ADD CONSTRAINT user_tier_history_old_tier_fkey FOREIGN KEY (old_tier) REFERENCES litellm.tiers(tier);

-- fk constraint user_tier_history user_tier_history_user_id_fkey
ALTER TABLE ONLY litellm.user_tier_history
    ADD CONSTRAINT user_tier_history_user_id_fkey FOREIGN KEY (user_id) REFERENCES litellm.user_credits(user_id);

-- policy credit_slots service_roles
CREATE POLICY service_roles ON litellm.credit_slots TO litellm_app, litellm_analyst USING (true) WITH CHECK (true);

-- comment POLICY service_roles ON credit_slots
COMMENT ON POLICY service_roles ON litellm.credit_slots IS 'The application and analyst roles see every row their grants allow (row-level security is for end users).';

-- policy credit_transactions own_rows
CREATE POLICY own_rows ON litellm.credit_transactions FOR SELECT TO litellm_end_user USING ((user_id = ( SELECT litellm.current_end_user_id() AS current_end_user_id)));

-- comment POLICY own_rows ON credit_transactions
COMMENT ON POLICY own_rows ON litellm.credit_transactions IS 'litellm_end_user sees the journal entries of the user its end-user token proves.';

-- policy credit_transactions service_roles
CREATE POLICY service_roles ON litellm.credit_transactions TO litellm_app, litellm_analyst USING (true) WITH CHECK (true);

-- comment POLICY service_roles ON credit_transactions
COMMENT ON POLICY service_roles ON litellm.credit_transactions IS 'The application and analyst roles see every row their grants allow (row-level security is for end users).';

-- policy llm_usage_log own_rows
CREATE POLICY own_rows ON litellm.llm_usage_log FOR SELECT TO litellm_end_user USING ((user_id = ( SELECT litellm.current_end_user_id() AS current_end_user_id)));

-- comment POLICY own_rows ON llm_usage_log
COMMENT ON POLICY own_rows ON litellm.llm_usage_log IS 'litellm_end_user sees the usage rows of the user its end-user token proves (through llm_usage_log only).';

-- policy llm_usage_log service_roles
CREATE POLICY service_roles ON litellm.llm_usage_log TO litellm_app, litellm_analyst USING (true) WITH CHECK (true);

-- comment POLICY service_roles ON llm_usage_log
COMMENT ON POLICY service_roles ON litellm.llm_usage_log IS 'The application and analyst roles see every row their grants allow (row-level security is for end users).';

-- policy user_credits own_rows
CREATE POLICY own_rows ON litellm.user_credits FOR SELECT TO litellm_end_user USING ((user_id = ( SELECT litellm.current_end_user_id() AS current_end_user_id)));

-- comment POLICY own_rows ON user_credits
COMMENT ON POLICY own_rows ON litellm.user_credits IS 'litellm_end_user sees the account of the user its end-user token proves (litellm.current_end_user_id()), and nothing without a valid token.';

-- policy user_credits service_roles
CREATE POLICY service_roles ON litellm.user_credits TO litellm_app, litellm_analyst USING (true) WITH CHECK (true);

-- comment POLICY service_roles ON user_credits
COMMENT ON POLICY service_roles ON litellm.user_credits IS 'The application and analyst roles see every row their grants allow (row-level security is for end users).';

-- policy user_provider_keys own_rows
CREATE POLICY own_rows ON litellm.user_provider_keys FOR SELECT TO litellm_end_user USING ((user_id = ( SELECT litellm.current_end_user_id() AS current_end_user_id)));

-- comment POLICY own_rows ON user_provider_keys
COMMENT ON POLICY own_rows ON litellm.user_provider_keys IS 'litellm_end_user sees the stored keys of the user its end-user token proves, without their ciphertext.';

-- policy user_provider_keys service_roles
CREATE POLICY service_roles ON litellm.user_provider_keys TO litellm_app, litellm_analyst USING (true) WITH CHECK (true);

-- comment POLICY service_roles ON user_provider_keys
COMMENT ON POLICY service_roles ON litellm.user_provider_keys IS 'The application and analyst roles see every row their grants allow (row-level security is for end users).';

-- row security credit_slots
ALTER TABLE litellm.credit_slots ENABLE ROW LEVEL SECURITY;

-- row security credit_transactions
ALTER TABLE litellm.credit_transactions ENABLE ROW LEVEL SECURITY;

-- row security llm_usage_log
ALTER TABLE litellm.llm_usage_log ENABLE ROW LEVEL SECURITY;

-- row security user_credits
ALTER TABLE litellm.user_credits ENABLE ROW LEVEL SECURITY;

-- row security user_provider_keys
ALTER TABLE litellm.user_provider_keys ENABLE ROW LEVEL SECURITY;
