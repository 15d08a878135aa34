"""The installer against the database it installs into.

Every test here attacks as a role that is not trusted with the package: a
non-superuser who owns the database (``mallory``: she may store database
settings, create schemas and, in her database, objects in ``public``), or a
login with no package role at all. The installer runs as a superuser unless a
test says otherwise, which is what makes each attack worth trying: anything of
hers that runs inside the install runs with the superuser's rights.

What must hold (docs/security.md, "The installer and the database it installs
into"): the stored ``search_path`` is read as schema names, never as SQL; the
installer's session is not steered by the database's defaults; it refuses a
package schema, or objects, triggers, policies or rules in it, that it did not
make; the package schema comes before ``public`` in the database's
``search_path``; and a function added to the schema later is not executable
by ``PUBLIC``.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from test_install import full_dump

import litellm_db
from litellm_db import cli, installer
from litellm_db.errors import InstallError, UnsafeDatabaseError
from litellm_db.installer import InstallResult, split_search_path
from litellm_db.testing import PgServer

ident = sql.Identifier
PACKAGE_ROLES = ("litellm_owner", "litellm_app", "litellm_analyst", "litellm_end_user")


@dataclass
class Hostile:
    """A database owned by ``mallory``, a login that is not a superuser; dropped afterwards."""

    server: PgServer
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    dbname: str = ""
    logins: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dbname = self.server.create_database()
        self.mallory = self.login("mallory")
        with self.server.admin() as admin:
            admin.execute(sql.SQL("alter database {} owner to {}").format(
                ident(self.dbname), ident(self.mallory)))
            # The package's roles exist (another database of the cluster installed
            # them): an install steered into running as mallory would then succeed.
            for role in PACKAGE_ROLES:
                admin.execute(sql.SQL(
                    "do $$ begin if to_regrole({name}) is null then"
                    " create role {role} nologin; end if; end $$").format(
                    name=sql.Literal(role), role=ident(role)))

    def login(self, purpose: str, *member_of: str) -> str:
        name = f"h{self.tag}_{purpose}"
        with self.server.admin() as admin:
            admin.execute(sql.SQL("create role {} login").format(ident(name)))
            for group in member_of:
                admin.execute(sql.SQL("grant {} to {}").format(ident(group), ident(name)))
        self.logins.append(name)
        return name

    def dsn(self, user: str | None = None) -> str:
        dsn = self.server.dsn(self.dbname)
        return make_conninfo(dsn, user=user) if user else dsn

    def connect(self, user: str | None = None, **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(self.dsn(user), autocommit=True, **kwargs)

    def install(self, user: str | None = None, **kwargs: Any) -> InstallResult:
        with self.connect(user) as conn:
            return litellm_db.install(conn, **kwargs)

    def as_mallory(self, *statements: sql.Composable | str) -> None:
        with self.connect(self.mallory) as conn:
            for statement in statements:
                conn.execute(statement if isinstance(statement, sql.Composable)
                             else statement.encode())

    def is_superuser(self, role: str) -> bool:
        with self.server.admin() as admin:
            row = admin.execute("select rolsuper from pg_roles where rolname = %s",
                                (role,)).fetchone()
        return bool(row and row[0])

    def scalar(self, query: str, *params: object) -> Any:
        with self.connect() as conn:
            row = conn.execute(query.encode(), params or None).fetchone()
        return row[0] if row else None

    def stored_search_path(self) -> str | None:
        return self.scalar(
            "select substr(c, length('search_path=') + 1) from pg_db_role_setting as s,"
            " unnest(s.setconfig) as c where s.setrole = 0 and s.setdatabase ="
            " (select oid from pg_database where datname = current_database())"
            " and c like 'search_path=%%'")

    def cleanup(self) -> None:
        self.server.drop_database(self.dbname)
        with self.server.admin() as admin:
            for name in self.logins:
                admin.execute(sql.SQL("drop role if exists {}").format(ident(name)))


@pytest.fixture
def hostile(pg_server: PgServer) -> Iterator[Hostile]:
    h = Hostile(pg_server)
    try:
        yield h
    finally:
        h.cleanup()


def set_search_path_raw(h: Hostile, value: str) -> None:
    """Store ``value`` as the database's search_path exactly as given (no quoting)."""
    with h.connect(h.mallory) as conn:
        conn.execute("select set_config('search_path', %s, false)", (value,))
        conn.execute(sql.SQL("alter database {} set search_path from current").format(
            ident(h.dbname)))
        # Nothing of the value was lost on the way in.
        assert h.stored_search_path() == value


