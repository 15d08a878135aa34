"""Debit throughput: the API function vs the floor, and one hot user vs many users.

    .venv/bin/python bench/debit.py [--seconds 10] [--clients 1 4 16]

Starts a throwaway cluster (the same way the test suite does; or uses
LITELLM_DB_BENCH_DSN), installs the package, and runs pgbench scripts against it:

* function -- ``select * from litellm.debit_user_credits(...)`` for a random user
  of 1000, each call with a fresh request id;
* floor    -- the same writes by hand in one round trip: one statement whose CTEs
  update the account, insert the journal entry, take the credits from the
  first lot and record the allocation. This is the least any correct debit
  must write, so function / floor is the price of the API's checks;
* hot      -- the function with every client debiting the same user.

Runs alternate (function, floor, function, ...) so drift on a shared machine
hits both. Prints transactions per second and the ratios; writes the figures
to bench/results/debit.json.
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
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import litellm_db  # noqa: E402
from conftest import PgServer, _find_bindir, start_cluster, stop_cluster  # noqa: E402

USERS = 1000

SCRIPTS = {
    "function": """
\\set uid random(1, {users})
\\set r random(1, 1000000000000)
select * from litellm.debit_user_credits('bench-' || :uid, 0.000001, 'openai', 'gpt-4', 10, 20,
    'balanced', '{{}}', :client_id || '-' || :r);
""",
    "floor": """
\\set uid random(1, {users})
\\set r random(1, 1000000000000)
with u as (
    update litellm.user_credits
    set credits_remaining = credits_remaining - 0.000001, total_spent = total_spent + 0.000001,
        month_spent = month_spent + 0.000001, last_seq = last_seq + 1, updated_at = now()
    where user_id = 'bench-' || :uid and credits_remaining - credits_held >= 0.000001
    returning user_id, last_seq, credits_remaining
), t as (
    insert into litellm.credit_transactions (user_id, seq, transaction_type, amount, balance_after,
        provider, model, power_level, prompt_tokens, completion_tokens, idempotency_key, metadata)
    select user_id, last_seq, 'usage', -0.000001, credits_remaining, 'openai', 'gpt-4', 'balanced',
        10, 20, :client_id || '-' || :r, '{{}}' from u
    returning id, user_id
), l as (
    update litellm.credit_lots set remaining = remaining - 0.000001
    where lot_id = (select lot_id from litellm.credit_lots where user_id = 'bench-' || :uid
                    and not depleted order by priority, expires_at, lot_id limit 1)
    returning lot_id
)
insert into litellm.credit_allocations (transaction_id, lot_id, user_id, amount)
select t.id, l.lot_id, t.user_id, 0.000001 from t, l;
""",
    "hot": """
\\set r random(1, 1000000000000)
select * from litellm.debit_user_credits('bench-1', 0.000001, 'openai', 'gpt-4', 10, 20,
    'balanced', '{{}}', :client_id || '-' || :r);
""",
}


def pgbench(server: PgServer, dsn: str, script: Path, clients: int, seconds: int) -> float:
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
    if not m:
        raise RuntimeError(proc.stdout + proc.stderr)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench reported failures:\n{proc.stdout}")
    return float(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs per figure")
    ap.add_argument("--synchronous-commit", choices=["on", "off"], default="on",
                    help="on (default): every acknowledged debit is on disk, as in production;"
                         " off: measures CPU and locking without waiting for the disk")
    args = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="litellm-db-bench-"))
    cluster_root = Path(tempfile.mkdtemp(prefix="litellm-db-bench-cluster-"))
    server: PgServer | None = None
    dsn_env = os.environ.get("LITELLM_DB_BENCH_DSN")
    try:
        if dsn_env:
            server = PgServer(dsn_env)
        else:
            bindir = _find_bindir()
            if bindir is None:
                print("no PostgreSQL binaries found; set LITELLM_DB_BENCH_DSN", file=sys.stderr)
                return 1
            # durable: fsync and full_page_writes on, as in production.
            server = start_cluster(bindir, cluster_root, durable=True)
        name = server.create_database()
        dsn = server.dsn(name)
        with psycopg.connect(dsn, autocommit=True) as conn:
            litellm_db.install(conn)
            conn.execute(
                f"alter database {name} set synchronous_commit = {args.synchronous_commit}"
            )
            for u in range(1, USERS + 1):
                conn.execute("select litellm.add_user_credits(%s, 1000000, 'purchase')",
                             (f"bench-{u}",))
        scripts = {}
        for key, text in SCRIPTS.items():
            path = root / f"{key}.sql"
            path.write_text(text.format(users=USERS))
            scripts[key] = path

        figures: dict[str, dict[str, float]] = {}
        print(f"{'clients':>7} {'function':>10} {'floor':>10} {'fn/floor':>9} {'hot':>10} "
              f"{'hot/fn':>7}   (transactions per second, median of {args.rounds})")
        for clients in args.clients:
            runs: dict[str, list[float]] = {k: [] for k in scripts}
            for _ in range(args.rounds):
                for key in ("function", "floor", "hot"):
                    runs[key].append(pgbench(server, dsn, scripts[key], clients, args.seconds))
            med = {k: statistics.median(v) for k, v in runs.items()}
            figures[str(clients)] = {
                **med, "function_vs_floor": med["function"] / med["floor"],
                "hot_vs_distinct": med["hot"] / med["function"],
            }
            print(f"{clients:>7} {med['function']:>10.0f} {med['floor']:>10.0f} "
                  f"{med['function'] / med['floor']:>8.2f}x {med['hot']:>10.0f} "
                  f"{med['hot'] / med['function']:>6.2f}x", flush=True)
        out = REPO / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "debit.json").write_text(json.dumps(
            {"seconds": args.seconds, "rounds": args.rounds,
             "synchronous_commit": args.synchronous_commit, "figures": figures}, indent=2))
        with psycopg.connect(dsn) as conn:
            negative = conn.execute(
                "select count(*) from litellm.user_credits where credits_remaining < 0"
            ).fetchone()
        print(f"accounts below zero after the run: {negative[0] if negative else '?'}")
        return 0
    finally:
        if server is not None and server.datadir is not None:
            stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(cluster_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
