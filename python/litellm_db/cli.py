"""The ``litellm-db`` command.

Commands::

    litellm-db init    [--dsn DSN | --data-dir DIR] [ROLES] [--test-data] [--reset [--yes]] [--json]
    litellm-db migrate [--dsn DSN | --data-dir DIR] [ROLES] [--json]
    litellm-db status  [--dsn DSN | --data-dir DIR] [--no-verify] [--busy-seconds S] [--json]
    litellm-db docs    [--dsn DSN | --data-dir DIR]
    litellm-db server start [--data-dir DIR] [--json]
    litellm-db server stop  [--data-dir DIR]
    litellm-db balance USER_ID [--json]
    litellm-db credit  USER_ID AMOUNT [--type T] [--idempotency-key K] ... [--json]
    litellm-db refresh [--json]
    litellm-db archive [--older-than-days DAYS] [--json]
    litellm-db verify  [--json]
    litellm-db health  [--window MINUTES] [--dry-run] [--json]
    litellm-db pricing import [--json]
    litellm-db keys rotate [--batch-size N] [--json]
    litellm-db keys generate [--json]
    litellm-db usage [--by day|provider|model] [PERIOD] [WHOSE] [--json|--csv]
    litellm-db top KIND [PERIOD] [WHOSE] [--limit N] [--json|--csv]
    litellm-db transactions USER_ID [--limit N] [--json|--csv]
    litellm-db maintain [--all | --job JOB ...] [--every SECONDS] [--json]
    litellm-db schedule [install|list|remove] [--set JOB=CRON] [--json]
    litellm-db report [PERIOD] [WHOSE] [-o FILE] [--json]
    litellm-db metrics [--path]

Every command that works on a database takes ``--dsn`` or ``--data-dir``.
Database: ``--dsn``, else ``DATABASE_URL``, else ``POSTGRES_*``, else (or with
``--data-dir``) the embedded PostgreSQL in ``LITELLM_DB_DATA_DIR`` or
``./.litellm-db/pgdata``, which is started when needed and left running.
``keys`` reads the Fernet keys from ``LITELLM_ENCRYPTION_KEY`` (else
``BYOK_ENCRYPTION_KEY``). ``init`` and ``migrate`` take the package's role names
(``ROLES``: ``--role-owner``, ``--role-app``, ``--role-analyst``,
``--role-end-user``, else ``LITELLM_DB_ROLE_OWNER``, ``_APP``, ``_ANALYST``,
``_END_USER``, else the names the database records, else the defaults) and
``--change-roles`` to move an installed database to other names. Long work
(``keys rotate``, ``pricing import``) shows a progress bar on stderr when it is
a terminal.

Exit codes: 0 success; 1 error (``litellm-db: error: <one line>`` on stderr),
including a database that lacks the command's SQL function ("run litellm-db
migrate"); 2 usage error, or ``--reset`` not confirmed; 3 ``status`` found the
package not installed or not current (run ``litellm-db migrate``); 4 the
command's check failed: ``balance`` of an unknown user, ``verify`` or
``status`` found ledger problems, ``keys rotate`` left keys no configured key
decrypts; 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO, TypeVar

import psycopg
import psycopg.sql

from . import apidoc, config, embedded, installer, ops_cli
from ._version import __version__
from .calls import DEFAULT
from .client import Client
from .demo import load_demo_data
from .errors import (
    ConnectionConfigError,
    InvalidRoleNameError,
    LiteLLMDBError,
    NotInstalledError,
    translate,
)

T = TypeVar("T")

PROG = "litellm-db"
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_NOT_CURRENT = 3
EXIT_CHECK_FAILED = 4
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


def _role_name(purpose: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        try:
            return installer.check_role_name(text, purpose)
        except InvalidRoleNameError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    check.__name__ = f"{purpose} role name"
    return check


def _add_role_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "role names",
        "The package's group roles (docs/security.md). Default: the "
        + ", ".join(installer.ROLE_ENV.values())
        + " variables, else the names the database records, else litellm_owner, litellm_app,"
          " litellm_analyst, litellm_end_user. Lowercase identifiers, at most 63 bytes.",
    )
    for purpose, default in installer.DEFAULT_ROLE_NAMES.as_dict().items():
        flag = purpose.replace("_", "-")
        group.add_argument(f"--role-{flag}", dest=f"role_{purpose}", metavar="NAME",
                           type=_role_name(purpose),
                           help=f"the {flag} role (default name: {default})")
    group.add_argument(
        "--change-roles", action="store_true",
        help="the database records other names: move its privileges and row-level security"
             " policies to the roles named now (created when missing; the old roles stay)",
    )


def _requested_roles(args: argparse.Namespace, env: Mapping[str, str],
                     base: installer.RoleNames | None = None) -> installer.RoleNames:
    """Role names from the flags, then the environment, then ``base``."""
    flags = installer.RoleNames(**{p: getattr(args, f"role_{p}", None)
                                   for p in installer.ROLE_PURPOSES})
    requested = flags.merged(installer.RoleNames.from_env(env))
    return requested.merged(base) if base is not None else requested


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document instead of text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Install, upgrade and inspect the litellm-db schema (credits, ledger, usage"
                    " logs) in a PostgreSQL database.",
        epilog="Exit codes: 0 ok, 1 error, 2 usage error or unconfirmed --reset,"
               " 3 status: not installed or not current, 4 a check failed (unknown user,"
               " ledger problems, keys left unrotated), 130 interrupted.",
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
    _add_role_args(init)
    _add_json(init)

    migrate = sub.add_parser("migrate", help="install or upgrade the schema only",
                             description="Apply what is missing and print what changed.")
    _add_target_args(migrate)
    _add_role_args(migrate)
    _add_json(migrate)

    status = sub.add_parser(
        "status", help="show the installed version, row counts and the ledger check",
        description="Show the installed version, whether the API is current, row counts,"
                    " whether the ledger verifies (verify_ledger), and the accounts whose charges"
                    " wait on each other, with the slot count that would let them run at once"
                    " (busy_accounts). Exit code 3 when the package is not installed or not"
                    " current, 4 when the ledger check fails.",
    )
    _add_target_args(status)
    status.add_argument("--no-verify", action="store_true",
                        help="skip the ledger check (it reads the whole journal)")
    status.add_argument("--busy-seconds", type=_busy_seconds, metavar="S",
                        help="watch the server's row locks for S seconds for accounts whose"
                             " charges wait on each other (default: busy_accounts' own"
                             " window; 0 skips)")
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
    _add_operations(sub)
    ops_cli.add_parsers(sub)
    return parser


def _positive_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def _busy_seconds(text: str) -> Decimal:
    """A number of seconds; the window busy_accounts accepts is its own rule (LD057)."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def _db_parser(sub: Any, name: str, help_text: str, description: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=description,
                                                     epilog=_OPERATION_EPILOG)
    _add_target_args(parser)
    _add_json(parser)
    return parser