# -- 1. the stored search_path is data ------------------------------------------------------


def test_a_search_path_that_is_sql_does_not_run_as_the_installer(hostile: Hostile) -> None:
    """The value is pasted nowhere: mallory's statement hidden in it never runs."""
    m = hostile.mallory
    set_search_path_raw(hostile, f"public,x;alter/**/role/**/{m}/**/superuser;--")
    result = hostile.install()
    assert not hostile.is_superuser(m)
    hidden = f'"x;alter/**/role/**/{m}/**/superuser;--"'
    assert result.search_path_set == f"litellm, public, {hidden}"
    assert hostile.stored_search_path() == f"litellm, public, {hidden}"


@pytest.mark.parametrize(("stored", "names"), [
    # one quoted identifier that holds a quote, a semicolon and a comment
    ('"$user", "x"";alter role r superuser;--", public',
     ["$user", 'x";alter role r superuser;--', "litellm", "public"]),
    # written by hand: spaces, tabs, an unquoted mixed-case name, a doubled quote
    (' App ,\t"B""c" ,  PUBLIC', ["app", 'B"c', "litellm", "public"]),
    # no public at all: the package schema goes last
    ("app", ["app", "litellm"]),
    # an empty path
    ('""', ["litellm"]),
])
def test_the_stored_search_path_is_read_as_schema_names(hostile: Hostile, stored: str,
                                                        names: list[str]) -> None:
    set_search_path_raw(hostile, stored)
    hostile.install()
    with hostile.connect() as conn:  # a new session: what the server makes of the new value
        value = conn.execute("show search_path").fetchone()
        assert value is not None
        assert split_search_path(value[0]) == names


@pytest.mark.parametrize("value", [
    '"$user", public',
    ' a ,\t"B""c" ,D\n',
    '"x;alter role r superuser;--",public',
    "Äpfel,\"Äpfel\",über",
    "a" * 70 + ',"' + "b" * 70 + '"',
    '"' + "é" * 40 + '"',
    "$user,public",
    'a"b,c',
    '""',
    "",
])
def test_search_paths_are_split_as_the_server_splits_them(
        conn: psycopg.Connection, value: str) -> None:
    """split_search_path agrees with the server on every name it would search."""
    names = split_search_path(value)
    assert names is not None
    with conn.transaction(force_rollback=True):
        for name in names:
            if name and name != "$user":
                conn.execute(sql.SQL("create schema if not exists {}").format(ident(name)))
        conn.execute("select set_config('search_path', %s, true)", (value,))
        searched = conn.execute("select current_schemas(false)").fetchone()
        assert searched is not None
        assert searched[0] == list(dict.fromkeys(n for n in names if n and n != "$user"))


@pytest.mark.parametrize("value", ["a,,b", "a,", '"a', "a b", ",a", '"a"b'])
def test_a_search_path_the_server_refuses_is_not_split(conn: psycopg.Connection,
                                                       value: str) -> None:
    assert split_search_path(value) is None
    with pytest.raises(psycopg.errors.InvalidParameterValue), \
            conn.transaction(force_rollback=True):
        conn.execute("select set_config('search_path', %s, true)", (value,))


def test_the_hint_for_the_database_owner_is_data_too(hostile: Hostile) -> None:
    """An installer that may not alter the database prints the statement; it is safe to run."""
    set_search_path_raw(hostile, "public,x;create/**/table/**/public.pwned();--")
    deployer = hostile.login("deployer")
    with hostile.server.admin() as admin:
        admin.execute(sql.SQL("grant create on database {} to {}").format(
            ident(hostile.dbname), ident(deployer)))
    result = hostile.install(deployer)
    assert result.search_path_set is None
    [hint] = [w for w in result.warnings if "could not set the database's search_path" in w]
    statement = hint.split("run as its owner: ", 1)[1]
    hostile.as_mallory(statement)  # as the owner would, pasted into psql
    assert hostile.scalar("select to_regclass('public.pwned')") is None
    assert hostile.stored_search_path() == \
        'litellm, public, "x;create/**/table/**/public.pwned();--"'


# -- 2. the installer's own session ---------------------------------------------------------

# Database defaults mallory may set, and what the installer must run with instead.
STEERING = {
    "search_path": ("public", "pg_catalog, pg_temp"),
    "check_function_bodies": ("off", "on"),
    "standard_conforming_strings": ("off", "on"),
    "transform_null_equals": ("on", "off"),
    "array_nulls": ("off", "on"),
    "datestyle": ("SQL, DMY", "ISO, MDY"),
    "intervalstyle": ("sql_standard", "postgres"),
    "timezone": ("Pacific/Kiritimati", "UTC"),
    "default_tablespace": ("pg_default", ""),
}


