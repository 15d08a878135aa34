-- Test-only helpers, loaded into the template database after the package.
-- They live in their own schema so no test depends on the package exposing them.

create schema if not exists litellm_test;

-- A user holding exactly `credits`, bought through the API.
create or replace function litellm_test.funded_user(uid text, credits numeric)
returns text
language plpgsql
volatile
set search_path = ''
as $$
begin
    perform litellm.add_user_credits(uid, credits, 'purchase', 'test', null, null, 'fixture');
    return uid;
end
$$;

-- Journal rows written for one user, for "nothing was written" assertions.
create or replace function litellm_test.journal_count(uid text)
returns bigint
language sql
stable
set search_path = ''
as $$
    select count(*) from litellm.credit_transactions as t where t.user_id = uid;
$$;

-- Time travel for expiry tests: now() is fixed inside a transaction, so a
-- test makes the user's expiring lots and live holds expire "a second ago".
create or replace function litellm_test.age_past_expiry(uid text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
    update litellm.credit_lots as l
    set expires_at = pg_catalog.now() - interval '1 second'
    where l.user_id = uid and l.expires_at is not null and l.remaining > 0;
    update litellm.credit_holds as h
    set expires_at = pg_catalog.now() - interval '1 second'
    where h.user_id = uid and h.status = 'held';
    update litellm.user_credits as uc
    set next_expiry_at = pg_catalog.now() - interval '1 second'
    where uc.user_id = uid;
end
$$;

-- Pretend the user's month counter belongs to last month.
create or replace function litellm_test.age_one_month(uid text)
returns void
language sql
volatile
set search_path = ''
as $$
    update litellm.user_credits as uc
    set month_start = (uc.month_start - interval '1 month')::date
    where uc.user_id = uid;
$$;
