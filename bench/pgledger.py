"""A peer ledger: ``debit_user_credits`` against a pgledger transfer, same server, same run.

    .venv/bin/python bench/pgledger.py --pgledger DIR [--seconds 10] [--rounds 2]
        [--clients 1 4 16] [--synchronous-commit on]

pgledger (https://github.com/pgr0ss/pgledger) is a double-entry ledger written as PostgreSQL
tables and functions. It is not part of this repository: pass a checkout of it with
``--pgledger DIR`` or the environment variable ``PGLEDGER_DIR`` (without either, or when DIR
holds no ``pgledger.sql``, the benchmark exits with status 2 and says where to get it).

Starts a throwaway cluster with durable commits (fsync, full_page_writes and
synchronous_commit on, as in production; or LITELLM_DB_BENCH_DSN; ``--synchronous-commit off``
measures the server's work without waiting for the disk) and makes two databases on it, so
that neither ledger sees the other's objects:

* the package, with accounts ``bench-1`` .. ``bench-N`` (N: the largest --clients), each
  funded with 1,000,000 credits;
* pgledger installed as its README says (the vendored ULID helpers, then ``pgledger.sql``)
  into its default schema, with per client a user account that may not go below zero
  (``allow_negative_balance => false``, pgledger's counterpart of "never below zero"),
  funded with 1,000,000 from a funding account, and a revenue account of its own.

Client k (pgbench's ``client_id`` + 1) always charges its own account on both sides, so no
two clients share a row: ``debit_user_credits('bench-k', 0.000001, ...)`` with a fresh
request id, against ``pgledger_create_transfer(user k, revenue k, 0.000001)`` (the account
ids written into the script, so the call looks nothing up first). Same pgbench (prepared
statements), same duration; the two alternate (median of --rounds runs of --seconds each).

Afterwards every counted call is checked (bench/common.py's Charges): each debit one usage
entry in the package journal, each pgledger call one ``pgledger_transfers`` row and one
negative entry on a user account; a mismatch fails the run (status 1, CHARGE CHECK FAILED).
The run also fails when an account ends below zero on either side, ``verify_ledger()``
reports a problem, or a client's account was not charged. Prints debit / pgledger per
client count (the ratio of the medians, and ``paired``: the median of each debit run over the
pgledger run after it; when the two differ much, load on the machine moved the figures);
writes bench/results/pgledger.json. See docs/benchmarks.md, "A peer ledger: pgledger".
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from common import (
    DEBIT,
    Charges,
    bench_server,
    distinct_user,
    new_database,
    pgbench_arguments,
    pgbench_run,
    write_results,
    write_scripts,
)
from psycopg import sql

from litellm_db.testing import PgServer

PGLEDGER_URL = "https://github.com/pgr0ss/pgledger"
PGLEDGER_FILES = (
    "vendor/scoville-pgsql-ulid/ulid-to-uuid.sql",
    "vendor/scoville-pgsql-ulid/uuid-to-ulid.sql",
    "pgledger.sql",
)
"""pgledger's install order (its README); the vendored helpers are run when present."""

AMOUNT = "0.000001"
CURRENCY = "CREDITS"
FUNDS = 1_000_000

# Client k always uses account k: pgbench's client_id counts from 0.
OWN_ACCOUNT = "\\set uid :client_id + 1\n"
DEBIT_SCRIPT = (OWN_ACCOUNT + "\\set r random(1, 1000000000000)\n"
                + DEBIT.format(user=distinct_user()) + "\n")
TRANSFER_SCRIPT = (OWN_ACCOUNT + "select * from pgledger_create_transfer("
                   "('{users}'::text[])[:uid], ('{revenues}'::text[])[:uid], " + AMOUNT + ");\n")

PGLEDGER_JOURNALS = {
    "pgledger transfers": "select count(*) from pgledger_transfers",
    "pgledger user entries": (
        "select count(*) from pgledger_entries as e join pgledger_accounts as a"
        " on a.id = e.account_id where a.name like 'bench-user-%' and e.amount < 0"),
}
"""The rows one pgledger call must write: a transfer, and the entry taking the amount from
the user's account (its other entry credits the revenue account)."""


def pgledger_dir(parser: argparse.ArgumentParser, value: str | None, *,
                 env_default: bool = True) -> Path:
    """The pgledger checkout named by ``--pgledger`` (or, with ``env_default``, PGLEDGER_DIR);
    exits with status 2 (``parser.error``) and says where to get one when there is none."""
    if env_default:
        value = value or os.environ.get("PGLEDGER_DIR")
    where = (f"get one with `git clone {PGLEDGER_URL}` and pass --pgledger DIR"
             + (" or set PGLEDGER_DIR=DIR" if env_default else ""))
    if not value:
        parser.error(f"no pgledger checkout given: this benchmark needs pgledger ({where})")
    directory = Path(value).expanduser()
    if not (directory / "pgledger.sql").is_file():
        parser.error(f"{directory} holds no pgledger.sql, so it is no pgledger checkout ({where})")
    return directory


