"""Busy accounts and shared budgets: every figure of the busy-account table, in one run.

    .venv/bin/python bench/busy_accounts.py [--seconds 5] [--rounds 2] [--clients 1 4 16]
        [--busy-clients 16] [--shares 16]

Starts a throwaway cluster with durable commits (fsync, full_page_writes and
synchronous_commit on, as in production; or LITELLM_DB_BENCH_DSN), installs the package and
runs pgbench scripts, each figure a ratio against a baseline measured in the same run, the
scripts of one client count alternating (median of --rounds runs of --seconds each):

* one account charged by --busy-clients clients / the same load spread over 1000 accounts:
  ``debit_user_credits`` (hot / distinct); ``debit_user_credits_early_release`` (its hot /
  its distinct); and a slot account (``set_account_slots(user, 16)``) charged through
  ``debit_user_credits`` / the plain debit's distinct rate (the output says how many slots
  the charges used);
* one team budget shared by --busy-clients clients (1000 users in one team of one
  organisation) / 1000 users each in a team and an organisation of their own; and the same
  for a second shared team whose team and organisation budgets are split into --shares
  counter rows each (``set_budget_shares``);
* the gateway's path, a hold then its settlement (``reserve_credits``, then
  ``settle_reservation`` below the hold, each its own transaction, as the LiteLLM proxy
  integration charges a served call), by --busy-clients clients: users of the split team /
  users of their own team and organisation, and users of the one-row team / the same;
* a debit with a team and an organisation budget (users of their own team and organisation)
  / a plain debit, at each --clients;
* ``debit_user_credits`` / its floor (the same four writes in one statement, bench/common.py's
  FLOOR) on plain copies of the tables (same columns, checks, indexes and fillfactor; no
  foreign keys, triggers or row-level security), at each --clients;
* with ``--pgledger DIR`` (a checkout of pgledger), ``debit_user_credits`` / a pgledger
  transfer at each --clients, measured after the rest by bench/pgledger.py on databases of
  its own on the same server.

``--only settle`` runs the hold-then-settle rows alone (at --busy-clients). Every call
counted must have written one journal entry (bench/common.py's Charges): a refused
debit would inflate a rate, so a mismatch fails the run. Prints the table; writes
bench/results/busy_accounts.json. See docs/benchmarks.md, "Busy accounts and shared budgets".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg
from common import (
    DEBIT,
    EARLY_RELEASE,
    JOURNAL_USAGE,
    Charges,
    bench_server,
    budget_users,
    call_script,
    distinct_user,
    floor_script,
    median_tps,
    new_database,
    pgbench_arguments,
    plain_copies,
    write_results,
    write_scripts,
)
from pgledger import add_pgledger_argument, compare, pgledger_dir

USERS = 1000
SLOTS = 16
HOT = "'bench-1'"
SLOT_USER = "busy-slots"
SPLIT = {"team": "split-team", "organization": "split-org"}

# A served call on the gateway's path: a hold, then its settlement below it, each its own
# transaction (pgbench runs each statement of a script in its own), one usage entry per call.
HOLD_THEN_SETTLE = (
    "select * from litellm.reserve_credits({user}, 0.000002, :client_id || '-' || :r);\n"
    "select * from litellm.settle_reservation({user}, :client_id || '-' || :r, 0.000001,"
    " 'openai', 'gpt-4', 10, 20, 'balanced');")

# Scripts run at every client count, and those run only at --busy-clients.
EVERY = {
    "function": call_script(DEBIT, distinct_user(), USERS),
    "floor": floor_script("plain", USERS),
    "team_and_org": call_script(DEBIT, distinct_user("bo"), USERS),
}
BUSY = {
    "hot": call_script(DEBIT, HOT, USERS),
    "early_release": call_script(EARLY_RELEASE, distinct_user(), USERS),
    "early_release_hot": call_script(EARLY_RELEASE, HOT, USERS),
    "slots_hot": call_script(DEBIT, f"'{SLOT_USER}'", USERS),
    "one_team": call_script(DEBIT, distinct_user("bt"), USERS),
    "split_team": call_script(DEBIT, distinct_user("bs"), USERS),
    "settle_own": call_script(HOLD_THEN_SETTLE, distinct_user("bo"), USERS),
    "settle_split": call_script(HOLD_THEN_SETTLE, distinct_user("bs"), USERS),
    "settle_one": call_script(HOLD_THEN_SETTLE, distinct_user("bt"), USERS),
}
SETTLE = ("settle_own", "settle_split", "settle_one")

# (row, numerator, denominator, aim, where it is measured: "busy" or "every")
ROWS = [
    ("one account / distinct: debit_user_credits", "hot", "function", 0.8, "busy"),
    ("one account / distinct: early release", "early_release_hot", "early_release", 0.8,
     "busy"),
    (f"one slot account ({SLOTS} slots) / distinct", "slots_hot", "function", 0.8, "busy"),
    ("one team budget / distinct teams", "one_team", "team_and_org", 0.8, "busy"),
    ("split team budget / distinct teams", "split_team", "team_and_org", 0.8, "busy"),
    ("hold + settle: split team budget / distinct", "settle_split", "settle_own", 0.8, "busy"),
    ("hold + settle: one team budget / distinct", "settle_one", "settle_own", 0.8, "busy"),
    ("team + organisation budget / plain debit", "team_and_org", "function", 0.8, "every"),
    ("debit_user_credits / floor on plain tables", "function", "floor", 0.9, "every"),
]


def setup(conn: psycopg.Connection, shares: int) -> None:
    """Accounts bench-N (new_database), their plain copies, budget users, the slot account."""
    plain_copies(conn, "plain")
    budget_users(conn, "bo", USERS, "own")
    budget_users(conn, "bt", USERS, "one_team")
    conn.execute("select litellm.add_user_credits(%s, 1000000, 'purchase')", (SLOT_USER,))
    conn.execute("select litellm.set_account_slots(%s, %s)", (SLOT_USER, SLOTS))
    budget_users(conn, "bs", USERS, "one_team", organization=SPLIT["organization"],
                 team=SPLIT["team"])
    conn.execute("select litellm.set_budget_shares(b.budget_id, %s) from litellm.budgets as b"
                 " where b.team_id = %s or b.organization_id = %s",
                 (shares, SPLIT["team"], SPLIT["organization"]))
    conn.execute("vacuum analyze")


def ratio_rows(figures: dict[str, dict[str, float]], busy: int) -> list[dict[str, Any]]:
    rows = []
    for label, top, bottom, aim, where in ROWS:
        for clients, med in figures.items():
            if (where == "busy" and int(clients) != busy) or top not in med or bottom not in med:
                continue
            rows.append({"measure": label, "clients": int(clients), "ratio": med[top] / med[bottom],
                         "tps": med[top], "baseline_tps": med[bottom], "aim": aim})
    return rows


def peer_rows(peer: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The rows of ``--pgledger``: the debit against a pgledger transfer, aim: stay ahead."""
    return [{"measure": "debit_user_credits / pgledger transfer", "clients": int(clients),
             "ratio": f["ratio"], "tps": f["debit"], "baseline_tps": f["pgledger"], "aim": 1.0}
            for clients, f in (peer["figures"].items() if peer else ())]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=5, clients=[1, 4, 16])
    ap.add_argument("--busy-clients", type=int, default=16,
                    help="clients of the one-account and one-budget figures (default: 16)")
    ap.add_argument("--shares", type=int, default=16,
                    help="counter rows of each split budget (default: %(default)s)")
    ap.add_argument("--only", choices=["settle"],
                    help="settle: only the hold-then-settle rows, at --busy-clients")
    add_pgledger_argument(ap, env_default=False)
    args = ap.parse_args()
    if args.only:
        args.clients, args.pgledger = [args.busy_clients], None
    directory = (pgledger_dir(ap, args.pgledger, env_default=False) if args.pgledger
                 else None)
    counts = sorted(set(args.clients) | {args.busy_clients})

    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit="on", users=USERS)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            setup(conn, args.shares)
        scripts = write_scripts(Path(tmp), {**EVERY, **BUSY})
        charges = Charges(db.dsn, {
            "journal": JOURNAL_USAGE,
            "plain": "select count(*) from plain.credit_transactions"
                     " where transaction_type = 'usage'"})

        figures: dict[str, dict[str, float]] = {}
        for clients in counts:
            run = {k: p for k, p in scripts.items()
                   if (k in EVERY or clients == args.busy_clients)
                   and (not args.only or k in SETTLE)}
            figures[str(clients)] = median_tps(
                server, db.dsn, run, clients=clients, rounds=args.rounds, seconds=args.seconds,
                charges=charges, journals={"floor": ["plain"]})
            print(f"{clients:>3} clients: " + ", ".join(
                f"{k} {v:.0f}" for k, v in figures[str(clients)].items()) + " tps", flush=True)
        charges.check()

        with psycopg.connect(db.dsn) as conn:
            slots_used, problems, negative = conn.execute(
                "select (select count(distinct slot) from litellm.credit_transactions"
                "         where user_id = %s and transaction_type = 'usage'),"
                " (select count(*) from litellm.verify_ledger()),"
                " (select count(*) from litellm.user_credits where credits_remaining < 0)",
                (SLOT_USER,)).fetchone() or (None, None, None)
        peer = (compare(server, directory, clients=args.clients, rounds=args.rounds,
                        seconds=args.seconds) if directory else None)

    rows = ratio_rows(figures, args.busy_clients) + peer_rows(peer)
    print(f"\n{'measure':<46} {'clients':>7} {'ratio':>7}  {'tps / baseline tps':<20} aim"
          f"   (median of {args.rounds} runs of {args.seconds} s, durable commits)")
    for r in rows:
        print(f"{r['measure']:<46} {r['clients']:>7} {r['ratio']:>6.2f}x "
              f" {r['tps']:>8.0f} / {r['baseline_tps']:<9.0f} >= {r['aim']}")
    slot_note = f"the slot account's charges used {slots_used} of its {SLOTS} slots"
    print(f"\n{slot_note}; verify_ledger() problems: {problems};"
          f" accounts below zero: {negative}")
    path = write_results("busy_accounts", {
        "seconds": args.seconds, "rounds": args.rounds, "clients": counts,
        "busy_clients": args.busy_clients, "slots": SLOTS, "shares": args.shares,
        "slots_used": slots_used, "figures": figures, "ratios": rows,
        "verify_ledger_problems": problems, "accounts_below_zero": negative,
        "pgledger": peer})
    print(f"results: {path}")
    return 0 if not problems and not negative and not (peer and peer["failures"]) else 1


if __name__ == "__main__":
    sys.exit(main())
