create or replace function litellm.reserve_credits(
    user_id text,
    amount numeric,
    request_id text,
    ttl interval default interval '15 minutes',
    metadata jsonb default '{}'
)
returns table (
    success boolean,
    reservation_id bigint,
    amount_held numeric,
    credits_available numeric,
    expires_at timestamptz,
    error_code text,
    error_message text,
    replayed boolean
)
language plpgsql
volatile
-- definer: holds and accounts are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_user text := litellm._check_user_id(reserve_credits.user_id);
    v_amount numeric := litellm._check_amount(reserve_credits.amount, 'amount', false);
    v_metadata jsonb := litellm._check_metadata(reserve_credits.metadata);
    v_key text := litellm._check_text(reserve_credits.request_id, 'request_id', 255);
    v_month date := litellm._current_month();
    v_expires timestamptz;
    v_available numeric;
    v_prior litellm.credit_holds;
    v_id bigint;
    v_refusal record;
    v_team text;
    v_budget record;
    v_slot smallint := 0;
    v_slotted record;
begin
    if v_key is null then
        raise exception using errcode = 'LD007', message = 'request_id is required for a reservation';
    end if;
    if reserve_credits.ttl is null or reserve_credits.ttl <= interval '0' or reserve_credits.ttl > interval '7 days' then
        raise exception using
            errcode = 'LD010',
            message = format('ttl must be positive and at most 7 days, got %s', coalesce(reserve_credits.ttl::text, 'NULL'));
    end if;
    v_expires := pg_catalog.now() + reserve_credits.ttl;

    select h.* into v_prior from litellm.credit_holds as h where h.user_id = v_user and h.request_id = v_key;
    if found then
        if v_prior.amount <> v_amount then
            perform litellm._idempotency_conflict('request_id', v_key, 'amount', v_prior.amount::text, v_amount::text);
        end if;
        return query select true, v_prior.hold_id, v_prior.amount, null::numeric, v_prior.expires_at,
            null::text, null::text, true;
        return;
    end if;

    -- The same single-statement check as a debit: a hold needs the available
    -- balance and room under the monthly cap, and counts against both.
    for attempt in 1..2 loop
        update litellm.user_credits as uc
        set credits_held = uc.credits_held + v_amount,
            next_expiry_at = least(coalesce(uc.next_expiry_at, v_expires), v_expires),
            updated_at = pg_catalog.now()
        where uc.user_id = v_user
          and litellm._available(uc) >= v_amount
          and not litellm._expiry_due(uc)
          and litellm._within_monthly_cap(
              uc, v_month, v_amount, (select c.monthly_cap from litellm._effective_monthly_cap(uc) as c)
          )
          and uc.slot_count = 1
        returning litellm._available(uc) into v_available;
        exit when found;

        -- An account of several slots: a slot of its own, or the account's
        -- credits brought together (the hold then records its slot).
        if exists (select from litellm.user_credits as uc where uc.user_id = v_user and uc.slot_count > 1) then
            select r.* into v_slotted
            from litellm._reserve_slot(v_user, v_amount, v_expires, v_metadata ->> 'team_id') as r;
            v_slot := v_slotted.slot;
            v_available := v_slotted.available;
            exit when v_slotted.error_code is null;
            return query select false, null::bigint, 0::numeric, null::numeric, null::timestamptz,
                v_slotted.error_code, v_slotted.error_message, false;
            return;
        end if;

        v_refusal := litellm._charge_refusal(v_user, v_amount, v_metadata ->> 'team_id', null, attempt = 1);
        continue when v_refusal.retry;
        return query select false, null::bigint, 0::numeric, null::numeric, null::timestamptz,
            v_refusal.error_code, v_refusal.error_message, false;
        return;
    end loop;

    -- The hold counts in the budgets too (all-model budgets: the model is not
    -- known yet); the team is remembered so release and settle name it again.
    v_team := (select t.charge_team from litellm._charge_team_of(v_user, v_metadata ->> 'team_id') as t);
    select b.* into v_budget from litellm._apply_budgets(v_user, v_team, null, v_amount, 'hold') as b;
    if not v_budget.ok then
        perform litellm._slot_hold_change(v_user, v_slot, -v_amount, null, false);
        return query select false, null::bigint, 0::numeric, null::numeric, null::timestamptz,
            'budget_exceeded'::text, v_budget.error_message, false;
        return;
    end if;
    if v_team is not null then
        v_metadata := v_metadata || jsonb_build_object('budget_team', v_team);
    end if;

    insert into litellm.credit_holds (user_id, slot, request_id, amount, expires_at, metadata)
    values (v_user, v_slot, v_key, v_amount, v_expires, v_metadata)
    on conflict (user_id, request_id) do nothing
    returning hold_id into v_id;

    if v_id is null then
        -- A concurrent reservation for this request committed first.
        perform litellm._slot_hold_change(v_user, v_slot, -v_amount, null, false);
        perform litellm._apply_budgets(v_user, v_team, null, v_amount, 'release');
        select h.* into v_prior from litellm.credit_holds as h where h.user_id = v_user and h.request_id = v_key;
        if v_prior.amount <> v_amount then
            perform litellm._idempotency_conflict('request_id', v_key, 'amount', v_prior.amount::text, v_amount::text);
        end if;
        return query select true, v_prior.hold_id, v_prior.amount, null::numeric, v_prior.expires_at,
            null::text, null::text, true;
        return;
    end if;

    return query select true, v_id, v_amount, v_available, v_expires, null::text, null::text, false;
end
$$;

comment on function litellm.reserve_credits(text, numeric, text, interval, jsonb) is
'Holds the worst-case cost of a call before it runs, for ttl (at most 7 days). The hold counts against the available '
'balance, the monthly cap and the budgets (team: metadata->>''team_id'', else the primary team) until it is settled, '
'released or expires. A refusal returns success = false with error_code insufficient_credits, monthly_cap_exceeded, '
'budget_exceeded or unknown_user. On an account of several slots the hold takes one slot (credit_holds.slot; '
'credits_available is that slot''s), and is refused only when the account as a whole cannot hold amount. '
'Idempotent by (user_id, request_id): a replay '
'returns the original hold with replayed = true (credits_available NULL); another amount raises LD101. '
'Raises LD001, LD004, LD007, LD010.';
