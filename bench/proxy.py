"""A LiteLLM proxy with the litellm-db logger vs the same proxy without it, side by side.

    .venv/bin/python bench/proxy.py [--requests 200] [--batch 25] [--concurrency 16]

Starts a throwaway cluster (durable, as in production; or LITELLM_DB_BENCH_DSN), installs
the package, funds one user per key, and starts two LiteLLM proxies (``litellm --config``,
one worker each) that differ only in ``callbacks: litellm_db.litellm_logger.proxy_handler``:
the same mock model (``mock_response``, no network), the same ``custom_auth`` function. Then
sends chat completions with httpx, alternating batches of ``--batch`` requests between the two
proxies (so drift on a shared machine hits both alike):

* sequential -- one request at a time;
* concurrent -- ``--concurrency`` clients at once.

Prints the requests per second of each proxy, the ratio with / without (aim: at least 0.9),
the time the logger adds to a request, and the CPU milliseconds a request costs in the proxy,
in PostgreSQL (every server process: backends, WAL writer, checkpointer; only on the bench's
own cluster) and in this client, and the milliseconds a request the proxy's and the
database's processes were ready to run but waited for a core (Linux); checks that the logger
charged every answer; writes bench/results/proxy.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import psycopg
from common import CHARGED_LOG_ROWS, Charges, bench_server, new_database, write_results

KEYS = {f"sk-bench-{n}": f"bench-{n}" for n in range(1, 17)}

CONFIG = """\
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: sk-not-used
      mock_response: "Hello from the mock"
litellm_settings:
{callbacks}
general_settings:
  master_key: sk-bench-master
  custom_auth: auth.user_api_key_auth
"""

AUTH = f'''\
from fastapi import HTTPException, Request
from litellm.proxy._types import UserAPIKeyAuth

KEYS = {KEYS!r}


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    if api_key not in KEYS:
        raise HTTPException(status_code=401, detail="unknown key")
    return UserAPIKeyAuth(api_key=api_key, user_id=KEYS[api_key])
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


NOOP = """\
from litellm.integrations.custom_logger import CustomLogger

handler = CustomLogger()
"""


@dataclass
class Running:
    url: str
    pid: int

    def cpu(self) -> tuple[float, float]:
        """``tree_cpu`` of the proxy (its worker processes included)."""
        return tree_cpu(self.pid)


def tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by process ``pid`` and its living children, and seconds their
    threads spent runnable but waiting for a core (Linux's schedstat; 0 elsewhere)."""
    total = waited = 0.0
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        for p in (proc, *proc.children(recursive=True)):
            with contextlib.suppress(psutil.Error):
                times = p.cpu_times()
                total += times.user + times.system
            with contextlib.suppress(OSError, ValueError, IndexError):
                for task in Path(f"/proc/{p.pid}/task").iterdir():
                    waited += int((task / "schedstat").read_text().split()[1]) / 1e9
    return total, waited


def server_cpu(datadir: Path | None) -> Callable[[], tuple[float, float]]:
    """``tree_cpu`` of the cluster's processes (zeros when the server is not ours)."""
    if datadir is None or not (datadir / "postmaster.pid").exists():
        return lambda: (0.0, 0.0)
    postmaster = int((datadir / "postmaster.pid").read_text().split()[0])
    return lambda: tree_cpu(postmaster)


@contextmanager
def proxy(dsn: str, *, logger: bool, noop: bool = False) -> Iterator[Running]:
    """A running proxy's base URL; stopped (SIGTERM) on exit. ``noop``: with a CustomLogger
    that does nothing (what any callback costs in LiteLLM itself)."""
    work = Path(tempfile.mkdtemp(prefix="litellm-db-bench-proxy-"))
    callbacks = ("  callbacks: litellm_db.litellm_logger.proxy_handler" if logger
                 else "  callbacks: noop.handler" if noop else "  drop_params: true")
    (work / "noop.py").write_text(NOOP)
    (work / "config.yaml").write_text(CONFIG.format(callbacks=callbacks))
    (work / "auth.py").write_text(AUTH)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LITELLM_DB_DSN=dsn, LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_LOG="ERROR",
               PYTHONPATH=os.pathsep.join(p for p in (str(work), os.environ.get("PYTHONPATH"))
                                          if p))
    log = (work / "proxy.log").open("wb")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "litellm"), "--config", "config.yaml",
         "--host", "127.0.0.1", "--port", str(port), "--num_workers", "1"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the proxy exited:\n{(work / 'proxy.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/health/liveliness", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the proxy did not start")
            time.sleep(0.5)
        yield Running(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}],
        "max_tokens": 50}


async def batch(client: httpx.AsyncClient, url: str, requests: int, concurrency: int) -> float:
    """Seconds for ``requests`` requests with ``concurrency`` clients."""
    keys = list(KEYS)
    queue = list(range(requests))

    async def worker(n: int) -> None:
        key = keys[n % len(keys)]
        while queue:
            queue.pop()
            r = await client.post(f"{url}/chat/completions", json=BODY,
                                  headers={"Authorization": f"Bearer {key}"})
            if r.status_code != 200:
                raise SystemExit(f"HTTP {r.status_code}: {r.text[:300]}")

    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return time.perf_counter() - start


