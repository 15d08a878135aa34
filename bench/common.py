"""What the benchmarks in bench/ share: a server, a database with the package, pgbench, results.

    from common import (bench_server, median_tps, new_database, pgbench_arguments,
                        write_results, write_scripts)

    ap = argparse.ArgumentParser()
    pgbench_arguments(ap, seconds=10, clients=[1, 4])
    args = ap.parse_args()
    with bench_server() as server, tempfile.TemporaryDirectory() as tmp:
        db = new_database(server, synchronous_commit="on", users=1000)
        scripts = write_scripts(Path(tmp), {"a": "select ...", "b": "select ..."})
        tps = median_tps(server, db.dsn, scripts, clients=4, rounds=2, seconds=10)
        write_results("name", {"figures": tps})

``python bench/x.py`` puts bench/ first on ``sys.path``, so ``import common`` works from any
benchmark; the throwaway cluster comes from ``litellm_db.testing``, as in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import litellm_db  # noqa: E402
from litellm_db.testing import PgServer, find_bindir, start_cluster, stop_cluster  # noqa: E402

RESULTS = REPO / "bench" / "results"
"""Where write_results puts its JSON files (git-ignored)."""


@contextmanager
def bench_server(*, durable: bool = True) -> Iterator[PgServer]:
    """The server of ``LITELLM_DB_BENCH_DSN``, else a throwaway cluster started the way the test
    suite starts one, stopped and deleted on exit. ``durable``: fsync and full_page_writes on,
    as in production (off: the test suite's settings, no waiting for the disk).

    Exits the program with status 1 when there is neither a DSN nor PostgreSQL binaries.
    """
    dsn = os.environ.get("LITELLM_DB_BENCH_DSN")
    if dsn:
        yield PgServer(dsn)
        return
    bindir = find_bindir()
    if bindir is None:
        print("no PostgreSQL binaries found; set LITELLM_DB_BENCH_DSN", file=sys.stderr)
        raise SystemExit(1)
    root = Path(tempfile.mkdtemp(prefix="litellm-db-bench-cluster-"))
    server: PgServer | None = None
    try:
        server = start_cluster(bindir, root, durable=durable)
        yield server
    finally:
        if server is not None:
            stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Database:
    """A database new_database made: its name (for ``server.drop_database``) and its DSN."""

    name: str
    dsn: str


def new_database(server: PgServer, *, synchronous_commit: str | None = None,
                 users: int = 0) -> Database:
    """A new database with the package installed.

    ``synchronous_commit`` ("on" or "off"), when given, is set for every later session of the
    database; ``users``: that many accounts funded as fund_users funds them.
    """
    name = server.create_database()
    dsn = server.dsn(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        litellm_db.install(conn)
        if synchronous_commit is not None:
            if synchronous_commit not in ("on", "off"):
                raise ValueError(f"synchronous_commit: on or off, not {synchronous_commit!r}")
            conn.execute(f"alter database {name} set synchronous_commit = {synchronous_commit}")
        fund_users(conn, users)
    return Database(name, dsn)


def fund_users(conn: psycopg.Connection, users: int, prefix: str = "bench") -> None:
    """Accounts ``{prefix}-1`` to ``{prefix}-{users}``, each with 1,000,000 credits bought."""
    for u in range(1, users + 1):
        conn.execute("select litellm.add_user_credits(%s, 1000000, 'purchase')", (f"{prefix}-{u}",))


def write_scripts(directory: Path, texts: Mapping[str, str], prefix: str = "") -> dict[str, Path]:
    """Each pgbench script text in ``directory/{prefix}{key}.sql``; the paths by key."""
    paths = {}
    for key, text in texts.items():
        path = directory / f"{prefix}{key}.sql"
        path.write_text(text)
        paths[key] = path
    return paths


def pgbench(server: PgServer, dsn: str, script: Path, clients: int, seconds: int) -> float:
    """Transactions per second of one pgbench run (prepared statements, up to 2 threads).

    Raises RuntimeError when pgbench reports no rate or any failed transaction.
    """
    return pgbench_counted(server, dsn, script, clients, seconds)[0]


def pgbench_counted(server: PgServer, dsn: str, script: Path, clients: int,
                    seconds: int) -> tuple[float, int]:
    """As :func:`pgbench`: its rate, and the number of transactions it processed (for a
    benchmark to check afterwards that each counted call did what it measures)."""
    p = server.params
    env = dict(os.environ, PGPASSWORD=p.get("password", ""))
    proc = subprocess.run(
        [server.tool("pgbench"), "-n", "-f", str(script), "-c", str(clients),
         "-j", str(min(clients, 2)), "-T", str(seconds), "-M", "prepared",
         "-h", p["host"], "-p", p.get("port", "5432"), "-U", p.get("user", "postgres"),
         psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]],
        capture_output=True, text=True, env=env, check=True,
    )
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
    n = re.search(r"number of transactions actually processed: (\d+)", proc.stdout)
    if not m or not n:
        raise RuntimeError(proc.stdout + proc.stderr)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench reported failures:\n{proc.stdout}")
    return float(m.group(1)), int(n.group(1))


def pgbench_arguments(parser: argparse.ArgumentParser, *, seconds: int, clients: list[int],
                      synchronous_commit: bool = False) -> None:
    """The options of a pgbench benchmark: --seconds per run, --clients (one figure each),
    --rounds (alternating runs per figure); with ``synchronous_commit``, --synchronous-commit."""
    parser.add_argument("--seconds", type=int, default=seconds)
    parser.add_argument("--clients", type=int, nargs="+", default=clients)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per figure")
    if synchronous_commit:
        parser.add_argument(
            "--synchronous-commit", choices=["on", "off"], default="on",
            help="on (default): every acknowledged debit is on disk, as in production;"
                 " off: measures CPU and locking without waiting for the disk")


def median_tps(server: PgServer, dsn: str, scripts: Mapping[str, Path], *, clients: int,
               rounds: int, seconds: int,
               processed: dict[str, int] | None = None) -> dict[str, float]:
    """Each script's transactions per second at ``clients`` clients, the median of ``rounds``
    runs. The scripts alternate (a, b, c, a, b, c, ...: in the mapping's order) so that drift on
    a shared machine hits all of them alike. ``processed``, when given, adds up the transactions
    pgbench counted per script."""
    runs: dict[str, list[float]] = {key: [] for key in scripts}
    for _ in range(rounds):
        for key, script in scripts.items():
            tps, count = pgbench_counted(server, dsn, script, clients, seconds)
            runs[key].append(tps)
            if processed is not None:
                processed[key] = processed.get(key, 0) + count
    return {key: statistics.median(values) for key, values in runs.items()}


def write_results(name: str, results: Mapping[str, Any]) -> Path:
    """``results`` as JSON in bench/results/{name}.json (values JSON cannot hold as strings)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    return path
