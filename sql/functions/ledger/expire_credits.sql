create or replace function litellm.expire_credits(max_users integer default 1000)
returns table (
    users_swept integer,
    credits_expired numeric,
    more_due boolean
)
language plpgsql
volatile
-- definer: the journal, lots and accounts are not writable by the application role.
security definer
set search_path = pg_catalog, pg_temp
set lock_timeout = '5s'
as $$
declare
    v_due text[];
    v_slot_users text[];
    v_slots smallint[];
    v_expired numeric := 0;
begin
    if max_users is null or max_users < 1 then
        raise exception using errcode = 'LD007', message = 'max_users must be at least 1';
    end if;
    -- The lock order of docs/ledger.md: every account, in user_id order; then
    -- the other slots of the accounts split into slots, in (user_id, slot)
    -- order (each after its account's slot 0 when that is locked too); then
    -- every budget counter that releasing their expired holds touches, in
    -- lock order, before the first sweep.
    select array_agg(d.user_id order by d.user_id) into v_due
    from (
        select uc.user_id from litellm.user_credits as uc
        where uc.next_expiry_at <= pg_catalog.now()
        order by uc.user_id
        limit max_users
        for no key update
    ) as d;
    select array_agg(d.user_id order by d.user_id, d.slot), array_agg(d.slot order by d.user_id, d.slot)
    into v_slot_users, v_slots
    from (
        select s.user_id, s.slot from litellm.credit_slots as s
        where s.next_expiry_at <= pg_catalog.now() and s.active
        order by s.user_id, s.slot
        limit max_users
        for update
    ) as d;
    perform litellm._lock_budget_counters(
        array_agg(h.user_id), array_agg(h.metadata ->> 'budget_team'), array_agg(null::text)
    )
    from litellm.credit_holds as h
    where h.status = 'held' and h.expires_at <= pg_catalog.now()
      and ((h.slot = 0 and h.user_id = any(v_due))
           or (h.user_id, h.slot) in (select u.user_id, u.slot from unnest(v_slot_users, v_slots) as u (user_id, slot)));
    select coalesce(sum(litellm._sweep_expired(u.user_id, u.slot)), 0) into v_expired
    from (
        select d.user_id, 0::smallint as slot from unnest(v_due) as d (user_id)
        union all
        select u.user_id, u.slot from unnest(v_slot_users, v_slots) as u (user_id, slot)
    ) as u;
    return query select
        (select count(distinct x.user_id)::integer from unnest(v_due || v_slot_users) as x (user_id)),
        v_expired,
        exists (select from litellm.user_credits as uc where uc.next_expiry_at <= pg_catalog.now())
        or exists (select from litellm.credit_slots as s where s.next_expiry_at <= pg_catalog.now() and s.active);
end
$$;

comment on function litellm.expire_credits(integer) is
'Journals an expiry entry for what is left of every expired lot and ends expired holds, for up to max_users accounts '
'and up to max_users other slots of accounts split into slots, each slot swept on its own (more_due says whether to '
'call again). Safe to run at any time and concurrently with everything else; debits also '
'sweep an account''s expired lots on their own, so running it is tidiness, not a correctness requirement. '
'Raises LD007.';
