"""What proven end-user identity costs: row-level security with tokens vs a claimed setting.

    .venv/bin/python bench/end_user_rls.py [--users 1000] [--log-rows 200000]
        [--seconds 5] [--clients 1 4] [--rounds 2]

Starts a throwaway cluster (or uses LITELLM_DB_BENCH_DSN, as a superuser), installs the
package, funds --users accounts and loads --log-rows usage rows (30 days, spread over the
users). Then pgbench runs, as ``litellm_end_user`` for a random user per transaction:

* balance -- ``select ... from litellm.user_credits`` (the end user's get_user_balance);
* usage   -- the user's last 30 days by model from ``litellm.llm_usage_log``;

under three versions of the four ``own_rows`` policies, alternating:

* claimed -- the previous design, ``user_id = current_setting('litellm.user_id', true)``
  (any connection may name any user);
* token   -- the shipped policies, ``user_id = (select litellm.current_end_user_id())``: the
  token is verified once per statement (an InitPlan);
* token_per_row -- the same function without ``(select ...)``, to show what the InitPlan saves.

Each transaction sets its user (the claimed id, or a token issued beforehand, read from the
same lookup table either way), sets the role, runs the query. Then, because pgbench on a busy
machine also times the network and BEGIN/COMMIT, the same two queries run --statements times
each inside one PL/pgSQL loop as the end user (cached plans, a different user each time), for
microseconds per statement on the server, the policies alternating for --rounds rounds.
Prints transactions per second, microseconds per statement and EXPLAIN ANALYZE of each query;
writes bench/results/end_user_rls.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import psycopg
from common import (
    bench_server,
    new_database,
    pgbench,
    pgbench_arguments,
    write_results,
    write_scripts,
)

TABLES = ("user_credits", "credit_transactions", "llm_usage_log", "user_provider_keys")
POLICIES = {
    "claimed": "user_id = current_setting('litellm.user_id', true)",
    "token": "user_id = (select litellm.current_end_user_id())",
    "token_per_row": "user_id = litellm.current_end_user_id()",
}
QUERIES = {
    "balance": "select user_id, credits_remaining, total_spent from litellm.user_credits;",
    "usage": (
        "select model, count(*), sum(cost_credits) from litellm.llm_usage_log"
        " where created_at > now() - interval '30 days' group by model;"
    ),
}


def script(policy: str, query: str, users: int) -> str:
    setting = ("litellm.user_id', user_id" if policy == "claimed"
               else "litellm.end_user_token', token")
    return (
        f"\\set n random(1, {users})\n"
        "begin;\n"
        f"select set_config('{setting}, true) from public.bench_identity where n = :n;\n"
        "set local role litellm_end_user;\n"
        f"{query}\n"
        "commit;\n"
    )


# One loop per query (static SQL, so each statement keeps its cached plan), run as the end user:
# microseconds per statement, a different user's token or id set before each one.
LOOP = """
create function public.bench_loop_{name}(claimed boolean, n integer) returns numeric
language plpgsql as $f$
declare
    t0 timestamptz := clock_timestamp();
    v record;
begin
    for i in 1..n loop
        select * into v from public.bench_identity as b where b.n = 1 + i % {users};
        if claimed then
            perform set_config('litellm.user_id', v.user_id, true);
        else
            perform set_config('litellm.end_user_token', v.token, true);
        end if;
        perform {query}
    end loop;
    return extract(epoch from clock_timestamp() - t0) * 1e6 / n;
