"""Applies the SQL that ships with this package to a database.

Layout of the shipped SQL (``litellm_db/sql``, the repository's ``sql/``):

* ``bootstrap.sql`` -- the schema and the ``schema_migrations`` table; idempotent.
* ``schema/NNNN_topic.sql`` -- types, tables, indexes and seed rows. Each file is
  applied once, in number order, and recorded with its checksum. A released file
  never changes: later changes are new, higher-numbered files (forward-only).
* ``functions/<area>/*.sql``, ``views/*.sql``, ``grants.sql`` -- the API. They are all
  ``create or replace``, applied in the order of what they use (each file after
  those defining the names it binds at creation: :func:`_in_dependency_order`;
  ``grants.sql`` last), and are re-applied together whenever their combined
  checksum differs from the last one recorded. The API is the only home of the
  package's functions, procedures and views: when it is re-applied, those of the
  package schema it did not create or replace (an earlier release's, a function
  whose arguments changed, a view no longer shipped) are dropped
  (:func:`_remove_undefined`), so an upgraded database defines what a fresh
  install does. Schema files therefore leave no function or view behind, except
  a table's rule functions: a CHECK constraint calls each, so they are part of the
  table, made and changed by schema files (``schema/0122_row_rules.sql``).

Everything runs in one transaction under an advisory lock, so concurrent
installers queue and a failure leaves the database as it was.

The database is not trusted to steer the install (docs/security.md, "The
installer and the database it installs into"): the transaction pins the
settings that change what the SQL means (:data:`PINNED_SETTINGS`); package
schemas, objects, triggers, policies or rules that the installer did not make
are refused (:func:`untrusted_objects`); the database's stored ``search_path``
is read as schema names (:func:`split_search_path`), never pasted as SQL.

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

import contextlib
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from importlib.resources.abc import Traversable

import psycopg
from psycopg import sql

from ._version import __version__
from .errors import (
    InstallError,
    InvalidRoleNameError,
    RoleNamesChangedError,
    UnsafeDatabaseError,
    UnsupportedServerError,
)

SCHEMA = "litellm"
#: Where archive_usage_logs() moves old months of the usage log (sql/schema/0020).
ARCHIVE_SCHEMA = "litellm_archive"
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
    removed: list[str] = field(default_factory=list)
    """The functions, procedures and views of the package schema that this release does
    not define and this run dropped, e.g. ``function litellm.usd_to_credits(numeric)``."""

    @property
    def changed(self) -> bool:
        return bool(self.schema_applied or self.api_applied or self.search_path_set
                    or self.partitions_created or self.roles_changed or self.removed)


def sql_root() -> Traversable:
    return resources.files("litellm_db") / "sql"


def _read_dir(name: str) -> list[tuple[str, str]]:
    """The ``.sql`` files under ``sql/<name>`` and its area folders, by path."""
    found: list[tuple[str, str]] = []

    def walk(folder: Traversable, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, f"{prefix}/{entry.name}")
            elif entry.name.endswith(".sql"):
                found.append((f"{prefix}/{entry.name}", entry.read_text(encoding="utf-8")))

    folder = sql_root() / name
    if folder.is_dir():
        walk(folder, name)
    return found


# A top-level statement of an API file starts at the beginning of a line;
# bodies are indented or quoted. Only these statements are looked at.
_STATEMENT = re.compile(r"^(?:create|comment|select|do|drop|alter|grant|revoke)\b", re.I | re.M)
_DEFINES = re.compile(
    r"\Acreate\s+(?:or\s+replace\s+)?(?:function|procedure|view|aggregate)\s+litellm\.(\w+)",
    re.I)
_PLPGSQL = re.compile(r"\blanguage\s+plpgsql\b", re.I)
_REFERENCE = re.compile(r"\blitellm\.(\w+)")
_COMMENT = re.compile(r"--[^\n]*")


def _bound_references(text: str) -> tuple[set[str], set[str]]:
    """(names a file defines, names it needs defined before it runs).

    PostgreSQL binds the names of a ``begin atomic`` or SQL-language body, of a
    view and of a top-level statement when it runs them at creation; a PL/pgSQL
    body is bound at its first call, so its references need no order.
    """
    text = _COMMENT.sub("", text)
    starts = [m.start() for m in _STATEMENT.finditer(text)] + [len(text)]
    defines: set[str] = set()
    needs: set[str] = set()
    for start, end in itertools.pairwise(starts):
        statement = text[start:end]
        m = _DEFINES.match(statement)
        if m:
            defines.add(m.group(1))
        if not (m and _PLPGSQL.search(statement)):
            needs.update(_REFERENCE.findall(statement))
    return defines, needs - defines


def _in_dependency_order(files: list[SqlFile]) -> list[SqlFile]:
    """The API files so that each comes after those defining what it binds at creation.

    Files are grouped by area only to be found; the order they are applied in
    comes from what they use (a stable topological sort, ties by path). A cycle
    is an :class:`InstallError` naming its files.
    """
    defined_in: dict[str, str] = {}
    needs: dict[str, set[str]] = {}
    for f in files:
        defines, refs = _bound_references(f.text)
        for name in defines:
            defined_in[name] = f.path
        needs[f.path] = refs
    after = {path: {defined_in[n] for n in refs if n in defined_in} - {path}
             for path, refs in needs.items()}
    by_path = {f.path: f for f in files}
    ordered: list[SqlFile] = []
    placed: set[str] = set()
    waiting = sorted(by_path)
    while waiting:
        ready = [p for p in waiting if after[p] <= placed]
        if not ready:
            raise InstallError("the API files need each other at creation: "
                               + ", ".join(f"sql/{p}" for p in waiting))
        for p in ready:
            ordered.append(by_path[p])
            placed.add(p)
        waiting = [p for p in waiting if p not in placed]
    return ordered


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
    files = _in_dependency_order(
        [SqlFile(p, t) for p, t in _read_dir("functions") + _read_dir("views")])
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
    api_applied = False
    search_path_set: str | None = None
    # The package's owner role, as configured for this run (not as the database says).
    owners = [requested.owner or str(DEFAULT_ROLE_NAMES.owner)]
    try:
        with conn.transaction():
            conn.execute("select pg_catalog.pg_advisory_xact_lock(%s)", (ADVISORY_LOCK_KEY,))
            _pin_session(conn)
            _refuse_untrusted(conn, owners)
            if not _schema_exists(conn):
                # Made here, not adopted by bootstrap.sql's "if not exists": a
                # schema someone creates meanwhile makes this fail instead.
                conn.execute(sql.SQL("create schema {}").format(sql.Identifier(SCHEMA)))
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
                before = _definitions(conn)
                for a in api:
                    if a.path == "grants.sql":
                        # Before the grants, which write every function's catalog row.
                        result.removed.extend(_remove_undefined(conn, before))
                    _execute(conn, a.path, with_role_names(a.text, target))
                for name in result.removed:
                    say(f"dropped {name}: litellm-db {__version__} does not define it")
                _record(conn, f"api-{checksum[:16]}", "api",
                        f"functions, views and grants of {__version__}", checksum)
                api_applied = True
            if apply_api:
                # The usage log's monthly partitions for this month and the next
                # ones; later months come with each refresh_usage_summary().
                result.partitions_created.extend(
                    name for (name,) in conn.execute(
                        "select * from litellm.ensure_usage_log_partitions()"
                    )
                )
            # Once more, now that the package is in place: nothing was slipped in meanwhile.
            _refuse_untrusted(conn, [*owners, str(target.owner)])
            if configure_search_path:
                search_path_set = _configure_search_path(conn, result.warnings)
            warning = public_schema_warning(conn)
            if warning:
                result.warnings.append(warning)
            result.roles.update(target.as_dict())
    except psycopg.Error as exc:
        raise InstallError(f"installation failed, nothing was changed: {exc}") from exc
    return replace(result, api_applied=api_applied, search_path_set=search_path_set)


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
    rows: dict[str, str] = dict(
        conn.execute("select purpose, role_name from litellm.role_names").fetchall())
    return RoleNames.from_mapping(rows).merged(DEFAULT_ROLE_NAMES)


def configured_roles(conn: psycopg.Connection) -> RoleNames | None:
    """The role names recorded in an installed database; None when it is not installed.

    Raises :class:`UnsafeDatabaseError` when the package's schemas hold what
    another role made (:func:`untrusted_objects`): reading them could run its code.
    """
    with _reading(conn):
        exists = conn.execute(
            "select pg_catalog.to_regclass('litellm.schema_migrations') is not null"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        return _recorded_roles(conn)


@contextlib.contextmanager
def _reading(conn: psycopg.Connection) -> Iterator[None]:
    """A transaction that reads the package's tables only once they are found safe to read.

    Names resolve in pg_catalog (then the session's own temporary schema), not in
    the database's search_path; the schemas must hold nothing another role made.
    """
    with conn.transaction():
        conn.execute("select pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true)")
        _refuse_untrusted(conn, [str(DEFAULT_ROLE_NAMES.owner)])
        yield


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


_DEFINITIONS = """
    select 'view', pg_catalog.format('%I.%I', n.nspname, c.relname), r.ctid::text
    from pg_catalog.pg_class as c
    inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
    inner join pg_catalog.pg_rewrite as r on r.ev_class = c.oid and r.rulename = '_RETURN'
    where n.nspname = 'litellm' and c.relkind = 'v'
    union all
    select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate'
                          else 'function' end,
           p.oid::pg_catalog.regprocedure::text, p.ctid::text
    from pg_catalog.pg_proc as p
    inner join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    where n.nspname = 'litellm'
      and not exists (select from pg_catalog.pg_depend as d
                      where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                        and d.objid = p.oid and d.deptype = 'e')
      -- A table's rule function (a CHECK constraint calls it) belongs to the schema files.
      and not exists (select from pg_catalog.pg_depend as d
                      where d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass
                        and d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                        and d.refobjid = p.oid)
    order by 1, 2
"""


def _definitions(conn: psycopg.Connection) -> dict[tuple[str, str], str]:
    """(kind, name) -> where the catalog row of each function, procedure and view of the
    package schema is (its ctid; a view's row is its rule). Names are schema-qualified.

    A row written again gets a new place, even when the same transaction wrote it
    before (a role move, a schema file): the old version is not removable while
    this transaction runs, so its place cannot be reused."""
    return {(kind, name): ctid for kind, name, ctid in conn.execute(_DEFINITIONS)}


def _remove_undefined(conn: psycopg.Connection, before: dict[tuple[str, str], str]) -> list[str]:
    """Drop the package's functions, procedures and views that the API files did not just make.

    ``before`` is :func:`_definitions` from just before the API files ran. Every
    function, procedure and view they create or replace gets a new version of its
    catalog row (``create or replace`` writes it even when nothing changed), so
    one whose row is still the one of ``before`` is not part of this release: an earlier
    release's, an old argument list, a view no longer shipped. They are dropped
    without CASCADE, before grants.sql (whose ``revoke ... on all functions``
    writes every row). When something else depends on one (a view or function of
    another schema, a column default), nothing is dropped and
    :class:`InstallError` says what. Returns what was dropped, as ``kind name``.
    """
    stale = [(kind, name) for (kind, name), ctid in _definitions(conn).items()
             if before.get((kind, name)) == ctid]
    # Views before what they may use, aggregates before their functions; one statement
    # per kind, so objects of a kind that depend on each other go together.
    for kind in ("view", "aggregate", "routine"):
        names = [name for k, name in stale
                 if k == kind or (kind == "routine" and k in ("function", "procedure"))]
        if not names:
            continue
        statement = sql.SQL("drop {} {}").format(
            sql.SQL(kind), sql.SQL(", ").join(sql.SQL(name) for name in names))
        try:
            conn.execute(statement)
        except psycopg.errors.DependentObjectsStillExist as exc:
            raise InstallError(
                f"{', '.join(names)}: litellm-db {__version__} no longer defines"
                f" {'it' if len(names) == 1 else 'them'}, but"
                f" {exc.diag.message_detail or 'other objects depend on them'}; change or"
                " drop what depends on them, then run again (nothing was changed)"
            ) from exc
    return [f"{kind} {name}" for kind, name in stale]


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


# -- the session the installer runs in ------------------------------------------------------

#: Settings that change what the shipped SQL means, pinned for the installer's
#: transaction whatever the database, the role or the connection set: a database
#: owner may store any of them (ALTER DATABASE ... SET) for every session.
PINNED_SETTINGS = {
    "search_path": "pg_catalog, pg_temp",      # pg_catalog, then the own temporary schema
    "check_function_bodies": "on",             # every body is checked as it is created
    "standard_conforming_strings": "on",       # a backslash in a literal is a backslash
    "transform_null_equals": "off",            # x = null is null, not x is null
    "array_nulls": "on",                       # '{null}' is an array holding NULL
    "datestyle": "ISO, MDY",                   # how date and time literals are read
    "intervalstyle": "postgres",
    "timezone": "UTC",
    "xmloption": "content",
    "default_tablespace": "",                  # the database's own tablespace
    "default_table_access_method": "heap",
    "client_min_messages": "warning",
}


def _pin_session(conn: psycopg.Connection) -> None:
    """Pin the settings that steer what the install makes, for this transaction only.

    Also refuses a database that chooses the role of every session (``ALTER
    DATABASE ... SET role``): a superuser's install would run as that role.
    """
    for name, value in PINNED_SETTINGS.items():
        conn.execute("select pg_catalog.set_config(%s, %s, true)", (name, value))
    row = conn.execute(
        "select pg_catalog.current_setting('session_replication_role') <> 'origin'"
    ).fetchone()
    if row and row[0]:
        # "replica" would silence the package's triggers, foreign keys included.
        conn.execute("select pg_catalog.set_config('session_replication_role', 'origin', true)")
    row = conn.execute(
        """
        select d.datname
        from pg_catalog.pg_db_role_setting as s
        join pg_catalog.pg_database as d on d.oid = s.setdatabase
        cross join pg_catalog.unnest(s.setconfig) as c
        where d.datname = pg_catalog.current_database() and s.setrole = 0
          and pg_catalog.split_part(c, '=', 1) = 'role'
        """
    ).fetchone()
    if row:
        dbname = sql.Identifier(row[0]).as_string(conn)
        raise UnsafeDatabaseError(
            f"database {row[0]} sets role for every session (ALTER DATABASE {dbname} SET role):"
            f" the installer will not run as a role the database chooses; remove it"
            f" (ALTER DATABASE {dbname} RESET role) or choose the role yourself"
            f" (PGOPTIONS='-c role=...')"
        )


# -- what the package makes, and who may have made what is there ------------------------------

_TRIGGER = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?(?:constraint\s+)?trigger\s+([a-z_][a-z0-9_]*)\s.*?"
    r"\bon\s+([a-z0-9_.%]+).*?\bexecute\s+(?:function|procedure)\s+([a-z0-9_.]+)\s*\(",
    re.IGNORECASE | re.DOTALL,
)
_POLICY = re.compile(
    r"\bcreate\s+policy\s+([a-z_][a-z0-9_]*)\s+on\s+litellm\.([a-z_][a-z0-9_]*)", re.IGNORECASE)
_RULE = re.compile(
    r"\bcreate\s+(?:or\s+replace\s+)?rule\s+([a-z_][a-z0-9_]*)\s+as\s+on\s+[a-z]+\s+to\s+"
    r"litellm\.([a-z_][a-z0-9_]*)", re.IGNORECASE)


@dataclass(frozen=True)
class PackageObjects:
    """The triggers, policies and rules the shipped SQL creates, read from its text."""

    triggers: dict[str, tuple[frozenset[str] | None, str]]
    """Trigger name -> (the tables it is created on, None when the SQL names them at run
    time, e.g. each usage-log partition; the function it executes, schema-qualified)."""
    policies: frozenset[tuple[str, str]]
    """(table, policy name)."""
    rules: frozenset[tuple[str, str]]
    """(table, rule name)."""


def expected_package_objects() -> PackageObjects:
    """What a fresh install creates on the package's tables, from the shipped SQL itself."""
    triggers: dict[str, tuple[frozenset[str] | None, str]] = {}
    policies: set[tuple[str, str]] = set()
    rules: set[tuple[str, str]] = set()
    for f in [*schema_files(), *api_files()]:
        for name, table, function in _TRIGGER.findall(f.text):
            tables: frozenset[str] | None = (
                frozenset({table.split(".", 1)[1]})
                if table.startswith(f"{SCHEMA}.") and "%" not in table else None)
            known, _ = triggers.get(name, (frozenset(), function))
            triggers[name] = (None if known is None or tables is None else known | tables,
                              function)
        policies.update((table, name) for name, table in _POLICY.findall(f.text))
        rules.update((table, name) for name, table in _RULE.findall(f.text))
    return PackageObjects(triggers, frozenset(policies), frozenset(rules))


def untrusted_objects(conn: psycopg.Connection, owners: Iterable[str] = ()) -> list[str]:
    """Why the package's schemas are not safe to install into, or to read; [] when they are.

    Trusted owners are the role that runs this, the roles it is a member of (by
    grant: a superuser's blanket rights do not count), superusers, and
    ``owners`` (the package's owner role as configured). Anything in ``litellm``
    or ``litellm_archive`` -- the schemas themselves, relations, functions,
    types, operators -- belonging to another role could run its owner's code
    inside an install; so could a trigger, policy or rule on a package table
    that the shipped SQL does not create (:func:`expected_package_objects`).
    """
    rows = conn.execute(
        """
        with recursive mine (oid) as (
            select r.oid from pg_catalog.pg_roles as r where r.rolname = current_user
            union
            select a.roleid from pg_catalog.pg_auth_members as a
            inner join mine on a.member = mine.oid
        ),
        trusted (oid) as (
            select mine.oid from mine
            union
            select r.oid from pg_catalog.pg_roles as r
            where r.rolsuper or r.rolname = any(%(owners)s::text[])
            union
            -- the database owner is a member of pg_database_owner without a grant
            select 'pg_database_owner'::pg_catalog.regrole::oid
            from pg_catalog.pg_database as d
            where d.datname = pg_catalog.current_database()
              and d.datdba in (select mine.oid from mine)
        ),
        ns as (
            select n.oid, n.nspname, n.nspowner from pg_catalog.pg_namespace as n
            where n.nspname = any(%(schemas)s::text[])
        ),
        owned (sort, kind, name, owner) as (
            select 1, 'schema', ns.nspname::text, ns.nspowner from ns
            union all
            select 2, 'relation', pg_catalog.format('%%I.%%I', ns.nspname, c.relname), c.relowner
            from pg_catalog.pg_class as c inner join ns on c.relnamespace = ns.oid
            union all
            select 3, 'function', pg_catalog.format('%%I.%%I(%%s)', ns.nspname, p.proname,
                                                    pg_catalog.oidvectortypes(p.proargtypes)),
                   p.proowner
            from pg_catalog.pg_proc as p inner join ns on p.pronamespace = ns.oid
            union all
            select 4, 'type', pg_catalog.format('%%I.%%I', ns.nspname, t.typname), t.typowner
            from pg_catalog.pg_type as t inner join ns on t.typnamespace = ns.oid
            union all
            select 5, 'operator', pg_catalog.format('%%I.%%s(%%s, %%s)', ns.nspname, o.oprname,
                                                    pg_catalog.format_type(o.oprleft, null),
                                                    pg_catalog.format_type(o.oprright, null)),
                   o.oprowner
            from pg_catalog.pg_operator as o inner join ns on o.oprnamespace = ns.oid
        )
        select o.kind, o.name, pg_catalog.pg_get_userbyid(o.owner)
        from owned as o
        where o.owner not in (select trusted.oid from trusted)
        order by o.sort, o.name
        """,
        {"owners": list(owners), "schemas": [SCHEMA, ARCHIVE_SCHEMA]},
    ).fetchall()
    found = [
        f"{kind} {name} belongs to {owner}, who is not you, a role you are a member of, a"
        f" superuser or the package's owner role: litellm-db will not use what another"
        f" role may have made (drop it, or run as {owner})"
        for kind, name, owner in rows
    ]
    expected = expected_package_objects()
    for table, archived, ancestors, name, function in conn.execute(
        """
        select pg_catalog.format('%%I.%%I', n.nspname, c.relname), n.nspname <> %(schema)s,
               array[pg_catalog.format('%%I.%%I', n.nspname, c.relname)]
               || array(select pg_catalog.format('%%I.%%I', an.nspname, ac.relname)
                        from pg_catalog.pg_partition_ancestors(c.oid) as a
                        inner join pg_catalog.pg_class as ac on ac.oid = a.relid
                        inner join pg_catalog.pg_namespace as an on an.oid = ac.relnamespace),
               t.tgname::text, pg_catalog.format('%%I.%%I', fn.nspname, f.proname)
        from pg_catalog.pg_trigger as t
        inner join pg_catalog.pg_class as c on c.oid = t.tgrelid
        inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        inner join pg_catalog.pg_proc as f on f.oid = t.tgfoid
        inner join pg_catalog.pg_namespace as fn on fn.oid = f.pronamespace
        where n.nspname = any(%(schemas)s::text[]) and not t.tgisinternal
        order by 1, 4
        """,
        {"schema": SCHEMA, "schemas": [SCHEMA, ARCHIVE_SCHEMA]},
    ):
        tables, wanted = expected.triggers.get(name, (frozenset(), ""))
        if function == wanted and (
            tables is None or archived
            or any(a == f"{SCHEMA}.{t}" for a in ancestors for t in tables)
        ):
            continue
        found.append(f"trigger {name} on {table} (executing {function}) is one the package did"
                     f" not create: drop it (DROP TRIGGER {name} ON {table}) and run again")
    for kind, table, name in conn.execute(
        """
        select 'policy', c.relname::text, p.polname::text
        from pg_catalog.pg_policy as p
        inner join pg_catalog.pg_class as c on c.oid = p.polrelid
        inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s::text[])
        union all
        select 'rule', c.relname::text, r.rulename::text
        from pg_catalog.pg_rewrite as r
        inner join pg_catalog.pg_class as c on c.oid = r.ev_class
        inner join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s::text[]) and r.rulename <> '_RETURN'
        order by 1, 2, 3
        """,
        {"schemas": [SCHEMA, ARCHIVE_SCHEMA]},
    ):
        if (table, name) in (expected.policies if kind == "policy" else expected.rules):
            continue
        found.append(f"{kind} {name} on {SCHEMA}.{table} is one the package did not create:"
                     f" drop it (DROP {kind.upper()} {name} ON {SCHEMA}.{table}) and run again")
    return found


def _refuse_untrusted(conn: psycopg.Connection, owners: Iterable[str]) -> None:
    found = untrusted_objects(conn, owners)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise UnsafeDatabaseError(found[0] + more)


def _schema_exists(conn: psycopg.Connection) -> bool:
    row = conn.execute("select pg_catalog.to_regnamespace(%s) is not null", (SCHEMA,)).fetchone()
    return bool(row and row[0])


# -- the database's search_path -------------------------------------------------------------

_SPACE = " \t\n\r\f\v"


def _identifier(name: str) -> str:
    """``name`` cut to 63 bytes (NAMEDATALEN - 1) on a character boundary, as the server does."""
    data = name.encode()
    if len(data) <= 63:
        return name
    return data[:63].decode(errors="ignore")


def split_search_path(value: str) -> list[str] | None:
    """The schema names in a ``search_path`` value, read as the server reads them; None if invalid.

    The rules of PostgreSQL's ``SplitIdentifierString``: names separated by
    commas, white space around them ignored; a quoted name is taken as it is
    (``""`` stands for ``"``), an unquoted one runs to the next comma or space
    and is lower-cased (ASCII letters only, as for a UTF-8 database); names are
    cut to 63 bytes. ``$user`` is returned as a name. The value of a setting is
    data: nothing of it is ever put into SQL except as quoted identifiers.
    """
    names: list[str] = []
    i, end = 0, len(value)

    def skip_space(at: int) -> int:
        while at < end and value[at] in _SPACE:
            at += 1
        return at

    i = skip_space(i)
    if i == end:
        return names
    while True:
        if value[i] == '"':
            parts, j = [], i + 1
            while True:
                close = value.find('"', j)
                if close < 0:
                    return None
                parts.append(value[j:close])
                if value[close + 1:close + 2] != '"':
                    break
                parts.append('"')
                j = close + 2
            name, i = "".join(parts), close + 1
        else:
            j = i
            while j < end and value[j] != "," and value[j] not in _SPACE:
                j += 1
            if j == i:
                return None
            name = "".join(chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in value[i:j])
            i = j
        names.append(_identifier(name))
        i = skip_space(i)
        if i == end:
            return names
        if value[i] != ",":
            return None
        i = skip_space(i + 1)
        if i == end:
            return None


def package_search_path(names: list[str]) -> list[str] | None:
    """``names`` with the package schema just before ``public``; None when it is there already.

    The rest keeps its order, without repeats or empty names; with no ``public``
    in it the package schema goes last. A path that lists the package schema
    before ``public`` (or has no ``public``) is left as it is.
    """
    if SCHEMA in names and ("public" not in names
                            or names.index(SCHEMA) < names.index("public")):
        return None
    wanted: list[str] = []
    for name in names:
        if name and name != SCHEMA and name not in wanted:
            wanted.append(name)
    wanted.insert(wanted.index("public") if "public" in wanted else len(wanted), SCHEMA)
    return wanted


def _configure_search_path(conn: psycopg.Connection, warnings: list[str]) -> str | None:
    """Put the package schema in the database's default search_path, before ``public``.

    The seed's unqualified SQL (``select * from get_user_balance(...)``) then works
    in every new session, and a function in ``public`` cannot take the place of
    the package's (except by a better match of argument types: call the API
    schema-qualified). The stored value is read as schema names
    (:func:`split_search_path`) and written back as quoted identifiers, never
    pasted. Returns the new value, or None when nothing changed.
    """
    row = conn.execute(
        """
        select d.datname,
               pg_catalog.pg_has_role(current_user, d.datdba, 'member')
                 or (select rolsuper from pg_catalog.pg_roles where rolname = current_user),
               (select c from pg_catalog.pg_db_role_setting as s,
                       pg_catalog.unnest(s.setconfig) as c
                 where s.setdatabase = d.oid and s.setrole = 0
                   and pg_catalog.starts_with(c, 'search_path='))
        from pg_catalog.pg_database as d
        where d.datname = pg_catalog.current_database()
        """
    ).fetchone()
    assert row is not None
    dbname, may_alter, current = row
    stored = current.split("=", 1)[1] if current is not None else '"$user", public'
    names = split_search_path(stored)
    if names is None:
        warnings.append(f"the database's search_path is not a list of schema names; it was left"
                        f" as it is: put {SCHEMA} before public in it")
        return None
    wanted = package_search_path(names)
    if wanted is None:
        return None
    identifiers = sql.SQL(", ").join(sql.Identifier(name) for name in wanted)
    shown = conn.execute(
        "select pg_catalog.string_agg(pg_catalog.quote_ident(u.name), ', ' order by u.n)"
        " from pg_catalog.unnest(%s::text[]) with ordinality as u (name, n)",
        (wanted,),
    ).fetchone()
    assert shown is not None
    value: str = shown[0]
    if not may_alter:
        database = sql.Identifier(dbname).as_string(conn)
        warnings.append(
            f"could not set the database's search_path (you do not own {dbname}); run as its"
            f" owner: ALTER DATABASE {database} SET search_path = {value}"
        )
        return None
    conn.execute(sql.SQL("alter database {} set search_path = {}").format(
        sql.Identifier(dbname), identifiers))
    return value


def public_schema_warning(conn: psycopg.Connection) -> str | None:
    """A warning when every role may create objects in schema ``public`` (PostgreSQL 14 does)."""
    row = conn.execute(
        "select pg_catalog.has_schema_privilege('public', n.oid, 'CREATE')"
        " from pg_catalog.pg_namespace as n where n.nspname = 'public'"
    ).fetchone()
    if not row or not row[0]:
        return None
    return ("schema public is writable by every role (PUBLIC has CREATE on it, PostgreSQL 14's"
            " default): a function created there can take the place of an API function for"
            " callers that do not name the schema; call the API as litellm.<function>, and as"
            " the database owner run REVOKE CREATE ON SCHEMA public FROM PUBLIC")


def installed_version(conn: psycopg.Connection) -> dict[str, object] | None:
    """The recorded state, or None when the package is not installed.

    Raises :class:`UnsafeDatabaseError` as :func:`configured_roles` does.
    """
    with _reading(conn):
        exists = conn.execute(
            "select pg_catalog.to_regclass('litellm.schema_migrations') is not null"
        ).fetchone()
        if not exists or not exists[0]:
            return None
        roles = _recorded_roles(conn)
        schema = conn.execute(
            "select max(version) from litellm.schema_migrations where kind = 'schema'"
        ).fetchone()
        api = conn.execute(
            "select package_version, checksum, applied_at from litellm.schema_migrations"
            " where kind = 'api' order by applied_at desc, version desc limit 1"
        ).fetchone()
    latest = max((f.version for f in schema_files()), default=None)
    return {
        "roles": roles.as_dict(),
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
