create or replace function litellm.set_user_tier(
    user_id text,
    tier text,
    reason text default null
)
returns table (old_tier text, new_tier text, changed boolean)
language plpgsql
volatile
-- definer: accounts and the tier history are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_user text := litellm._check_user_id(set_user_tier.user_id);
    v_tier text := lower(btrim(set_user_tier.tier));
    v_reason text := litellm._check_text(set_user_tier.reason, 'reason', 1000);
    v_old text;
begin
    if v_tier is null or not exists (select from litellm.tiers as t where t.tier = v_tier) then
        raise exception using
            errcode = 'LD220',
            message = format('unknown tier %s', coalesce(quote_literal(set_user_tier.tier), 'NULL')),
            hint = 'See litellm.tiers for the configured tiers.';
    end if;

    select uc.tier into v_old
    from litellm.user_credits as uc
    where uc.user_id = v_user
    for no key update;
    if not found then
        raise exception using
            errcode = 'LD203',
            message = format('unknown user %s', v_user),
            hint = 'An account exists once credits have been added for the user.';
    end if;

    if v_old = v_tier then
        return query select v_old, v_tier, false;
        return;
    end if;

    update litellm.user_credits as uc
    set tier = v_tier,
        updated_at = pg_catalog.now()
    where uc.user_id = v_user;

    insert into litellm.user_tier_history (user_id, old_tier, new_tier, reason)
    values (v_user, v_old, v_tier, v_reason);

    return query select v_old, v_tier, true;
end
$$;

comment on function litellm.set_user_tier(text, text, text) is
'Moves a user to another tier (litellm.tiers) and records the change, with the reason, in user_tier_history. '
'Setting the tier the user already has changes and records nothing (changed = false). '
'Raises LD004, LD007 (reason over 1000 characters), LD220 (unknown tier), LD203 (unknown user).';
