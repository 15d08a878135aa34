"""Applies the SQL that ships with this package to a database.

Layout of the shipped SQL (``litellm_db/sql``, the repository's ``sql/``):

* ``bootstrap.sql`` -- the schema and the ``schema_migrations`` table; idempotent.
* ``schema/NNNN_topic.sql`` -- types, tables, indexes and seed rows. Each file is
  applied once, in number order, and recorded with its checksum. A released file
  never changes: later changes are new, higher-numbered files (forward-only).
* ``functions/*.sql``, ``views/*.sql``, ``grants.sql`` -- the API. They are all
  ``create or replace`` and are re-applied together whenever their combined
  checksum differs from the last one recorded.

Everything runs in one transaction under an advisory lock, so concurrent
installers queue and a failure leaves the database as it was.

Role names: the shipped SQL names the package's four group roles by their
default names (``litellm_owner``, ``litellm_app``, ``litellm_analyst``,
``litellm_end_user``). They are placeholders, like Flyway's: every file is
applied with the names configured for the database in their place (see
:class:`RoleNames`); checksums are taken of the files as shipped. The names are
recorded in ``litellm.role_names`` (``sql/schema/0060_role_names.sql``), so
later runs use them without being told; a run that asks for other names is
refused unless ``change_roles=True``, which moves this database's privileges
and policies from the old roles to the new ones (never ``ALTER ROLE ... RENAME``:
roles are cluster-wide, and other databases may use the old ones).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable

import psycopg
from psycopg import sql

from ._version import __version__
from .errors import (
    InstallError,
    InvalidRoleNameError,
    RoleNamesChangedError,
    UnsupportedServerError,
)

SCHEMA = "litellm"
MIN_SERVER_VERSION = 140000
# pg_advisory_xact_lock key: the bytes "litellm\0" read as a big-endian integer.
ADVISORY_LOCK_KEY = int.from_bytes(b"litellm\0", "big") & 0x7FFFFFFFFFFFFFFF
_SCHEMA_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


# -- role names ---------------------------------------------------------------------------

#: The four purposes of docs/security.md, in the order they are shown.
ROLE_PURPOSES = ("owner", "app", "analyst", "end_user")
#: The environment variables the ``litellm-db`` command reads a role name from.
ROLE_ENV = {
    "owner": "LITELLM_DB_ROLE_OWNER",
    "app": "LITELLM_DB_ROLE_APP",
    "analyst": "LITELLM_DB_ROLE_ANALYST",
    "end_user": "LITELLM_DB_ROLE_END_USER",
}
#: The schema file that records the names (litellm.role_names).
ROLE_NAMES_VERSION = "0060"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# Names CREATE ROLE refuses or that mean something else where a role is expected.
_RESERVED_ROLE_NAMES = frozenset(
    {"public", "none", "current_user", "session_user", "current_role", "all"}
)
# A default name in the shipped SQL, as a whole word (not part of a longer name).
_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z0-9_$])litellm_(owner|app|analyst|end_user)(?![A-Za-z0-9_$])"
)


def check_role_name(name: object, purpose: str = "role") -> str:
    """``name`` if it can name one of the package's roles, else :class:`InvalidRoleNameError`.

    A role name is a lowercase SQL identifier that needs no quoting: a letter or
    ``_``, then letters, digits and ``_``; at most 63 bytes; not starting with
    ``pg_`` (reserved by PostgreSQL) and not ``public``, ``none``, ``all`` or
    ``current_user``/``session_user``/``current_role``. The installer also
    refuses SQL keywords that would need quoting (``user``, ``select``), which
    only the server can tell.
    """
    what = f"the {purpose.replace('_', '-')} role name"
    if not isinstance(name, str):
        raise InvalidRoleNameError(f"{what} must be a string, got {type(name).__name__}")
    if len(name.encode()) > 63:
        raise InvalidRoleNameError(f"{what} {name[:70]!r} is longer than 63 bytes")
    if not _ROLE_NAME.match(name):
        raise InvalidRoleNameError(
            f"{what} {name!r} is not a lowercase identifier (a letter or _, then letters, digits"
            " and _)"
        )
    if name.startswith("pg_") or name in _RESERVED_ROLE_NAMES:
        raise InvalidRoleNameError(f"{what} {name!r} is reserved by PostgreSQL")
    return name


@dataclass(frozen=True)
class RoleNames:
    """The names of the package's four group roles (docs/security.md).

    ``owner`` runs migrations and owns the package, ``app`` executes the API,
    ``analyst`` reads summaries and views, ``end_user`` reads its own rows under
    row-level security. A field left ``None`` keeps the name the database
    already uses (the default name on a fresh install). Every name given is
    checked with :func:`check_role_name`; the names given must differ.
    """

    owner: str | None = None
    app: str | None = None
    analyst: str | None = None
    end_user: str | None = None

    def __post_init__(self) -> None:
        for purpose in ROLE_PURPOSES:
            name = getattr(self, purpose)
            if name is not None:
                check_role_name(name, purpose)
        _check_distinct(self)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RoleNames:
        """The names set in ``LITELLM_DB_ROLE_OWNER``, ``_APP``, ``_ANALYST``, ``_END_USER``.

        A bad value raises :class:`InvalidRoleNameError` naming the variable.
        """
        names: dict[str, str] = {}
        for purpose, var in ROLE_ENV.items():
            value = env.get(var, "").strip()
            if value:
                try:
                    names[purpose] = check_role_name(value, purpose)
                except InvalidRoleNameError as exc:
                    raise InvalidRoleNameError(f"{var}: {exc}") from None
        return cls(**names)

    @classmethod
    def from_mapping(cls, names: Mapping[str, str | None]) -> RoleNames:
        unknown = sorted(set(names) - set(ROLE_PURPOSES))
        if unknown:
            raise InvalidRoleNameError(
                f"unknown role purpose(s) {', '.join(unknown)}: use {', '.join(ROLE_PURPOSES)}"
            )
        return cls(**names)

    def merged(self, base: RoleNames) -> RoleNames:
        """These names, with ``base``'s where this one has none."""
        return RoleNames(**{p: getattr(self, p) or getattr(base, p) for p in ROLE_PURPOSES})

    def as_dict(self) -> dict[str, str | None]:
        return {p: getattr(self, p) for p in ROLE_PURPOSES}

    def describe(self) -> str:
        return ", ".join(f"{p.replace('_', '-')} {getattr(self, p)}" for p in ROLE_PURPOSES
                         if getattr(self, p) is not None)