def test_database_defaults_do_not_steer_the_install(pg_server: PgServer, hostile: Hostile,
                                                    empty_db: str) -> None:
    for name, (value, _) in STEERING.items():
        hostile.as_mallory(sql.SQL("alter database {} set {} = {}").format(
            ident(hostile.dbname), ident(name), sql.Literal(value)))
    seen: dict[str, str] = {}
    with hostile.connect() as conn:

        def look(_msg: str) -> None:
            if not seen:  # inside the install's transaction, before the first file
                for name in STEERING:
                    row = conn.execute("select current_setting(%s)", (name,)).fetchone()
                    assert row is not None
                    seen[name] = row[0]

        litellm_db.install(conn, progress=look)
    assert seen == {name: pinned for name, (_, pinned) in STEERING.items()}
    # And what was installed is what a clean install makes.
    hostile.as_mallory(sql.SQL("alter database {} reset all").format(ident(hostile.dbname)))
    with psycopg.connect(empty_db, autocommit=True) as clean:
        litellm_db.install(clean)
    assert full_dump(pg_server, hostile.dsn()) == full_dump(pg_server, empty_db)


def test_a_role_chosen_by_the_database_is_refused(hostile: Hostile) -> None:
    """ALTER DATABASE ... SET role would make the superuser's install run as mallory."""
    m = hostile.mallory
    hostile.as_mallory(sql.SQL("alter database {} set role = {}").format(
        ident(hostile.dbname), ident(m)))
    with pytest.raises(UnsafeDatabaseError, match="sets role for every session"):
        hostile.install()
    assert hostile.scalar("select to_regnamespace('litellm')") is None
    assert hostile.stored_search_path() is None


# -- 3. squatting ---------------------------------------------------------------------------


def plant_superuser_trigger(h: Hostile, table: str) -> list[sql.Composable]:
    """Statements (for mallory) that make her superuser when ``table`` is written to."""
    return [
        sql.SQL(
            "create function public.promote() returns trigger language plpgsql as $f$"
            " begin if current_user <> {m_text} then execute 'alter role {m_bare} superuser';"
            " end if; return null; end $f$").format(
            m_text=sql.Literal(h.mallory), m_bare=sql.SQL(h.mallory)),
        sql.SQL("grant execute on function public.promote() to public"),
        sql.SQL("create trigger promote after insert or update on {} for each statement"
                " execute function public.promote()").format(sql.SQL(table)),
    ]


def test_a_schema_someone_else_created_is_refused(hostile: Hostile) -> None:
    m = hostile.mallory
    hostile.as_mallory(
        "create schema litellm",
        "create table litellm.schema_migrations (version text primary key, kind text,"
        " description text, checksum text, package_version text,"
        " applied_at timestamptz default now())",
        *plant_superuser_trigger(hostile, "litellm.schema_migrations"),
    )
    with pytest.raises(UnsafeDatabaseError, match=f"schema litellm belongs to {m}"):
        hostile.install()
    assert not hostile.is_superuser(m)
    assert hostile.scalar("select count(*) from pg_class where relnamespace ="
                          " 'litellm'::regnamespace and relkind = 'r'") == 1


def test_an_archive_schema_someone_else_created_is_refused(hostile: Hostile) -> None:
    m = hostile.mallory
    hostile.as_mallory("create schema litellm_archive")
    with pytest.raises(UnsafeDatabaseError, match=f"schema litellm_archive belongs to {m}"):
        hostile.install()
    assert hostile.scalar("select to_regnamespace('litellm')") is None


def test_an_object_someone_else_made_in_the_schema_is_refused(hostile: Hostile) -> None:
    m = hostile.mallory
    hostile.install()
    with hostile.connect() as conn:
        conn.execute(sql.SQL("grant create on schema litellm to {}").format(ident(m)))
    hostile.as_mallory("create function litellm.get_user_balance(user_id integer)"
                       " returns integer language sql as 'select 1'")
    with pytest.raises(UnsafeDatabaseError,
                       match=rf"function litellm\.get_user_balance\(integer\) belongs to {m}"):
        hostile.install()


