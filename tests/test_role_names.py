"""Configurable role names (docs/security.md#role-names).

A database installed with other names for the owner, application, analyst and
end-user roles must be exactly a default install with the names replaced:
the same grants, the same row-level security policies, the same behaviour.
The names are recorded, so later runs keep them; a bad name, or a change that
is not confirmed, is refused with nothing written; a confirmed change moves
this database's privileges to the new roles and leaves the old roles, and every
other database of the cluster, alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from test_install import full_dump

import litellm_db
from litellm_db import cli
from litellm_db.errors import InstallError, InvalidRoleNameError, RoleNamesChangedError
from litellm_db.installer import (
    DEFAULT_ROLE_NAMES,
    ROLE_PURPOSES,
    RoleNames,
    check_role_name,
    with_role_names,
)
from litellm_db.testing import PgServer
from repo import SQL_TESTS

DEFAULTS = DEFAULT_ROLE_NAMES.as_dict()


@dataclass
class Cluster:
    """Databases and roles made by one test, all dropped afterwards (roles are cluster-wide)."""

    server: PgServer
    prefix: str = field(default_factory=lambda: f"rn{uuid.uuid4().hex[:8]}_")
    databases: list[str] = field(default_factory=list)

    def names(self, tag: str) -> RoleNames:
        """Four new role names, unique to this test."""
        return RoleNames(**{p: f"{self.prefix}{tag}_{p}" for p in ROLE_PURPOSES})

    def database(self) -> str:
        name = self.server.create_database()
        self.databases.append(name)
        return self.server.dsn(name)

    def install(self, dsn: str, **kwargs: object) -> litellm_db.installer.InstallResult:
        with psycopg.connect(dsn, autocommit=True) as conn:
            return litellm_db.install(conn, **kwargs)  # type: ignore[arg-type]

    def roles(self) -> list[str]:
        with self.server.admin() as admin:
            return [r for (r,) in admin.execute(
                "select rolname from pg_roles where starts_with(rolname, %s) order by 1",
                (self.prefix,))]

    def cleanup(self) -> None:
        for name in self.databases:
            self.server.drop_database(name)
        with self.server.admin() as admin:
            for role in self.roles():
                admin.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))


@pytest.fixture
def cluster(pg_server: PgServer) -> Iterator[Cluster]:
    c = Cluster(pg_server)
    try:
        yield c
    finally:
        c.cleanup()


def as_defaults(text: str, names: RoleNames) -> str:
    """``text`` with ``names`` replaced by the default names (the inverse of the installer's)."""
    for purpose, name in names.as_dict().items():
        text = re.sub(rf"\b{re.escape(str(name))}\b", DEFAULTS[purpose] or "", text)
    return text


def dump_as_defaults(server: PgServer, dsn: str, names: RoleNames) -> tuple[str, str]:
    schema, data = full_dump(server, dsn)
    return as_defaults(schema, names), as_defaults(data, names)


def acl_entries(dsn: str, role: str) -> list[tuple[str, str]]:
    """Every privilege ``role`` holds on the schema or on anything in it, and its policies."""
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            """
            select 'schema', a.privilege_type
            from pg_namespace as n, aclexplode(n.nspacl) as a
            where n.nspname = 'litellm' and a.grantee = to_regrole(%(r)s)
            union all
            select c.oid::regclass::text, a.privilege_type
            from pg_class as c, aclexplode(c.relacl) as a
            where c.relnamespace = 'litellm'::regnamespace and a.grantee = to_regrole(%(r)s)
            union all
            select p.oid::regprocedure::text, a.privilege_type
            from pg_proc as p, aclexplode(p.proacl) as a
            where p.pronamespace = 'litellm'::regnamespace and a.grantee = to_regrole(%(r)s)
            union all
            select p.polrelid::regclass::text, 'policy ' || p.polname
            from pg_policy as p
            where to_regrole(%(r)s) = any (p.polroles)
            order by 1, 2
            """,
            {"r": role},
        ).fetchall()


# -- names: the rules ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gateway_app", "_x", "a" * 63, "app2", "owner", "role"])
def test_good_names(name: str) -> None:
    assert check_role_name(name) == name


@pytest.mark.parametrize("name", [
    "", "Gateway", "gateway-app", "2app", "a" * 64, "pg_app", "public", "none", "all",
    "current_user", "app name", 'app"; drop table x; --', "caf\u00e9",
])
def test_bad_names(name: str) -> None:
    with pytest.raises(InvalidRoleNameError):
        check_role_name(name)