def _check_distinct(names: RoleNames) -> None:
    seen: dict[str, str] = {}
    for purpose in ROLE_PURPOSES:
        name = getattr(names, purpose)
        if name is None:
            continue
        if name in seen:
            raise InvalidRoleNameError(
                f"the {seen[name].replace('_', '-')} and {purpose.replace('_', '-')} roles must"
                f" have different names, both are {name!r}"
            )
        seen[name] = purpose


DEFAULT_ROLE_NAMES = RoleNames(owner="litellm_owner", app="litellm_app",
                               analyst="litellm_analyst", end_user="litellm_end_user")


def with_role_names(text: str, roles: RoleNames) -> str:
    """``text`` (shipped SQL) with the default role names replaced by ``roles``'.

    The names are checked (:func:`check_role_name` and, by the installer, by the
    server) to be identifiers PostgreSQL never quotes, so the bare name is what
    ``format('%I', name)`` would give, in identifier and string positions alike.
    """
    if roles == DEFAULT_ROLE_NAMES:
        return text
    return _PLACEHOLDER.sub(lambda m: str(getattr(roles, m.group(1))), text)


@dataclass(frozen=True)
class SqlFile:
    path: str
    text: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


@dataclass(frozen=True)
class SchemaFile(SqlFile):
    version: str = ""
    description: str = ""


