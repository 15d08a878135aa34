-- Internal steps shared by the functions that move credits. Each expects the
-- caller to hold the user's user_credits row lock (see "Lock order" in
-- docs/ledger.md) and to have written the journal entry it names.

create or replace function litellm._first_lot(user_id text, slot smallint default 0)
returns table (lot_id bigint)
language sql
stable
security invoker
begin atomic
    select l.lot_id
    from litellm.credit_lots as l
    where
        l.user_id = _first_lot.user_id  -- noqa: RF01
        and l.slot = _first_lot.slot  -- noqa: RF01
        and not l.depleted
        and (l.expires_at is null or l.expires_at > pg_catalog.now())
    order by l.priority, l.expires_at, l.lot_id
    limit 1;
end;

comment on function litellm._first_lot(text, smallint) is
'The lot a charge of the user''s slot (0: the account row) takes credits from first: the slot''s unexpired lot with '
'credits left that comes first in consumption order (priority, soonest expiry, oldest). Read as (select f.lot_id '
'from litellm._first_lot(user_id) as f) so that the planner inlines it.';

create or replace function litellm._take_from_lots(
    user_id text, transaction_id bigint, amount numeric, expired boolean, slot smallint default 0
)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_left numeric := amount;
    v_take numeric;
    v_lot record;
begin
    -- Unexpired lots in consumption order (as _first_lot()), or expired lots
    -- soonest expired first.
    for v_lot in
        select l.lot_id, l.remaining
        from litellm.credit_lots as l
        where l.user_id = _take_from_lots.user_id
          and l.slot = _take_from_lots.slot
          and not l.depleted
          and coalesce(l.expires_at <= pg_catalog.now(), false) = _take_from_lots.expired
        order by case when _take_from_lots.expired then 0 else l.priority end, l.expires_at, l.lot_id
        for update
    loop
        exit when v_left = 0;
        v_take := least(v_lot.remaining, v_left);
        update litellm.credit_lots as l set remaining = l.remaining - v_take where l.lot_id = v_lot.lot_id;
        insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
        values (_take_from_lots.transaction_id, v_lot.lot_id, _take_from_lots.user_id, v_take);
        v_left := v_left - v_take;
    end loop;
    return v_left;
end
$$;

comment on function litellm._take_from_lots(text, bigint, numeric, boolean, smallint) is
'Takes up to amount from the lots of the user''s slot (0: the account row) with credits left, as allocations of '
'the given journal entry, and returns what is left to take: from unexpired lots in consumption order (priority, '
'soonest expiry, oldest; as _consume_lots()), or with expired = true from the expired lots a sweep kept for live '
'holds, soonest expired first (a hold''s settlement takes those first).';

