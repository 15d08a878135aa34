create or replace function litellm.release_reservation(user_id text, request_id text)
returns table (
    released boolean,
    status text,
    amount_released numeric,
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
    v_user text := litellm._check_user_id(release_reservation.user_id);
    v_key text := litellm._check_text(release_reservation.request_id, 'request_id', 255);
    v_hold litellm.credit_holds;
    v_status text;
begin
    -- The account, then the hold; on an account of several slots, the hold's
    -- slot alone (_lock_slot_hold).
    perform from litellm.user_credits as uc where uc.user_id = v_user and uc.slot_count = 1 for no key update;
    if found then
        select h.* into v_hold from litellm.credit_holds as h
        where h.user_id = v_user and h.request_id = v_key
        for update;
    else
        v_hold := litellm._lock_slot_hold(v_user, v_key, null, null);
    end if;
    if v_hold.hold_id is null then
        raise exception using
            errcode = 'LD201', message = format('no reservation %s for user %s', v_key, v_user);
    end if;
    if v_hold.status = 'settled' then
        raise exception using
            errcode = 'LD304', message = format('reservation %s was settled and cannot be released', v_key);
    elsif v_hold.status <> 'held' then
        return query select false, v_hold.status, 0::numeric, true;
        return;
    end if;

    v_status := case when v_hold.expires_at <= pg_catalog.now() then 'expired' else 'released' end;
    update litellm.credit_holds as h
    set status = v_status, resolved_at = pg_catalog.now()
    where h.hold_id = v_hold.hold_id;
    -- Credits an expired lot kept for the holds are due once a hold ends.
    perform litellm._slot_hold_change(v_user, v_hold.slot, -v_hold.amount, null, true);
    perform litellm._apply_budgets(v_user, v_hold.metadata ->> 'budget_team', null, v_hold.amount, 'release');
    return query select v_status = 'released', v_status,
        case when v_status = 'released' then v_hold.amount else 0 end, false;
end
$$;

comment on function litellm.release_reservation(text, text) is
'Cancels a live hold, making its credits available again (on its slot, for an account of several slots). '
'Releasing twice, or a hold that already expired, changes nothing and returns released = false with its status '
'(replayed = true for the second release). Raises LD201 (no such reservation), LD304 (already settled), LD004, LD007.';
