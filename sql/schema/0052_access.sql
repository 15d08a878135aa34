-- Roles beyond litellm_app and litellm_analyst (0001_roles.sql), and row-level
-- security for connections that act for one end user. See docs/security.md.
--
--   litellm_owner     NOLOGIN. Meant to own the package: grant it to the login
--                     roles that run migrations and connect with
--                     `options=-c role=litellm_owner`, so every object (and
--                     every SECURITY DEFINER function) belongs to this role, not
--                     to a superuser. Gets no privileges here.
--   litellm_end_user  NOLOGIN. Reads its own user's rows of user_credits,
--                     credit_transactions, llm_usage_log and user_provider_keys,
--                     the user named by the session setting litellm.user_id;
--                     nothing else, and it executes no function.
--
-- Row-level security is enabled (not forced) on those four tables: the owner,
-- and so every SECURITY DEFINER function, is unaffected; litellm_app and
-- litellm_analyst have policies that let them see every row, exactly what their
-- grants allow; litellm_end_user sees the rows whose user_id equals
-- current_setting('litellm.user_id'), and none while it is unset.

do $roles$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'litellm_owner') then
        create role litellm_owner nologin;
    end if;
    if not exists (select from pg_catalog.pg_roles where rolname = 'litellm_end_user') then
        create role litellm_end_user nologin;
    end if;
end
$roles$;

alter table litellm.user_credits enable row level security;
alter table litellm.credit_transactions enable row level security;
alter table litellm.llm_usage_log enable row level security;
alter table litellm.user_provider_keys enable row level security;

create policy service_roles on litellm.user_credits
for all to litellm_app, litellm_analyst using (true) with check (true);
create policy own_rows on litellm.user_credits
for select to litellm_end_user using (user_id = current_setting('litellm.user_id', true));

create policy service_roles on litellm.credit_transactions
for all to litellm_app, litellm_analyst using (true) with check (true);
create policy own_rows on litellm.credit_transactions
for select to litellm_end_user using (user_id = current_setting('litellm.user_id', true));

create policy service_roles on litellm.llm_usage_log
for all to litellm_app, litellm_analyst using (true) with check (true);
create policy own_rows on litellm.llm_usage_log
for select to litellm_end_user using (user_id = current_setting('litellm.user_id', true));

create policy service_roles on litellm.user_provider_keys
for all to litellm_app, litellm_analyst using (true) with check (true);
create policy own_rows on litellm.user_provider_keys
for select to litellm_end_user using (user_id = current_setting('litellm.user_id', true));

comment on policy service_roles on litellm.user_credits is
'The application and analyst roles see every row their grants allow (row-level security is for end users).';
comment on policy own_rows on litellm.user_credits is
'litellm_end_user sees the account of the user named by SET litellm.user_id, and nothing while it is unset.';
comment on policy service_roles on litellm.credit_transactions is
'The application and analyst roles see every row their grants allow (row-level security is for end users).';
comment on policy own_rows on litellm.credit_transactions is
'litellm_end_user sees the journal entries of the user named by SET litellm.user_id.';
comment on policy service_roles on litellm.llm_usage_log is
'The application and analyst roles see every row their grants allow (row-level security is for end users).';
comment on policy own_rows on litellm.llm_usage_log is
'litellm_end_user sees the usage rows of the user named by SET litellm.user_id (through llm_usage_log only).';
comment on policy service_roles on litellm.user_provider_keys is
'The application and analyst roles see every row their grants allow (row-level security is for end users).';
comment on policy own_rows on litellm.user_provider_keys is
'litellm_end_user sees the stored (encrypted) keys of the user named by SET litellm.user_id.';
