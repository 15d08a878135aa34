-- The rules of an account's balance and monthly cap, each written once. They
-- are plain SQL expressions without a SET clause (names are bound when they are
-- created), so the planner inlines them into the statement that calls them: the
-- debit's single UPDATE costs the same as if it spelled them out.

create or replace function litellm._available(account litellm.user_credits)
returns numeric
language sql
immutable
security invoker
begin atomic
    select account.credits_remaining - account.credits_held;  -- noqa: RF01
end;

comment on function litellm._available(litellm.user_credits) is
'Credits an account can spend now: its balance less what live holds set aside.';

create or replace function litellm._month_of(ts timestamptz)
returns date
language sql
immutable
security invoker
begin atomic
    select date_trunc('month', ts at time zone 'UTC')::date;
end;

comment on function litellm._month_of(timestamptz) is
'First day, in UTC, of the month that contains ts: the period of monthly caps.';

create or replace function litellm._current_month()
returns date
language sql
stable
security invoker
begin atomic
    select litellm._month_of(pg_catalog.now());
end;

comment on function litellm._current_month() is
'First day of the current month in UTC: the period of monthly caps.';

create or replace function litellm._month_spent(account litellm.user_credits, month date)
returns numeric
language sql
immutable
security invoker
begin atomic
    select case when account.month_start = month then account.month_spent else 0 end;  -- noqa: RF01
end;

comment on function litellm._month_spent(litellm.user_credits, date) is
'What the account spent in the month starting on month (see _month_of): its running total if that total is '
'of this month, else 0 (the total restarts with the first charge of a new month).';

create or replace function litellm._charged(
    account litellm.user_credits, amount numeric, released numeric, month date, entries integer
)
returns litellm.user_credits
language sql
stable
security invoker
begin atomic
    -- Every column of user_credits, in table order: a new column is added here.
    select row(
        account.user_id,  -- noqa: RF01
        account.credits_remaining - amount,  -- noqa: RF01
        account.tier,  -- noqa: RF01
        account.monthly_cap,  -- noqa: RF01
        account.total_purchased,  -- noqa: RF01
        account.total_granted,  -- noqa: RF01
        account.total_spent + amount,  -- noqa: RF01
        account.last_seq + entries,  -- noqa: RF01
        account.last_reset,  -- noqa: RF01
        account.created_at,  -- noqa: RF01
        pg_catalog.now(),
        account.credits_held - released,  -- noqa: RF01
        month,
        litellm._month_spent(account, month) + amount,
        account.next_expiry_at,  -- noqa: RF01
        account.slot_count,  -- noqa: RF01
        account.cap_fraction  -- noqa: RF01
    )::litellm.user_credits;
end;

comment on function litellm._charged(litellm.user_credits, numeric, numeric, date, integer) is
'The account after a charge of amount in month (see _month_of) that ends holds of released credits and journals '
'entries entries: the balance less amount, amount more spent in all and this month (a new month''s total restarts), '
'the holds less released. Every charge writes its account with it, reading each column it sets as '
'(litellm._charged(uc, ...)).column so that the planner inlines it; taking back a charge made earlier in the same '
'transaction is _charged(uc, -amount, 0, month, -1).';

create or replace function litellm._effective_monthly_cap(account litellm.user_credits)
returns table (monthly_cap numeric)
language sql
stable
security invoker
begin atomic
    select coalesce(
        account.monthly_cap,  -- noqa: RF01
        (
            select t.monthly_cap from litellm.tiers as t
            where t.tier = account.tier  -- noqa: RF01
        )
    );
end;

comment on function litellm._effective_monthly_cap(litellm.user_credits) is
'The cap that applies to an account this month: its own, else its tier''s; NULL for none. One row, to be read '
'as (select c.monthly_cap from litellm._effective_monthly_cap(account) as c) so that the planner inlines it.';

create or replace function litellm._within_monthly_cap(
    account litellm.user_credits, month date, amount numeric, monthly_cap numeric
)
returns boolean
language sql
immutable
security invoker
begin atomic
    select
        litellm._month_spent(account, month) + account.credits_held + amount  -- noqa: RF01
        <= coalesce(monthly_cap, 'Infinity');
end;

comment on function litellm._within_monthly_cap(litellm.user_credits, date, numeric, numeric) is
'Whether a charge or hold of amount keeps the account''s spending in month (see _month_of), plus what it holds, '
'within monthly_cap (its _effective_monthly_cap; NULL: no cap).';

create or replace function litellm._expiry_due(account litellm.user_credits)
returns boolean
language sql
stable
security invoker
begin atomic
    select coalesce(account.next_expiry_at <= pg_catalog.now(), false);  -- noqa: RF01
end;

