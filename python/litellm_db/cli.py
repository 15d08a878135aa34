"""The ``litellm-db`` command.

Commands::

    litellm-db init    [--dsn DSN | --data-dir DIR] [--test-data] [--reset [--yes]] [--json]
    litellm-db migrate [--dsn DSN | --data-dir DIR] [--json]
    litellm-db status  [--dsn DSN | --data-dir DIR] [--json]
    litellm-db server start [--data-dir DIR] [--json]
    litellm-db server stop  [--data-dir DIR]

Database: ``--dsn``, else ``DATABASE_URL``, else ``POSTGRES_*``, else (or with
``--data-dir``) the embedded PostgreSQL in ``LITELLM_DB_DATA_DIR`` or
``./.litellm-db/pgdata``, which is started when needed and left running.

Exit codes: 0 success; 1 error (``litellm-db: error: <one line>`` on stderr);
2 usage error, or ``--reset`` not confirmed; 3 ``status`` found the package not
installed or not current (run ``litellm-db migrate``); 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import psycopg

from . import apidoc, config, embedded, installer
from ._version import __version__
from .demo import load_demo_data
from .errors import ConnectionConfigError, LiteLLMDBError, translate

PROG = "litellm-db"
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_CURRENT = 3
EXIT_INTERRUPTED = 130


class _Refused(Exception):
    """A destructive action was not confirmed (exit code 2)."""


@dataclass(frozen=True)
class _IO:
    stdin: TextIO
    out: TextIO
    err: TextIO


@dataclass(frozen=True)
class Target:
    """The database a command works on."""

    dsn: str
    description: str
    """For people: "embedded PostgreSQL 18.6 in ./.litellm-db/pgdata" or the masked DSN."""
    kind: str  # "embedded" or "dsn"
    source: str
    data_dir: str | None = None
    server_started: bool = False

    def psql_command(self, psql: str = "psql") -> str:
        shown = self.dsn if self.kind == "embedded" else config.mask_dsn(self.dsn)
        return f"{psql} {shlex.quote(shown)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "dsn": config.mask_dsn(self.dsn),
            "description": self.description,
            "data_dir": self.data_dir,
            "server_started": self.server_started,
        }


# -- argument parsing ---------------------------------------------------------------------


def _add_target_args(parser: argparse.ArgumentParser, *, dsn: bool = True) -> None:
    group = parser.add_mutually_exclusive_group()
    if dsn:
        group.add_argument(
            "--dsn", metavar="DSN",
            help="PostgreSQL connection string or URI (default: DATABASE_URL, then POSTGRES_HOST,"
                 " POSTGRES_PORT, POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD, then the embedded"
                 " server)",
        )
    group.add_argument(
        "--data-dir", metavar="DIR",
        help=f"use the embedded PostgreSQL in DIR (default: ${embedded.DATA_DIR_ENV}, else"
             f" ./{embedded.DEFAULT_DATA_DIR}); needs {embedded.INSTALL_HINT}",
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document instead of text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Install, upgrade and inspect the litellm-db schema (credits, ledger, usage"
                    " logs) in a PostgreSQL database.",
        epilog="Exit codes: 0 ok, 1 error, 2 usage error or unconfirmed --reset,"
               " 3 status: not installed or not current.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = sub.add_parser(
        "init", help="install or upgrade the schema, optionally with demo data",
        description="Install or upgrade the schema (safe to re-run), optionally load demo data,"
                    " and print how to connect.",
    )
    _add_target_args(init)
    init.add_argument("--test-data", action="store_true",
                      help="load the demo data set (8 users, purchases, a few hundred calls);"
                           " loading it again changes nothing")
    init.add_argument("--reset", action="store_true",
                      help="DESTRUCTIVE: drop the litellm schema and all its data first"
                           " (needs --yes, or typing the database name at a terminal)")
    init.add_argument("-y", "--yes", action="store_true", help="confirm --reset")
    _add_json(init)

    migrate = sub.add_parser("migrate", help="install or upgrade the schema only",
                             description="Apply what is missing and print what changed.")
    _add_target_args(migrate)
    _add_json(migrate)

    status = sub.add_parser(
        "status", help="show the installed version and row counts",
        description="Show the installed version, whether the API is current, and row counts."
                    " Exit code 3 when the package is not installed or not current.",
    )
    _add_target_args(status)
    _add_json(status)

    docs = sub.add_parser(
        "docs", help="print the SQL API reference (Markdown)",
        description="Print the SQL API reference generated from the installed catalog:"
                    " the source of docs/api.md.",
    )
    _add_target_args(docs)

    server = sub.add_parser("server", help="manage the embedded PostgreSQL",
                            description="Start or stop the embedded PostgreSQL server.")
    server_sub = server.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = server_sub.add_parser("start", help="start it (and create the litellm database)")
    _add_target_args(start, dsn=False)
    _add_json(start)
    stop = server_sub.add_parser("stop", help="stop it (fast shutdown)")
    _add_target_args(stop, dsn=False)
    return parser


# -- helpers ------------------------------------------------------------------------------


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _embedded_target(data_dir: str | None, env: Mapping[str, str], *,
                     must_exist: bool = False) -> Target:
    path = embedded.resolve_data_dir(data_dir, env)
    if must_exist and not (path / "PG_VERSION").exists():
        raise ConnectionConfigError(
            f"no embedded PostgreSQL in {embedded.display_path(path)} (and no --dsn,"
            f" DATABASE_URL or POSTGRES_*); run `{PROG} init` first"
        )
    server = embedded.start(path, env=env)
    note = "" if not server.started else (" (initialized and started)" if server.initialized
                                          else " (started)")
    return Target(
        dsn=server.dsn,
        description=f"embedded PostgreSQL {server.server_version} in"
                    f" {embedded.display_path(path)}{note}",
        kind="embedded", source="embedded", data_dir=str(path),
        server_started=server.started,
    )


def resolve_target(args: argparse.Namespace, env: Mapping[str, str], *,
                   must_exist: bool = False) -> Target:
    """The database for a command: explicit flags, then the environment, then embedded."""
    if getattr(args, "data_dir", None):
        return _embedded_target(args.data_dir, env, must_exist=must_exist)
    dsn = config.resolve_dsn(getattr(args, "dsn", None), env)
    if dsn is None:
        return _embedded_target(None, env, must_exist=must_exist)
    source = config.describe_source(getattr(args, "dsn", None), env)
    return Target(dsn=dsn, description=f"PostgreSQL at {config.mask_dsn(dsn)} (from {source})",
                  kind="dsn", source=source)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def _emit_json(doc: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(_jsonable(doc), indent=2) + "\n")


def _confirm_reset(conn: psycopg.Connection, target: Target, io: _IO) -> None:
    dbname = conn.info.dbname
    io.err.write(
        f"--reset drops schema {installer.SCHEMA} and ALL its data (credits, journal, usage)"
        f" in database {dbname} on {target.description}.\n"
        f"Type the database name ({dbname}) to confirm: "
    )
    io.err.flush()
    answer = io.stdin.readline().strip()
    if answer != dbname:
        raise _Refused("--reset not confirmed; nothing was changed")


def _install(conn: psycopg.Connection, say: Callable[[str], None]) -> dict[str, Any]:
    result = installer.install(conn, progress=lambda msg: say(f"  {msg}"))
    return {
        "schema_applied": list(result.schema_applied),
        "api_applied": result.api_applied,
        "search_path_set": result.search_path_set,
        "warnings": list(result.warnings),
        "changed": result.changed,
        "partitions_created": list(result.partitions_created),
    }


def _describe_install(doc: dict[str, Any], state: dict[str, Any] | None) -> list[str]:
    lines: list[str] = []
    version = (state or {}).get("schema_version")
    if not doc["changed"]:
        lines.append(f"Schema is up to date (schema version {version}, package {__version__});"
                     " nothing changed.")
    else:
        if doc["schema_applied"]:
            lines.append(f"Applied schema versions {', '.join(doc['schema_applied'])}"
                         f" (now at {version}).")
        if doc["api_applied"]:
            lines.append(f"Applied the SQL API of litellm-db {__version__}"
                         " (functions, views, grants).")
        if doc["partitions_created"]:
            lines.append(f"Created usage log partitions {', '.join(doc['partitions_created'])}.")
        if doc["search_path_set"]:
            lines.append(f"Set the database's search_path to {doc['search_path_set']}"
                         " (new sessions can call the API unqualified).")
    lines.extend(f"warning: {w}" for w in doc["warnings"])
    return lines


def _self_command() -> str:
    """How to run this command again: litellm-db on PATH, else the venv's, else python -m."""
    if shutil.which(PROG):
        return PROG
    beside = Path(sys.executable).parent / PROG
    if beside.exists():
        return shlex.quote(embedded.display_path(beside))
    return f"{shlex.quote(sys.executable)} -m litellm_db.cli"