def test_a_trigger_the_package_did_not_create_is_refused(hostile: Hostile) -> None:
    """A role granted TRIGGER on a package table plants code that the next install would run."""
    m = hostile.mallory
    hostile.install()
    with hostile.connect() as conn:
        conn.execute(sql.SQL("grant usage on schema litellm to {}").format(ident(m)))
        conn.execute(sql.SQL("grant trigger on litellm.schema_migrations to {}").format(ident(m)))
        # The next install re-applies the API and records it.
        conn.execute("update litellm.schema_migrations set checksum = 'x' where kind = 'api'")
    hostile.as_mallory(*plant_superuser_trigger(hostile, "litellm.schema_migrations"))
    with pytest.raises(UnsafeDatabaseError,
                       match=r"trigger promote on litellm\.schema_migrations"):
        hostile.install()
    assert not hostile.is_superuser(m)


@pytest.mark.parametrize("statement", [
    "create policy peek on litellm.user_credits for select to public using (true)",
    "create rule peek as on insert to litellm.schema_migrations do also notify peek",
    "create trigger llm_usage_log_defaults before insert on litellm.user_credits"
    " for each row execute function litellm._usage_log_defaults()",
])
def test_policies_rules_and_triggers_the_package_did_not_create_are_refused(
        hostile: Hostile, statement: str) -> None:
    hostile.install()
    with hostile.connect() as conn:
        conn.execute(statement)
    with pytest.raises(UnsafeDatabaseError, match="the package did not create"):
        hostile.install()


def test_the_package_creates_only_what_the_shipped_sql_says(conn: psycopg.Connection) -> None:
    """The lists the installer checks against, read from the shipped SQL, cover a fresh install."""
    expected = installer.expected_package_objects()
    assert installer.untrusted_objects(conn) == []  # with the database's search_path
    conn.execute("set search_path = pg_catalog")
    triggers = conn.execute(
        "select coalesce(pg_partition_root(c.oid), c.oid)::regclass::text, t.tgname,"
        " t.tgfoid::regproc::text from pg_trigger as t join pg_class as c on c.oid = t.tgrelid"
        " where c.relnamespace in ('litellm'::regnamespace) and not t.tgisinternal").fetchall()
    assert triggers
    for table, name, function in triggers:
        assert name in expected.triggers, name
        tables, wanted = expected.triggers[name]
        assert function == wanted, (table, name)
        assert tables is None or table.removeprefix("litellm.") in tables, (table, name)
    policies = set(conn.execute(
        "select c.relname, p.polname from pg_policy as p join pg_class as c"
        " on c.oid = p.polrelid").fetchall())
    assert policies and policies <= expected.policies
    assert installer.untrusted_objects(conn) == []


def test_an_install_run_as_the_owner_role_can_be_upgraded_by_a_superuser(
        hostile: Hostile) -> None:
    """The documented production install (role=litellm_owner) stays upgradable."""
    with hostile.connect(options="-c role=litellm_owner") as conn:
        with hostile.server.admin() as admin:
            admin.execute(sql.SQL("grant create on database {} to litellm_owner").format(
                ident(hostile.dbname)))
        litellm_db.install(conn)
    with hostile.connect() as conn:
        conn.execute("update litellm.schema_migrations set checksum = 'x' where kind = 'api'")
    assert hostile.install().api_applied


# -- 4. shadowing through public ------------------------------------------------------------


@pytest.mark.parametrize(("before", "after"), [
    (None, '"$user", litellm, public'),
    ('"$user", public, litellm', '"$user", litellm, public'),  # installed by 0.x: reordered
    ("public, app, public, litellm", "litellm, public, app"),
    ("app, public", "app, litellm, public"),
])
def test_the_package_schema_comes_before_public(hostile: Hostile, before: str | None,
                                                after: str) -> None:
    if before is not None:
        set_search_path_raw(hostile, before)
    assert hostile.install().search_path_set == after
    assert hostile.stored_search_path() == after
    assert hostile.install().search_path_set is None  # and stays so


def test_a_search_path_already_in_order_is_left_alone(hostile: Hostile) -> None:
    set_search_path_raw(hostile, "app,litellm,public,app")
    assert hostile.install().search_path_set is None
    assert hostile.stored_search_path() == "app,litellm,public,app"


def make_public_writable(h: Hostile) -> None:
    """PostgreSQL 14's default, which later versions dropped."""
    with h.connect() as conn:
        conn.execute("grant create on schema public to public")