create or replace function litellm._consume_lots(
    user_id text, transaction_id bigint, amount numeric, slot smallint default 0
)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
-- One plan for every slot: a plan made for slot k > 0 would use the index of
-- slots above 0, so the plan cache would plan each call afresh (the generic
-- plan reads the account's consumption order and filters by slot).
set plan_cache_mode = force_generic_plan
as $$
declare
    v_left numeric := amount;
    v_short numeric;
begin
    if v_left = 0 then
        return;
    end if;
    -- Usually the first lot covers it all: one statement takes it and records
    -- the allocation.
    with taken as (
        update litellm.credit_lots as l
        set remaining = l.remaining - v_left
        where l.lot_id = (select f.lot_id from litellm._first_lot(_consume_lots.user_id, _consume_lots.slot) as f)
        and l.remaining >= v_left
        returning l.lot_id
    )

    insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
    select _consume_lots.transaction_id, taken.lot_id, _consume_lots.user_id, v_left from taken;
    if found then
        return;
    end if;
    v_short := litellm._take_from_lots(
        _consume_lots.user_id, _consume_lots.transaction_id, v_left, false, _consume_lots.slot
    );
    if v_short > 0 then
        raise exception using
            errcode = 'LD902',
            message = format('the lots of slot %s of user %s do not cover %s credits', _consume_lots.slot,
                             _consume_lots.user_id, v_left),
            detail = format('short by %s; the balance and the lots disagree', v_short),
            hint = 'Run select * from litellm.verify_ledger() and report the result.';
    end if;
end
$$;

comment on function litellm._consume_lots(text, bigint, numeric, smallint) is
'Takes amount from the unexpired lots of the user''s slot (0: the account row) in order (priority, soonest expiry, oldest) and records the '
'allocations of the given journal entry. Raises LD902 if the lots cannot cover it (the ledger would be inconsistent).';

create or replace function litellm._return_to_lots(
    user_id text, transaction_id bigint, original_id bigint, amount numeric, slot smallint default 0
)
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_left numeric := amount;
    v_give numeric;
    v_alloc record;
begin
    -- What the original entry took from each lot, less what earlier refunds
    -- gave back, returned last-taken first.
    for v_alloc in
        select a.lot_id, sum(a.amount) as outstanding, l.expires_at
        from litellm.credit_allocations as a
        inner join litellm.credit_transactions as t on a.transaction_id = t.id
        inner join litellm.credit_lots as l on a.lot_id = l.lot_id
        where t.user_id = _return_to_lots.user_id
          and (t.id = _return_to_lots.original_id or t.reverses_transaction_id = _return_to_lots.original_id)
        group by a.lot_id, l.priority, l.expires_at
        having sum(a.amount) > 0
        order by l.priority desc, l.expires_at desc nulls first, a.lot_id desc
    loop
        v_give := least(v_alloc.outstanding, v_left);
        update litellm.credit_lots as l set remaining = l.remaining + v_give where l.lot_id = v_alloc.lot_id;
        insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
        values (_return_to_lots.transaction_id, v_alloc.lot_id, _return_to_lots.user_id, -v_give);
        if v_alloc.expires_at is not null and _return_to_lots.slot = 0 then
            update litellm.user_credits as uc
            set next_expiry_at = least(coalesce(uc.next_expiry_at, v_alloc.expires_at), v_alloc.expires_at)
            where uc.user_id = _return_to_lots.user_id;
        elsif v_alloc.expires_at is not null then
            update litellm.credit_slots as s
            set next_expiry_at = least(s.next_expiry_at, v_alloc.expires_at)
            where s.user_id = _return_to_lots.user_id and s.slot = _return_to_lots.slot;
        end if;
        v_left := v_left - v_give;
        exit when v_left = 0;
    end loop;
    if v_left > 0 then
        raise exception using
            errcode = 'LD902',
            message = format('entry %s did not take %s credits from lots', original_id, amount),
            detail = format('short by %s', v_left);
    end if;
end
$$;

comment on function litellm._return_to_lots(text, bigint, bigint, numeric, smallint) is
'Gives amount back to the lots the original entry consumed (net of earlier refunds), last taken first, as '
'negative allocations of the refund entry, and brings the next expiry of slot (the entries'' slot; 0: the account '
'row) forward to theirs. Raises LD902 if they cannot take it.';

create or replace function litellm._next_expiry(user_id text, slot smallint)
returns timestamptz
language sql
stable
security invoker
begin atomic
    select least(
        (
            select min(l.expires_at) from litellm.credit_lots as l
            where
                l.user_id = _next_expiry.user_id  -- noqa: RF01
                and l.slot = _next_expiry.slot  -- noqa: RF01
                and not l.depleted
                and l.expires_at > pg_catalog.now()
        ),
        (
            select min(h.expires_at) from litellm.credit_holds as h
            where
                h.user_id = _next_expiry.user_id  -- noqa: RF01
                and h.slot = _next_expiry.slot  -- noqa: RF01
                and h.status = 'held'
        )
    );
end;

comment on function litellm._next_expiry(text, smallint) is
'The next time a lot or a live hold of the user''s slot (0: the account row) expires: what a sweep sets as the '
'slot''s next_expiry_at. Kept credits in expired lots are not counted: they are not due again until a hold ends.';

create or replace function litellm._expire_holds(user_id text, slot smallint)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_hold record;
    v_released numeric := 0;
begin
    -- Releasing expired holds touches the budget counters of the teams they
    -- were made in: all of those are locked first, in lock order.
    perform litellm._lock_budget_counters(
        array_agg(h.user_id), array_agg(h.metadata ->> 'budget_team'), array_agg(null::text)
    )
    from litellm.credit_holds as h
    where h.user_id = _expire_holds.user_id and h.slot = _expire_holds.slot
      and h.status = 'held' and h.expires_at <= pg_catalog.now();
    for v_hold in
        update litellm.credit_holds as h
        set status = 'expired', resolved_at = pg_catalog.now()
        where h.user_id = _expire_holds.user_id and h.slot = _expire_holds.slot
          and h.status = 'held' and h.expires_at <= pg_catalog.now()
        returning h.amount, h.metadata ->> 'budget_team' as team
    loop
        v_released := v_released + v_hold.amount;
        perform litellm._apply_budgets(_expire_holds.user_id, v_hold.team, null, v_hold.amount, 'release');
    end loop;
    return v_released;
end
$$;

comment on function litellm._expire_holds(text, smallint) is
'Marks the expired live holds of the user''s slot (0: the account row) expired and releases them from the budgets '
'they were charged to; returns the credits they held. The caller holds the slot''s lock and writes credits_held.';

create or replace function litellm._sweep_expired(user_id text, slot smallint default 0)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_balance numeric;
    v_held numeric;
    v_room numeric;
    v_take numeric;
    v_seq bigint;
    v_lot record;
    v_id bigint;
    v_expired numeric := 0;
begin
    if _sweep_expired.slot = 0 then
        select uc.credits_remaining, uc.credits_held, uc.last_seq into v_balance, v_held, v_seq
        from litellm.user_credits as uc
        where uc.user_id = _sweep_expired.user_id
        for no key update;
    else
        select s.credits_remaining, s.credits_held, s.last_seq into v_balance, v_held, v_seq
        from litellm.credit_slots as s
        where s.user_id = _sweep_expired.user_id and s.slot = _sweep_expired.slot
        for update;
    end if;

    -- Expired holds first: what the live holds still need is known only then.
    v_held := v_held - litellm._expire_holds(_sweep_expired.user_id, _sweep_expired.slot);

    -- Credits that live holds need do not expire: at most the balance less
    -- what is held expires, soonest-expired lot first. What an expired lot
    -- keeps stays in it (no debit takes it: it is expired); the holds'
    -- settlements take it first, and once a hold ends the next sweep expires
    -- what is no longer needed.
    v_room := greatest(v_balance - v_held, 0);
    for v_lot in
        select l.lot_id, l.remaining
        from litellm.credit_lots as l
        where l.user_id = _sweep_expired.user_id and l.slot = _sweep_expired.slot
          and not l.depleted and l.expires_at <= pg_catalog.now()
        order by l.expires_at, l.lot_id
        for update
    loop
        v_take := least(v_lot.remaining, v_room);
        exit when v_take = 0;
        v_balance := v_balance - v_take;
        v_seq := v_seq + 1;
        insert into litellm.credit_transactions (
            user_id, slot, seq, transaction_type, amount, balance_after, description
        ) values (
            _sweep_expired.user_id, _sweep_expired.slot, v_seq, 'expiry', -v_take, v_balance,
            case
                when v_take = v_lot.remaining then format('lot %s expired', v_lot.lot_id)
                else format('lot %s expired; %s kept for live holds', v_lot.lot_id, v_lot.remaining - v_take)
            end
        )
        returning id into v_id;
        update litellm.credit_lots as l set remaining = l.remaining - v_take where l.lot_id = v_lot.lot_id;
        insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
        values (v_id, v_lot.lot_id, _sweep_expired.user_id, v_take);
        v_expired := v_expired + v_take;
        v_room := v_room - v_take;
    end loop;

    -- Kept credits in expired lots are not due again until a hold ends
    -- (settle_reservation and release_reservation then make the slot due).
    if _sweep_expired.slot = 0 then
        update litellm.user_credits as uc
        set credits_remaining = v_balance,
            last_seq = v_seq,
            credits_held = v_held,
            next_expiry_at = litellm._next_expiry(uc.user_id, 0::smallint),
            updated_at = pg_catalog.now()
        where uc.user_id = _sweep_expired.user_id;
    else
        update litellm.credit_slots as s
        set credits_remaining = v_balance,
            last_seq = v_seq,
            credits_held = v_held,
            next_expiry_at = litellm._next_expiry(s.user_id, s.slot),
            updated_at = pg_catalog.now()
        where s.user_id = _sweep_expired.user_id and s.slot = _sweep_expired.slot;
    end if;
    return v_expired;
end
$$;

comment on function litellm._sweep_expired(text, smallint) is
'Locks the user''s slot (0: the account row), marks its expired holds (and releases them from the budgets), journals '
'an expiry entry on the slot for what is left of each of its expired lots except what its live holds need (at most '
'balance less held expires; the rest stays in the expired lot for the holds'' settlements), and recomputes the '
'slot''s next_expiry_at. Returns the credits expired.';

create or replace function litellm._sweep_expired_before(user_id text, team_id text, model text, slot smallint default 0)
returns numeric
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
begin
    -- The slot, then every budget counter that the sweep's releases and the
    -- caller's next charge or hold (in team_id, for model) will touch, in lock
    -- order; then the sweep, which finds them locked. A slot other than 0 is
    -- locked by the caller, in slot order (its lock is taken again here).
    if _sweep_expired_before.slot = 0 then
        perform from litellm.user_credits as uc where uc.user_id = _sweep_expired_before.user_id for no key update;
    else
        perform from litellm.credit_slots as s
        where s.user_id = _sweep_expired_before.user_id and s.slot = _sweep_expired_before.slot
        for update;
    end if;
    perform litellm._lock_budget_counters(
        array[_sweep_expired_before.user_id] || array_agg(h.user_id),
        array[_sweep_expired_before.team_id] || array_agg(h.metadata ->> 'budget_team'),
        array[_sweep_expired_before.model] || array_agg(null::text)
    )
    from litellm.credit_holds as h
    where h.user_id = _sweep_expired_before.user_id and h.slot = _sweep_expired_before.slot
      and h.status = 'held' and h.expires_at <= pg_catalog.now();
    return litellm._sweep_expired(_sweep_expired_before.user_id, _sweep_expired_before.slot);
end
$$;

comment on function litellm._sweep_expired_before(text, text, text, smallint) is
'_sweep_expired() of the user''s slot (0: the account row) for a function that then charges or holds credits of '
'user_id in team_id (NULL: the primary team) for model: locks the slot and, in lock order, the budget counters of '
'both the sweep and that charge before sweeping. Returns the credits expired.';

create or replace function litellm._check_usage_replay(
    prior litellm.credit_transactions,
    key text,
    cost numeric,
    provider text,
    model text,
    prompt_tokens bigint,
    completion_tokens bigint,
    power_level text
)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if prior.transaction_type <> 'usage' then
        perform litellm._idempotency_conflict('request_id', key, 'transaction_type', prior.transaction_type, 'usage');
    elsif -prior.amount is distinct from cost then
        perform litellm._idempotency_conflict('request_id', key, 'cost', (-prior.amount)::text, cost::text);
    elsif prior.provider is distinct from _check_usage_replay.provider then
        perform litellm._idempotency_conflict('request_id', key, 'provider', prior.provider, _check_usage_replay.provider);
    elsif prior.model is distinct from _check_usage_replay.model then
        perform litellm._idempotency_conflict('request_id', key, 'model', prior.model, _check_usage_replay.model);
    elsif prior.prompt_tokens is distinct from _check_usage_replay.prompt_tokens then
        perform litellm._idempotency_conflict('request_id', key, 'prompt_tokens',
                                              prior.prompt_tokens::text, _check_usage_replay.prompt_tokens::text);
    elsif prior.completion_tokens is distinct from _check_usage_replay.completion_tokens then
        perform litellm._idempotency_conflict('request_id', key, 'completion_tokens',
                                              prior.completion_tokens::text, _check_usage_replay.completion_tokens::text);
    elsif prior.power_level is distinct from _check_usage_replay.power_level then
        perform litellm._idempotency_conflict('request_id', key, 'power_level', prior.power_level, _check_usage_replay.power_level);
    end if;
end
$$;

comment on function litellm._check_usage_replay(litellm.credit_transactions, text, numeric, text, text, bigint, bigint, text) is
'Raises LD101 naming the first field in which a replayed usage charge differs from the journalled one.';

create or replace function litellm._grant(
    user_id text,
    amount numeric,
    transaction_type text,
    expires_at timestamptz,
    payment_method text,
    stripe_transaction_id text,
    package_id integer,
    description text,
    idempotency_key text,
    metadata jsonb,
    out transaction_id bigint,
    out balance numeric
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_seq bigint;
    v_slots smallint;
    v_account litellm.user_credits;
begin
    -- Every balance and running total of the account is at most what it was
    -- ever credited (purchased plus granted), so keeping that sum below the
    -- columns' limit (10^14) keeps all of them in range. Checked in the same
    -- statement that writes: nothing is written when it would not fit.
    update litellm.user_credits as uc
    set credits_remaining = uc.credits_remaining + _grant.amount,
        total_purchased = uc.total_purchased + case when _grant.transaction_type = 'purchase' then _grant.amount else 0 end,
        total_granted = uc.total_granted + case when _grant.transaction_type = 'purchase' then 0 else _grant.amount end,
        last_seq = uc.last_seq + 1,
        next_expiry_at = case
            when _grant.expires_at is null then uc.next_expiry_at
            else least(coalesce(uc.next_expiry_at, _grant.expires_at), _grant.expires_at)
        end,
        updated_at = pg_catalog.now()
    where uc.user_id = _grant.user_id
      and uc.total_purchased + uc.total_granted + _grant.amount < 1e14
    returning uc.credits_remaining, uc.last_seq, uc.slot_count into balance, v_seq, v_slots;
    if not found then
        select uc.* into v_account from litellm.user_credits as uc where uc.user_id = _grant.user_id;
        raise exception using
            errcode = 'LD070',
            message = format('crediting %s would take the credits of user %s to 10^14 or more', _grant.amount,
                             _grant.user_id),
            detail = format('purchased %s, granted %s so far', v_account.total_purchased, v_account.total_granted),
            hint = 'An account can be credited less than 100000000000000 credits in all.';
    end if;

    insert into litellm.credit_transactions (
        user_id, seq, transaction_type, amount, balance_after, payment_method,
        stripe_transaction_id, package_id, description, idempotency_key, metadata
    ) values (
        _grant.user_id, v_seq, _grant.transaction_type, _grant.amount, balance, _grant.payment_method,
        _grant.stripe_transaction_id, _grant.package_id, _grant.description, _grant.idempotency_key, _grant.metadata
    )
    returning id into transaction_id;

    insert into litellm.credit_lots (user_id, transaction_id, transaction_type, priority, expires_at, amount, remaining)
    select _grant.user_id, _grant.transaction_id, ct.transaction_type, ct.priority, _grant.expires_at,
           _grant.amount, _grant.amount
    from litellm.credit_types as ct
    where ct.transaction_type = _grant.transaction_type;
    -- An account of several slots: the grant, on slot 0, is shared out.
    if v_slots > 1 then
        perform litellm._rebalance_after_grant(_grant.user_id);
    end if;
end
$$;

comment on function litellm._grant(text, numeric, text, timestamptz, text, text, integer, text, text, jsonb) is
'Adds credits to a locked, existing account: balance and totals, the journal entry, and its lot, all on slot 0 (the '
'account row); an account of several slots then has its other slots locked in order and the spare credits spread '
'over them. balance: slot 0''s after the entry. Raises LD070, writing nothing, when the account''s purchased and '
'granted credits would reach 10^14.';

create or replace function litellm._flush_at_commit()
returns bigint
language sql
volatile
begin atomic
    select pg_catalog.setval('litellm.wal_flush_mark'::regclass, 1);
end;

comment on function litellm._flush_at_commit() is
'Makes the calling transaction''s commit wait until the WAL is on disk up to it (as synchronous_commit says), even '
'when it wrote nothing else: setval always writes a WAL record, so the transaction gets an id and its commit record '
'comes after every commit it has seen. A replay calls it before it answers, since the charge it reports may have been '
'committed without waiting for the disk (debit_user_credits_early_release).';

create or replace function litellm._journal_usage(
    user_id text,
    seq bigint,
    amount numeric,
    balance numeric,
    provider text,
    model text,
    power_level text,
    prompt_tokens bigint,
    completion_tokens bigint,
    idempotency_key text,
    metadata jsonb,
    slot smallint default 0
)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_id bigint;
begin
    -- PL/pgSQL rather than a SQL body: its plan is kept for the session (a SQL
    -- function's INSERT is planned again in every transaction).
    insert into litellm.credit_transactions (
        user_id, slot, seq, transaction_type, amount, balance_after, provider, model,
        power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
    ) values (
        _journal_usage.user_id, _journal_usage.slot, _journal_usage.seq, 'usage', _journal_usage.amount,
        _journal_usage.balance, _journal_usage.provider, _journal_usage.model, _journal_usage.power_level,
        _journal_usage.prompt_tokens, _journal_usage.completion_tokens, _journal_usage.idempotency_key,
        _journal_usage.metadata
    )
    on conflict (user_id, idempotency_key) where idempotency_key is not null do nothing
    returning id into v_id;
    return v_id;
end
$$;

comment on function litellm._journal_usage(
    text, bigint, numeric, numeric, text, text, text, bigint, bigint, text, jsonb, smallint
) is
'Journals a usage entry of amount (negative: a charge) on the user''s slot (0: the account row) at seq with the '
'slot''s balance after it; its id, or NULL when the user''s journal has idempotency_key already, on any slot '
'(nothing is written). The caller holds the slot''s lock and has charged it.';