_OPERATION_EPILOG = ("Exit codes: 0 ok, 1 error (including a database without this function:"
                     " run litellm-db migrate), 2 usage error, 4 the check failed.")


def _add_operations(sub: Any) -> None:
    """Day-to-day commands on an installed database (each calls one SQL function)."""
    balance = _db_parser(sub, "balance", "show a user's balance and totals",
                         "Show a user's balance, tier and running totals (get_user_balance)."
                         " Exit code 4 when the user has no account.")
    balance.add_argument("user_id", metavar="USER_ID")

    credit = _db_parser(sub, "credit", "add credits to a user (creating the account)",
                        "Add credits to a user's account (add_user_credits), creating it when"
                        " new. With --idempotency-key or --stripe-transaction-id a repeated"
                        " command credits once.")
    credit.add_argument("user_id", metavar="USER_ID")
    credit.add_argument("amount", metavar="AMOUNT", type=_positive_decimal,
                        help="credits to add (exact decimal, at most 6 places)")
    credit.add_argument("--type", dest="transaction_type", default="bonus",
                        choices=("purchase", "bonus", "trial", "promo"),
                        help="kind of credit (default: bonus)")
    credit.add_argument("--description", help="journal description")
    credit.add_argument("--payment-method", help="payment method of a purchase, such as stripe")
    credit.add_argument("--stripe-transaction-id", metavar="ID",
                        help="payment provider charge id (a replay credits once)")
    credit.add_argument("--package-id", type=int, metavar="N", help="credit package bought")
    credit.add_argument("--idempotency-key", metavar="KEY",
                        help="make the command safe to repeat: the same key credits once")

    _db_parser(sub, "refresh", "fold new usage rows into the daily summary",
               "Fold the usage logged since the last refresh into llm_usage_summary"
               " (refresh_usage_summary); cost proportional to the new rows.")

    archive = _db_parser(sub, "archive", "archive old usage log partitions",
                         "Archive usage log months older than --older-than-days"
                         " (archive_usage_logs): partitions are detached, not deleted row by"
                         " row; the daily summary keeps their totals.")
    archive.add_argument("--older-than-days", type=_positive_int, metavar="DAYS",
                         help="archive months that ended more than DAYS days ago (default: the"
                              " database's, see docs/api.md)")

    _db_parser(sub, "verify", "prove every balance equals the sum of its journal",
               "Check the ledger (verify_ledger): every balance equals the sum of its journal"
               " and every entry's balance_after is right. Exit code 4 when anything is off.")

    health = _db_parser(sub, "health", "recompute provider health from recent calls",
                        "Recompute each provider's health from the usage log of the last"
                        " --window minutes and store it in provider_health"
                        " (refresh_provider_health).")
    health.add_argument("--window", type=_positive_int, metavar="MINUTES",
                        help="look at calls of the last MINUTES minutes (default: the"
                             " database's, see docs/api.md)")
    health.add_argument("--dry-run", action="store_true",
                        help="show what would be stored without storing it")

    pricing = sub.add_parser("pricing", help="model prices",
                             description="Manage model prices (model_prices).")
    pricing_sub = pricing.add_subparsers(dest="action", metavar="ACTION", required=True)
    _db_parser(pricing_sub, "import", "import LiteLLM's model price list",
               "Import the model prices LiteLLM ships (its model cost map) as effective-dated"
               " prices; unchanged prices are left alone. Needs the litellm extra.")

    keys = sub.add_parser("keys", help="bring-your-own-key encryption keys",
                          description="Manage the Fernet keys that encrypt users' provider keys"
                                      " (LITELLM_ENCRYPTION_KEY, else BYOK_ENCRYPTION_KEY;"
                                      " comma-separated, the first is the primary).")
    keys_sub = keys.add_subparsers(dest="action", metavar="ACTION", required=True)
    rotate = _db_parser(
        keys_sub, "rotate", "re-encrypt every stored key under the primary key",
        "Re-encrypt every stored provider key that is not under the primary key, in batches"
        " (each its own transaction). Put the new key first and keep the old ones after it;"
        " safe to interrupt and run again. Exit code 4 when some key could not be decrypted"
        " with any configured key.",
    )
    rotate.add_argument("--batch-size", type=_positive_int, metavar="N",
                        help="keys per transaction (default: the database's, see docs/api.md)")
    generate = keys_sub.add_parser("generate", help="print a new random Fernet key",
                                   description="Print a new random Fernet key for"
                                               " LITELLM_ENCRYPTION_KEY.")
    _add_json(generate)


