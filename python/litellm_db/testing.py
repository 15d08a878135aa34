"""A pytest plugin for applications built on litellm-db: a throwaway database with the package.

Enable it in your ``conftest.py`` (it is opt-in, so its fixture names never clash
with yours unless you ask)::

    pytest_plugins = ["litellm_db.testing"]

    def test_a_charge(conn):                     # psycopg.Connection, autocommit
        db = Client(conn)
        db.add_user_credits("u", 10, "bonus")
        assert db.debit_user_credits("u", 1).success

Where the server comes from, first match wins:

1. ``LITELLM_DB_TEST_DSN``: an existing server; the plugin creates and drops its
   own databases there (the role needs CREATEDB).
2. The system's PostgreSQL binaries (``LITELLM_DB_PG_BINDIR``, else the newest
   ``/usr/lib/postgresql/*/bin``, else ``initdb`` on PATH): a temporary cluster in
   a temporary directory, started once per test session and removed after it
   (run as the ``postgres`` user when the tests run as root).
3. testcontainers, when it is installed and a Docker engine answers.

The package is installed once per session into a template database; each test
that asks for ``db`` or ``conn`` gets a fresh copy of it (``create database ...
template``, a few milliseconds). To add your own objects to the template,
override the ``litellm_db_template_setup`` fixture with a session-scoped one
returning a function of the template's connection; to create extensions first,
``litellm_db_template_extensions`` (a list of names).

Fixtures: ``pg_server`` (:class:`PgServer`, session), ``template_db`` (its name,
session), ``db`` (the DSN of a fresh installed database), ``conn`` (an autocommit
connection to it), ``empty_db`` (the DSN of a fresh empty database).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from .installer import install

__all__ = [
    "PgServer",
    "clone_template",
    "conn",
    "db",
    "empty_db",
    "find_bindir",
    "litellm_db_template_extensions",
    "litellm_db_template_setup",
    "pg_ctl_start",
    "pg_server",
    "start_cluster",
    "stop_cluster",
    "template_db",
]

TemplateSetup = Callable[[psycopg.Connection[Any]], None]


@dataclass
class PgServer:
    """A server the tests may create databases on, as a superuser (or CREATEDB role)."""

    base_dsn: str
    bindir: Path | None = None
    datadir: Path | None = None
    run_as: str | None = None
    _dropper: ThreadPoolExecutor | None = field(default=None, init=False, repr=False,
                                                compare=False)
    _drops: list[Future[None]] = field(default_factory=list, init=False, repr=False,
                                       compare=False)

    def dsn(self, dbname: str) -> str:
        """The DSN of database ``dbname`` on this server."""
        return make_conninfo(self.base_dsn, dbname=dbname)

    @property
    def params(self) -> dict[str, str]:
        """The connection parameters (host, port, user, ...) as strings."""
        return {k: str(v) for k, v in conninfo_to_dict(self.base_dsn).items()}

    def tool(self, name: str) -> str:
        """Path of a client tool (pg_dump, psql) matching the server when we started it."""
        if self.bindir and (self.bindir / name).exists():
            return str(self.bindir / name)
        found = shutil.which(name)
        if not found:
            pytest.fail(f"{name} not found; install the PostgreSQL client tools")
        return found

    def admin(self) -> psycopg.Connection[Any]:
        """An autocommit connection to the server's maintenance database."""
        return psycopg.connect(self.base_dsn, autocommit=True)

    def create_database(self, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); its name."""
        name = f"litellm_test_{uuid.uuid4().hex[:12]}"
        query = sql.SQL("create database {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        with self.admin() as conn:
            conn.execute(query)
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting its sessions."""
        with self.admin() as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(name)))

    def drop_database_soon(self, name: str) -> None:
        """Drop a database nobody needs any more in a background thread, while the next test
        runs; :meth:`wait_for_drops` waits for every such drop (the fixtures' teardown)."""
        if self._dropper is None:
            self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="litellm-db-drop")
        self._drops.append(self._dropper.submit(self.drop_database, name))

    def wait_for_drops(self) -> None:
        """Wait for the drops :meth:`drop_database_soon` started; raise the first failure."""
        drops, self._drops = self._drops, []
        dropper, self._dropper = self._dropper, None
        if dropper is not None:
            dropper.shutdown(wait=True)
        for drop in drops:
            drop.result()