@dataclass(frozen=True)
class InstallResult:
    """What one run of :func:`install` changed."""

    schema_applied: list[str] = field(default_factory=list)
    api_applied: bool = False
    search_path_set: str | None = None
    partitions_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    roles: dict[str, str | None] = field(default_factory=dict)
    """The role names the database uses now, by purpose (owner, app, analyst, end_user)."""
    roles_changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Purpose -> (old name, new name) for the roles this run moved (``change_roles=True``)."""

    @property
    def changed(self) -> bool:
        return bool(self.schema_applied or self.api_applied or self.search_path_set
                    or self.partitions_created or self.roles_changed)


def sql_root() -> Traversable:
    return resources.files("litellm_db") / "sql"


def _read_dir(name: str) -> list[tuple[str, str]]:
    folder = sql_root() / name
    if not folder.is_dir():
        return []
    entries = sorted((f.name, f) for f in folder.iterdir() if f.name.endswith(".sql"))
    return [(f"{name}/{n}", f.read_text(encoding="utf-8")) for n, f in entries]


def schema_files() -> list[SchemaFile]:
    files = []
    for path, text in _read_dir("schema"):
        m = _SCHEMA_FILE.match(path.split("/", 1)[1])
        if not m:
            raise InstallError(f"sql/{path}: schema files are named NNNN_topic.sql")
        files.append(SchemaFile(path, text, version=m.group(1),
                                description=m.group(2).replace("_", " ")))
    versions = [f.version for f in files]
    if len(set(versions)) != len(versions):
        raise InstallError(f"duplicate schema file numbers in sql/schema: {versions}")
    return files


def api_files() -> list[SqlFile]:
    files = [SqlFile(p, t) for p, t in _read_dir("functions") + _read_dir("views")]
    grants = sql_root() / "grants.sql"
    files.append(SqlFile("grants.sql", grants.read_text(encoding="utf-8")))
    return files


def api_checksum(files: Iterable[SqlFile] | None = None) -> str:
    h = hashlib.sha256()
    for f in files if files is not None else api_files():
        h.update(f.path.encode() + b"\0" + f.text.encode() + b"\0")
    return h.hexdigest()


def check_server(conn: psycopg.Connection) -> None:
    version = conn.info.server_version
    if version < MIN_SERVER_VERSION:
        major = version // 10000
        raise UnsupportedServerError(
            f"PostgreSQL {major} is not supported: litellm-db needs PostgreSQL 14 or newer"
        )


Progress = Callable[[str], None]


def install(
    conn: psycopg.Connection,
    *,
    roles: RoleNames | Mapping[str, str | None] | None = None,
    change_roles: bool = False,
    configure_search_path: bool = True,
    upto: str | None = None,
    apply_api: bool = True,
    progress: Progress | None = None,
) -> InstallResult:
    """Install or upgrade the schema on ``conn``'s database, in one transaction.

    ``roles`` names the package's group roles (:class:`RoleNames`, or a mapping
    such as ``{"app": "gateway_app"}``); a name not given is the one the
    database already uses, or the default on a fresh install. Asking an installed
    database for other names raises :class:`RoleNamesChangedError` unless
    ``change_roles`` is true: then this database's privileges and row-level
    security policies move from the old roles to the new ones (created when
    missing); the old roles are left in the cluster. A bad name raises
    :class:`InvalidRoleNameError`. Nothing is written in either case.

    ``upto`` stops after the schema file with that number and ``apply_api=False``
    skips the API; both exist for tests that rebuild an upgrade path step by step.
    """
    check_server(conn)
    say = progress or (lambda _msg: None)
    if roles is None:
        requested = RoleNames()
    elif isinstance(roles, RoleNames):
        requested = roles
    else:
        requested = RoleNames.from_mapping(roles)
    files = schema_files()
    if upto is not None:
        files = [f for f in files if f.version <= upto]
    api = api_files()
    checksum = api_checksum(api)
    result = InstallResult()
    try:
        with conn.transaction():
            conn.execute("select pg_catalog.pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
            conn.execute("set local search_path = pg_catalog")
            conn.execute("set local client_min_messages = warning")
            _execute(conn, "bootstrap.sql", (sql_root() / "bootstrap.sql").read_text("utf-8"))
            applied = {
                v: c for v, c in conn.execute(
                    "select version, checksum from litellm.schema_migrations where kind = 'schema'"
                )
            }
            _check_applied(applied, schema_files())
            # The names in use (None: a fresh install) and the names wanted.
            current = _recorded_roles(conn) if applied else None
            target = requested.merged(current or DEFAULT_ROLE_NAMES)
            moves = {p: (getattr(current, p), getattr(target, p)) for p in ROLE_PURPOSES
                     if current is not None and getattr(current, p) != getattr(target, p)}
            if moves and not change_roles:
                raise RoleNamesChangedError(
                    "this database uses the roles " + (current or target).describe()
                    + "; refusing to change " + ", ".join(
                        f"{p.replace('_', '-')} {old} to {new}" for p, (old, new) in moves.items()
                    ) + ": run again with the recorded names, or confirm the change with"
                    " --change-roles (change_roles=True) to move this database's privileges"
                    " to the new roles"
                )
            if target != DEFAULT_ROLE_NAMES and (
                (upto is not None and upto < ROLE_NAMES_VERSION) or (moves and not apply_api)
            ):
                raise InstallError(f"role names other than the defaults need schema version"
                                   f" {ROLE_NAMES_VERSION} and the API applied")
            _check_new_role_names(
                conn, target, [p for p in ROLE_PURPOSES if current is None or p in moves],
                moves.get("owner", (None, None))[0],
            )
            # Schema files are applied with the names the database uses; a
            # fresh install uses the new ones from the start.
            in_use = current or target
            for f in files:
                if f.version in applied:
                    continue
                say(f"applying sql/{f.path}")
                _execute(conn, f.path, with_role_names(f.text, in_use))
                _record(conn, f.version, "schema", f.description, f.checksum)
                result.schema_applied.append(f.version)
            if moves:
                say("moving privileges: " + ", ".join(
                    f"{p.replace('_', '-')} {old} -> {new}" for p, (old, new) in moves.items()))
                result.warnings.extend(_move_roles(conn, target, moves))
                result.roles_changed.update(moves)
            if apply_api and (result.schema_applied or moves
                              or _last_api_checksum(conn) != checksum):
                say(f"applying the API ({len(api)} files)")
                for f in api:
                    _execute(conn, f.path, with_role_names(f.text, target))
                _record(conn, f"api-{checksum[:16]}", "api",
                        f"functions, views and grants of {__version__}", checksum)
                object.__setattr__(result, "api_applied", True)
            if apply_api:
                # The usage log's monthly partitions for this month and the next
                # ones; later months come with each refresh_usage_summary().
                result.partitions_created.extend(
                    name for (name,) in conn.execute(
                        "select * from litellm.ensure_usage_log_partitions()"
                    )
                )
            if configure_search_path:
                value = _configure_search_path(conn, result.warnings)
                object.__setattr__(result, "search_path_set", value)
            result.roles.update(target.as_dict())
    except psycopg.Error as exc:
        raise InstallError(f"installation failed, nothing was changed: {exc}") from exc
    return result


def _recorded_roles(conn: psycopg.Connection) -> RoleNames:
    """The names an installed database uses: litellm.role_names, else the defaults.

    A database installed before sql/schema/0060 has no such table: it was
    installed with the default names, the only ones there were.
    """
    exists = conn.execute(
        "select pg_catalog.to_regclass('litellm.role_names') is not null"
    ).fetchone()
    if not exists or not exists[0]:
        return DEFAULT_ROLE_NAMES
    rows = dict(conn.execute("select purpose, role_name from litellm.role_names").fetchall())
    return RoleNames.from_mapping(rows).merged(DEFAULT_ROLE_NAMES)


def configured_roles(conn: psycopg.Connection) -> RoleNames | None:
    """The role names recorded in an installed database; None when it is not installed."""
    exists = conn.execute(
        "select pg_catalog.to_regclass('litellm.schema_migrations') is not null"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    return _recorded_roles(conn)


def _check_new_role_names(conn: psycopg.Connection, target: RoleNames, purposes: list[str],
                          old_owner: str | None) -> None:
    """What only the server can tell about names about to be used; raises before any write."""
    for purpose in purposes:
        name = str(getattr(target, purpose))
        row = conn.execute(
            """
            select pg_catalog.quote_ident(%(name)s) <> %(name)s,
                   r.rolsuper, r.rolbypassrls,
                   r.rolname = current_user or r.rolname = session_user,
                   exists (select from pg_catalog.pg_namespace as n
                           where n.nspname = 'litellm' and n.nspowner = r.oid)
            from (select) as one
            left join pg_catalog.pg_roles as r on r.rolname = %(name)s
            """,
            {"name": name},
        ).fetchone()
        assert row is not None
        keyword, superuser, bypassrls, is_me, owns_schema = row
        what = f"the {purpose.replace('_', '-')} role name {name!r}"
        if keyword:
            raise InvalidRoleNameError(f"{what} is an SQL keyword (it would need quoting)")
        if purpose == "owner":
            continue
        if superuser:
            raise InvalidRoleNameError(
                f"{what} names a superuser: privileges and row-level security do not apply to it")
        if bypassrls and purpose == "end_user":
            raise InvalidRoleNameError(
                f"{what} names a role with BYPASSRLS: row-level security would not apply to it")
        if is_me or owns_schema:
            raise InvalidRoleNameError(
                f"{what} names the role that installs or owns the package; use a role of its own")
    if old_owner is not None:
        row = conn.execute(
            """
            select exists (select from pg_catalog.pg_namespace as n
                           where n.nspname = 'litellm' and n.nspowner = r.oid)
                or exists (select from pg_catalog.pg_class as c
                           where c.relnamespace = 'litellm'::regnamespace and c.relowner = r.oid)
                or exists (select from pg_catalog.pg_proc as p
                           where p.pronamespace = 'litellm'::regnamespace and p.proowner = r.oid)
            from pg_catalog.pg_roles as r
            where r.rolname = %s
            """,
            (old_owner,),
        ).fetchone()
        if row and row[0]:
            raise RoleNamesChangedError(
                f"the package's objects belong to the owner role {old_owner}: give them to the"
                f" new owner first (as a superuser: REASSIGN OWNED BY {old_owner} TO"
                f" {target.owner}), then run again with the new name"
            )


def _move_roles(conn: psycopg.Connection, new: RoleNames,
                moves: dict[str, tuple[str, str]]) -> list[str]:
    """Move this database's privileges and policies from the old roles to the new ones.

    Creates the new roles that are missing (NOLOGIN), revokes everything in the
    schema from the old ones (except the owner, which holds no grants), points
    the row-level security policies at the new names and records them; the API,
    re-applied next, grants the new roles their privileges. Returns warnings.
    """
    ident = sql.Identifier
    for _purpose, (_was, name) in moves.items():
        exists = conn.execute("select pg_catalog.to_regrole(%s) is not null", (name,)).fetchone()
        if not exists or not exists[0]:
            conn.execute(sql.SQL("create role {} nologin").format(ident(name)))
    for purpose, (was, _name) in moves.items():
        exists = conn.execute("select pg_catalog.to_regrole(%s) is not null", (was,)).fetchone()
        if purpose == "owner" or not exists or not exists[0]:
            continue
        for objects in ("all tables", "all sequences", "all routines"):
            conn.execute(sql.SQL("revoke all on {} in schema litellm from {}").format(
                sql.SQL(objects), ident(was)))
        conn.execute(sql.SQL("revoke all on schema litellm from {}").format(ident(was)))
    renamed = {was: name for was, name in moves.values()}
    policies = conn.execute(
        """
        select p.polname, c.relname,
               array(select coalesce(r.rolname, 'public')
                     from pg_catalog.unnest(p.polroles) with ordinality as u (oid, n)
                     left join pg_catalog.pg_roles as r on r.oid = u.oid
                     order by u.n),
               pg_catalog.obj_description(p.oid, 'pg_policy')
        from pg_catalog.pg_policy as p
        join pg_catalog.pg_class as c on c.oid = p.polrelid
        where c.relnamespace = 'litellm'::regnamespace
        order by c.relname, p.polname
        """
    ).fetchall()
    by_name = re.compile(r"(?<![A-Za-z0-9_$])(" + "|".join(map(re.escape, renamed))
                         + r")(?![A-Za-z0-9_$])")
    for policy, table, grantees, comment in policies:
        if not set(grantees) & set(renamed):
            continue
        to = [sql.SQL("public") if g == "public" else ident(renamed.get(g, g)) for g in grantees]
        target = sql.SQL("{} on {}.{}").format(ident(policy), ident(SCHEMA), ident(table))
        conn.execute(sql.SQL("alter policy {} to {}").format(target, sql.SQL(", ").join(to)))
        if comment:
            # The shipped comments name the roles, as the policies do.
            conn.execute(sql.SQL("comment on policy {} is {}").format(
                target, sql.Literal(by_name.sub(lambda m: renamed[m.group(1)], comment))))
    conn.execute("delete from litellm.role_names")
    with conn.cursor() as cur:
        cur.executemany("insert into litellm.role_names (purpose, role_name) values (%s, %s)",
                        [(p, getattr(new, p)) for p in ROLE_PURPOSES])
    warnings = []
    still_used = set(new.as_dict().values())
    for purpose, (was, name) in moves.items():
        if was in still_used:
            continue  # it took another purpose (names swapped)
        members = [m for (m,) in conn.execute(
            "select m.rolname from pg_catalog.pg_auth_members as a"
            " join pg_catalog.pg_roles as m on m.oid = a.member"
            " where a.roleid = pg_catalog.to_regrole(%s) order by 1", (was,))]
        what = ("owns nothing in this database" if purpose == "owner"
                else "has no privileges in this database any more")
        warning = (f"the {purpose.replace('_', '-')} role is now {name}; {was} {what} and was"
                   " left in place (roles are cluster-wide: drop it when no other database uses"
                   " it)")
        if members:
            warning += f"; grant {name} to its members: {', '.join(members)}"
        warnings.append(warning)
    return warnings


def _execute(conn: psycopg.Connection, path: str, text: str) -> None:
    try:
        conn.execute(text.encode())
    except psycopg.Error as exc:
        raise InstallError(f"sql/{path}: {exc.diag.message_primary or exc}") from exc


def _record(conn: psycopg.Connection, version: str, kind: str, description: str,
            checksum: str) -> None:
    conn.execute(
        "insert into litellm.schema_migrations"
        " (version, kind, description, checksum, package_version)"
        " values (%s, %s, %s, %s, %s)"
        " on conflict (version) do update set applied_at = now(),"
        " package_version = excluded.package_version",
        (version, kind, description, checksum, __version__),
    )


def _last_api_checksum(conn: psycopg.Connection) -> str | None:
    row = conn.execute(
        "select checksum from litellm.schema_migrations where kind = 'api'"
        " order by applied_at desc, version desc limit 1"
    ).fetchone()
    return row[0] if row else None


def _check_applied(applied: dict[str, str], files: list[SchemaFile]) -> None:
    known = {f.version: f for f in files}
    unknown = sorted(set(applied) - set(known))
    if unknown:
        raise InstallError(
            f"the database has schema version {unknown[-1]}, newer than this package"
            f" ({__version__}) knows; upgrade litellm-db instead of downgrading the database"
        )
    for version, checksum in applied.items():
        if known[version].checksum != checksum:
            raise InstallError(
                f"sql/{known[version].path} changed after it was applied to this database;"
                " released schema files are never edited: add a new numbered file instead"
            )


def _configure_search_path(conn: psycopg.Connection, warnings: list[str]) -> str | None:
    """Append the package schema to the database's default search_path.

    The seed's unqualified SQL (``select * from get_user_balance(...)``) then works
    in every new session. Returns the new value, or None when nothing changed.
    """
    row = conn.execute(
        """
        select d.datname,
               pg_catalog.pg_has_role(current_user, d.datdba, 'member')
                 or (select rolsuper from pg_catalog.pg_roles where rolname = current_user),
               (select c from pg_catalog.pg_db_role_setting as s,
                       pg_catalog.unnest(s.setconfig) as c
                 where s.setdatabase = d.oid and s.setrole = 0 and c like 'search_path=%%')
        from pg_catalog.pg_database as d
        where d.datname = pg_catalog.current_database()
        """
    ).fetchone()
    assert row is not None
    dbname, may_alter, current = row
    current_value = current.split("=", 1)[1] if current else '"$user", public'
    if SCHEMA in [p.strip().strip('"') for p in current_value.split(",")]:
        return None
    new_value = f"{current_value}, {SCHEMA}"
    if not may_alter:
        warnings.append(
            f"could not set the database's search_path (you do not own {dbname}); run as its"
            f" owner: ALTER DATABASE {dbname} SET search_path = {new_value}"
        )
        return None
    conn.execute(
        sql.SQL("alter database {} set search_path = {}").format(
            sql.Identifier(dbname), sql.SQL(new_value)
        )
    )
    return new_value


def installed_version(conn: psycopg.Connection) -> dict[str, object] | None:
    """The recorded state, or None when the package is not installed."""
    exists = conn.execute(
        "select pg_catalog.to_regclass('litellm.schema_migrations') is not null"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    schema = conn.execute(
        "select max(version) from litellm.schema_migrations where kind = 'schema'"
    ).fetchone()
    api = conn.execute(
        "select package_version, checksum, applied_at from litellm.schema_migrations"
        " where kind = 'api' order by applied_at desc, version desc limit 1"
    ).fetchone()
    latest = max((f.version for f in schema_files()), default=None)
    return {
        "roles": _recorded_roles(conn).as_dict(),
        "schema_version": schema[0] if schema else None,
        "latest_schema_version": latest,
        "package_version": api[0] if api else None,
        "api_current": bool(api and api[1] == api_checksum()),
        "api_applied_at": api[2] if api else None,
    }


def drop(conn: psycopg.Connection) -> None:
    """Drop the package schema and everything in it (the roles stay)."""
    with conn.transaction():
        conn.execute("select pg_catalog.pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(SCHEMA)))
