"""One busy account: the debit's hot-user ratio, and the two designs it was measured against.

    .venv/bin/python bench/hot_account.py [--seconds 6] [--clients 16] [--rounds 2]

Every figure is "all clients charging one user" / "each charge for a random user
of 1000", measured in the same run with durable commits (fsync on,
synchronous_commit on, as in production). Three designs:

* function -- ``litellm.debit_user_credits`` as shipped: one account row per
  user, a gapless sequence number and ``balance_after`` on every journal entry;
* early_release -- ``CALL litellm.debit_user_credits_early_release``: the same
  debit committed without waiting for the disk (the account row is released
  at once), then a second, durable commit that waits for the disk on the
  caller's behalf before the procedure returns. Every acknowledged charge
  survives a crash, as with the function;
* slots -- a model of the proposed slot accounts in a scratch schema: each user's
  balance in 16 rows, each with its own sequence number and balance, a charge
  taking a free row with SKIP LOCKED. It models the locking only (no lots,
  holds, caps or budgets), so only its ratio means anything, not its rate.

Writes bench/results/hot_account.json. See docs/ledger.md, "One account, many
concurrent charges", for what the figures mean for the design.
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
SLOTS = 16

# The slot model: a scratch schema of the bench database, never part of the package.
SLOT_MODEL = """
create schema slot_model;
create table slot_model.slots (
    user_id text not null,
    slot integer not null,
    balance numeric(20, 6) not null check (balance >= 0),
    last_seq bigint not null default 0,
    primary key (user_id, slot)
) with (fillfactor = 50);
create table slot_model.entries (
    id bigint generated always as identity primary key,
    user_id text not null,
    slot integer not null,
    seq bigint not null,
    amount numeric(20, 6) not null,
    balance_after numeric(20, 6) not null,
    idempotency_key text not null,
    created_at timestamptz not null default now(),
    unique (user_id, slot, seq),
    unique (user_id, idempotency_key)
);
insert into slot_model.slots (user_id, slot, balance)
select 'bench-' || u, s, 1000000
from generate_series(1, %(users)s) as u, generate_series(1, %(slots)s) as s;
create function slot_model.debit(user_id text, cost numeric, request_id text)
returns table (transaction_id bigint, balance_after numeric)
language sql
as $$
    with taken as (
        update slot_model.slots as s
        set balance = s.balance - debit.cost, last_seq = s.last_seq + 1
        where (s.user_id, s.slot) = (
            select f.user_id, f.slot from slot_model.slots as f
            where f.user_id = debit.user_id and f.balance >= debit.cost
            limit 1
            for update skip locked
        )
        returning s.slot, s.last_seq, s.balance
    )
    insert into slot_model.entries (user_id, slot, seq, amount, balance_after, idempotency_key)
    select debit.user_id, t.slot, t.last_seq, -debit.cost, t.balance, debit.request_id
    from taken as t
    returning id, balance_after
$$;

"""

DEBIT = ("select * from litellm.debit_user_credits({user}, 0.000001, 'openai', 'gpt-4', 10, 20, "
         "'balanced', '{{}}', :client_id || '-' || :r);")
EARLY = ("call litellm.debit_user_credits_early_release({user}, 0.000001, 'openai', 'gpt-4', "
         "10, 20, 'balanced', '{{}}', :client_id || '-' || :r);")
SLOT = "select * from slot_model.debit({user}, 0.000001, :client_id || '-' || :r);"

DISTINCT = "'bench-' || :uid"
HOT = "'bench-1'"

HEADER = "\\set uid random(1, {users})\n\\set r random(1, 1000000000000)\n"

DESIGNS = {"function": DEBIT, "early_release": EARLY, "slots": SLOT}


def scripts_text() -> dict[str, str]:
    header = HEADER.format(users=USERS)
    texts = {}
    for design, template in DESIGNS.items():
        texts[f"{design}_distinct"] = header + template.format(user=DISTINCT) + "\n"
        texts[f"{design}_hot"] = header + template.format(user=HOT) + "\n"
    return texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=6, clients=[16])
    args = ap.parse_args()

    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit="on", users=USERS)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            conn.execute(SLOT_MODEL % {"users": USERS, "slots": SLOTS})
        scripts = write_scripts(Path(tmp), scripts_text())

        figures: dict[str, dict[str, float]] = {}
        print(f"{'clients':>7} " + " ".join(f"{d + ' hot/distinct':>27}" for d in DESIGNS)
              + f"   (median of {args.rounds}; transactions per second hot / distinct)")
        for clients in args.clients:
            med = median_tps(server, db.dsn, scripts, clients=clients, rounds=args.rounds,
                             seconds=args.seconds)
            row = dict(med)
            cells = []
            for design in DESIGNS:
                hot, distinct = med[f"{design}_hot"], med[f"{design}_distinct"]
                row[f"{design}_hot_vs_distinct"] = hot / distinct
                cells.append(f"{hot / distinct:.2f}x ({hot:.0f}/{distinct:.0f})")
            figures[str(clients)] = row
            print(f"{clients:>7} " + " ".join(f"{c:>27}" for c in cells), flush=True)
        write_results("hot_account", {"seconds": args.seconds, "rounds": args.rounds,
                                      "slots": SLOTS, "figures": figures})
        with psycopg.connect(db.dsn) as conn:
            bad = conn.execute(
                "select (select count(*) from litellm.verify_ledger()),"
                " (select count(*) from slot_model.slots where balance < 0)"
            ).fetchone()
    print(f"verify_ledger() rows after the run: {bad[0] if bad else '?'};"
          f" slot rows below zero: {bad[1] if bad else '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