def _server_version(number: int) -> str:
    return f"{number // 10000}.{number % 10000}"


def _connect_hint(target: Target) -> list[str]:
    if target.kind == "embedded":
        psql = embedded.psql_executable()
        stop = f"{_self_command()} server stop"
        if target.data_dir and Path(target.data_dir) != embedded.resolve_data_dir(None, {}):
            stop += f" --data-dir {shlex.quote(embedded.display_path(Path(target.data_dir)))}"
        return [
            "Connect with:",
            f"  {target.psql_command(psql)}",
            f"The embedded server keeps running; stop it with: {stop}",
        ]
    hint = ["Connect with:", f"  {target.psql_command()}"]
    if config.mask_dsn(target.dsn) != target.dsn:
        hint.append("  (password masked: use the one from your settings)")
    return hint


# -- commands -----------------------------------------------------------------------------


def _cmd_init(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    interactive = io.stdin.isatty()
    if args.reset and not args.yes and not interactive:
        raise _Refused("--reset drops all litellm data in the database; add --yes to confirm")
    return _install_command(args, env, io, demo=args.test_data, reset=args.reset,
                            interactive=interactive)


def _install_command(args: argparse.Namespace, env: Mapping[str, str], io: _IO, *,
                     demo: bool, reset: bool, interactive: bool) -> int:
    as_json: bool = args.json
    out = io.out

    def say(line: str = "") -> None:
        if not as_json:
            out.write(line + "\n")
            out.flush()

    target = resolve_target(args, env)
    say(f"litellm-db {__version__}: using {target.description}")
    doc: dict[str, Any] = {"version": __version__, "database": target.as_dict()}
    with config.connect(target.dsn) as conn:
        doc["database"]["name"] = conn.info.dbname
        doc["database"]["server_version"] = conn.info.server_version
        if reset and not args.yes and interactive:
            _confirm_reset(conn, target, io)
        doc["reset"] = reset
        try:
            # One transaction: a reset whose reinstall fails keeps the old data.
            with conn.transaction():
                if reset:
                    installer.check_server(conn)
                    installer.drop(conn)
                    say(f"Dropped schema {installer.SCHEMA} and everything in it (--reset).")
                doc["install"] = _install(conn, say)
            state = installer.installed_version(conn)
        except psycopg.Error as exc:
            raise translate(exc) from exc
        doc["installed"] = state
        for line in _describe_install(doc["install"], state):
            say(line)
        if demo:
            say("Loading demo data ...")
            summary = load_demo_data(conn)
            doc["demo"] = summary.to_dict()
            say("")
            say(summary.format())
    hint = _connect_hint(target)
    doc["psql"] = hint[1].strip()
    if as_json:
        _emit_json(doc, out)
    else:
        say("")
        for line in hint:
            say(line)
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    return _install_command(args, env, io, demo=False, reset=False, interactive=False)


_COUNTS = {
    "users": "litellm.user_credits",
    "transactions": "litellm.credit_transactions",
    "usage_logs": "litellm.llm_usage_log",
}


def _counts(conn: psycopg.Connection) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    for key, table in _COUNTS.items():
        exists = conn.execute("select pg_catalog.to_regclass(%s) is not null",
                              (table,)).fetchone()
        if not exists or not exists[0]:
            counts[key] = None
            continue
        row = conn.execute(f"select count(*) from {table}").fetchone()
        counts[key] = int(row[0]) if row else 0
    return counts


def _cmd_status(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    out = io.out
    target = resolve_target(args, env, must_exist=True)
    with config.connect(target.dsn) as conn:
        try:
            state = installer.installed_version(conn)
            counts = _counts(conn) if state else {}
        except psycopg.Error as exc:
            raise translate(exc) from exc
        server_version = conn.info.server_version
        dbname = conn.info.dbname
    current = bool(state and state["api_current"]
                   and state["schema_version"] == state["latest_schema_version"])
    doc: dict[str, Any] = {
        "version": __version__,
        "database": {**target.as_dict(), "name": dbname, "server_version": server_version},
        "installed": state is not None,
        "current": current,
        "schema_version": state["schema_version"] if state else None,
        "latest_schema_version": state["latest_schema_version"] if state else None,
        "installed_package_version": state["package_version"] if state else None,
        "api_current": bool(state and state["api_current"]),
        "api_applied_at": state["api_applied_at"] if state else None,
        "counts": counts,
    }
    if args.json:
        _emit_json(doc, out)
    else:
        out.write(f"litellm-db {__version__}: {target.description}, database {dbname}"
                  f" (PostgreSQL {_server_version(server_version)})\n")
        if state is None:
            out.write(f"Not installed: run `{PROG} init` (or `{PROG} migrate`).\n")
        else:
            out.write(
                f"Installed: schema version {state['schema_version']}"
                f" (this package ships {state['latest_schema_version']}),"
                f" API of litellm-db {state['package_version']}"
                f" applied {_jsonable(state['api_applied_at'])}\n"
            )
            out.write("Up to date.\n" if current
                      else f"Not current: run `{PROG} migrate` to upgrade.\n")
            shown = ", ".join(f"{k.replace('_', ' ')}: {'-' if v is None else v}"
                              for k, v in counts.items())
            out.write(f"Rows: {shown}\n")
    return EXIT_OK if current else EXIT_NOT_CURRENT


def _cmd_docs(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    target = resolve_target(args, env, must_exist=True)
    with config.connect(target.dsn) as conn:
        try:
            io.out.write(apidoc.api_reference(conn))
        except psycopg.Error as exc:
            raise translate(exc) from exc
    return EXIT_OK


def _cmd_server(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    out = io.out
    path = embedded.resolve_data_dir(args.data_dir, env)
    shown = embedded.display_path(path)
    if args.action == "stop":
        if embedded.stop(path, env=env):
            out.write(f"Stopped the embedded PostgreSQL in {shown}.\n")
        else:
            out.write(f"No embedded PostgreSQL is running in {shown}.\n")
        return EXIT_OK
    target = _embedded_target(args.data_dir, env)
    if args.json:
        _emit_json({"database": target.as_dict(), "psql": target.psql_command()}, out)
    else:
        out.write(f"Running: {target.description}\n")
        for line in _connect_hint(target):
            out.write(line + "\n")
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, Mapping[str, str], _IO], int]] = {
    "init": _cmd_init,
    "migrate": _cmd_migrate,
    "status": _cmd_status,
    "docs": _cmd_docs,
    "server": _cmd_server,
}


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None,
         stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        io = _IO(stdin=stdin or sys.stdin, out=out, err=err)
        return _COMMANDS[args.command](args, os.environ if env is None else env, io)
    except _Refused as exc:
        err.write(f"{PROG}: error: {_one_line(exc)}\n")
        return EXIT_USAGE
    except LiteLLMDBError as exc:
        err.write(f"{PROG}: error: {_one_line(exc)}\n")
        return EXIT_ERROR
    except psycopg.Error as exc:
        err.write(f"{PROG}: error: {_one_line(translate(exc))}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write(f"{PROG}: interrupted\n")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
