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
  taking a free row with SKIP LOCKED (waiting only when none is free). It models
  the locking only (no lots,
  holds, caps or budgets), so only its ratio means anything, not its rate;
* slot_account -- the real thing: ``litellm.debit_user_credits`` on one account
  split into 16 slots (``litellm.set_account_slots``), against the same debit of
  distinct accounts of one slot (what the account would be without slots).

Afterwards it checks that every call it counted was a charge (bench/common.py's
Charges): the journal's usage entries equal the debits pgbench processed (a
refused debit returns fast and would inflate a rate unnoticed), and the slot
model's entries its calls.

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
    JOURNAL_USAGE,
    Charges,
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
language plpgsql
as $$
declare
    v_slot integer;
begin
    -- A slot no other charge holds, else (rarely: every row tried was taken meanwhile)
    -- wait for the first that covers the charge rather than charge nothing. The pick
    -- and the update are two statements: an UPDATE whose WHERE locks its row in a
    -- SKIP LOCKED sub-select updated nothing in about 1 call in 400 at 16 clients.
    select f.slot into v_slot from slot_model.slots as f
    where f.user_id = debit.user_id and f.balance >= debit.cost
    limit 1
    for update skip locked;
    if v_slot is null then
        select f.slot into v_slot from slot_model.slots as f
        where f.user_id = debit.user_id and f.balance >= debit.cost
        order by f.slot
        limit 1
        for update;
    end if;
    return query
    with taken as (
        update slot_model.slots as s
        set balance = s.balance - debit.cost, last_seq = s.last_seq + 1
        where s.user_id = debit.user_id and s.slot = v_slot
        returning s.slot, s.last_seq, s.balance
    )
    insert into slot_model.entries as e (user_id, slot, seq, amount, balance_after, idempotency_key)
    select debit.user_id, t.slot, t.last_seq, -debit.cost, t.balance, debit.request_id
    from taken as t
    returning e.id, e.balance_after;
end
$$;

"""

DEBIT = ("select * from litellm.debit_user_credits({user}, 0.000001, 'openai', 'gpt-4', 10, 20, "
         "'balanced', '{{}}', :client_id || '-' || :r);")
EARLY = ("call litellm.debit_user_credits_early_release({user}, 0.000001, 'openai', 'gpt-4', "
         "10, 20, 'balanced', '{{}}', :client_id || '-' || :r);")
SLOT = "select * from slot_model.debit({user}, 0.000001, :client_id || '-' || :r);"

DISTINCT = "'bench-' || :uid"
HOT = "'bench-1'"
# The account split into slots (set_account_slots), funded as the bench users are.
SLOT_ACCOUNT = "bench-slots"

HEADER = "\\set uid random(1, {users})\n\\set r random(1, 1000000000000)\n"

# Each design: its script, and its hot account (the distinct accounts are the
# bench users of one slot for all of them).
DESIGNS = {
    "function": (DEBIT, HOT),
    "early_release": (EARLY, HOT),
    "slots": (SLOT, HOT),
    "slot_account": (DEBIT, f"'{SLOT_ACCOUNT}'"),
}


def scripts_text() -> dict[str, str]:
    header = HEADER.format(users=USERS)
    texts = {}
    for design, (template, hot) in DESIGNS.items():
        texts[f"{design}_distinct"] = header + template.format(user=DISTINCT) + "\n"
        texts[f"{design}_hot"] = header + template.format(user=hot) + "\n"
    return texts


# The slot account, slot by slot: balance = journal sum = last balance_after,
# seq gapless (as verify_ledger() checks, stated here for the report).
SLOT_PROBLEMS = """
    select s.slot from (
        select 0::smallint as slot, credits_remaining, last_seq
        from litellm.user_credits where user_id = %(user)s
        union all
        select slot, credits_remaining, last_seq from litellm.credit_slots where user_id = %(user)s
    ) as s
    cross join lateral (
        select coalesce(sum(t.amount), 0) as total, count(*) as entries, max(t.seq) as last_seq,
            (array_agg(t.balance_after order by t.seq desc))[1] as last_balance
        from litellm.credit_transactions as t where t.user_id = %(user)s and t.slot = s.slot
    ) as j
    where s.credits_remaining <> j.total or s.credits_remaining <> j.last_balance
       or s.last_seq <> j.entries or s.last_seq <> j.last_seq
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=6, clients=[16])
    args = ap.parse_args()

    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit="on", users=USERS)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            conn.execute(SLOT_MODEL % {"users": USERS, "slots": SLOTS})
            conn.execute("select litellm.add_user_credits(%s, 1000000, 'purchase')",
                         (SLOT_ACCOUNT,))
            conn.execute("select litellm.set_account_slots(%s, %s)", (SLOT_ACCOUNT, SLOTS))
        scripts = write_scripts(Path(tmp), scripts_text())

        figures: dict[str, dict[str, float]] = {}
        charges = Charges(db.dsn, {"journal": JOURNAL_USAGE,
                                   "slot_model": "select count(*) from slot_model.entries"})
        journals = {key: ["slot_model"] for key in scripts if key.startswith("slots_")}
        print(f"{'clients':>7} " + " ".join(f"{d + ' hot/distinct':>27}" for d in DESIGNS)
              + f"   (median of {args.rounds}; transactions per second hot / distinct)")
        for clients in args.clients:
            med = median_tps(server, db.dsn, scripts, clients=clients, rounds=args.rounds,
                             seconds=args.seconds, charges=charges, journals=journals)
            row = dict(med)
            cells = []
            for design in DESIGNS:
                hot, distinct = med[f"{design}_hot"], med[f"{design}_distinct"]
                row[f"{design}_hot_vs_distinct"] = hot / distinct
                cells.append(f"{hot / distinct:.2f}x ({hot:.0f}/{distinct:.0f})")
            figures[str(clients)] = row
            print(f"{clients:>7} " + " ".join(f"{c:>27}" for c in cells), flush=True)
        processed = charges.check()
        write_results("hot_account", {"seconds": args.seconds, "rounds": args.rounds,
                                      "slots": SLOTS, "figures": figures, "processed": processed})
        with psycopg.connect(db.dsn) as conn:
            bad = conn.execute(
                "select (select count(*) from litellm.verify_ledger()),"
                " (select count(*) from slot_model.slots where balance < 0)"
            ).fetchone()
            slots_bad = conn.execute(SLOT_PROBLEMS, {"user": SLOT_ACCOUNT}).fetchall()
    print(f"verify_ledger() rows after the run: {bad[0] if bad else '?'};"
          f" slots of {SLOT_ACCOUNT} unequal to their journal: {len(slots_bad)};"
          f" slot model rows below zero: {bad[1] if bad else '?'}")
    return 1 if slots_bad or not bad or bad[0] or bad[1] else 0


if __name__ == "__main__":
    sys.exit(main())
