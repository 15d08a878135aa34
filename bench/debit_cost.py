"""Where a debit's server time goes: backend CPU per debit, the function against the floor.

    .venv/bin/python bench/debit_cost.py [--debits 3000] [--rounds 7]

bench/debit.py measures throughput, which the disk flush and the client share
with every variant. This measures only the server's CPU: a procedure runs
``--debits`` debits, each in a transaction of its own (COMMIT after each, with
synchronous_commit off so no run waits for the disk), and the backend's CPU time
is read from /proc before and after. Three variants, alternating:

* floor    -- the writes of bench/debit.py's floor: one statement whose CTEs
  update the account, insert the journal entry, take the credits from the
  first lot and record the allocation;
* wrapper  -- the same statement inside a PL/pgSQL function declared like
  ``debit_user_credits`` (security definer, search_path, returns table): what
  being a function costs;
* function -- ``litellm.debit_user_credits``: the wrapper's cost plus its checks
  (power level, monthly cap, budgets, lot freshness, replays).

Two more variants, run only when named with ``--variants``, measure the other
calls made once per request or payment with the same loop:

* record_llm_call  -- ``litellm.record_llm_call`` with a cost and a fresh
  request id: the debit plus the usage log row and its queue;
* add_user_credits -- ``litellm.add_user_credits`` with a fresh Stripe charge id;
* budgets          -- ``litellm.debit_user_credits`` for users each in a team of
  their own, in an organisation of their own, with a team and an organisation
  budget (never reached; counters and attribution rows exist before timing):
  the debit's budget path, two counters checked and updated.
* slot_account     -- ``litellm.debit_user_credits`` for accounts split into 16
  slots (``set_account_slots``): the slot path (a slot picked without waiting).

The server must run on this machine (the throwaway cluster does; a
LITELLM_DB_BENCH_DSN server must be local). Prints microseconds of CPU per
debit and the ratios; writes bench/results/debit_cost.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

import psycopg
from common import (
    FLOOR,
    JOURNAL_USAGE,
    Charges,
    bench_server,
    budget_users,
    fund_users,
    new_database,
    write_results,
)

USERS = 1000

SETUP = """
create schema debit_cost;

