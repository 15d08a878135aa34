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
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable

import psycopg
from psycopg import sql

from ._version import __version__
from .errors import InstallError, UnsupportedServerError

SCHEMA = "litellm"
MIN_SERVER_VERSION = 140000
# pg_advisory_xact_lock key: the bytes "litellm\0" read as a big-endian integer.
ADVISORY_LOCK_KEY = int.from_bytes(b"litellm\0", "big") & 0x7FFFFFFFFFFFFFFF
_SCHEMA_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


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

    @property
    def changed(self) -> bool:
        return bool(self.schema_applied or self.api_applied or self.search_path_set
                    or self.partitions_created)


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
    configure_search_path: bool = True,
    upto: str | None = None,
    apply_api: bool = True,
    progress: Progress | None = None,
) -> InstallResult:
    """Install or upgrade the schema on ``conn``'s database, in one transaction.

    ``upto`` stops after the schema file with that number and ``apply_api=False``
    skips the API; both exist for tests that rebuild an upgrade path step by step.
    """
    check_server(conn)
    say = progress or (lambda _msg: None)
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
            for f in files:
                if f.version in applied:
                    continue
                say(f"applying sql/{f.path}")
                _execute(conn, f.path, f.text)
                _record(conn, f.version, "schema", f.description, f.checksum)
                result.schema_applied.append(f.version)
            if apply_api and (result.schema_applied or _last_api_checksum(conn) != checksum):
                say(f"applying the API ({len(api)} files)")
                for f in api:
                    _execute(conn, f.path, f.text)
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
    except psycopg.Error as exc:
        raise InstallError(f"installation failed, nothing was changed: {exc}") from exc
    return result


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