def find_bindir() -> Path | None:
    """The PostgreSQL binaries to start a cluster with (``None``: none installed)."""
    explicit = os.environ.get("LITELLM_DB_PG_BINDIR")
    if explicit:
        return Path(explicit)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if candidates:
        return candidates[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """The OS user to run the server as: None unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "litellm-test"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(["useradd", "--system", "--no-create-home", "litellm-test"], check=True)
    return "litellm-test"


# One initdb per binaries and OS user in a process: later clusters start from a copy of the
# first one's fresh data directory (a copy takes a fraction of an initdb). Removed at exit.
_INITDB_COPIES: dict[tuple[Path, str | None], Path] = {}


def _initdb(bindir: Path, datadir: Path, user: str | None) -> None:
    """A fresh data directory at ``datadir`` owned by ``user``, as initdb makes it."""
    fresh = _INITDB_COPIES.get((bindir, user))
    if fresh is None or not fresh.is_dir():
        root = Path(tempfile.mkdtemp(prefix="litellm-db-initdb-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        if user:
            shutil.chown(root, user)
        fresh = root / "data"
        subprocess.run([str(bindir / "initdb"), "-D", str(fresh), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                       user=user, cwd=root, check=True, capture_output=True, text=True)
        _INITDB_COPIES[(bindir, user)] = fresh
    subprocess.run(["cp", "-a", str(fresh), str(datadir)],
                   user=user, cwd=datadir.parent, check=True, capture_output=True, text=True)


def start_cluster(bindir: Path, root: Path, *, durable: bool = False) -> PgServer:
    """initdb + start a cluster under ``root``; the caller stops it with :func:`stop_cluster`.

    The data directory is a copy of the first one this process made with these binaries.

    Not ``durable`` (the default) turns fsync off: fast, and fine for a throwaway cluster.
    """
    user = _unprivileged_user()
    root.mkdir(parents=True, exist_ok=True)
    if user:
        shutil.chown(root, user)
    datadir = root / "data"
    _initdb(bindir, datadir, user)
    port = _free_port()
    settings = [
        "-c", "listen_addresses=127.0.0.1", "-c", f"port={port}",
        "-c", f"unix_socket_directories={root}", "-c", "max_connections=300",
        "-c", "shared_buffers=128MB", "-c", "max_locks_per_transaction=256",
    ]
    if not durable:
        settings += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                     "-c", "full_page_writes=off"]
    server = PgServer(
        base_dsn=f"host=127.0.0.1 port={port} user=postgres dbname=postgres",
        bindir=bindir, datadir=datadir, run_as=user,
    )
    pg_ctl_start(server, settings)
    return server


def pg_ctl_start(server: PgServer, settings: list[str] | None = None) -> None:
    """Start (or restart) a cluster made by :func:`start_cluster`, with its last settings
    unless new ones are given."""
    assert server.bindir and server.datadir
    opts = " ".join(settings) if settings else ""
    if settings:
        (server.datadir.parent / "postgres.opts").write_text(opts)
    else:
        opts = (server.datadir.parent / "postgres.opts").read_text()
    subprocess.run(
        [str(server.bindir / "pg_ctl"), "-D", str(server.datadir), "-w", "-t", "60",
         "-l", str(server.datadir.parent / "server.log"), "-o", opts, "start"],
        user=server.run_as, cwd=server.datadir.parent, check=True, capture_output=True, text=True,
    )


def stop_cluster(server: PgServer, mode: str = "fast") -> None:
    """Stop a cluster made by :func:`start_cluster` (``mode``: smart, fast or immediate)."""
    assert server.bindir and server.datadir
    subprocess.run(
        [str(server.bindir / "pg_ctl"), "-D", str(server.datadir), "-w", "-m", mode, "stop"],
        user=server.run_as, cwd=server.datadir.parent, check=False, capture_output=True,
    )


# The template's own settings (ALTER DATABASE ... SET, such as the installer's
# search_path), each as a name and the value as the server stores it.
_DATABASE_SETTINGS = """
select pg_catalog.split_part(c, '=', 1), pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1)
from pg_catalog.pg_db_role_setting as s
cross join pg_catalog.unnest(s.setconfig) as c
where s.setrole = 0
  and s.setdatabase = (select d.oid from pg_catalog.pg_database as d where d.datname = %s)
