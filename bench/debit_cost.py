"""Where a debit's server time goes: backend CPU per debit, the function against the floor.

    .venv/bin/python bench/debit_cost.py [--debits 3000] [--rounds 7] [--variants ...]
    .venv/bin/python bench/debit_cost.py --instructions [--debits 500] [--variants ...]

bench/debit.py measures throughput, which the disk flush and the client share
with every variant. This measures only the server's CPU: a procedure runs
``--debits`` debits, each in a transaction of its own (COMMIT after each, with
synchronous_commit off so no run waits for the disk), and the backend's CPU time
is read from /proc before and after. Four variants, alternating:

* floor_plain -- the writes of a debit in one statement (bench/common.py's
  FLOOR: CTEs that update the account, insert the journal entry, take the
  credits from the first lot and record the allocation) on plain copies of the
  four tables (``plain_copies``: same columns, checks, indexes and fillfactor;
  no foreign keys, triggers or row-level security): the floor that
  bench/busy_accounts.py divides by, and the aim's;
* floor    -- the same statement on the package's own tables (bench/debit.py's
  floor);
* wrapper  -- the same statement inside a PL/pgSQL function declared like
  ``debit_user_credits`` (security definer, search_path, returns table): what
  being a function costs;
* function -- ``litellm.debit_user_credits``: the wrapper's cost plus its checks
  (power level, monthly cap, budgets, lot freshness, replays).

More variants, run only when named with ``--variants``:

* without_<check> -- a copy of ``litellm.debit_user_credits`` with one thing
  removed, to price it (``WITHOUT`` below: the power-level probe, the tier's cap,
  the budget-subject probe, the lots' freshness re-read, ON CONFLICT, the SET
  clauses, the argument check). These copies skip a guarantee: they measure,
  they are not debits to use. A copy fails to build when the function's text
  no longer contains what it removes;
* record_llm_call  -- ``litellm.record_llm_call`` with a cost and a fresh
  request id: the debit plus the usage log row and its queue;
* add_user_credits -- ``litellm.add_user_credits`` with a fresh Stripe charge id;
* budgets          -- ``litellm.debit_user_credits`` for users each in a team of
  their own, in an organisation of their own, with a team and an organisation
  budget (never reached; counters and attribution rows exist before timing):
  the debit's budget path, two counter rows checked and updated;
* slot_account     -- ``litellm.debit_user_credits`` for accounts split into 16
  slots (``set_account_slots``): the slot path (a slot picked without waiting);
* slot_busy        -- the same on one of those accounts only (``slots-1``), as a
  busy account is charged: every call of the session is that account's;
* hold_settle      -- the LiteLLM proxy's path for one call: ``reserve_credits``
  of 0.000002, committed, then ``settle_llm_call`` of 0.000001 with its usage
  row, committed (two transactions per call).

Each variant runs in a procedure of its own (``debit_cost.run_<variant>``), so no
variant pays for choosing among the others.

``--instructions`` counts instructions instead of timing them: the CPU time of
a shared machine moves by ±10 % between runs, the instruction count does not.
After the setup the cluster is stopped, and for each variant a copy of it runs
100 and then 100 + ``--debits`` debits in single-user mode under valgrind's
callgrind (same random users: ``setseed``); the difference divided by
``--debits`` is the instructions per debit, the warm-up and the session's start
cancelling out. Needs valgrind and the throwaway cluster (not
LITELLM_DB_BENCH_DSN); one variant takes about 30 s.

The server must run on this machine (the throwaway cluster does; a
LITELLM_DB_BENCH_DSN server must be local). Prints microseconds of CPU (or
instructions) per debit and the ratios; writes bench/results/debit_cost.json.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    plain_copies,
    write_results,
)

from litellm_db.testing import PgServer, stop_cluster

USERS = 1000

WRAPPER = """
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
"""

RUN = """
create procedure debit_cost.run_@VARIANT@(debits integer)
language plpgsql
as $$
declare
    v_user text;
    v_key text;
    v_done bigint;
begin
    for i in 1..debits loop
        v_user := '@PREFIX@-' || (1 + floor(random() * @USERS@))::integer;
        v_key := 'cost-@VARIANT@-' || i || '-' || random();
        @STATEMENT@
        commit;
    end loop;
