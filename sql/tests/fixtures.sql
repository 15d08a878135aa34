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