def fingerprint(directory: Path) -> str:
    """The first 12 hex digits of pgledger.sql's SHA-256: which pgledger was measured."""
    return hashlib.sha256((directory / "pgledger.sql").read_bytes()).hexdigest()[:12]


def add_pgledger_argument(parser: argparse.ArgumentParser, *, env_default: bool) -> None:
    """``--pgledger DIR``; with ``env_default``, PGLEDGER_DIR when it is not given."""
    tail = " (default: $PGLEDGER_DIR)" if env_default else ""
    parser.add_argument("--pgledger", metavar="DIR",
                        help=f"a checkout of {PGLEDGER_URL}{tail}")


def install_pgledger(dsn: str, directory: Path, synchronous_commit: str = "on") -> None:
    """pgledger's SQL files into the database of ``dsn``, in one transaction, in its default
    schema; ``synchronous_commit`` for every later session of the database."""
    if synchronous_commit not in ("on", "off"):
        raise ValueError(f"synchronous_commit: on or off, not {synchronous_commit!r}")
    with psycopg.connect(dsn) as conn:
        for name in PGLEDGER_FILES:
            path = directory / name
            if path.is_file():
                conn.execute(path.read_text())  # type: ignore[call-overload]
        dbname = conn.info.dbname
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("alter database {} set synchronous_commit = {}").format(
            sql.Identifier(dbname), sql.SQL(synchronous_commit)))


def pgledger_accounts(dsn: str, clients: int) -> tuple[list[str], list[str]]:
    """Per client a funded user account that may not go below zero, and a revenue account:
    their pgledger ids, in client order."""
    users, revenues = [], []
    with psycopg.connect(dsn, autocommit=True) as conn:
        def account(name: str, allow_negative: bool = True) -> str:
            row = conn.execute("select id from pgledger_create_account(%s, %s,"
                               " allow_negative_balance => %s)",
                               (name, CURRENCY, allow_negative)).fetchone()
            assert row is not None
            return str(row[0])

        funding = account("bench-funding")
        for k in range(1, clients + 1):
            users.append(account(f"bench-user-{k}", allow_negative=False))
            revenues.append(account(f"bench-revenue-{k}"))
            conn.execute("select from pgledger_create_transfer(%s, %s, %s)",
                         (funding, users[-1], FUNDS))
        conn.execute("vacuum analyze")
    return users, revenues


def text_array(values: list[str]) -> str:
    """A text[] literal of pgledger ids (letters, digits and underscores only)."""
    if any(not v.replace("_", "").isalnum() for v in values):
        raise ValueError(f"unexpected account ids: {values}")
    return "{" + ",".join(values) + "}"


@dataclass(frozen=True)
class Side:
    """One side of the comparison: its database, script and charge check, and the journals
    of ``charges`` each of its calls must write a row of."""

    dsn: str
    script: Path
    charges: Charges
    journals: tuple[str, ...]


def measure(server: PgServer, sides: dict[str, Side], *, clients: int, rounds: int,
            seconds: int) -> dict[str, list[float]]:
    """Each side's rates at ``clients`` clients, one per round; the sides alternate so that
    drift on a shared machine hits both. Counts every transaction in the side's journals."""
    runs: dict[str, list[float]] = {key: [] for key in sides}
    for n in range(1, rounds + 1):
        for key, side in sides.items():
            run = pgbench_run(server, side.dsn, side.script, clients, seconds)
            runs[key].append(run.tps)
            for journal in side.journals:
                side.charges.count(run.transactions, journal)
            print(f"  {clients:>2} clients, run {n}/{rounds}: {key:<8} {run.tps:>7.0f} tps"
                  f" ({run.transactions} calls)", flush=True)
    return runs


def compare(server: PgServer, directory: Path, *, clients: list[int], rounds: int,
            seconds: int, synchronous_commit: str = "on") -> dict[str, Any]:
    """debit_user_credits against pgledger_create_transfer at each client count, on two new
    databases of ``server`` (dropped afterwards): the figures, checked. Exits with status 1
    (``UnchargedCalls``) when a counted call wrote nothing, and returns ``failures`` (accounts
    below zero, ``verify_ledger()`` problems) for the caller to report."""
    most = max(clients)
    print(f"setting up: the package with {most} funded accounts ...", flush=True)
    debit_db = new_database(server, synchronous_commit=synchronous_commit, users=most)
    with psycopg.connect(debit_db.dsn, autocommit=True) as conn:
        conn.execute("vacuum analyze")  # as pgledger_accounts() leaves pgledger's database
    ledger_name = server.create_database()
    try:
        ledger_dsn = server.dsn(ledger_name)
        print(f"setting up: pgledger from {directory} (pgledger.sql sha256"
              f" {fingerprint(directory)}), {most} user and revenue accounts ...", flush=True)
        install_pgledger(ledger_dsn, directory, synchronous_commit)
        users, revenues = pgledger_accounts(ledger_dsn, most)
        with tempfile.TemporaryDirectory(prefix="litellm-db-bench-pgledger-") as tmp:
            scripts = write_scripts(Path(tmp), {
                "debit": DEBIT_SCRIPT,
                "pgledger": TRANSFER_SCRIPT.format(users=text_array(users),
                                                   revenues=text_array(revenues))})
            ledger_charges = Charges(ledger_dsn, PGLEDGER_JOURNALS)
            charges = Charges(debit_db.dsn)
            sides = {
                "debit": Side(debit_db.dsn, scripts["debit"], charges,
                              (charges.first,)),
                "pgledger": Side(ledger_dsn, scripts["pgledger"], ledger_charges,
                                 tuple(PGLEDGER_JOURNALS)),
            }
            figures: dict[str, dict[str, float]] = {}
            for count in clients:
                runs = measure(server, sides, clients=count, rounds=rounds, seconds=seconds)
                figures[str(count)] = f = summary(runs)
                print(f"{count:>3} clients: debit {f['debit']:.0f}, pgledger"
                      f" {f['pgledger']:.0f} tps (median of {rounds}):"
                      f" debit / pgledger {f['ratio']:.2f}x", flush=True)
        checked = {**charges.check(), **ledger_charges.check()}
        failures = invariants(debit_db.dsn, ledger_dsn, most)
    finally:
        server.drop_database(debit_db.name)
        server.drop_database(ledger_name)
    return {"figures": figures, "rows_written": checked, "failures": failures}