end
$$;
"""

DEBIT = ("perform * from {function}(v_user, 0.000001, 'openai', 'gpt-4', 10, 20, 'balanced',"
         " '{{}}', v_key);")

# What each variant calls, and the accounts it charges (their prefix).
CALLS = {
    "floor": (FLOOR.format(schema="litellm", cost="0.000001", user="v_user", key="v_key")
              + "select count(*) from a into v_done;", "bench"),
    "floor_plain": (FLOOR.format(schema="plain", cost="0.000001", user="v_user", key="v_key")
                    + "select count(*) from a into v_done;", "bench"),
    "wrapper": (DEBIT.format(function="debit_cost.wrapper"), "bench"),
    "function": (DEBIT.format(function="litellm.debit_user_credits"), "bench"),
    "record_llm_call": ("perform * from litellm.record_llm_call(user_id => v_user,"
                        " provider => 'openai', model => 'gpt-4', prompt_tokens => 10,"
                        " completion_tokens => 20, cost => 0.000001, request_id => v_key);",
                        "bench"),
    "add_user_credits": ("perform * from litellm.add_user_credits(v_user, 0.000001, 'purchase',"
                         " 'stripe', v_key);", "bench"),
    "budgets": (DEBIT.format(function="litellm.debit_user_credits"), "budget"),
    "slot_account": (DEBIT.format(function="litellm.debit_user_credits"), "slots"),
    "slot_busy": (DEBIT.format(function="litellm.debit_user_credits"), "slots"),
    # The LiteLLM proxy's path: a hold before the call, its settlement and usage row after,
    # each its own transaction (the template commits after the settlement).
    "hold_settle": ("perform * from litellm.reserve_credits(v_user, 0.000002, v_key); commit;"
                    " perform * from litellm.settle_llm_call(v_user, v_key, 0.000001, 'openai',"
                    " 'gpt-4', 10, 20);", "bench"),
}

# How many accounts a variant charges at random (default: USERS).
USERS_OF = {"slot_busy": 1}

# without_<name>: the text of debit_user_credits (pg_get_functiondef) with each `old` replaced
# by `new`. The copies skip a guarantee; they only price it.
WITHOUT: dict[str, list[tuple[str, str]]] = {
    "power_level": [(
        "              and (v_level is null or exists (select from litellm.power_levels as pl"
        " where pl.power_level = v_level))\n", "")],
    "tier_cap": [(
        "(select c.monthly_cap from litellm._effective_monthly_cap(uc) as c)", "uc.monthly_cap")],
    "budget_subject": [(
        "(select s from litellm.budget_subjects as s where s.user_id = v_user) as subject",
        "null::litellm.budget_subjects as subject")],
    "lot_freshness": [(
        "            and (select seen.last_seq + 1 from litellm.user_credits as seen"
        " where seen.user_id = v_user)\n"
        "            = (select a.last_seq from account as a)\n", "")],
    "on_conflict": [(
        "            on conflict (user_id, idempotency_key) where idempotency_key is not null"
        " do nothing\n", "")],
    "set_clauses": [(" SET search_path TO 'pg_catalog', 'pg_temp'\n SET lock_timeout TO '5s'\n",
                     "")],
    "arg_check": [(
        "    if litellm._debit_args_invalid(v_user, debit_user_credits.cost, v_metadata, v_key,"
        " debit_user_credits.provider,\n"
        "                                   debit_user_credits.model, v_prompt, v_completion) then",
        "    if false then")],
}
for _name in WITHOUT:
    CALLS[f"without_{_name}"] = (
        DEBIT.format(function=f"debit_cost_without_{_name}.debit_user_credits"), "bench")

VARIANTS = ("floor_plain", "floor", "wrapper", "function")
MORE_VARIANTS = tuple(v for v in CALLS if v not in VARIANTS)

# The rows one call of the variant writes (Charges' journals).
JOURNALS = {
    "journal": JOURNAL_USAGE,
    "plain": "select count(*) from plain.credit_transactions where transaction_type = 'usage'",
    "purchases": "select count(*) from litellm.credit_transactions"
                 " where transaction_type = 'purchase'",
}


def journal_of(variant: str) -> str:
    return {"floor_plain": "plain", "add_user_credits": "purchases"}.get(variant, "journal")


def setup_slot_accounts(conn: psycopg.Connection) -> None:
    """Users slots-1..N, each split into 16 slots."""
    fund_users(conn, USERS, prefix="slots")
    for u in range(1, USERS + 1):
        conn.execute("select litellm.set_account_slots(%s, 16)", (f"slots-{u}",))
    conn.execute("vacuum analyze")


def without_copy(conn: psycopg.Connection, name: str) -> None:
    """debit_user_credits in schema debit_cost_without_<name>, with WITHOUT[name] applied."""
    text = conn.execute(
        "select pg_get_functiondef('litellm.debit_user_credits'::regproc)").fetchone()[0]
    for old, new in WITHOUT[name]:
        if old not in text:
            raise SystemExit(f"bench/debit_cost.py: without_{name}: the text of"
                             f" debit_user_credits no longer contains {old.strip()[:70]!r}")
        text = text.replace(old, new)
    schema = f"debit_cost_without_{name}"
    conn.execute(f"create schema {schema}")
    conn.execute(text.replace("FUNCTION litellm.debit_user_credits(",
                              f"FUNCTION {schema}.debit_user_credits(", 1))


def setup(conn: psycopg.Connection, variants: tuple[str, ...]) -> None:
    conn.execute("create schema debit_cost")
    conn.execute(WRAPPER.replace("@WRAPPER_STATEMENT@", FLOOR.format(
        schema="litellm", cost="wrapper.cost", user="wrapper.user_id", key="wrapper.request_id")))
    if "floor_plain" in variants:
        plain_copies(conn, "plain")
    if "budgets" in variants:
        # Users budget-1..N, each in a team and an organisation of their own.
        budget_users(conn, "budget", USERS, "own")
        conn.execute("vacuum analyze")
    if "slot_account" in variants or "slot_busy" in variants:
        setup_slot_accounts(conn)
    for variant in variants:
        if variant.startswith("without_"):
            without_copy(conn, variant.removeprefix("without_"))
        statement, prefix = CALLS[variant]
        users = str(USERS_OF.get(variant, USERS))
        conn.execute(RUN.replace("@VARIANT@", variant).replace("@PREFIX@", prefix)
                     .replace("@USERS@", users).replace("@STATEMENT@", statement))


def backend_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a local backend, from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        raise SystemExit("bench/debit_cost.py: the server must run on this machine "
                         f"(no /proc/{pid}); unset LITELLM_DB_BENCH_DSN") from None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_debit(dsn: str, variants: tuple[str, ...], debits: int,
                  rounds: int) -> dict[str, list[float]]:
    """Microseconds of backend CPU per debit, ``rounds`` alternating runs of each variant."""
    runs: dict[str, list[float]] = {v: [] for v in variants}
    charges = Charges(dsn, JOURNALS)
    with psycopg.connect(dsn, autocommit=True) as conn:
        pid = conn.execute("select pg_backend_pid()").fetchone()[0]
        for variant in variants:  # warm the caches
            conn.execute(f"call debit_cost.run_{variant}(200)")
            charges.count(200, journal_of(variant))
        for _ in range(rounds):
            for variant in variants:
                before = backend_cpu_seconds(pid)
                conn.execute(f"call debit_cost.run_{variant}(%s)", (debits,))
                runs[variant].append((backend_cpu_seconds(pid) - before) * 1e6 / debits)
                charges.count(debits, journal_of(variant))
    charges.check()
    return runs


def callgrind_instructions(server: PgServer, dbname: str, variant: str, debits: int,
                           work: Path) -> int:
    """Instructions (callgrind's Ir) of a single-user backend on a fresh copy of the stopped
    cluster that runs ``debits`` debits of ``variant``; raises UnchargedCalls-like SystemExit
    when the journal did not gain one row per debit."""
    assert server.datadir and server.bindir
    copy = work / f"data-{variant}-{debits}"
    out = work / f"callgrind-{variant}-{debits}.out"
    subprocess.run(["cp", "-a", str(server.datadir), str(copy)], check=True)
    count = JOURNALS[journal_of(variant)]
    script = (f"set synchronous_commit = off\nselect setseed(0.25)\n{count}\n"
              f"call debit_cost.run_{variant}({debits})\n{count}\n")
    try:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             str(server.bindir / "postgres"), "--single", "-D", str(copy),
             "-c", "shared_buffers=128MB", "-c", "max_locks_per_transaction=256", dbname],
            input=script, capture_output=True, text=True, user=server.run_as, check=True)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    counts = [int(c) for c in re.findall(r'count = "(\d+)"', proc.stdout)]
    if len(counts) != 2 or counts[1] - counts[0] != debits:
        raise SystemExit(f"CHARGE CHECK FAILED: {variant}: {debits} calls, rows {counts}"
                         f" ({count})\n{proc.stdout[-2000:]}")
    m = re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE)
    if not m:
        raise SystemExit(f"bench/debit_cost.py: no instruction count in {out}")
    return int(m.group(1))


def instructions_per_debit(server: PgServer, dbname: str, variants: tuple[str, ...],
                           debits: int, keep: Path | None = None) -> dict[str, float]:
    """(Ir of 100 + ``debits`` debits - Ir of 100) / ``debits`` for each variant; the callgrind
    files are copied to ``keep`` when given."""
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/debit_cost.py --instructions: valgrind is not installed")
    if os.environ.get("LITELLM_DB_BENCH_DSN") or not server.datadir:
        raise SystemExit("bench/debit_cost.py --instructions needs the throwaway cluster;"
                         " unset LITELLM_DB_BENCH_DSN")
    stop_cluster(server, "fast")
    per: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="litellm-db-callgrind-") as tmp:
        work = Path(tmp)
        if server.run_as:
            shutil.chown(work, server.run_as)
        for variant in variants:
            low = callgrind_instructions(server, dbname, variant, 100, work)
            high = callgrind_instructions(server, dbname, variant, 100 + debits, work)
            per[variant] = (high - low) / debits
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                for n in (100, 100 + debits):
                    shutil.copy(work / f"callgrind-{variant}-{n}.out", keep)
            print(f"  {variant:<24} {per[variant]:>12,.0f} instructions per debit", flush=True)
    print("charges checked: each run's journal gained one row per call", flush=True)
    return per


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debits", type=int, default=None,
                    help="debits per run (default: 3000; 500 with --instructions)")
    ap.add_argument("--rounds", type=int, default=7, help="alternating runs per variant")
    ap.add_argument("--variants", nargs="+", choices=VARIANTS + MORE_VARIANTS,
                    default=list(VARIANTS), help="which variants to run (default: %(default)s)")
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions per debit with valgrind (deterministic) instead of"
                         " timing CPU")
    ap.add_argument("--keep-callgrind", type=Path, metavar="DIR",
                    help="with --instructions: keep the callgrind files in DIR"
                         " (callgrind-<variant>-<debits>.out; compare two with"
                         " callgrind_annotate --inclusive=yes)")
    args = ap.parse_args()
    variants = tuple(dict.fromkeys(args.variants))
    debits = args.debits or (500 if args.instructions else 3000)

    with bench_server(durable=False) as server:
        db = new_database(server, synchronous_commit="off", users=USERS)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            setup(conn, variants)
            conn.execute("vacuum analyze")
        if args.instructions:
            per = instructions_per_debit(server, db.name, variants, debits, args.keep_callgrind)
            results: dict[str, object] = {"debits": debits, "instructions": per}
            unit, us = "instructions", per
        else:
            runs = cpu_per_debit(db.dsn, variants, debits, args.rounds)
            with psycopg.connect(db.dsn) as conn:
                bad = conn.execute("select count(*) from litellm.verify_ledger()").fetchone()
            us = {v: statistics.median(values) for v, values in runs.items()}
            print(f"backend CPU per debit, median of {args.rounds} runs of {debits}:")
            for variant in variants:
                each = ", ".join(f"{x:.0f}" for x in runs[variant])
                print(f"  {variant:<24} {us[variant]:7.0f} us   (runs: {each})")
            print(f"verify_ledger() rows after the runs: {bad[0] if bad else '?'}")
            results = {"debits": debits, "rounds": args.rounds, "microseconds": us,
                       "runs": runs}
            unit = "microseconds"

    if "function" in us:
        for variant in variants:
            if variant != "function":
                print(f"{variant} / function {us[variant] / us['function']:.3f}x"
                      f" ({us[variant] - us['function']:+,.0f} {unit})")
        results["ratios_to_function"] = {v: us[v] / us["function"] for v in variants}
    write_results("debit_cost", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