PARTS = ("proxy", "db", "client", "proxy_wait", "db_wait")


async def compare(proxies: dict[str, Running], requests: int, size: int, concurrency: int,
                  db_cpu: Callable[[], tuple[float, float]]) -> dict[str, dict[str, float]]:
    """Requests per second, CPU milliseconds a request in the proxy, the database and this
    client, and milliseconds a request the proxy's and the database's processes waited for a
    core, of each proxy, alternating batches of ``size``; and the requests each proxy served."""
    seconds = dict.fromkeys(proxies, 0.0)
    used = {name: dict.fromkeys(PARTS, 0.0) for name in proxies}
    done = dict.fromkeys(proxies, 0)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    def sample(running: Running) -> tuple[float, ...]:
        (proxy_cpu, proxy_wait), (db, db_wait) = running.cpu(), db_cpu()
        return proxy_cpu, db, time.process_time(), proxy_wait, db_wait

    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        for running in proxies.values():  # warm up: pools, imports, caches
            await batch(client, running.url, 2 * concurrency, concurrency)
        while min(done.values()) < requests:
            for name, running in proxies.items():
                before = sample(running)
                seconds[name] += await batch(client, running.url, size, concurrency)
                after = sample(running)
                for part, b, a in zip(PARTS, before, after, strict=True):
                    used[name][part] += a - b
                done[name] += size
    return {name: {"rps": done[name] / seconds[name],
                   "requests": done[name] + 2 * concurrency,  # warm-up included
                   **{part: total / done[name] * 1000 for part, total in used[name].items()}}
            for name in proxies}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200, help="per proxy and mode")
    ap.add_argument("--batch", type=int, default=25)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--no-fsync", action="store_true",
                    help="a cluster that does not wait for the disk (commits cost no flush)")
    ap.add_argument("--noop-baseline", action="store_true",
                    help="compare with a proxy whose callback is a CustomLogger doing nothing")
    args = ap.parse_args()
    with bench_server(durable=not args.no_fsync) as server:
        db = new_database(server)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            for user in KEYS.values():
                conn.execute("select litellm.add_user_credits(%s, 1000000)", (user,))
        # One charged usage-log row per answer of the proxy with the logger, none without it.
        charges = Charges(db.dsn, {"log": CHARGED_LOG_ROWS})
        with proxy(db.dsn, logger=False, noop=args.noop_baseline) as without, \
                proxy(db.dsn, logger=True) as with_:
            proxies = {"without": without, "with": with_}
            figures: dict[str, dict[str, float]] = {}
            for mode, clients in (("sequential", 1), ("concurrent", args.concurrency)):
                measured = asyncio.run(compare(proxies, args.requests, args.batch, clients,
                                               server_cpu(server.datadir)))
                off, on = measured["without"], measured["with"]
                charges.count(int(on["requests"]))
                added_ms = (1 / on["rps"] - 1 / off["rps"]) * 1000 * clients
                figures[mode] = {"without_rps": round(off["rps"], 1),
                                 "with_rps": round(on["rps"], 1),
                                 "ratio": round(on["rps"] / off["rps"], 3),
                                 "added_ms_per_request": round(added_ms, 2),
                                 **{f"{part}_ms_{name}": round(m[part], 2)
                                    for part in PARTS
                                    for name, m in (("without", off), ("with", on))}}
                print(f"{mode:<11} ({clients:>2} clients): without {off['rps']:6.1f} req/s,"
                      f" with {on['rps']:6.1f} req/s, ratio {on['rps'] / off['rps']:.2f},"
                      f" +{added_ms:.1f} ms a request; CPU ms a request without -> with:"
                      f" proxy {off['proxy']:.1f} -> {on['proxy']:.1f},"
                      f" database {off['db']:.1f} -> {on['db']:.1f},"
                      f" client {off['client']:.1f} -> {on['client']:.1f};"
                      f" waiting for a core: proxy {off['proxy_wait']:.1f} ->"
                      f" {on['proxy_wait']:.1f}, database {off['db_wait']:.1f} ->"
                      f" {on['db_wait']:.1f}", flush=True)
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            charged, open_holds = conn.execute(
                "select (select count(*) from litellm.llm_usage_log where transaction_id is not"
                " null), (select count(*) from litellm.credit_holds where status = 'active')"
            ).fetchone() or (0, 0)
        print(f"charged calls: {charged}, open holds: {open_holds}")
        charges.check()
        path = write_results("proxy", {"requests": args.requests, "batch": args.batch,
                                       "concurrency": args.concurrency, "figures": figures,
                                       "charged": charged, "open_holds": open_holds})
        print(f"results: {path}")


if __name__ == "__main__":
    main()