comment on function litellm._expiry_due(litellm.user_credits) is
'Whether a lot or hold of the account has expired and not been swept yet: no charge or hold is made until it is.';

create or replace function litellm._refusal(
    user_id text,
    amount numeric,
    out error_code text,
    out error_message text,
    out balance numeric,
    out sweep_due boolean
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_account litellm.user_credits;
    v_month date := litellm._current_month();
    v_cap numeric;
begin
    -- Each condition of a charge or hold is tested here with the helper the
    -- charge itself uses, so a refusal always names the condition that failed.
    -- The account is locked (first in the lock order), so what is read here is
    -- what the caller's next attempt will see: a condition found met now
    -- stays met, and that attempt charges. A slot account is judged on its
    -- totals over every slot (the caller holds every slot's lock).
    sweep_due := false;
    select uc.* into v_account from litellm.user_credits as uc where uc.user_id = _refusal.user_id for no key update;
    if not found then
        error_code := 'unknown_user';
        error_message := format('Unknown user %s: no credits have been added for this user', _refusal.user_id);
        balance := 0;
        return;
    end if;
    if v_account.slot_count > 1 then
        v_account := litellm._slot_totals(v_account);
    end if;
    balance := v_account.credits_remaining;
    if litellm._expiry_due(v_account) then
        sweep_due := true;
        return;
    end if;
    if litellm._available(v_account) < amount then
        error_code := 'insufficient_credits';
        error_message := case
            when v_account.credits_held = 0
                then format('Insufficient credits: balance %s, cost %s', v_account.credits_remaining, amount)
            else format('Insufficient credits: available %s (balance %s, held %s), cost %s',
                        litellm._available(v_account), v_account.credits_remaining,
                        v_account.credits_held, amount)
        end;
        return;
    end if;
    select c.monthly_cap into v_cap from litellm._effective_monthly_cap(v_account) as c;
    if not litellm._within_monthly_cap(v_account, v_month, amount, v_cap) then
        error_code := 'monthly_cap_exceeded';
        error_message := format('Monthly cap %s reached: spent %s this month, held %s, cost %s',
                                v_cap, litellm._month_spent(v_account, v_month), v_account.credits_held, amount);
        return;
    end if;
    -- Every condition holds now (the account changed before it was locked):
    -- error_code stays NULL and the caller tries again, under this lock.
end
$$;

comment on function litellm._refusal(text, numeric) is
'Why a charge or hold of amount was refused: unknown_user, insufficient_credits or monthly_cap_exceeded, with a '
'message; sweep_due when expired lots or holds must be swept first; error_code NULL when the account now meets '
'every condition (it changed since the charge looked). Locks the account row, so the caller''s next attempt sees '
'what was read here; a slot account is judged on its totals over all its slots (_slot_totals), with every slot '
'locked by the caller. Each condition is tested with the helper the charge uses '
'(_expiry_due, _available, _within_monthly_cap), so a refusal never names a condition that did not fail.';

create or replace function litellm._check_refused(user_id text, error_code text)
returns void
language plpgsql
immutable
set search_path = pg_catalog, pg_temp
as $$
begin
    if error_code is null then
        raise exception using
            errcode = '40001',
            message = format('a charge or hold of user %s was refused although the account met every condition', user_id),
            hint = 'Retry the transaction.';
    end if;
end
$$;

comment on function litellm._check_refused(text, text) is
'For a charge or hold refused again although _refusal() found every condition met under the account''s lock (a '
'condition of the charge that _refusal() does not test): raises serialization_failure (40001) so that the caller '
'retries, rather than naming a condition that did not fail.';

create or replace function litellm._charge_refusal(
    user_id text,
    amount numeric,
    team_id text,
    model text,
    may_retry boolean,
    out retry boolean,
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
    v_refusal := litellm._refusal(_charge_refusal.user_id, _charge_refusal.amount);
    retry := may_retry and (v_refusal.sweep_due or v_refusal.error_code is null);
    if retry then
        if v_refusal.sweep_due then
            perform litellm._sweep_expired_before(_charge_refusal.user_id, _charge_refusal.team_id, _charge_refusal.model);
        end if;
        return;
    end if;
    perform litellm._check_refused(_charge_refusal.user_id, v_refusal.error_code);
    balance := v_refusal.balance;
    error_code := v_refusal.error_code;
    error_message := v_refusal.error_message;
end
$$;

comment on function litellm._charge_refusal(text, numeric, text, text, boolean) is
'For a charge or hold of amount that its statement did not make: why (_refusal(), with the account locked). retry = '
'true when may_retry and the caller should try again: every condition now holds, or expired lots and holds were due '
'and have been swept (for a charge or hold in team_id for model). Else the refusal''s balance, error_code and '
'error_message; raises 40001 (_check_refused) when no condition failed on the last try.';
