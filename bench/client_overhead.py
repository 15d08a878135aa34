"""The Python client's overhead: a Client / AsyncClient method vs a raw psycopg call.

    .venv/bin/python bench/client_overhead.py [--calls 2000] [--rounds 5]

Starts a throwaway cluster (the same way the test suite does; or uses
LITELLM_DB_BENCH_DSN), installs the package, funds 1000 users, then times, on
one connection each:

* raw    -- ``conn.execute(<the same SQL text the client sends>, params).fetchall()``:
  what a careful caller writes by hand (named arguments, tuple rows, no error mapping);
* client -- the client's method: argument normalisation (Decimal, Jsonb), the query
  built (cached), a dataclass per row, psycopg errors mapped to LiteLLMDBError.

for two calls: ``get_user_balance`` (a cheap read: the hardest case for the client,
as its fixed cost is the largest share) and ``debit_user_credits`` (a write, each
with a fresh request id), over a plain connection, a ConnectionPool, and an
AsyncConnection. ``synchronous_commit`` is off so that the disk does not hide the
client's cost. Raw and client calls alternate one by one (so drift on a shared
machine hits both alike); a run's figure is the median time per call, the
result the median of ``--rounds`` runs, and the ratio client / raw (aim: at
most 1.1). The last column is the client's own cost: the extra CPU time of
the Python process per call, which does not depend on the server or the load.
Writes bench/results/client_overhead.json.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from itertools import count
from typing import Any

import psycopg
from common import Charges, bench_server, new_database, write_results
from psycopg_pool import ConnectionPool

from litellm_db import calls
from litellm_db.client import AsyncClient, Client

USERS = 1000
_ids = count()


def _user(i: int) -> str:
    return f"bench-{i % USERS + 1}"


def _balance_args(i: int) -> tuple[bytes, dict[str, Any]]:
    call = calls.get_user_balance(_user(i))
    return call.query, call.args


def _debit_args(i: int) -> tuple[bytes, dict[str, Any]]:
    call = calls.debit_user_credits(_user(i), Decimal("0.000001"), "openai", "gpt-4", 10, 20,
                                    "balanced", request_id=f"raw-{next(_ids)}")
    return call.query, call.args


Timing = tuple[float, float, float]
"""(raw wall time, client wall time, client CPU time minus raw CPU time) per call."""


Marks = tuple[float, float, float, float, float, float]
"""CPU and wall clock before the raw call, between the two calls and after the client call."""


def _timing(marks: list[Marks]) -> Timing:
    """The median wall time of each call, and the extra CPU time of this process per client
    call (what the client itself costs)."""
    raws = [t1 - t0 for _, t0, _, t1, _, _ in marks]
    clients = [t2 - t1 for _, _, _, t1, _, t2 in marks]
    extra_cpu = sum((c2 - c1) - (c1 - c0) for c0, _, c1, _, c2, _ in marks)
    return statistics.median(raws), statistics.median(clients), extra_cpu / len(marks)


def time_sync(raw: Callable[[int], Any], wrapped: Callable[[int], Any], n: int) -> Timing:
    """Raw and client calls interleaved one by one."""
    marks: list[Marks] = []
    clock, cpu = time.perf_counter, time.thread_time
    for i in range(n):
        c0, t0 = cpu(), clock()
        raw(i)
        c1, t1 = cpu(), clock()
        wrapped(i)
        c2, t2 = cpu(), clock()
        marks.append((c0, t0, c1, t1, c2, t2))
    return _timing(marks)


async def time_async(raw: Callable[[int], Awaitable[Any]],
                     wrapped: Callable[[int], Awaitable[Any]], n: int) -> Timing:
    """time_sync for coroutines."""
    marks: list[Marks] = []
    clock, cpu = time.perf_counter, time.thread_time
    for i in range(n):
        c0, t0 = cpu(), clock()
        await raw(i)
        c1, t1 = cpu(), clock()
        await wrapped(i)
        c2, t2 = cpu(), clock()
        marks.append((c0, t0, c1, t1, c2, t2))
    return _timing(marks)


def sync_pairs(conn: psycopg.Connection, pool: ConnectionPool
               ) -> dict[str, tuple[Callable[[int], Any], Callable[[int], Any]]]:
    """(raw, client) callables per case."""
    client, pooled = Client(conn), Client(pool)

    def raw_on(source: Callable[[], Any], build: Callable[[int], tuple[bytes, dict[str, Any]]]
               ) -> Callable[[int], Any]:
        def run(i: int) -> Any:
            query, params = build(i)
            with source() as c:
                return c.execute(query, params).fetchall()
        return run

    class Same:
        def __enter__(self) -> psycopg.Connection:
            return conn

        def __exit__(self, *exc: object) -> None:
            return None

    return {
        "get_user_balance / connection": (
            raw_on(Same, _balance_args), lambda i: client.get_user_balance(_user(i))),
        "debit_user_credits / connection": (
            raw_on(Same, _debit_args),
            lambda i: client.debit_user_credits(_user(i), Decimal("0.000001"), "openai", "gpt-4",
                                                10, 20, "balanced",
                                                request_id=f"cli-{next(_ids)}")),
        "get_user_balance / pool": (
            raw_on(pool.connection, _balance_args), lambda i: pooled.get_user_balance(_user(i))),
        "debit_user_credits / pool": (
            raw_on(pool.connection, _debit_args),
            lambda i: pooled.debit_user_credits(_user(i), Decimal("0.000001"), "openai", "gpt-4",
                                                10, 20, "balanced",
                                                request_id=f"cli-{next(_ids)}")),
    }


async def async_figures(dsn: str, n: int, rounds: int) -> dict[str, dict[str, float]]:
    conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
    client = AsyncClient(conn)

    async def raw_balance(i: int) -> Any:
        query, params = _balance_args(i)
        cur = await conn.execute(query, params)
        return await cur.fetchall()

    async def raw_debit(i: int) -> Any:
        query, params = _debit_args(i)
        cur = await conn.execute(query, params)
        return await cur.fetchall()

    cases = {
        "get_user_balance / async": (raw_balance, lambda i: client.get_user_balance(_user(i))),
        "debit_user_credits / async": (
            raw_debit,
            lambda i: client.debit_user_credits(_user(i), Decimal("0.000001"), "openai", "gpt-4",
                                                10, 20, "balanced",
                                                request_id=f"cli-{next(_ids)}")),
    }
    figures: dict[str, dict[str, float]] = {}
    try:
        for name, (raw, wrapped) in cases.items():
            await time_async(raw, wrapped, 200)  # warm up: prepared statements, caches
            runs = [await time_async(raw, wrapped, n) for _ in range(rounds)]
            figures[name] = _figure(runs)
            _print(name, figures[name])
    finally:
        await conn.close()
    return figures


def _figure(runs: list[Timing]) -> dict[str, float]:
    raw = statistics.median(r for r, _, _ in runs)
    client = statistics.median(c for _, c, _ in runs)
    extra_cpu = statistics.median(x for _, _, x in runs)
    return {"raw_us": raw * 1e6, "client_us": client * 1e6, "ratio": client / raw,
            "extra_cpu_us": extra_cpu * 1e6}


def _print(name: str, fig: dict[str, float]) -> None:
    print(f"{name:<34} {fig['raw_us']:>9.1f} {fig['client_us']:>9.1f} {fig['ratio']:>7.3f}x"
          f" {fig['extra_cpu_us']:>9.1f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=2000, help="calls per timed run")
    ap.add_argument("--rounds", type=int, default=5, help="alternating runs per figure")
    args = ap.parse_args()

    with bench_server(durable=False) as server:
        dsn = new_database(server, synchronous_commit="off", users=USERS).dsn
        charges = Charges(dsn)

        print(f"{'':<34} {'raw µs':>9} {'client µs':>9} {'ratio':>8} {'+CPU µs':>9}"
              "   (median time per call,"
              f" {args.rounds} runs of {args.calls} calls each)")
        figures: dict[str, dict[str, float]] = {}
        with psycopg.connect(dsn, autocommit=True) as conn, \
                ConnectionPool(dsn, min_size=1, max_size=1, open=True) as pool:
            for name, (raw, wrapped) in sync_pairs(conn, pool).items():
                time_sync(raw, wrapped, 200)  # warm up: prepared statements, caches
                runs = [time_sync(raw, wrapped, args.calls) for _ in range(args.rounds)]
                figures[name] = _figure(runs)
                _print(name, figures[name])
        figures.update(asyncio.run(async_figures(dsn, args.calls, args.rounds)))
        # Each debit case: a raw and a client debit per step, 200 warm-up steps and the runs.
        debit_cases = [name for name in figures if name.startswith("debit_user_credits")]
        charges.count(len(debit_cases) * 2 * (200 + args.calls * args.rounds))
        charges.check()

    worst = max(fig["ratio"] for fig in figures.values())
    print(f"worst ratio: {worst:.3f}x (aim: at most 1.1x)")
    write_results("client_overhead", {"calls": args.calls, "rounds": args.rounds,
                                      "figures": figures, "worst": worst})
    return 0


if __name__ == "__main__":
    sys.exit(main())
