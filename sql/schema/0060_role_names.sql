-- The names of the package's four group roles in this database, so that later
-- migrations and re-applied grants use them without being told again.
--
-- The shipped SQL names the roles by their default names, litellm_owner,
-- litellm_app, litellm_analyst and litellm_end_user: they are placeholders.
-- The installer applies every file (this one included) with the names
-- configured for the database put in their place (python/litellm_db/installer.py,
-- docs/security.md#role-names), so on a database installed with other names
-- the rows below record those names. Change them only through the installer
-- (`litellm-db migrate --role-app NAME --change-roles`), which moves this
-- database's privileges and policies to the new roles in the same transaction.

create table litellm.role_names (
    purpose text primary key,
    role_name text not null unique,
    constraint role_names_purpose check (purpose in ('owner', 'app', 'analyst', 'end_user')),
    constraint role_names_role_name check (
        octet_length(role_name) <= 63
        and role_name ~ '^[a-z_][a-z0-9_]*$'
        and role_name !~ '^pg_'
    )
);

comment on table litellm.role_names is
'The role this database uses for each purpose of docs/security.md: owner (runs migrations), app (executes the API), '
'analyst (reads summaries and views), end_user (reads its own rows under row-level security). Written by the '
'installer only.';
comment on column litellm.role_names.purpose is
'owner, app, analyst or end_user.';
comment on column litellm.role_names.role_name is
'The cluster-wide role name: a lowercase identifier that needs no quoting, at most 63 bytes, not starting with pg_.';

insert into litellm.role_names (purpose, role_name) values
('owner', 'litellm_owner'),
('app', 'litellm_app'),
('analyst', 'litellm_analyst'),
('end_user', 'litellm_end_user');