end
$f$;
grant execute on function public.bench_loop_{name}(boolean, integer) to litellm_end_user;
"""


def statement_us(conn: psycopg.Connection, policy: str, n: int) -> dict[str, float]:
    out = {}
    for name in QUERIES:
        with conn.transaction():
            conn.execute("set local role litellm_end_user")
            row = conn.execute(f"select public.bench_loop_{name}(%s, %s)",
                               (policy == "claimed", n)).fetchone()
            assert row is not None
            out[name] = round(float(row[0]), 1)
    return out


def set_policies(conn: psycopg.Connection, expression: str) -> None:
    for table in TABLES:
        conn.execute(f"alter policy own_rows on litellm.{table} using ({expression})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--log-rows", type=int, default=200_000)
    ap.add_argument("--statements", type=int, default=5000)
    pgbench_arguments(ap, seconds=5, clients=[1, 4])
    args = ap.parse_args()
    results: dict[str, object] = {"users": args.users, "log_rows": args.log_rows}
    with bench_server() as server, tempfile.TemporaryDirectory() as tmp:
        db = new_database(server, users=args.users)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            conn.execute("set session_replication_role = replica")
            conn.execute(
                "insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens,"
                " completion_tokens, total_tokens, cost_credits, created_at)"
                " select 'bench-' || (1 + g %% %(users)s), 'openai',"
                " (array['gpt-4', 'gpt-4o', 'haiku'])[1 + g %% 3], 10, 20, 30, 0.001,"
                " now() - (g %% 2592000) * interval '1 second'"
                " from generate_series(1, %(rows)s) as g",
                {"users": args.users, "rows": args.log_rows},
            )
            conn.execute("set session_replication_role = origin")
            conn.execute(
                "create table public.bench_identity as select n, 'bench-' || n as user_id,"
                " litellm.issue_end_user_token('bench-' || n, interval '1 day') as token"
                " from generate_series(1, %s) as n", (args.users,))
            conn.execute("alter table public.bench_identity add primary key (n)")
            conn.execute("grant select on public.bench_identity to litellm_end_user")
            conn.execute("analyze")
            plans: dict[str, dict[str, str]] = {}
            for policy, expression in POLICIES.items():
                set_policies(conn, expression)
                plans[policy] = {}
                for name, query in QUERIES.items():
                    with conn.transaction():
                        # Only the setting this policy reads: a policy that saw no user would
                        # show no rows, and be timed doing nothing.
                        setting = script(policy, "", args.users).splitlines()[2]
                        conn.execute(setting.replace(":n", "7"))
                        conn.execute("set local role litellm_end_user")
                        rows = conn.execute(
                            "explain (analyze, costs off, timing off, summary off) " + query
                        ).fetchall()
                        plans[policy][name] = "\n".join(r[0] for r in rows)
                        assert "actual rows=0 " not in rows[0][0], (policy, name, rows[0][0])
            results["plans"] = plans
            for name, query in QUERIES.items():
                conn.execute(LOOP.format(name=name, users=args.users,
                                         query=query.removeprefix("select ")))
            runs: dict[str, dict[str, list[float]]] = {p: {q: [] for q in QUERIES}
                                                       for p in POLICIES}
            for _ in range(args.rounds):
                for policy, expression in POLICIES.items():
                    set_policies(conn, expression)
                    for name, us in statement_us(conn, policy, args.statements).items():
                        runs[policy][name].append(us)
            per_statement = {p: {q: statistics.median(v) for q, v in by_q.items()}
                             for p, by_q in runs.items()}
            results["statement_us"] = per_statement
            for name in QUERIES:
                print(f"{name}, one statement on the server: " + ", ".join(
                    f"{p} {per_statement[p][name]:.1f} us" for p in POLICIES), flush=True)

            for query in QUERIES:
                for clients in args.clients:
                    scripts = write_scripts(
                        Path(tmp), {p: script(p, QUERIES[query], args.users) for p in POLICIES},
                        prefix=f"{query}_{clients}_")
                    tps_runs: dict[str, list[float]] = {p: [] for p in POLICIES}
                    for _ in range(args.rounds):
                        for policy, path in scripts.items():
                            set_policies(conn, POLICIES[policy])
                            tps_runs[policy].append(
                                pgbench(server, db.dsn, path, clients, args.seconds))
                    tps = {p: statistics.median(v) for p, v in tps_runs.items()}
                    results[f"{query}_c{clients}"] = tps
                    print(f"{query}, {clients} client(s): "
                          + ", ".join(f"{p} {v:.0f} tps" for p, v in tps.items())
                          + f"; token/claimed {tps['token'] / tps['claimed']:.2f}", flush=True)
            set_policies(conn, POLICIES["token"])
        server.drop_database(db.name)
    for policy, by_query in plans.items():
        for name, plan in by_query.items():
            print(f"\n-- {policy}, {name}:\n{plan}")
    print(write_results("end_user_rls", results), file=sys.stderr)


if __name__ == "__main__":
    main()