def test_the_four_names_differ() -> None:
    with pytest.raises(InvalidRoleNameError, match="app and analyst roles must have different"):
        RoleNames(app="same_name", analyst="same_name")
    with pytest.raises(InvalidRoleNameError, match="different names"):
        RoleNames(app="litellm_analyst").merged(DEFAULT_ROLE_NAMES)
    with pytest.raises(InvalidRoleNameError, match="unknown role purpose"):
        RoleNames.from_mapping({"reader": "x"})


def test_placeholders_are_whole_words() -> None:
    names = RoleNames(owner="o", app="a", analyst="n", end_user="e")
    text = ("grant x to litellm_app, litellm_analyst; -- litellm_end_user\n"
            "where rolname = 'litellm_owner' and litellm.user_id = litellm_app_x and xlitellm_app")
    assert with_role_names(text, names) == (
        "grant x to a, n; -- e\n"
        "where rolname = 'o' and litellm.user_id = litellm_app_x and xlitellm_app"
    )
    assert with_role_names(text, DEFAULT_ROLE_NAMES) is text


# -- installing with other names -------------------------------------------------------------


def test_a_custom_install_is_a_default_install_with_other_names(cluster: Cluster) -> None:
    names = cluster.names("c")
    default, custom = cluster.database(), cluster.database()
    assert cluster.install(default).roles == DEFAULTS
    result = cluster.install(custom, roles=names)
    assert result.roles == names.as_dict()
    assert cluster.roles() == sorted(str(n) for n in names.as_dict().values())

    expected = full_dump(cluster.server, default)
    got = dump_as_defaults(cluster.server, custom, names)
    assert got[0] == expected[0], "grants, policies and comments are the defaults' with other names"
    assert got[1] == expected[1]
    with psycopg.connect(custom) as conn:
        assert dict(conn.execute("select purpose, role_name from litellm.role_names")) \
            == names.as_dict()
        mentions = conn.execute(
            "select count(*) from pg_policy as p where exists (select from pg_roles as r"
            " where r.oid = any (p.polroles) and r.rolname like 'litellm\\_%%')"
        ).fetchone()
        assert mentions == (0,), "no policy names a default role"
    for purpose in ("app", "analyst", "end_user"):
        assert acl_entries(custom, DEFAULTS[purpose] or "") == []
        assert acl_entries(custom, str(getattr(names, purpose))) \
            == acl_entries(default, DEFAULTS[purpose] or "")


def test_the_role_tests_pass_with_other_names(cluster: Cluster, tmp_path: Path) -> None:
    """Every pgTAP file that names a role, with the names replaced, against a custom install."""
    names = cluster.names("t")
    dsn = cluster.database()
    # pgTAP first, as conftest does: functions the installing role creates after the
    # install are not executable by PUBLIC (its default privileges in this database).
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create extension pgtap")
    cluster.install(dsn, roles=names)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute((SQL_TESTS / "fixtures.sql").read_text().encode())
    mapped = []
    for path in sorted(SQL_TESTS.rglob("*.test.sql")):
        text = path.read_text()
        if with_role_names(text, names) != text or path.parent.name == "roles":
            target = tmp_path / "_".join(path.relative_to(SQL_TESTS).parts)
            target.write_text(with_role_names(text, names))
            mapped.append(target)
    assert len(mapped) >= 15, "the role, RLS and privilege tests"
    dbname = conninfo_to_dict(dsn)["dbname"]
    proc = run_pg_prove_many(cluster.server, dbname, mapped)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr
    assert f"Files={len(mapped)}" in proc.stdout


def run_pg_prove_many(server: PgServer, dbname: str,
                      paths: list[Path]) -> subprocess.CompletedProcess[str]:
    """pg_prove over several files in one database (each file rolls back), as conftest runs one."""
    pg_prove = shutil.which("pg_prove")
    if pg_prove is None:
        pytest.fail("pg_prove not found: install libtap-parser-sourcehandler-pgtap-perl")
    p = server.params
    env = dict(os.environ, PGHOST=p["host"], PGPORT=p.get("port", "5432"),
               PGUSER=p.get("user", "postgres"), PGDATABASE=dbname,
               PGPASSWORD=p.get("password", ""))
    env["PATH"] = str(Path(server.tool("psql")).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [pg_prove, "--failures", "--set", "ON_ERROR_STOP=1", *map(str, paths)],
        env=env, capture_output=True, text=True, timeout=600,
    )