"""


def clone_template(pg_server: PgServer, template: str) -> str:
    """A new database copied from ``template`` with the template's database settings; its name.

    ``create database ... template`` copies the objects and the data but not the
    settings made with ``ALTER DATABASE ... SET`` (the installer's search_path):
    each is given to the copy as the template has it, read into a transaction-local
    setting (parsed as the server parses the stored text) and stored with
    ``SET ... FROM CURRENT``. The copy is then what the installer would leave,
    without running it again for every test.
    """
    name = pg_server.create_database(template=template)
    try:
        with pg_server.admin() as conn, conn.transaction():
            for setting, value in conn.execute(_DATABASE_SETTINGS, (template,)).fetchall():
                conn.execute("select pg_catalog.set_config(%s, %s, true)", (setting, value))
                conn.execute(sql.SQL("alter database {} set {} from current").format(
                    sql.Identifier(name), sql.Identifier(setting)))
    except BaseException:
        pg_server.drop_database(name)
        raise
    return name


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's server: ``LITELLM_DB_TEST_DSN``, else a throwaway cluster."""
    dsn = os.environ.get("LITELLM_DB_TEST_DSN")
    if dsn:
        yield from _serving(PgServer(dsn))
        return
    bindir = find_bindir()
    if bindir is not None:
        root = Path(tempfile.mkdtemp(prefix="litellm-db-test-"))
        server = start_cluster(bindir, root)
        try:
            yield from _serving(server)
        finally:
            stop_cluster(server, "immediate")
            shutil.rmtree(root, ignore_errors=True)
        return
    try:
        from testcontainers.postgres import PostgresContainer
    except ImportError:
        pytest.fail("no PostgreSQL to test against: install postgresql (14 or newer), "
                    "or set LITELLM_DB_TEST_DSN")
    with PostgresContainer("postgres:16") as pg:  # pragma: no cover - needs Docker
        url = pg.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
        yield from _serving(PgServer(url))


def _serving(server: PgServer) -> Iterator[PgServer]:
    """Yield ``server`` to the session; afterwards, wait for the databases it is dropping."""
    try:
        yield server
    finally:
        server.wait_for_drops()


@pytest.fixture(scope="session")
def litellm_db_template_extensions() -> Sequence[str]:
    """Override (session scope) to create these extensions in the template, before the package
    (the installer revokes EXECUTE from PUBLIC on functions created after it)."""
    return ()


@pytest.fixture(scope="session")
def litellm_db_template_setup() -> TemplateSetup | None:
    """Override (session scope) to add your own objects to the template database, after the
    package is installed."""
    return None


def _create_extension(conn: psycopg.Connection[Any], name: str) -> None:
    row = conn.execute(
        "select 1 from pg_available_extensions where name = %s", (name,)
    ).fetchone()
    if row is None:
        major = conn.info.server_version // 10000
        pytest.fail(f"the {name} extension is not available on the test server; install it"
                    f" (Debian/Ubuntu: postgresql-{major}-{name.replace('_', '-')})")
    conn.execute(sql.SQL("create extension if not exists {}").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def template_db(pg_server: PgServer, litellm_db_template_extensions: Sequence[str],
                litellm_db_template_setup: TemplateSetup | None) -> Iterator[str]:
    """The name of a database with the package installed, copied for each test."""
    name = pg_server.create_database()
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            for extension in litellm_db_template_extensions:
                _create_extension(conn, extension)
            install(conn)
            if litellm_db_template_setup is not None:
                litellm_db_template_setup(conn)
        yield name
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def empty_db(pg_server: PgServer) -> Iterator[str]:
    """DSN of a new, empty database."""
    name = pg_server.create_database()
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database_soon(name)


@pytest.fixture
def db(pg_server: PgServer, template_db: str) -> Iterator[str]:
    """DSN of a new database with the package installed."""
    name = clone_template(pg_server, template_db)
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database_soon(name)


@pytest.fixture
def conn(db: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to a fresh installed database."""
    with psycopg.connect(db, autocommit=True) as c:
        yield c
