"""Where a budgeted debit's extra time goes: backend CPU per debit, one piece taken away at a time.

    .venv/bin/python bench/budget_profile.py [--debits 1500] [--rounds 5] [--variants shipped plain]

Users each in a team and an organisation of their own, both with a budget (never reached;
this period's counters and today's attribution rows exist before timing), are charged
through ``debit_user_credits``, ``--debits`` debits per run, each in a transaction of its
own (synchronous commit off, so no run waits for the disk), and the backend's CPU time is
read from /proc before and after (as bench/debit_cost.py). The variants replace the budget
path's internal functions, in the benchmark's throwaway database only, by stand-ins that
do less, one step at a time:

* shipped     -- the package as installed;
* counters    -- ``_move_budget_counters`` adds the charge to the user's two counters
  (found in a side table made at setup) in one UPDATE: no lookup of the budgets that apply,
  no limit, soft threshold or period check, no bookkeeping for alerts;
* apply       -- ``_apply_budgets`` is that UPDATE plus ``_attribute_spend``: no budget
  subject or team lookup either;
* journal     -- ``_journal_budgeted_debit`` is that UPDATE, the attribution as a plain
  UPDATE and ``_journal_usage``: no replay probe, no ``_apply_budgets`` call (the floor of a
  debit whose budget writes are separate statements, as they are today);
* entry       -- ``_journal_budgeted_debit`` is ``_journal_usage`` alone: no budget write at
  all, but the entry and the lots still taken in statements of their own;
* plain       -- users without budgets: the debit's one statement.

Each stand-in is what a variant measures, not a correct implementation (it checks no
limit). Prints microseconds of CPU per debit, the median of ``--rounds`` alternating runs;
writes bench/results/budget_profile.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys

import psycopg
from common import JOURNAL_USAGE, Charges, bench_server, budget_users, new_database, write_results
from debit_cost import backend_cpu_seconds

USERS = 1000

SETUP = """
create schema budget_profile;

create table budget_profile.counters as
select s.user_id, b.budget_id, c.period_start
from litellm.budget_subjects as s
inner join litellm.teams as t on t.team_id = s.primary_team_id
inner join litellm.budgets as b
    on (b.level = 'team' and b.team_id = t.team_id)
    or (b.level = 'organization' and b.organization_id = t.organization_id)
inner join litellm.budget_counters as c on c.budget_id = b.budget_id and c.share = 0;
create index on budget_profile.counters (user_id);
analyze budget_profile.counters;

create procedure budget_profile.run(prefix text, debits integer)
language plpgsql
as $$
begin
    for i in 1..debits loop
        perform * from litellm.debit_user_credits(
            prefix || '-' || (1 + floor(random() * @USERS@))::integer, 0.000001, 'openai', 'gpt-4',
            10, 20, 'balanced', '{}', 'profile-' || i || '-' || random());
        commit;
    end loop;
end
$$;
"""

MOVE_COUNTERS = """
create or replace function litellm._move_budget_counters(
    user_id text, team_id text, organization_id text, model text, has_user_budgets boolean,
    has_membership_budgets boolean, amount numeric, kind text, out refused_level text,
    out refused_budget_id bigint, out refusal text, out budget_ids bigint[],
    out period_starts date[], out spent_before numeric[], out spent_after numeric[],
    out thresholds_crossed boolean
)
returns record language plpgsql volatile set search_path = pg_catalog, pg_temp as $$
begin
    update litellm.budget_counters as c set spent = c.spent + amount
    from budget_profile.counters as k
    where k.user_id = _move_budget_counters.user_id and c.budget_id = k.budget_id
      and c.period_start = k.period_start and c.share = 0;
    thresholds_crossed := false;
end
$$;
"""

APPLY_BUDGETS = """
create or replace function litellm._apply_budgets(
    user_id text, team_id text, model text, amount numeric, kind text, tags text[] default null
)
returns table (ok boolean, level text, budget_id bigint, error_message text)
language plpgsql volatile set search_path = pg_catalog, pg_temp as $$
begin
    update litellm.budget_counters as c set spent = c.spent + amount
    from budget_profile.counters as k
    where k.user_id = _apply_budgets.user_id and c.budget_id = k.budget_id
      and c.period_start = k.period_start and c.share = 0;
    perform litellm._attribute_spend(_apply_budgets.user_id, _apply_budgets.team_id,
        replace(_apply_budgets.team_id, '-team-', '-org-'), _apply_budgets.model, amount, 'charge',
        null);
    ok := true;
    return next;