# -- helpers ------------------------------------------------------------------------------


def _or_default(value: T | None, convert: Callable[[T], Any] | None = None) -> Any:
    """An option left out of the command is left out of the SQL call: the database's default
    applies (DEFAULT), never a number restated here."""
    if value is None:
        return DEFAULT
    return value if convert is None else convert(value)


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


def _emit_json_line(doc: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(_jsonable(doc)) + "\n")


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


def _install(conn: psycopg.Connection, say: Callable[[str], None], roles: installer.RoleNames,
             change_roles: bool) -> dict[str, Any]:
    result = installer.install(conn, roles=roles, change_roles=change_roles,
                               progress=lambda msg: say(f"  {msg}"))
    return {
        "roles": dict(result.roles),
        "roles_changed": {p: list(v) for p, v in result.roles_changed.items()},
        "schema_applied": list(result.schema_applied),
        "api_applied": result.api_applied,
        "search_path_set": result.search_path_set,
        "warnings": list(result.warnings),
        "changed": result.changed,
        "partitions_created": list(result.partitions_created),
        "removed": list(result.removed),
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
        if doc["removed"]:
            lines.append(f"Dropped what litellm-db {__version__} no longer defines: "
                         + ", ".join(doc["removed"]) + ".")
        if doc["partitions_created"]:
            lines.append(f"Created usage log partitions {', '.join(doc['partitions_created'])}.")
        if doc["search_path_set"]:
            lines.append(f"Set the database's search_path to {doc['search_path_set']}"
                         " (new sessions can call the API unqualified).")
        if doc["roles_changed"]:
            lines.append("Moved this database's privileges to other roles: " + ", ".join(
                f"{p.replace('_', '-')} {old} -> {new}"
                for p, (old, new) in doc["roles_changed"].items()) + ".")
    lines.append("Roles: " + ", ".join(f"{p.replace('_', '-')} {name}"
                                       for p, name in doc["roles"].items())
                 + " (grant them to your login roles; docs/security.md).")
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
                # A reset keeps the role names the database used, unless told otherwise.
                roles = _requested_roles(
                    args, env, installer.configured_roles(conn) if reset else None)
                if reset:
                    installer.check_server(conn)
                    installer.drop(conn)
                    say(f"Dropped schema {installer.SCHEMA} and everything in it (--reset).")
                doc["install"] = _install(conn, say, roles, args.change_roles)
            state: dict[str, Any] | None = installer.installed_version(conn)
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
            state: dict[str, Any] | None = installer.installed_version(conn)
            counts = _counts(conn) if state else {}
            problems: list[Any] | None = None
            if state and not args.no_verify and _has_function(conn, "verify_ledger"):
                problems = Client(conn).verify_ledger()
            jobs, job_lines = ops_cli.status_lines(conn) if state else ([], [])
            busy: list[Any] | None = None
            if state and args.busy_seconds != 0 and _may_call(conn, _BUSY_ACCOUNTS):
                busy = Client(conn).busy_accounts(
                    DEFAULT if args.busy_seconds is None else args.busy_seconds)
            warning = installer.public_schema_warning(conn)
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
        "roles": state["roles"] if state else None,
        "counts": counts,
        "ledger": None if problems is None else {
            "ok": not problems, "problems": [_as_dict(p) for p in problems],
        },
        "maintenance": jobs,
        "busy_accounts": None if busy is None else {
            "seconds": args.busy_seconds, "accounts": [_as_dict(b) for b in busy],
        },
        "warnings": [warning] if warning else [],
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
            out.write("Roles: " + ", ".join(f"{p.replace('_', '-')} {name}"
                                            for p, name in state["roles"].items()) + "\n")
            shown = ", ".join(f"{k.replace('_', ' ')}: {'-' if v is None else v}"
                              for k, v in counts.items())
            out.write(f"Rows: {shown}\n")
            if problems is not None:
                out.write("Ledger: verified.\n" if not problems else
                          f"Ledger: {len(problems)} problem(s); run `{PROG} verify`.\n")
            if job_lines:
                out.write("Maintenance:\n" + "".join(line + "\n" for line in job_lines))
            if busy is not None:
                out.write(_busy_lines(busy, args.busy_seconds))
        if warning:
            out.write(f"warning: {warning}\n")
    if not current:
        return EXIT_NOT_CURRENT
    return EXIT_OK if not problems else EXIT_CHECK_FAILED


_BUSY_ACCOUNTS = "busy_accounts(numeric, integer)"


def _may_call(conn: psycopg.Connection, signature: str) -> bool:
    """Whether ``litellm.<signature>`` exists and this role may execute it."""
    row = conn.execute(
        "select case when pg_catalog.to_regprocedure(%(f)s) is not null"
        " then pg_catalog.has_function_privilege(%(f)s, 'execute') else false end",
        {"f": f"{installer.SCHEMA}.{signature}"},
    ).fetchone()
    return bool(row and row[0])


def _busy_lines(busy: Sequence[Any], seconds: Decimal | None) -> str:
    """``status``'s lines on the accounts whose charges waited on each other."""
    watched = ("the server's row locks sampled over "
               + ("busy_accounts' default window" if seconds is None else f"{seconds} s"))
    if not busy:
        return f"Busy accounts: no charges waited on each other ({watched}).\n"
    lines = [f"Busy accounts: charges waited on each other ({watched}):"]
    for b in busy:
        lines.append(
            f"  {b.user_id}: waiting in {b.samples_waiting} of {b.samples_taken} samples,"
            f" up to {b.most_waiting} at once ({b.slot_count} slot"
            f"{'' if b.slot_count == 1 else 's'}); consider"
            f" `select litellm.set_account_slots({psycopg.sql.quote(b.user_id)},"
            f" {b.suggested_slots})`")
    return "\n".join(lines) + "\n"


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


# -- operations on an installed database ----------------------------------------------------


def _has_function(conn: psycopg.Connection, function: str) -> bool:
    row = conn.execute(
        "select exists (select from pg_catalog.pg_proc"
        " where pronamespace = pg_catalog.to_regnamespace(%s) and proname = %s)",
        (installer.SCHEMA, function),
    ).fetchone()
    return bool(row and row[0])


def _require(conn: psycopg.Connection, function: str, what: str) -> None:
    """Exit 1 with a clear message when the database lacks ``litellm.<function>``."""
    if not _has_function(conn, function):
        raise NotInstalledError(
            f"this database has no {what} ({installer.SCHEMA}.{function}): run `{PROG} migrate`"
        )


@contextlib.contextmanager
def _database(args: argparse.Namespace, env: Mapping[str, str],
              *functions: tuple[str, str]) -> Iterator[psycopg.Connection]:
    """An autocommit connection to the command's database, checked for ``functions``."""
    target = resolve_target(args, env, must_exist=True)
    with config.connect(target.dsn) as conn:
        try:
            for function, what in functions:
                _require(conn, function, what)
            yield conn
        except psycopg.Error as exc:
            raise translate(exc) from exc


def _as_dict(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _progress(io: _IO, args: argparse.Namespace, total: int, unit: str) -> Any:
    """A tqdm bar on stderr; silent with --json or when stderr is not a terminal."""
    from tqdm import tqdm

    quiet = bool(getattr(args, "json", False)) or not io.err.isatty()
    return tqdm(total=total, unit=unit, file=io.err, disable=quiet, leave=False)


def _amount(value: Any) -> str:
    return "-" if value is None else f"{value}"


def _cmd_balance(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    with _database(args, env, ("get_user_balance", "balance function")) as conn:
        balance = Client(conn).get_user_balance(args.user_id)
    if args.json:
        _emit_json({"user_id": args.user_id, "found": balance is not None,
                    "balance": _as_dict(balance)}, io.out)
    elif balance is None:
        io.out.write(f"No account for user {args.user_id}.\n")
    else:
        held = ("" if not balance.credits_held else
                f"; {balance.credits_held} held, {balance.credits_available} available")
        io.out.write(
            f"{balance.user_id}: {balance.credits_remaining} credits{held} (tier {balance.tier},"
            f" monthly cap {_amount(balance.monthly_cap)})\n"
            f"  purchased {balance.total_purchased}, granted {balance.total_granted},"
            f" spent {balance.total_spent}; journal entries: {balance.transaction_count}\n"
        )
    return EXIT_OK if balance is not None else EXIT_CHECK_FAILED


def _cmd_credit(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    with _database(args, env, ("add_user_credits", "credit function")) as conn:
        result = Client(conn).add_user_credits(
            args.user_id, args.amount, args.transaction_type,
            payment_method=args.payment_method,
            stripe_transaction_id=args.stripe_transaction_id, package_id=args.package_id,
            description=args.description, idempotency_key=args.idempotency_key,
        )
    if args.json:
        _emit_json({"user_id": args.user_id, **_as_dict(result)}, io.out)
    elif result.replayed:
        io.out.write(f"Already applied: transaction {result.transaction_id} credited"
                     f" {result.amount_credited} to {args.user_id} (nothing changed).\n")
    else:
        io.out.write(f"Credited {result.amount_credited} to {args.user_id}"
                     f" (transaction {result.transaction_id});"
                     f" balance {result.credits_remaining}.\n")
    return EXIT_OK


def _cmd_refresh(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    with _database(args, env, ("refresh_usage_summary", "usage summary")) as conn:
        rows = Client(conn).refresh_usage_summary()
    if args.json:
        _emit_json({"summary_rows": rows}, io.out)
    else:
        io.out.write(f"Refreshed the usage summary: {rows} summary rows inserted or updated.\n")
    return EXIT_OK


def _cmd_archive(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    with _database(args, env, ("archive_usage_logs", "usage log archiving")) as conn, \
            _progress(io, args, 1, "step") as bar:
        bar.set_description("archiving (waits for statements on the log)")
        rows = Client(conn).archive_usage_logs(
            older_than=_or_default(args.older_than_days, lambda days: timedelta(days=days)))
        bar.update(1)
    docs = [_as_dict(r) for r in rows]
    if args.json:
        _emit_json({"archived": docs}, io.out)
    elif not docs:
        age = ("the database's default age" if args.older_than_days is None
               else f"{args.older_than_days} days")
        io.out.write(f"Nothing to archive: no usage log month ended more than {age} ago.\n")
    else:
        for doc in docs:
            io.out.write("Archived " + ", ".join(f"{k} {v}" for k, v in doc.items()) + "\n")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    with _database(args, env, ("verify_ledger", "ledger verifier")) as conn:
        problems = Client(conn).verify_ledger()
    docs = [_as_dict(p) for p in problems]
    if args.json:
        _emit_json({"ok": not docs, "problems": docs}, io.out)
    elif not docs:
        io.out.write("Ledger verified: every balance equals the sum of its journal.\n")
    else:
        io.out.write(f"Ledger check FAILED: {len(docs)} problem(s).\n")
        for doc in docs:
            io.out.write("  " + ", ".join(f"{k}: {v}" for k, v in doc.items()) + "\n")
    return EXIT_OK if not docs else EXIT_CHECK_FAILED


def _cmd_health(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    with _database(args, env, ("refresh_provider_health", "provider health refresh")) as conn:
        rows = Client(conn).refresh_provider_health(window_minutes=_or_default(args.window),
                                                    dry_run=args.dry_run)
    if args.json:
        _emit_json({"window_minutes": args.window, "dry_run": args.dry_run,
                    "providers": [_as_dict(r) for r in rows]}, io.out)
        return EXIT_OK
    if not rows:
        window = ("the database's default window" if args.window is None
                  else f"the last {args.window} minutes")
        io.out.write(f"No calls in {window}: nothing to update.\n")
    for row in rows:
        rate = "-" if row.success_rate is None else f"{row.success_rate}%"
        io.out.write(f"{row.provider:<16} {row.status:<9} {row.request_count:>7} calls"
                     f"  success {rate:>8}  avg {_amount(row.avg_latency_ms)} ms\n")
    if args.dry_run:
        io.out.write("(dry run: nothing stored)\n")
    return EXIT_OK


def _cmd_pricing(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    try:
        from .pricing_import import import_litellm_prices
    except ImportError as exc:
        raise NotInstalledError(
            f"pricing import is unavailable ({_one_line(exc)}); install it with"
            " pip install 'litellm-db[litellm]'"
        ) from exc
    with _database(args, env, ("set_model_price", "model pricing")) as conn:
        result = import_litellm_prices(conn, progress=not args.json)
    as_dict = getattr(result, "as_dict", None)
    doc = as_dict() if callable(as_dict) else _as_dict(result)
    if args.json:
        _emit_json({"import": doc}, io.out)
    elif isinstance(doc, dict):
        io.out.write("Imported LiteLLM prices: "
                     + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in doc.items()
                                 if not isinstance(v, list | dict)) + "\n")
    else:
        io.out.write(f"Imported LiteLLM prices: {doc}\n")
    return EXIT_OK


def _cmd_keys(args: argparse.Namespace, env: Mapping[str, str], io: _IO) -> int:
    try:
        from .byok import BYOKManager, KeyRing, key_id
    except ImportError as exc:
        raise NotInstalledError(
            f"keys need the cryptography package ({_one_line(exc)}); install it with"
            " pip install 'litellm-db[byok]'"
        ) from exc

    if args.action == "generate":
        key = KeyRing.generate_key()
        if args.json:
            _emit_json({"key": key, "key_id": key_id(key)}, io.out)
        else:
            io.out.write(key + "\n")
        return EXIT_OK
    ring = KeyRing.from_env(env)
    with _database(args, env, ("rotate_user_api_keys", "key rotation")) as conn:
        manager = BYOKManager(Client(conn), ring)
        total = Client(conn).count_user_api_keys_to_rotate(ring.primary_key_id)
        with _progress(io, args, total, "key") as bar:
            report = manager.rotate_keys(batch_size=_or_default(args.batch_size),
                                         progress=bar.update)
    doc = {**_as_dict(report), "complete": report.complete}
    if args.json:
        _emit_json(doc, io.out)
    else:
        io.out.write(f"Re-encrypted {report.rotated} of {report.total} stored keys under the"
                     f" primary key {report.primary_key_id} in {report.batches} batches.\n")
        if report.changed:
            io.out.write(f"{report.changed} keys were replaced by their users meanwhile"
                         " (already under the primary key).\n")
        if report.undecryptable:
            io.out.write(f"{len(report.undecryptable)} keys could not be decrypted with any"
                         " configured key and were left as they are:\n")
            for row_id, user_id, provider in report.undecryptable:
                io.out.write(f"  row {row_id}: user {user_id}, provider {provider}\n")
            io.out.write("Add the key they were encrypted with after the primary and run"
                         f" `{PROG} keys rotate` again.\n")
        elif report.complete:
            io.out.write("Every stored key is under the primary key: the older keys can be"
                         " removed from the variable.\n")
    return EXIT_OK if not report.undecryptable else EXIT_CHECK_FAILED


_COMMANDS: dict[str, Callable[[argparse.Namespace, Mapping[str, str], _IO], int]] = {
    "init": _cmd_init,
    "migrate": _cmd_migrate,
    "status": _cmd_status,
    "docs": _cmd_docs,
    "server": _cmd_server,
    "balance": _cmd_balance,
    "credit": _cmd_credit,
    "refresh": _cmd_refresh,
    "archive": _cmd_archive,
    "verify": _cmd_verify,
    "health": _cmd_health,
    "pricing": _cmd_pricing,
    "keys": _cmd_keys,
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
        command = _COMMANDS.get(args.command) or ops_cli.COMMANDS[args.command]
        return command(args, os.environ if env is None else env, io)
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
