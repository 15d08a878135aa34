"""The LiteLLM proxy hooks in-process, without LiteLLM: what they cost the proxy and the server.

    .venv/bin/python bench/proxy_hooks.py [--requests 1000] [--rounds 3] [--statements]

bench/proxy.py measures the proxy as a whole, where other work on the machine moves the
figures a lot. This runs only the logger's two statements of a proxy request -- the hold
(``proxy_pre_call``) and the settlement with its usage row (``proxy_success``) -- ``--requests``
times a round on one event loop, for 16 funded users in turn, against a throwaway durable
cluster (or LITELLM_DB_BENCH_DSN, a local server), and prints per request the wall
milliseconds, this process's CPU milliseconds (the hooks' Python, psycopg and the event loop)
and the server's CPU milliseconds (every process of the cluster; only on the bench's own
cluster), the median of ``--rounds`` rounds. With ``--statements`` the cluster runs with
pg_stat_statements (``track = all``) and ``track_functions``, and the server time of each
statement and function a request is printed as well (they slow the server a little).
Writes bench/results/proxy_hooks.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import psycopg
from common import CHARGED_LOG_ROWS, Charges, bench_server, new_database, write_results
from proxy import server_cpu

from litellm_db.litellm_logger import LiteLLMDBLogger
from litellm_db.testing import pg_ctl_start, stop_cluster

USERS = [f"bench-{n}" for n in range(1, 17)]
WARM_UP = 50
DATA = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}],
        "max_tokens": 50}
RESPONSE = SimpleNamespace(
    id="chatcmpl-bench", usage=SimpleNamespace(prompt_tokens=10, completion_tokens=5),
    _hidden_params={"response_cost": 4.5e-06, "litellm_model_name": "openai/gpt-4o-mini",
                    "custom_llm_provider": "openai"})


async def run(dsn: str, requests: int, rounds: int, db_cpu: Any, *,
              reset_statistics: bool) -> list[tuple[float, ...]]:
    logger = LiteLLMDBLogger(dsn=dsn)

    async def one(n: int) -> None:
        key = SimpleNamespace(user_id=USERS[n % len(USERS)], team_id=None, org_id=None,
                              user_role=None)
        data = await logger.proxy_pre_call(key, dict(DATA))
        await logger.proxy_success(data, RESPONSE)

    for n in range(WARM_UP):  # the pool, plans, LiteLLM's tokenizer
        await one(n)
    if reset_statistics:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("select pg_stat_statements_reset()")
            conn.execute("select pg_stat_reset()")
    figures = []
    for _ in range(rounds):
        server_before = db_cpu()[0]
        wall_before, cpu_before = time.perf_counter(), time.process_time()
        for n in range(requests):
            await one(n)
        wall, cpu = time.perf_counter() - wall_before, time.process_time() - cpu_before
        server = db_cpu()[0] - server_before
        figures.append((wall / requests * 1000, cpu / requests * 1000, server / requests * 1000))
    await logger.aclose()
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000, help="per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--statements", action="store_true",
                    help="pg_stat_statements and track_functions: server time per statement")
    args = ap.parse_args()
    with bench_server() as server:
        if args.statements and server.datadir is not None:
            stop_cluster(server)
            opts = (server.datadir.parent / "postgres.opts").read_text().split()
            pg_ctl_start(server, [*opts, "-c", "shared_preload_libraries=pg_stat_statements",
                                  "-c", "pg_stat_statements.track=all",
                                  "-c", "track_functions=all"])
        db = new_database(server)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            for user in USERS:
                conn.execute("select litellm.add_user_credits(%s, 1000000)", (user,))
            if args.statements:
                conn.execute("create extension if not exists pg_stat_statements")
        # Each request: a hold, then its settlement with a charged usage-log row.
        charges = Charges(db.dsn, {"log": CHARGED_LOG_ROWS})
        figures = asyncio.run(run(db.dsn, args.requests, args.rounds, server_cpu(server.datadir),
                                  reset_statistics=args.statements))
        charges.count(WARM_UP + args.requests * args.rounds)
        charges.check()
        wall, cpu, server_ms = (statistics.median(f[i] for f in figures) for i in range(3))
        print(f"a proxy request's two statements: wall {wall:.3f} ms, hooks' CPU {cpu:.3f} ms,"
              f" server CPU {server_ms:.3f} ms (medians of {args.rounds} rounds of"
              f" {args.requests})")
        results: dict[str, Any] = {"requests": args.requests, "rounds": args.rounds,
                                   "wall_ms": wall, "hooks_cpu_ms": cpu, "server_cpu_ms": server_ms}
        if args.statements:
            total = args.requests * args.rounds
            with psycopg.connect(db.dsn, autocommit=True) as conn:
                functions = conn.execute(
                    "select funcname, total_time / %s, self_time / %s from pg_stat_user_functions"
                    " where calls >= %s order by total_time desc", (total, total, total)
                ).fetchall()
                statements = conn.execute(
                    "select total_exec_time / %s, calls::float / %s,"
                    " left(regexp_replace(query, '\\s+', ' ', 'g'), 100)"
                    " from pg_stat_statements where calls >= %s"
                    " order by total_exec_time desc limit 20", (total, total, total)).fetchall()
            print("server ms a request, by function (total, self):")
            for name, whole, own in functions:
                print(f"  {whole:7.4f} {own:7.4f}  {name}")
            print("server ms a request, by statement (calls a request):")
            for ms, calls, query in statements:
                print(f"  {ms:7.4f} ({calls:.0f})  {query}")
            results["functions"] = functions
            results["statements"] = statements
        print(f"results: {write_results('proxy_hooks', results)}")


if __name__ == "__main__":
    main()