def test_a_function_in_public_does_not_shadow_the_api(hostile: Hostile) -> None:
    make_public_writable(hostile)
    nobody = hostile.login("nobody")
    app = hostile.login("app", "litellm_app")
    hostile.install()
    with hostile.connect(nobody) as conn:
        conn.execute("create function public.get_user_balance(user_id text)"
                     " returns table (credits_remaining numeric)"
                     " language sql as 'select 1000000::numeric'")
        conn.execute("grant execute on function public.get_user_balance(text) to public")
    with hostile.connect(app) as conn:  # a new session, unqualified as the seed's SQL
        assert conn.execute("select credits_remaining from get_user_balance('u')"
                            ).fetchall() == []


def test_a_closer_match_in_public_does_not_reach_the_client(hostile: Hostile) -> None:
    """Unqualified, add_user_credits('u', 5) would pick public's (integer) over litellm's
    (numeric) whatever the path's order; the client names the schema and the arguments."""
    make_public_writable(hostile)
    nobody = hostile.login("nobody")
    app = hostile.login("app", "litellm_app")
    hostile.install()
    with hostile.connect(nobody) as conn:
        conn.execute("create function public.add_user_credits(user_id text, amount integer)"
                     " returns void language sql as ''")
        conn.execute("grant execute on function public.add_user_credits(text, integer)"
                     " to public")
    with hostile.connect(app) as conn:
        litellm_db.client.Client(conn).add_user_credits("u", 5)
        assert conn.execute("select credits_remaining from litellm.get_user_balance('u')"
                            ).fetchone() == (5,)


def test_a_writable_public_schema_is_warned_about(hostile: Hostile) -> None:
    assert not [w for w in hostile.install().warnings if "schema public" in w]
    code, out, _ = run_cli(["status", "--no-verify", "--dsn", hostile.dsn()])
    assert code == 0 and "schema public" not in out
    make_public_writable(hostile)
    [warning] = [w for w in hostile.install().warnings if "schema public" in w]
    assert "writable by every role" in warning
    code, out, _ = run_cli(["status", "--no-verify", "--dsn", hostile.dsn()])
    assert code == 0 and f"warning: {warning}" in out
    code, out, _ = run_cli(["status", "--no-verify", "--json", "--dsn", hostile.dsn()])
    assert json.loads(out)["warnings"] == [warning]
    code, out, _ = run_cli(["migrate", "--dsn", hostile.dsn()])
    assert code == 0 and f"warning: {warning}" in out


def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(args, env={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_a_refusal_is_one_line_and_exit_1(hostile: Hostile) -> None:
    hostile.as_mallory("create schema litellm")
    code, out, err = run_cli(["migrate", "--dsn", hostile.dsn()])
    assert code == cli.EXIT_ERROR and "Applied" not in out
    assert err.count("\n") == 1 and err.startswith("litellm-db: error: schema litellm belongs")


# -- 5. default privileges ------------------------------------------------------------------


@pytest.mark.parametrize("create", [
    "create function litellm.added_later() returns int language sql as 'select 1'",
    "create procedure litellm.added_later() language sql as 'select 1'",
])
def test_a_function_added_after_install_is_not_executable_by_public(
        hostile: Hostile, create: str) -> None:
    end_user = hostile.login("end_user", "litellm_end_user")
    nobody = hostile.login("nobody")
    hostile.install()
    with hostile.connect() as conn:  # the installing role, later
        conn.execute(create)
        assert conn.execute("select has_function_privilege('public',"
                            " 'litellm.added_later()', 'execute')").fetchone() == (False,)
    call: Callable[[psycopg.Connection], object] = (
        (lambda c: c.execute("call litellm.added_later()")) if "procedure" in create
        else (lambda c: c.execute("select litellm.added_later()")))
    for login in (end_user, nobody):
        with hostile.connect(login) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            call(conn)


def test_the_default_privileges_follow_a_non_superuser_installer(hostile: Hostile) -> None:
    deployer = hostile.login("deployer", "litellm_owner")
    with hostile.server.admin() as admin:
        admin.execute(sql.SQL("grant create on database {} to litellm_owner").format(
            ident(hostile.dbname)))
    with hostile.connect(deployer, options="-c role=litellm_owner") as conn:
        litellm_db.install(conn)
        conn.execute("create function litellm.added_later() returns int language sql"
                     " as 'select 1'")
        assert conn.execute("select has_function_privilege('public',"
                            " 'litellm.added_later()', 'execute')").fetchone() == (False,)


def test_install_error_is_the_base_of_the_refusals() -> None:
    assert issubclass(UnsafeDatabaseError, InstallError)