create function debit_cost.wrapper(
    user_id text, cost numeric, provider text default null, model text default null,
    prompt_tokens bigint default 0, completion_tokens bigint default 0,
    power_level text default null, metadata jsonb default '{}', request_id text default null
)
returns table (
    success boolean, transaction_id bigint, credits_remaining numeric, amount_debited numeric,
    error_code text, error_message text, replayed boolean
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
#variable_conflict use_column
begin
    @WRAPPER_STATEMENT@
    select true, t.id, u.credits_remaining, wrapper.cost, false
    into success, transaction_id, credits_remaining, amount_debited, replayed
    from u, t;
    return next;
end
$$;

create procedure debit_cost.run(variant text, debits integer)
language plpgsql
as $$
declare
    v_user text;
    v_key text;
    v_done bigint;
begin
    for i in 1..debits loop
        v_user := 'bench-' || (1 + floor(random() * @USERS@))::integer;
        v_key := 'cost-' || variant || '-' || i || '-' || random();
        if variant = 'floor' then
            @FLOOR_STATEMENT@
            select count(*) from a into v_done;
        elsif variant = 'wrapper' then
            perform * from debit_cost.wrapper(
                v_user, 0.000001, 'openai', 'gpt-4', 10, 20, 'balanced', '{}', v_key);
        elsif variant = 'record_llm_call' then
            perform * from litellm.record_llm_call(
                user_id => v_user, provider => 'openai', model => 'gpt-4', prompt_tokens => 10,
                completion_tokens => 20, cost => 0.000001, request_id => v_key);
        elsif variant = 'budgets' then
            perform * from litellm.debit_user_credits(
                'budget' || substr(v_user, 6), 0.000001, 'openai', 'gpt-4', 10, 20, 'balanced',
                '{}', v_key);
        elsif variant = 'slot_account' then
            perform * from litellm.debit_user_credits(
                'slots' || substr(v_user, 6), 0.000001, 'openai', 'gpt-4', 10, 20, 'balanced',
                '{}', v_key);
        elsif variant = 'add_user_credits' then
            perform * from litellm.add_user_credits(
                v_user, 0.000001, 'purchase', 'stripe', v_key);
        else
            perform * from litellm.debit_user_credits(
                v_user, 0.000001, 'openai', 'gpt-4', 10, 20, 'balanced', '{}', v_key);
        end if;
        commit;
    end loop;
end
$$;
"""

VARIANTS = ("floor", "wrapper", "function")
MORE_VARIANTS = ("record_llm_call", "add_user_credits", "budgets", "slot_account")


def setup_slot_accounts(conn: psycopg.Connection) -> None:
    """Users slots-1..N, each split into 16 slots."""
    fund_users(conn, USERS, prefix="slots")
    for u in range(1, USERS + 1):
        conn.execute("select litellm.set_account_slots(%s, 16)", (f"slots-{u}",))
    conn.execute("vacuum analyze")


def backend_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a local backend, from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        raise SystemExit("bench/debit_cost.py: the server must run on this machine "
                         f"(no /proc/{pid}); unset LITELLM_DB_BENCH_DSN") from None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debits", type=int, default=3000, help="debits per run")
    ap.add_argument("--rounds", type=int, default=7, help="alternating runs per variant")
    ap.add_argument("--variants", nargs="+", choices=VARIANTS + MORE_VARIANTS,
                    default=list(VARIANTS), help="which variants to run (default: %(default)s)")
    args = ap.parse_args()
    variants = tuple(args.variants)

    with bench_server(durable=False) as server:
        db = new_database(server, synchronous_commit="off", users=USERS)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            wrapped = FLOOR.format(schema="litellm", cost="wrapper.cost", user="wrapper.user_id",
                                   key="wrapper.request_id")
            looped = FLOOR.format(schema="litellm", cost="0.000001", user="v_user", key="v_key")
            conn.execute(SETUP.replace("@USERS@", str(USERS))
                         .replace("@WRAPPER_STATEMENT@", wrapped)
                         .replace("@FLOOR_STATEMENT@", looped))
            if "budgets" in variants:
                # Users budget-1..N, each in a team and an organisation of their own.
                budget_users(conn, "budget", USERS, "own")
                conn.execute("vacuum analyze")
            if "slot_account" in variants:
                setup_slot_accounts(conn)
            pid = conn.execute("select pg_backend_pid()").fetchone()[0]
            conn.execute("call debit_cost.run('function', 200)")  # warm the caches
            if "budgets" in variants:
                conn.execute("call debit_cost.run('budgets', 200)")
            charges = Charges(db.dsn, {
                "journal": JOURNAL_USAGE,
                "purchases": "select count(*) from litellm.credit_transactions"
                             " where transaction_type = 'purchase'"})
            runs: dict[str, list[float]] = {v: [] for v in variants}
            for _ in range(args.rounds):
                for variant in variants:
                    before = backend_cpu_seconds(pid)
                    conn.execute("call debit_cost.run(%s, %s)", (variant, args.debits))
                    runs[variant].append((backend_cpu_seconds(pid) - before) * 1e6 / args.debits)
                    charges.count(args.debits, "purchases" if variant == "add_user_credits"
                                  else "journal")
            charges.check()
            bad = conn.execute("select count(*) from litellm.verify_ledger()").fetchone()

    us = {v: statistics.median(values) for v, values in runs.items()}
    print(f"backend CPU per debit, median of {args.rounds} runs of {args.debits}:")
    for variant in variants:
        each = ", ".join(f"{x:.0f}" for x in runs[variant])
        print(f"  {variant:<16} {us[variant]:7.0f} us   (runs: {each})")
    ratios = {}
    if set(VARIANTS) <= set(variants):
        ratios = {"floor_vs_function": us["floor"] / us["function"],
                  "floor_vs_wrapper": us["floor"] / us["wrapper"]}
        print(f"floor / function {us['floor'] / us['function']:.2f}x   "
              f"floor / wrapper {us['floor'] / us['wrapper']:.2f}x   "
              f"wrapper / function {us['wrapper'] / us['function']:.2f}x")
    print(f"verify_ledger() rows after the runs: {bad[0] if bad else '?'}")
    write_results("debit_cost", {"debits": args.debits, "rounds": args.rounds,
                                 "microseconds": us, "runs": runs, **ratios})
    return 0


if __name__ == "__main__":
    sys.exit(main())
