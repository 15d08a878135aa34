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
import sys
import tempfile
from pathlib import Path

import psycopg
from common import (
    DEBIT,
    Charges,
    bench_server,
    call_script,
    distinct_user,
    floor_script,
    median_tps,
    new_database,
    pgbench_arguments,
    write_results,
    write_scripts,
)

USERS = 1000

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=10, clients=[1, 4, 16], synchronous_commit=True)
    args = ap.parse_args()

    # durable: fsync and full_page_writes on, as in production.
    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit=args.synchronous_commit, users=USERS)
        scripts = write_scripts(Path(tmp), {
            "function": call_script(DEBIT, distinct_user(), USERS),
            "floor": floor_script("litellm", USERS),
            "hot": call_script(DEBIT, "'bench-1'", USERS),
        })
        charges = Charges(db.dsn)

        figures: dict[str, dict[str, float]] = {}
        print(f"{'clients':>7} {'function':>10} {'floor':>10} {'fn/floor':>9} {'hot':>10} "
              f"{'hot/fn':>7}   (transactions per second, median of {args.rounds})")
        for clients in args.clients:
            med = median_tps(server, db.dsn, scripts, clients=clients, rounds=args.rounds,
                             seconds=args.seconds, charges=charges)
            figures[str(clients)] = {
                **med, "function_vs_floor": med["function"] / med["floor"],
                "hot_vs_distinct": med["hot"] / med["function"],
            }
            print(f"{clients:>7} {med['function']:>10.0f} {med['floor']:>10.0f} "
                  f"{med['function'] / med['floor']:>8.2f}x {med['hot']:>10.0f} "
                  f"{med['hot'] / med['function']:>6.2f}x", flush=True)
        charges.check()
        write_results("debit", {"seconds": args.seconds, "rounds": args.rounds,
                                "synchronous_commit": args.synchronous_commit,
                                "figures": figures})
        with psycopg.connect(db.dsn) as conn:
            negative = conn.execute(
                "select count(*) from litellm.user_credits where credits_remaining < 0"
            ).fetchone()
    print(f"accounts below zero after the run: {negative[0] if negative else '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
