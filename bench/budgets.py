"""Budget checks in the debit: their cost, and a shared team budget as a hot row.

    .venv/bin/python bench/budgets.py [--seconds 5] [--clients 1 4 16] [--rounds 2]

Starts a throwaway cluster (the same way the test suite does; or uses
LITELLM_DB_BENCH_DSN), installs the package, and runs one pgbench script,
``debit_user_credits`` for a random user of 1000, against four kinds of user.
The debit checks and updates every budget that applies in its own transaction:

* plain    -- users in no team and without budgets (the debit's one-statement
  path);
* own      -- each user in a team of their own, in an organisation of their own,
  with a team and an organisation budget: the cost of checking and updating two
  budgets, with no shared row;
* one_org  -- each user in their own team (team budget), all teams in one
  organisation (one organisation budget, a hot row);
* one_team -- all 1000 users in one team of one organisation: the team and the
  organisation budget are both hot rows.
* one_team_split -- as one_team, in another team and organisation whose two
  budgets are split (``set_budget_shares``, --shares rows each, default 16):
  concurrent charges take different counter rows.

Afterwards every scenario's journal has exactly as many usage entries as
pgbench counted calls (a refused debit returns fast and would inflate the rate
unnoticed: bench/common.py's Charges), and no budget is past its limit.

Runs alternate so drift on a shared machine hits all of them. Prints
transactions per second and the ratios; writes bench/results/budgets.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import psycopg
from common import (
    BUDGET_SHAPES,
    DEBIT,
    Charges,
    bench_server,
    budget_users,
    call_script,
    distinct_user,
    fund_users,
    median_tps,
    new_database,
    pgbench_arguments,
    write_results,
    write_scripts,
)

USERS = 1000
SCENARIOS = ("plain", "own", "one_org", "one_team", "one_team_split")
PREFIX = {"plain": "bp", "own": "bo", "one_org": "bg", "one_team": "bt", "one_team_split": "bs"}


def setup(conn: psycopg.Connection, shares: int) -> None:
    fund_users(conn, USERS, PREFIX["plain"])
    for shape in BUDGET_SHAPES:
        budget_users(conn, PREFIX[shape], USERS, shape)
    budget_users(conn, PREFIX["one_team_split"], USERS, "one_team",
                 organization="bench-org-split", team="bench-team-split")
    conn.execute("select litellm.set_budget_shares(b.budget_id, %s) from litellm.budgets as b"
                 " where b.team_id = 'bench-team-split' or b.organization_id = 'bench-org-split'",
                 (shares,))
    conn.execute("vacuum analyze")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=5, clients=[1, 4, 16], synchronous_commit=True)
    ap.add_argument("--shares", type=int, default=16,
                    help="counter rows of each split budget (default: %(default)s)")
    args = ap.parse_args()

    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit=args.synchronous_commit)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            setup(conn, args.shares)
        scripts = write_scripts(Path(tmp), {
            key: call_script(DEBIT, distinct_user(PREFIX[key]), USERS) for key in SCENARIOS
        })
        charges = Charges(db.dsn)

        figures: dict[str, dict[str, float]] = {}
        print(f"{'clients':>7} " + " ".join(f"{k:>9}" for k in SCENARIOS)
              + f"  {'own/pl':>7} {'1org/own':>8} {'1team/own':>9} {'split/own':>9}"
              + f"   (tps, median of {args.rounds})")
        for clients in args.clients:
            med = median_tps(server, db.dsn, scripts, clients=clients, rounds=args.rounds,
                             seconds=args.seconds, charges=charges)
            ratios = {
                "team_and_org_vs_plain": med["own"] / med["plain"],
                "one_org_vs_own": med["one_org"] / med["own"],
                "one_team_vs_own": med["one_team"] / med["own"],
                "one_team_split_vs_own": med["one_team_split"] / med["own"],
            }
            figures[str(clients)] = {**med, **ratios}
            r = [ratios[k] for k in ratios]
            print(f"{clients:>7} " + " ".join(f"{med[k]:>9.0f}" for k in SCENARIOS)
                  + f"  {r[0]:>6.2f}x {r[1]:>7.2f}x {r[2]:>8.2f}x {r[3]:>8.2f}x", flush=True)
        charges.check()
        write_results("budgets", {"seconds": args.seconds, "rounds": args.rounds,
                                  "synchronous_commit": args.synchronous_commit,
                                  "shares": args.shares, "figures": figures})
        with psycopg.connect(db.dsn) as conn:
            row = conn.execute(
                "select count(*) filter (where t.used > t.hard_limit),"
                " (select sum(c2.spent) from litellm.budget_counters as c2"
                "  join litellm.budgets as b2 using (budget_id) where b2.team_id = 'bench-team')"
                " from (select b.hard_limit, sum(c.spent + c.held) as used"
                "  from litellm.budget_counters as c join litellm.budgets as b using (budget_id)"
                "  group by b.budget_id, c.period_start) as t"
            ).fetchone()
    print(f"counters past their limit: {row[0] if row else '?'};"
          f" charged to the shared team budget: {row[1] if row else '?'}")
    if not row or row[0]:
        print("FAILED: a budget is past its limit")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
