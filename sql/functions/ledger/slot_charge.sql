-- The charge of a slot account (docs/design/slot-accounts.md) when
-- _charge_slots() (ledger/slots.sql) could not make it in one statement:
-- _charge_slots_waiting() and its one-job helpers, the sweep of every slot
-- due, the consolidation that decides on the account's totals, and the charge
-- of one locked slot with the debit's budgets and journal entry.

create or replace function litellm._slot_totals(account litellm.user_credits)
returns litellm.user_credits
language sql
stable
security invoker
begin atomic
    -- Slot 0's row with the sums over the active slots: balance, held,
    -- spending in all and this month, entries, and the earliest expiry.
    select
        row(
            account.user_id,  -- noqa: RF01
            account.credits_remaining + coalesce(sum(s.credits_remaining), 0),  -- noqa: RF01
            account.tier,  -- noqa: RF01
            account.monthly_cap,  -- noqa: RF01
            account.total_purchased,  -- noqa: RF01
            account.total_granted,  -- noqa: RF01
            account.total_spent + coalesce(sum(s.total_spent), 0),  -- noqa: RF01
            account.last_seq + coalesce(sum(s.last_seq), 0),  -- noqa: RF01
            account.last_reset,  -- noqa: RF01
            account.created_at,  -- noqa: RF01
            account.updated_at,  -- noqa: RF01
            account.credits_held + coalesce(sum(s.credits_held), 0),  -- noqa: RF01
            litellm._current_month(),
            litellm._month_spent(account, litellm._current_month())  -- noqa: RF01, RF03
            + coalesce(sum(litellm._month_spent(litellm._slot_account(s), litellm._current_month())), 0),
            least(account.next_expiry_at, min(s.next_expiry_at)),  -- noqa: RF01
            account.slot_count,  -- noqa: RF01
            1
        )::litellm.user_credits
    from litellm.credit_slots as s
    where s.user_id = account.user_id and s.active;  -- noqa: RF01
end;

comment on function litellm._slot_totals(litellm.user_credits) is
'A slot account as one account: its slot 0 row (the user_credits row) with balance, held credits, spending (in all '
'and this month), entries and next expiry summed over its active slots, so that the account''s rules (_available, '
'_within_monthly_cap with the whole cap, _expiry_due) apply to the account as a whole. Read with every slot locked.';

create or replace function litellm._sweep_slots(user_id text, team_id text, model text)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_due smallint[];
    v_expired numeric := 0;
    v_slot smallint;
begin
    -- Every slot is locked (_lock_slots). The budget counters of every
    -- expired hold and of the charge to come are locked in one call, in lock
    -- order, before any slot is swept.
    select array_agg(d.slot order by d.slot) into v_due
    from (
        select 0::smallint as slot from litellm.user_credits as uc
        where uc.user_id = _sweep_slots.user_id and litellm._expiry_due(uc)
        union all
        select s.slot from litellm.credit_slots as s
        where s.user_id = _sweep_slots.user_id and s.active and litellm._expiry_due(litellm._slot_account(s))
    ) as d;
    if v_due is null then
        return 0;
    end if;
    perform litellm._lock_budget_counters(
        array[_sweep_slots.user_id] || array_agg(h.user_id),
        array[_sweep_slots.team_id] || array_agg(h.metadata ->> 'budget_team'),
        array[_sweep_slots.model] || array_agg(null::text)
    )
    from litellm.credit_holds as h
    where h.user_id = _sweep_slots.user_id and h.status = 'held' and h.expires_at <= pg_catalog.now();
    foreach v_slot in array v_due loop
        v_expired := v_expired + litellm._sweep_expired(_sweep_slots.user_id, v_slot);
    end loop;
    return v_expired;
end
$$;

comment on function litellm._sweep_slots(text, text, text) is
'Sweeps every active slot of the account whose expiry is due (_sweep_expired per slot), after locking, in lock '
'order, the budget counters of the expired holds and of a charge or hold in team_id for model to come. The caller '
'holds every slot''s lock (_lock_slots). Returns the credits expired.';