def invariants(debit_dsn: str, ledger_dsn: str, clients: int) -> list[str]:
    """What must hold after the run on both sides, ``clients`` the most clients of a run
    (each charged an account of its own); each failure as a sentence."""
    with psycopg.connect(debit_dsn) as conn:
        problems, negative, debited = conn.execute(
            "select (select count(*) from litellm.verify_ledger()),"
            " (select count(*) from litellm.user_credits where credits_remaining < 0),"
            " (select count(distinct user_id) from litellm.credit_transactions"
            "   where transaction_type = 'usage')"
        ).fetchone() or (None, None, None)
    with psycopg.connect(ledger_dsn) as conn:
        ledger_negative, transferred = conn.execute(
            "select count(*) filter (where not a.allow_negative_balance and a.balance < 0),"
            " count(*) filter (where a.name like 'bench-user-%' and exists ("
            "   select from pgledger_entries as e where e.account_id = a.id and e.amount < 0))"
            " from pgledger_accounts as a").fetchone() or (None, None)
    print(f"package: verify_ledger() problems {problems}, accounts below zero {negative},"
          f" accounts charged {debited}; pgledger: accounts that disallow negative balances"
          f" below zero {ledger_negative}, user accounts charged {transferred}", flush=True)
    return [f"{what}: {n}, not {want}" for what, n, want in (
        ("verify_ledger() problems", problems, 0),
        ("package accounts below zero", negative, 0),
        ("pgledger user accounts below zero", ledger_negative, 0),
        ("package accounts charged (one per client)", debited, clients),
        ("pgledger user accounts charged (one per client)", transferred, clients)) if n != want]


def summary(runs: dict[str, list[float]]) -> dict[str, float]:
    """The median rate of each side, their ratio (debit / pgledger), and the median of the
    ratios of each debit run to the pgledger run right after it (``paired``: less moved by
    load that comes and goes on a shared machine; far from ``ratio``, the figures are noise)."""
    med = {key: statistics.median(values) for key, values in runs.items()}
    paired = statistics.median(d / p for d, p in zip(runs["debit"], runs["pgledger"],
                                                     strict=True))
    return {**med, "ratio": med["debit"] / med["pgledger"], "paired": paired}


def print_table(figures: dict[str, dict[str, float]], rounds: int, seconds: int,
                synchronous_commit: str) -> None:
    commits = "durable commits" if synchronous_commit == "on" else "synchronous_commit off"
    print(f"\n{'clients':>7} {'debit tps':>10} {'pgledger tps':>13} {'debit/pgledger':>15}"
          f" {'paired':>7}   (median of {rounds} runs of {seconds} s, {commits})")
    for clients, f in figures.items():
        print(f"{clients:>7} {f['debit']:>10.0f} {f['pgledger']:>13.0f} {f['ratio']:>14.2f}x"
              f" {f['paired']:>6.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pgledger_argument(ap, env_default=True)
    pgbench_arguments(ap, seconds=10, clients=[1, 4, 16], synchronous_commit=True)
    args = ap.parse_args()
    directory = pgledger_dir(ap, args.pgledger)

    with bench_server(durable=True) as server:
        result = compare(server, directory, clients=args.clients, rounds=args.rounds,
                         seconds=args.seconds, synchronous_commit=args.synchronous_commit)
    print_table(result["figures"], args.rounds, args.seconds, args.synchronous_commit)
    path = write_results("pgledger", {
        "seconds": args.seconds, "rounds": args.rounds, "clients": args.clients,
        "synchronous_commit": args.synchronous_commit, "pgledger": str(directory),
        "pgledger_sql_sha256": fingerprint(directory), **result})
    print(f"results: {path}")
    if result["failures"]:
        print("FAILED: " + "; ".join(result["failures"]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
