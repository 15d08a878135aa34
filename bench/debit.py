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
    bench_server,
    median_tps,
    new_database,
    pgbench_arguments,
    write_results,
    write_scripts,
)

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=10, clients=[1, 4, 16], synchronous_commit=True)
    args = ap.parse_args()

    # durable: fsync and full_page_writes on, as in production.
    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit=args.synchronous_commit, users=USERS)
        scripts = write_scripts(Path(tmp), {k: t.format(users=USERS) for k, t in SCRIPTS.items()})

        figures: dict[str, dict[str, float]] = {}
        print(f"{'clients':>7} {'function':>10} {'floor':>10} {'fn/floor':>9} {'hot':>10} "
              f"{'hot/fn':>7}   (transactions per second, median of {args.rounds})")
        for clients in args.clients:
            med = median_tps(server, db.dsn, scripts, clients=clients, rounds=args.rounds,
                             seconds=args.seconds)
            figures[str(clients)] = {
                **med, "function_vs_floor": med["function"] / med["floor"],
                "hot_vs_distinct": med["hot"] / med["function"],
            }
            print(f"{clients:>7} {med['function']:>10.0f} {med['floor']:>10.0f} "
                  f"{med['function'] / med['floor']:>8.2f}x {med['hot']:>10.0f} "
                  f"{med['hot'] / med['function']:>6.2f}x", flush=True)
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