end
$$;
"""

JOURNAL = """
create or replace function litellm._journal_budgeted_debit(
    user_id text, seq bigint, balance numeric, team_id text, cost numeric, request_id text,
    provider text, model text, power_level text, prompt_tokens bigint, completion_tokens bigint,
    metadata jsonb, slot smallint default 0, out transaction_id bigint, out over_budget boolean,
    out error_message text
)
language plpgsql volatile set search_path = pg_catalog, pg_temp as $$
begin
    over_budget := false;
    update litellm.budget_counters as c set spent = c.spent + cost
    from budget_profile.counters as k
    where k.user_id = _journal_budgeted_debit.user_id and c.budget_id = k.budget_id
      and c.period_start = k.period_start and c.share = 0;
    update litellm.spend_daily as s
    set spend = s.spend + cost, charge_count = s.charge_count + 1
    where s.user_id = _journal_budgeted_debit.user_id
      and s.date = (pg_catalog.now() at time zone 'UTC')::date
      and s.team_id = _journal_budgeted_debit.team_id
      and s.organization_id = replace(_journal_budgeted_debit.team_id, '-team-', '-org-')
      and s.model = coalesce(_journal_budgeted_debit.model, '');
    transaction_id := litellm._journal_usage(
        _journal_budgeted_debit.user_id, seq, -cost, balance, provider, model, power_level,
        prompt_tokens, completion_tokens, _journal_budgeted_debit.request_id,
        metadata || jsonb_build_object('budget_team', team_id), _journal_budgeted_debit.slot);
end
$$;
"""

ENTRY = """
create or replace function litellm._journal_budgeted_debit(
    user_id text, seq bigint, balance numeric, team_id text, cost numeric, request_id text,
    provider text, model text, power_level text, prompt_tokens bigint, completion_tokens bigint,
    metadata jsonb, slot smallint default 0, out transaction_id bigint, out over_budget boolean,
    out error_message text
)
language plpgsql volatile set search_path = pg_catalog, pg_temp as $$
begin
    over_budget := false;
    transaction_id := litellm._journal_usage(
        _journal_budgeted_debit.user_id, seq, -cost, balance, provider, model, power_level,
        prompt_tokens, completion_tokens, _journal_budgeted_debit.request_id,
        metadata || jsonb_build_object('budget_team', team_id), _journal_budgeted_debit.slot);
end
$$;
"""

REPLACED = ("litellm._move_budget_counters", "litellm._apply_budgets",
            "litellm._journal_budgeted_debit")

# variant -> (prefix of the users charged, stand-ins installed for it)
VARIANTS = {
    "shipped": ("budget", []),
    "counters": ("budget", [MOVE_COUNTERS]),
    "apply": ("budget", [APPLY_BUDGETS]),
    "journal": ("budget", [JOURNAL]),
    "entry": ("budget", [ENTRY]),
    "plain": ("bench", []),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--debits", type=int, default=1500, help="debits per run")
    ap.add_argument("--rounds", type=int, default=5, help="alternating runs per variant")
    ap.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS),
                    help="which variants to run, in this order (default: all)")
    args = ap.parse_args()
    variants = {v: VARIANTS[v] for v in args.variants}

    with bench_server(durable=False) as server:
        db = new_database(server, synchronous_commit="off", users=USERS)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            budget_users(conn, "budget", USERS, "own")
            conn.execute(SETUP.replace("@USERS@", str(USERS)))
            conn.execute("vacuum analyze")
            shipped = [conn.execute("select pg_get_functiondef(%s::regproc)", (name,)).fetchone()[0]
                       for name in REPLACED]
            pid = conn.execute("select pg_backend_pid()").fetchone()[0]
            charges = Charges(db.dsn, {"journal": JOURNAL_USAGE})
            runs: dict[str, list[float]] = {v: [] for v in variants}
            for _ in range(args.rounds):
                for variant, (prefix, stand_ins) in variants.items():
                    for sql in shipped + stand_ins:
                        conn.execute(sql)
                    conn.execute("call budget_profile.run(%s, 100)", (prefix,))  # warm the plans
                    before = backend_cpu_seconds(pid)
                    conn.execute("call budget_profile.run(%s, %s)", (prefix, args.debits))
                    runs[variant].append((backend_cpu_seconds(pid) - before) * 1e6 / args.debits)
                    charges.count(args.debits + 100, "journal")
            for sql in shipped:
                conn.execute(sql)
            charges.check()

    us = {v: statistics.median(values) for v, values in runs.items()}
    print(f"backend CPU per debit, median of {args.rounds} runs of {args.debits}:")
    previous = None
    for variant in variants:
        each = ", ".join(f"{x:.0f}" for x in runs[variant])
        step = "" if previous is None else f"   {us[variant] - us[previous]:+5.0f} us"
        print(f"  {variant:<10} {us[variant]:6.0f} us{step}   (runs: {each})")
        previous = variant
    for top in ("shipped", "journal"):
        if "plain" in us and top in us:
            print(f"plain / {top} {us['plain'] / us[top]:.2f}x")
    write_results("budget_profile", {"debits": args.debits, "rounds": args.rounds,
                                     "microseconds": us, "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
