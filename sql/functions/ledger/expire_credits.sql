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
    v_user text;
    v_due text[];
    v_users integer := 0;
    v_expired numeric := 0;
begin
    if max_users is null or max_users < 1 then
        raise exception using errcode = 'LD007', message = 'max_users must be at least 1';
    end if;
    -- The lock order of docs/ledger.md: every account, in user_id order, then
    -- every budget counter that releasing their expired holds touches, in lock
    -- order, before the first sweep.
    select array_agg(d.user_id order by d.user_id) into v_due
    from (
        select uc.user_id from litellm.user_credits as uc
        where uc.next_expiry_at <= pg_catalog.now()
        order by uc.user_id
        limit max_users
        for no key update
    ) as d;
    perform litellm._lock_budget_counters(
        array_agg(h.user_id), array_agg(h.metadata ->> 'budget_team'), array_agg(null::text)
    )
    from litellm.credit_holds as h
    where h.user_id = any(v_due) and h.status = 'held' and h.expires_at <= pg_catalog.now();
    foreach v_user in array coalesce(v_due, '{}'::text[])
    loop
        v_expired := v_expired + litellm._sweep_expired(v_user);
        v_users := v_users + 1;
    end loop;
    return query select v_users, v_expired,
        exists (select from litellm.user_credits as uc where uc.next_expiry_at <= pg_catalog.now());
end
$$;

comment on function litellm.expire_credits(integer) is
'Journals an expiry entry for what is left of every expired lot and ends expired holds, for up to max_users accounts '
'(more_due says whether to call again). Safe to run at any time and concurrently with everything else; debits also '
'sweep an account''s expired lots on their own, so running it is tidiness, not a correctness requirement. '
'Raises LD007.';
