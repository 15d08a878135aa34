"""Test harness: a throwaway PostgreSQL, a template database, and pg_prove for pgTAP files.

Where the server comes from, first match wins:

1. ``LITELLM_DB_TEST_DSN`` -- an existing server; the suite creates and drops its
   own databases there (the role needs CREATEDB, and pgTAP must be installable).
2. The system's PostgreSQL binaries (``LITELLM_DB_PG_BINDIR``, else the newest
   ``/usr/lib/postgresql/*/bin``, else ``initdb`` on PATH): a temporary cluster in
   a temporary directory, run as the ``postgres`` user when the suite runs as root.
3. testcontainers, when it is installed and a Docker engine answers.

The package and pgTAP are installed once into a template database; every test
gets a fresh copy of it. ``tests/test_pgtap.py`` runs each ``sql/tests/**/*.test.sql``
file with ``pg_prove`` in its own fresh database, one pytest item per file.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

import litellm_db

REPO = Path(__file__).resolve().parent
SQL_TESTS = REPO / "sql" / "tests"


@dataclass
class PgServer:
    """A server the suite may create databases on, as a superuser (or CREATEDB role)."""

    base_dsn: str
    bindir: Path | None = None
    datadir: Path | None = None
    run_as: str | None = None

    def dsn(self, dbname: str) -> str:
        return make_conninfo(self.base_dsn, dbname=dbname)

    @property
    def params(self) -> dict[str, str]:
        return {k: str(v) for k, v in conninfo_to_dict(self.base_dsn).items()}

    def tool(self, name: str) -> str:
        """Path of a client tool (pg_dump, psql) matching the server when we started it."""
        if self.bindir and (self.bindir / name).exists():
            return str(self.bindir / name)
        found = shutil.which(name)
        if not found:
            pytest.fail(f"{name} not found; install the PostgreSQL client tools")
        return found

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.base_dsn, autocommit=True)

    def create_database(self, template: str | None = None) -> str:
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
        with self.admin() as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(
                sql.Identifier(name)))


def _find_bindir() -> Path | None:
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


def start_cluster(bindir: Path, root: Path, *, durable: bool = False) -> PgServer:
    """initdb + start a cluster under ``root``; the caller stops it with stop_cluster."""
    user = _unprivileged_user()
    root.mkdir(parents=True, exist_ok=True)
    if user:
        shutil.chown(root, user)
    datadir = root / "data"
    run = {"user": user, "cwd": root, "check": True, "capture_output": True, "text": True}
    subprocess.run([str(bindir / "initdb"), "-D", str(datadir), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], **run)
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
    assert server.bindir and server.datadir
    subprocess.run(
        [str(server.bindir / "pg_ctl"), "-D", str(server.datadir), "-w", "-m", mode, "stop"],
        user=server.run_as, cwd=server.datadir.parent, check=False, capture_output=True,
    )


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    dsn = os.environ.get("LITELLM_DB_TEST_DSN")
    if dsn:
        yield PgServer(dsn)
        return
    bindir = _find_bindir()
    if bindir is not None:
        root = Path(tempfile.mkdtemp(prefix="litellm-db-test-"))
        server = start_cluster(bindir, root)
        try:
            yield server
        finally:
            stop_cluster(server, "immediate")
            shutil.rmtree(root, ignore_errors=True)
        return
    try:
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]
    except ImportError:
        pytest.fail("no PostgreSQL to test against: install postgresql (14 or newer) and "
                    "postgresql-NN-pgtap, or set LITELLM_DB_TEST_DSN")
    with PostgresContainer("postgres:16") as pg:  # pragma: no cover - needs Docker
        url = pg.get_connection_url().replace("postgresql+psycopg2://", "postgresql://")
        yield PgServer(url)


def _require_extension(conn: psycopg.Connection, name: str, package: str) -> None:
    row = conn.execute(
        "select 1 from pg_available_extensions where name = %s", (name,)
    ).fetchone()
    if row is None:
        pytest.fail(f"the {name} extension is not available on the test server; "
                    f"install {package} (Debian/Ubuntu), or see README 'Testing'")
    conn.execute(sql.SQL("create extension if not exists {}").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def template_db(pg_server: PgServer) -> Iterator[str]:
    """A database with the package, pgTAP, plpgsql_check and the test fixtures."""
    name = pg_server.create_database()
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            major = conn.info.server_version // 10000
            _require_extension(conn, "pgtap", f"postgresql-{major}-pgtap")
            _require_extension(conn, "plpgsql_check", f"postgresql-{major}-plpgsql-check")
            litellm_db.install(conn)
            conn.execute((SQL_TESTS / "fixtures.sql").read_text().encode())
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
        pg_server.drop_database(name)


def clone_template(pg_server: PgServer, template: str) -> str:
    name = pg_server.create_database(template=template)
    # Database-level settings (the search_path) are not copied from a template:
    # re-running the installer sets it and, as it must, changes nothing else.
    with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
        litellm_db.install(conn)
    return name


@pytest.fixture
def db(pg_server: PgServer, template_db: str) -> Iterator[str]:
    """DSN of a new database with the package installed."""
    name = clone_template(pg_server, template_db)
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def conn(db: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to a fresh installed database."""
    with psycopg.connect(db, autocommit=True) as c:
        yield c


def run_pg_prove(pg_server: PgServer, dbname: str, path: Path) -> subprocess.CompletedProcess[str]:
    """Run one pgTAP file with pg_prove against ``dbname``."""
    pg_prove = shutil.which("pg_prove")
    if pg_prove is None:
        pytest.fail("pg_prove not found: install libtap-parser-sourcehandler-pgtap-perl")
    p = pg_server.params
    env = dict(os.environ, PGHOST=p["host"], PGPORT=p.get("port", "5432"),
               PGUSER=p.get("user", "postgres"), PGDATABASE=dbname,
               PGPASSWORD=p.get("password", ""))
    env["PATH"] = str(Path(pg_server.tool("psql")).parent) + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [pg_prove, "--verbose", "--failures", "--set", "ON_ERROR_STOP=1", str(path)],
        env=env, capture_output=True, text=True, timeout=600,
    )
