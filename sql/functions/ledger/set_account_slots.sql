create or replace function litellm.set_account_slots(user_id text, slot_count integer)
returns table (slots smallint, credits_remaining numeric)
language plpgsql
volatile
-- definer: the accounts and the journal are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
#variable_conflict use_column
declare
    v_user text := set_account_slots.user_id;
    v_old smallint;
    v_retiring record;
begin
    perform litellm._check_user_id(v_user);
    if set_account_slots.slot_count is null or set_account_slots.slot_count not between 1 and 64 then
        raise exception using
            errcode = 'LD080',
            message = format('slot_count must be between 1 and 64, got %s', coalesce(set_account_slots.slot_count::text, 'NULL')),
            hint = '1 makes the account one row again.';
    end if;
    -- Every slot, in slot order: in-flight charges (one slot each) finish first.
    v_old := litellm._lock_slots(v_user);
    if v_old is null then
        raise exception using
            errcode = 'LD081',
            message = format('Unknown user %s: no credits have been added for this user', v_user),
            hint = 'Add credits first (add_user_credits).';
    end if;
    if v_old <> set_account_slots.slot_count then
        insert into litellm.credit_slots as s (user_id, slot)
        select v_user, g::smallint from pg_catalog.generate_series(1, set_account_slots.slot_count - 1) as g
        on conflict (user_id, slot) do update set active = true, updated_at = pg_catalog.now()
        where not s.active;
        -- Slots beyond the new count give everything to slot 0: credits as
        -- transfer pairs (expired lots kept for holds too), then the live
        -- holds and this month's spending.
        for v_retiring in
            select s.slot, s.credits_remaining, s.credits_held, s.next_expiry_at,
                litellm._month_spent(litellm._slot_account(s), litellm._current_month()) as spent
            from litellm.credit_slots as s
            where s.user_id = v_user and s.active and s.slot >= set_account_slots.slot_count
            order by s.slot
        loop
            perform litellm._slot_transfer(v_user, v_retiring.slot, 0::smallint, v_retiring.credits_remaining, true);
            update litellm.credit_holds as h set slot = 0
            where h.user_id = v_user and h.slot = v_retiring.slot and h.status = 'held';
            update litellm.user_credits as uc
            set credits_held = uc.credits_held + v_retiring.credits_held,
                month_spent = litellm._month_spent(uc, litellm._current_month()) + v_retiring.spent,
                month_start = litellm._current_month(),
                next_expiry_at = least(uc.next_expiry_at, v_retiring.next_expiry_at)
            where uc.user_id = v_user;
            update litellm.credit_slots as s
            set active = false, credits_held = 0, month_spent = 0, cap_fraction = 0, next_expiry_at = null,
                updated_at = pg_catalog.now()
            where s.user_id = v_user and s.slot = v_retiring.slot;
        end loop;
        update litellm.user_credits as uc set slot_count = set_account_slots.slot_count where uc.user_id = v_user;
        perform litellm._slot_rebalance(v_user, 0::smallint, 0);
    end if;
    return query
    select uc.slot_count, uc.credits_remaining + coalesce((
        select sum(s.credits_remaining) from litellm.credit_slots as s where s.user_id = v_user
    ), 0)
    from litellm.user_credits as uc where uc.user_id = v_user;
end
$$;

comment on function litellm.set_account_slots(text, integer) is
'Splits an account into slot_count slots (1 to 64) so that that many charges of it can run at once, or, with 1, '
'makes it one account row again. Waits for the account''s charges in flight, then moves credits between slots as '
'transfer pairs in the journal (and, for slots no longer used, their live holds and this month''s spending to slot '
'0), and splits the spare credits and the monthly cap evenly. The same count again changes nothing. Returns the '
'number of slots and the account''s balance. Raises LD004 for a bad user id, LD080 for a count out of range, LD081 '
'for a user without an account.';