create or replace function litellm._consolidate_slots(
    user_id text,
    cost numeric,
    team_id text,
    model text,
    out balance numeric,
    out error_code text,
    out error_message text
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_refusal record;
begin
    -- Every slot in slot order, each swept if due; then the decision on the
    -- account's totals (_refusal), and, when it can pay, its credits and cap
    -- shares brought together so that slot 0 covers the charge.
    perform litellm._lock_slots(_consolidate_slots.user_id);
    perform litellm._sweep_slots(_consolidate_slots.user_id, team_id, model);
    v_refusal := litellm._refusal(_consolidate_slots.user_id, cost);
    balance := v_refusal.balance;
    error_code := v_refusal.error_code;
    error_message := v_refusal.error_message;
    if error_code is null then
        perform litellm._slot_rebalance(_consolidate_slots.user_id, 0::smallint, cost);
    end if;
end
$$;

comment on function litellm._consolidate_slots(text, numeric, text, text) is
'For a charge of cost that no slot could take without waiting: locks every slot of the account in slot order, '
'sweeps the slots due (budget counters of the charge in team_id for model locked with the sweep''s), and decides on '
'the account''s totals: error_code and error_message of _refusal() when the account as a whole cannot pay (balance: '
'its balance), else moves credits and cap shares so that slot 0 covers the charge (error_code NULL). Leaves every '
'slot locked.';

create or replace function litellm._charge_slot(
    user_id text,
    slot smallint,
    cost numeric,
    request_id text,
    provider text,
    model text,
    power_level text,
    prompt_tokens bigint,
    completion_tokens bigint,
    metadata jsonb
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_debited numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_user text := _charge_slot.user_id;
    v_month date := litellm._current_month();
    v_written record;
    v_subject litellm.budget_subjects;
    v_team text;
    v_budgeted record;
    v_over_budget boolean := false;
    v_id bigint;
begin
    -- The debit's steps on one locked slot: the slot's balance and spending,
    -- then budgets (their counters locked after the slot) and the journal
    -- entry, then the slot's lots.
    v_written := litellm._slot_write(v_user, _charge_slot.slot, cost, cost, v_month, 1, null);
    select s.* into v_subject from litellm.budget_subjects as s where s.user_id = v_user;
    v_team := litellm._charge_team(metadata ->> 'team_id', v_subject);
    if v_team is not null or coalesce(v_subject.has_user_budgets or v_subject.has_membership_budgets, false) then
        select b.* into v_budgeted
        from litellm._journal_budgeted_debit(v_user, v_written.seq, v_written.balance, v_team, cost, request_id,
                                             provider, model, power_level, prompt_tokens, completion_tokens,
                                             metadata, _charge_slot.slot) as b;
        v_id := v_budgeted.transaction_id;
        v_over_budget := v_budgeted.over_budget;
    else
        v_id := litellm._journal_usage(v_user, v_written.seq, -cost, v_written.balance, provider, model, power_level,
                                       prompt_tokens, completion_tokens, request_id, metadata, _charge_slot.slot);
    end if;
    if v_id is null then
        -- A budget refused it, or the request id is journalled (on any slot).
        perform litellm._slot_write(v_user, _charge_slot.slot, -cost, -cost, v_month, -1, null);
        if v_over_budget then
            return query select false, null::bigint, v_written.balance + cost, 0::numeric, 'budget_exceeded',
                v_budgeted.error_message, false;
            return;
        end if;
        return query select * from litellm._debit_replay(v_user, request_id, cost, provider, model, prompt_tokens,
                                                         completion_tokens, power_level);
        return;
    end if;
    perform litellm._consume_lots(v_user, v_id, cost, _charge_slot.slot);
    return query select true, v_id, v_written.balance, cost, null::text, null::text, false;
end
$$;

comment on function litellm._charge_slot(text, smallint, numeric, text, text, text, text, bigint, bigint, jsonb) is
'Charges cost to one locked slot of an account as the debit charges an account: the slot''s balance and spending, '
'the budgets of the charge''s team (metadata->>''team_id'', else the primary team) and of the user, the usage entry on '
'the slot, and the slot''s lots. Returns the debit''s row: credits_remaining is the slot''s balance; budget_exceeded '
'or a replay (the request id journalled on any slot) take the slot''s charge back.';

create or replace function litellm._charge_slots_waiting(
    user_id text,
    cost numeric,
    provider text default null,
    model text default null,
    prompt_tokens bigint default 0,
    completion_tokens bigint default 0,
    power_level text default null,
    metadata jsonb default '{}',
    request_id text default null
)
returns table (
    success boolean,
    transaction_id bigint,
    credits_remaining numeric,
    amount_debited numeric,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_user text := _charge_slots_waiting.user_id;
    v_cost numeric := _charge_slots_waiting.cost;
    v_key text := _charge_slots_waiting.request_id;
    v_level text;
    v_account litellm.user_credits;
    v_cap numeric;
    v_slot smallint;
    v_refusal record;
begin
    -- The charge of a slot account that _charge_slots() could not make in
    -- one statement, with the debit's replays, budgets and journal entry: a
    -- slot it can lock without waiting that covers it (slot 0 included), else
    -- one slot waited for, else every slot in slot order, refused only when
    -- the account as a whole cannot pay. No row for an account of one slot
    -- (or none): the debit's own path charges it. The arguments come checked
    -- and normalised by _charge_slots() (the cost rounded, metadata, tokens
    -- and request id as the debit reads them), the power level as the caller
    -- spelled it; the caller's lock_timeout bounds the waits.
    select uc.* into v_account from litellm.user_credits as uc where uc.user_id = v_user;
    if not found or v_account.slot_count = 1 then
        return;
    end if;
    -- A replay is found where the charge journals (the journal's unique
    -- request id spans the slots), or, if refused, before the refusal.
    v_level := litellm._check_power_level(_charge_slots_waiting.power_level);
    -- A slot whose expiry is due is swept before a charge that comes this
    -- far: by a consolidation, which holds every slot (a sweep of one slot
    -- would hold it out of the lock order).
    if not litellm._expiry_due(v_account) and not exists (
        select from litellm.credit_slots as s
        where s.user_id = v_user and s.active and litellm._expiry_due(litellm._slot_account(s))
    ) then
        select c.monthly_cap into v_cap from litellm._effective_monthly_cap(v_account) as c;
        v_slot := litellm._pick_slot(v_user, v_cost, v_cap, pg_catalog.pg_backend_pid() % v_account.slot_count);
    end if;
    if v_slot is null then
        v_refusal := litellm._consolidate_slots(
            v_user, v_cost, _charge_slots_waiting.metadata ->> 'team_id', _charge_slots_waiting.model
        );
        if v_refusal.error_code is not null then
            -- Under every slot's lock: a concurrent charge of this request id
            -- may have been journalled since.
            return query select * from litellm._debit_replay(
                v_user, v_key, v_cost, _charge_slots_waiting.provider, _charge_slots_waiting.model,
                _charge_slots_waiting.prompt_tokens, _charge_slots_waiting.completion_tokens, v_level
            );
            if not found then
                return query select false, null::bigint, v_refusal.balance, 0::numeric, v_refusal.error_code,
                    v_refusal.error_message, false;
            end if;
            return;
        end if;
        v_slot := 0;
    end if;
    return query select * from litellm._charge_slot(
        v_user, v_slot, v_cost, v_key, _charge_slots_waiting.provider, _charge_slots_waiting.model, v_level,
        _charge_slots_waiting.prompt_tokens, _charge_slots_waiting.completion_tokens, _charge_slots_waiting.metadata
    );
end
$$;

comment on function litellm._charge_slots_waiting(text, numeric, text, text, bigint, bigint, text, jsonb, text) is
'The debit of a slot account when no slot took it in _charge_slots()''s one statement (every slot busy or short, a '
'budget that applies, a slot due for expiry, an unknown power level), with debit_user_credits()''s arguments '
'(checked and normalised by _charge_slots()) and result: a slot it can lock without waiting that covers the charge, '
'or one slot waited for (_pick_slot), else, with every slot locked in order and the slots due swept, slot 0 after '
'moving credits and cap shares to it (_consolidate_slots); then the slot is charged as the debit charges an account '
'(_charge_slot: budgets, usage entry, lots). Refused only when the account as a whole, or a budget, cannot pay; a '
'replay returns the original entry. No row for an account of one slot or an unknown user.';