def test_custom_roles_work_through_real_logins(cluster: Cluster) -> None:
    """A non-superuser owner without CREATEROLE installs with roles a superuser made."""
    names = cluster.names("l")
    dsn = cluster.database()
    dbname = str(conninfo_to_dict(dsn)["dbname"])
    password = f"pw-{uuid.uuid4().hex[:8]}"
    logins = {p: f"{cluster.prefix}login_{p}" for p in ROLE_PURPOSES}
    with cluster.server.admin() as admin:
        for purpose in ROLE_PURPOSES:
            group = str(getattr(names, purpose))
            admin.execute(sql.SQL("create role {} nologin").format(sql.Identifier(group)))
            admin.execute(sql.SQL("create role {} login password {} in role {}").format(
                sql.Identifier(logins[purpose]), sql.Literal(password), sql.Identifier(group)))
        admin.execute(sql.SQL("grant create on database {} to {}").format(
            sql.Identifier(dbname), sql.Identifier(str(names.owner))))

    def connect(purpose: str, **kwargs: str) -> psycopg.Connection:
        return psycopg.connect(dsn, user=logins[purpose], password=password, autocommit=True,
                               **kwargs)

    with connect("owner", options=f"-c role={names.owner}") as deployer:
        result = litellm_db.install(deployer, roles=names)
        assert result.schema_applied and result.roles == names.as_dict()

    with connect("app") as app:
        for user in ("rn-a", "rn-b"):
            app.execute("select litellm.add_user_credits(%s, 10::numeric)", (user,))
            row = app.execute(
                "select success from litellm.debit_user_credits(%s, 1::numeric, 'openai', 'gpt-4')",
                (user,),
            ).fetchone()
            assert row == (True,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("insert into litellm.credit_transactions (user_id, seq, transaction_type,"
                        " amount, balance_after) values ('rn-a', 99, 'bonus', 1, 1)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("update litellm.user_credits set credits_remaining = 1000")
        app.execute("select litellm.refresh_usage_summary()")
        token = app.execute("select litellm.issue_end_user_token('rn-a')").fetchone()
        assert token is not None

    with connect("analyst") as analyst:
        assert analyst.execute("select count(*) from litellm.account_overview").fetchone() == (2,)
        analyst.execute("select * from litellm.llm_usage_summary")
        assert analyst.execute("select * from litellm.verify_ledger()").fetchall() == []
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            analyst.execute("select litellm.debit_user_credits('rn-a', 1::numeric)")

    with connect("end_user") as portal:
        portal.execute("select set_config('litellm.end_user_token', %s, false)", token)
        assert portal.execute("select user_id, credits_remaining from litellm.user_credits"
                              ).fetchall() == [("rn-a", Decimal(9))]
        assert portal.execute("select distinct user_id from litellm.credit_transactions"
                              ).fetchall() == [("rn-a",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            portal.execute("select * from litellm.get_user_balance('rn-b')")
    with connect("end_user") as unset:
        assert unset.execute("select count(*) from litellm.user_credits").fetchone() == (0,)


# -- the names are remembered ----------------------------------------------------------------


def test_a_fresh_default_install_records_the_default_names(conn: psycopg.Connection) -> None:
    assert dict(conn.execute("select purpose, role_name from litellm.role_names")) == DEFAULTS
    assert litellm_db.installer.configured_roles(conn) == DEFAULT_ROLE_NAMES


def test_later_runs_keep_the_names(cluster: Cluster) -> None:
    names = cluster.names("k")
    dsn = cluster.database()
    cluster.install(dsn, roles=names)
    before = full_dump(cluster.server, dsn)
    again = cluster.install(dsn)
    assert not again.changed and again.roles == names.as_dict()
    assert cluster.install(dsn, roles={"app": names.app}).changed is False
    # The API re-applied (as after an upgrade) grants the recorded names again.
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("update litellm.schema_migrations set version = 'api-old', checksum = 'old',"
                     " applied_at = applied_at - interval '1 day' where kind = 'api'")
    upgraded = cluster.install(dsn)
    assert upgraded.api_applied and upgraded.roles == names.as_dict()
    assert full_dump(cluster.server, dsn) == before

    out, err = run_cli(["migrate", "--dsn", dsn])
    assert "Schema is up to date" in out and f"app {names.app}" in out, err


def test_an_upgrade_from_before_role_names_keeps_the_defaults(cluster: Cluster) -> None:
    dsn = cluster.database()
    # Only the schema: today's API and grants name objects of later migrations.
    cluster.install(dsn, upto="0052", apply_api=False)
    result = cluster.install(dsn)
    later = [f.version for f in litellm_db.installer.schema_files() if f.version > "0052"]
    assert result.schema_applied == later and later[0] == "0060" and result.roles == DEFAULTS
    with psycopg.connect(dsn) as conn:
        assert dict(conn.execute("select purpose, role_name from litellm.role_names")) == DEFAULTS


def test_other_names_need_the_table_that_records_them(cluster: Cluster) -> None:
    with pytest.raises(InstallError, match="need schema version 0060"):
        cluster.install(cluster.database(), roles=cluster.names("u"), upto="0052")


# -- refusals write nothing ------------------------------------------------------------------


def assert_not_installed(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        assert conn.execute("select to_regnamespace('litellm')").fetchone() == (None,)


@pytest.mark.parametrize(("roles", "match"), [
    ({"app": "Gateway"}, "not a lowercase identifier"),
    ({"analyst": "pg_reader"}, "reserved"),
    ({"end_user": "x" * 64}, "longer than 63 bytes"),
    ({"app": "user"}, "SQL keyword"),
    ({"owner": "select"}, "SQL keyword"),
    ({"app": "postgres"}, "superuser"),
    ({"app": "{p}same", "end_user": "{p}same"}, "different names"),
])
def test_a_bad_name_installs_nothing(cluster: Cluster, roles: dict[str, str],
                                     match: str) -> None:
    dsn = cluster.database()
    roles = {k: v.format(p=cluster.prefix) for k, v in roles.items()}
    with pytest.raises(InvalidRoleNameError, match=match):
        cluster.install(dsn, roles={**cluster.names("b").as_dict(), **roles})
    assert_not_installed(dsn)
    assert cluster.roles() == [], "no role was created"


def test_an_unconfirmed_change_is_refused(cluster: Cluster) -> None:
    dsn = cluster.database()
    names = cluster.names("r")
    cluster.install(dsn, roles=names)
    before = full_dump(cluster.server, dsn)
    other = f"{cluster.prefix}other_app"
    with pytest.raises(RoleNamesChangedError, match=f"refusing to change app {names.app} to"):
        cluster.install(dsn, roles={"app": other})
    with pytest.raises(InvalidRoleNameError, match="SQL keyword"):
        cluster.install(dsn, roles={"app": "user"}, change_roles=True)
    assert full_dump(cluster.server, dsn) == before
    assert other not in cluster.roles()

    code, _out, err = run_cli_code(["migrate", "--dsn", dsn, "--role-app", other])
    assert code == cli.EXIT_ERROR and "--change-roles" in err
    code, _out, err = run_cli_code(["migrate", "--dsn", dsn, "--role-app", "Bad-Name"])
    assert code == cli.EXIT_USAGE  # argparse: "argument --role-app: ... not a lowercase ..."
    code, _out, err = run_cli_code(["migrate", "--dsn", dsn],
                                   env={"LITELLM_DB_ROLE_END_USER": "pg_x"})
    assert code == cli.EXIT_ERROR
    assert err.startswith("litellm-db: error: LITELLM_DB_ROLE_END_USER: the end-user role name")
    assert full_dump(cluster.server, dsn) == before


# -- changing the names ----------------------------------------------------------------------


def test_a_confirmed_change_moves_the_privileges(cluster: Cluster) -> None:
    """Moving is the same as installing with the new names; other databases keep theirs."""
    old, new = cluster.names("o"), cluster.names("n")
    moved, shared, fresh = cluster.database(), cluster.database(), cluster.database()
    cluster.install(moved, roles=old)
    cluster.install(shared, roles=old)  # another database of the cluster, same roles
    shared_before = full_dump(cluster.server, shared)
    cluster.install(fresh, roles=new)
    with cluster.server.admin() as admin:
        admin.execute(sql.SQL("create role {} login in role {}").format(
            sql.Identifier(f"{cluster.prefix}gateway"), sql.Identifier(str(old.app))))

    # Keep the owner; swap nothing else: app, analyst and end user get new names.
    target = RoleNames(owner=old.owner, app=new.app, analyst=new.analyst, end_user=new.end_user)
    result = cluster.install(moved, roles=target, change_roles=True)
    assert result.api_applied and result.roles == target.as_dict()
    assert result.roles_changed == {p: (getattr(old, p), getattr(new, p))
                                    for p in ("app", "analyst", "end_user")}
    assert any(f"grant {new.app} to its members: {cluster.prefix}gateway" in w
               for w in result.warnings)

    def normalised(dsn: str, names: RoleNames) -> tuple[str, str]:
        return dump_as_defaults(cluster.server, dsn, names)

    assert normalised(moved, target) == normalised(fresh, new), \
        "after the move the database is a fresh install with the new names"
    for purpose in ("app", "analyst", "end_user"):
        assert acl_entries(moved, str(getattr(old, purpose))) == []
    assert full_dump(cluster.server, shared) == shared_before, "the other database is untouched"
    assert acl_entries(shared, str(old.app)) != []
    assert str(old.app) in cluster.roles(), "the old role stays: roles are cluster-wide"
    again = cluster.install(moved)
    assert not again.changed and again.roles == target.as_dict()


def test_names_can_be_swapped(cluster: Cluster) -> None:
    names = cluster.names("s")
    dsn = cluster.database()
    cluster.install(dsn, roles=names)
    swapped = RoleNames(owner=names.owner, app=names.analyst, analyst=names.app,
                        end_user=names.end_user)
    result = cluster.install(dsn, roles=swapped, change_roles=True)
    assert set(result.roles_changed) == {"app", "analyst"} and result.warnings == []
    reference = cluster.database()
    cluster.install(reference)
    # The same privileges and policies (only the order of ACL entries may differ).
    for purpose in ROLE_PURPOSES:
        assert acl_entries(dsn, str(getattr(swapped, purpose))) \
            == acl_entries(reference, DEFAULTS[purpose] or ""), purpose


def test_the_owner_name_moves_only_when_it_owns_nothing(cluster: Cluster) -> None:
    names = cluster.names("w")
    dsn = cluster.database()
    cluster.install(dsn, roles=names)
    new_owner = f"{cluster.prefix}new_owner"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("alter schema litellm owner to {}").format(
            sql.Identifier(str(names.owner))))
        # The installer uses a schema that belongs to another role only when it runs
        # as a member of that role (or was told it is the package's owner role).
        conn.execute(sql.SQL("grant {} to current_user").format(
            sql.Identifier(str(names.owner))))
    before = full_dump(cluster.server, dsn)
    with pytest.raises(RoleNamesChangedError, match=f"REASSIGN OWNED BY {names.owner}"):
        cluster.install(dsn, roles={"owner": new_owner}, change_roles=True)
    assert full_dump(cluster.server, dsn) == before
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("alter schema litellm owner to current_user")
    result = cluster.install(dsn, roles={"owner": new_owner}, change_roles=True)
    assert result.roles_changed == {"owner": (names.owner, new_owner)}
    assert new_owner in cluster.roles()


def test_a_reset_keeps_the_names(cluster: Cluster) -> None:
    names = cluster.names("z")
    dsn = cluster.database()
    out, err = run_cli(["init", "--dsn", dsn, *role_flags(names)])
    assert f"Roles: owner {names.owner}, app {names.app}" in out, err
    out, err = run_cli(["init", "--dsn", dsn, "--reset", "--yes"])
    assert "Dropped schema litellm" in out and f"app {names.app}" in out, err
    with psycopg.connect(dsn) as conn:
        assert litellm_db.installer.configured_roles(conn) == names
    out, err = run_cli(["status", "--dsn", dsn, "--no-verify"])
    assert f"Roles: owner {names.owner}, app {names.app}" in out, err


def test_the_environment_names_the_roles(cluster: Cluster) -> None:
    names = cluster.names("e")
    dsn = cluster.database()
    env = {v: str(getattr(names, p)) for p, v in litellm_db.installer.ROLE_ENV.items()}
    code, out, err = run_cli_code(["migrate", "--dsn", dsn, "--json"], env=env)
    assert code == 0, err
    assert f'"app": "{names.app}"' in out
    # A flag wins over the environment: here it asks for a change, which is refused.
    code, _out, err = run_cli_code(
        ["migrate", "--dsn", dsn, "--role-app", f"{cluster.prefix}flag_app"], env=env)
    assert code == cli.EXIT_ERROR and "refusing to change app" in err


# -- helpers ---------------------------------------------------------------------------------


def role_flags(names: RoleNames) -> list[str]:
    return [arg for p in ROLE_PURPOSES
            for arg in (f"--role-{p.replace('_', '-')}", str(getattr(names, p)))]


def run_cli_code(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, env=env or {}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_cli(argv: list[str]) -> tuple[str, str]:
    code, out, err = run_cli_code(argv)
    assert code == 0, err
    return out, err

