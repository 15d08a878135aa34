"""Usage metering at scale: refresh, archive, top spenders, one-call charge+log.

    .venv/bin/python bench/usage.py [--only refresh archive top record]
        [--log-rows 1000000] [--new-rows 10000] [--rounds 5]
        [--archive-rows 1000000] [--top-rows 10000000] [--seconds 10] [--clients 1 4]

Starts a throwaway cluster (the way the test suite does; or uses
LITELLM_DB_BENCH_DSN, as a superuser: bulk loads skip the log's triggers with
session_replication_role), installs the package, and measures, each figure
against its baseline in the same run:

* refresh -- a log of --log-rows rows (30 days, 1000 users, 3 providers, 5
  models, tenants/teams/services derived from the user); then, --rounds times,
  --new-rows calls logged by single-row INSERTs (one queue row each, as
  record_llm_call writes them) followed by ``refresh_usage_summary()``, against
  rebuilding both summaries from scratch (TRUNCATE + INSERT ... SELECT ...
  GROUP BY over the whole log, what REFRESH MATERIALIZED VIEW would do). Also
  times a DELETE of a copy of the same queue rows (the previous design's cost).
* archive -- two identical months of --archive-rows rows each (May 2001 and
  May 2002); ``archive_usage_logs()`` moves the first, ``DELETE FROM
  llm_usage_log WHERE created_at < ...`` removes the second (and VACUUM after
  it); time and WAL of each.
* top -- a log of --top-rows rows over 90 days (5000 users) and its summaries;
  ``top_spenders(30, 10)`` (median of 5, and its plan with EXPLAIN ANALYZE)
  against the same question asked of the raw log.
* record -- pgbench, --seconds per run: ``record_llm_call(...)`` in one
  round trip against the seed's three statements in one transaction
  (``get_user_balance``, ``debit_user_credits``, ``INSERT INTO llm_usage_log``),
  runs alternating, at each --clients.

Prints the figures and ratios; writes them to bench/results/usage.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from common import (
    JOURNAL_USAGE,
    Charges,
    PgServer,
    bench_server,
    fund_users,
    median_tps,
    new_database,
    write_results,
    write_scripts,
)

# One INSERT ... SELECT: rows spread evenly over `days` days before `end`, user u
# of `users`. As in a real gateway each user mostly calls one provider and model
# (9 calls in 10; k shifts the rest), and the user's team decides tenant,
# organisation and service; the operation is one of the service's two.
GENERATE = """
insert into litellm.llm_usage_log (
    user_id, provider, model, power_level, prompt_tokens, completion_tokens, total_tokens,
    cost_credits, cost_usd, success, latency_ms, error_type, request_id, tenant_id,
    organization_id, team_id, service_name, operation, created_at
)
select
    'user-' || x.u, (array['openai', 'anthropic', 'google'])[1 + (x.u + x.k) % 3],
    (array['gpt-4', 'gpt-4o', 'claude-3', 'haiku', 'gemini'])[1 + (x.u + x.k) % 5], 'balanced',
    g % 800, g % 400, g % 800 + g % 400, (g % 1000) * 0.000123, (g % 1000) * 0.0000111,
    g % 50 <> 0, 200 + g % 3000, case when g % 50 = 0 then 'RateLimitError' end,
    'req-' || g, 'tenant-' || x.u % 50, 'org-' || x.u % 50 % 20, 'team-' || x.u % 100,
    'svc-' || x.u % 5, 'op-' || (x.u % 5 * 2 + g % 2),
    timestamptz '{end}' - (g % {spread}) * interval '1 second' * {step}
from generate_series(1, {rows}) as g,
    lateral (
        select (g::bigint * 7919 % {users})::integer as u,
               case when g % 10 = 0 then g % 7 else 0 end as k
    ) as x
"""

REBUILD = """
truncate litellm.llm_usage_summary, litellm.llm_usage_attribution_summary;
insert into litellm.llm_usage_summary (
    date, user_id, provider, model, request_count, success_count, failure_count,
    total_prompt_tokens, total_completion_tokens, total_tokens, total_latency_ms, latency_count,
    total_cost, total_cost_usd
)
select (l.created_at at time zone 'UTC')::date, l.user_id, l.provider, l.model, count(*),
       count(*) filter (where l.success), count(*) filter (where not l.success),
       sum(l.prompt_tokens), sum(l.completion_tokens), sum(l.total_tokens),
       coalesce(sum(l.latency_ms), 0), count(l.latency_ms), sum(l.cost_credits),
       coalesce(sum(l.cost_usd), 0)
from litellm.llm_usage_log as l group by 1, 2, 3, 4;
insert into litellm.llm_usage_attribution_summary (
    date, tenant_id, organization_id, team_id, service_name, operation, provider, model,
    request_count, success_count, failure_count, total_prompt_tokens, total_completion_tokens,
    total_tokens, total_latency_ms, latency_count, total_cost, total_cost_usd
)
select (l.created_at at time zone 'UTC')::date, coalesce(l.tenant_id, ''),
       coalesce(l.organization_id, ''), coalesce(l.team_id, ''), coalesce(l.service_name, ''),
       coalesce(l.operation, ''), l.provider, l.model, count(*),
       count(*) filter (where l.success), count(*) filter (where not l.success),
       sum(l.prompt_tokens), sum(l.completion_tokens), sum(l.total_tokens),
       coalesce(sum(l.latency_ms), 0), count(l.latency_ms), sum(l.cost_credits),
       coalesce(sum(l.cost_usd), 0)
from litellm.llm_usage_log as l group by 1, 2, 3, 4, 5, 6, 7, 8;
"""

# The seed's summary alone (what the previous design maintained), for a second ratio.
REBUILD_PER_USER = REBUILD.split(";")[1].replace(
    "insert into litellm.llm_usage_summary", "insert into bench_per_user_summary", 1)

# --new-rows single-row statements, as a gateway logs calls (the same mix as
# GENERATE, 1000 users).
NEW_ROWS = """
do $$
declare
    u integer;
    k integer;
begin
    for g in 1..%(rows)s loop
        u := (g * 7919 + %(salt)s) %% 1000;
        k := case when g %% 10 = 0 then g %% 7 else 0 end;
        insert into litellm.llm_usage_log (
            user_id, provider, model, prompt_tokens, completion_tokens, cost_credits, latency_ms,
            tenant_id, organization_id, team_id, service_name, operation
        ) values (
            'user-' || u, (array['openai', 'anthropic', 'google'])[1 + (u + k) %% 3],
            (array['gpt-4', 'gpt-4o', 'claude-3', 'haiku', 'gemini'])[1 + (u + k) %% 5],
            10, 20, 0.001, 300, 'tenant-' || u %% 50, 'org-' || u %% 50 %% 20,
            'team-' || u %% 100, 'svc-' || u %% 5, 'op-' || (u %% 5 * 2 + g %% 2)
        );
    end loop;
end
$$
"""

TOP_RAW = """
select user_id, sum(cost_credits) as total_spent from litellm.llm_usage_log
where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'
                    - interval '29 days'
group by user_id order by total_spent desc limit 10
"""

PGBENCH = {
    "record": """
\\set uid random(1, {users})
\\set r random(1, 1000000000000)
select * from litellm.record_llm_call('bench-' || :uid, 'openai', 'gpt-4', 10, 20, 0.000001,
    request_id => :client_id || '-' || :r, power_level => 'balanced', latency_ms => 1234);
""",
    "seed": """
\\set uid random(1, {users})
\\set r random(1, 1000000000000)
begin;
select * from get_user_balance('bench-' || :uid);
select * from debit_user_credits('bench-' || :uid, 0.000001, 'openai', 'gpt-4', 10, 20, 'balanced',
    ('{{"request_id": "' || :client_id || '-' || :r || '"}}')::jsonb);
insert into llm_usage_log (user_id, provider, model, power_level, prompt_tokens, completion_tokens,
    total_tokens, cost_credits, success, latency_ms, request_id)
values ('bench-' || :uid, 'openai', 'gpt-4', 'balanced', 10, 20, 30, 0.000001, true, 1234,
    :client_id || '-' || :r);
commit;
""",
}


def timed(conn: psycopg.Connection, sql: str, params: Any = None) -> float:
    """Seconds to run ``sql`` (committed: conn is autocommit)."""
    start = time.perf_counter()
    conn.execute(sql, params)
    return time.perf_counter() - start


def wal_bytes(conn: psycopg.Connection, action: Callable[[], Any]) -> tuple[float, int]:
    before = conn.execute("select pg_current_wal_insert_lsn()").fetchone()
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    after = conn.execute("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)",
                         (before[0] if before else None,)).fetchone()
    return seconds, int(after[0]) if after else 0


def bulk_load(conn: psycopg.Connection, rows: int, end: str, days: int, users: int) -> float:
    """Load ``rows`` log rows without the summary triggers; seconds taken."""
    spread = max(rows, 1)
    step = days * 86400 / spread
    conn.execute("set session_replication_role = replica")
    try:
        seconds = timed(conn, GENERATE.format(rows=rows, end=end, spread=spread, step=step,
                                              users=users))
    finally:
        conn.execute("set session_replication_role = origin")
    return seconds


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_refresh(conn: psycopg.Connection, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== refresh_usage_summary() after {args.new_rows} new rows on a "
          f"{args.log_rows}-row log vs a rebuild from scratch", flush=True)
    conn.execute("select litellm.ensure_usage_log_partitions(1, 2)")
    load = bulk_load(conn, args.log_rows, "now", 30, 1000)
    conn.execute("vacuum analyze litellm.llm_usage_log")
    print(f"  loaded in {load:.1f} s", flush=True)
    rebuilds, per_user, refreshes, deletes, queued = [], [], [], [], []
    conn.execute("create table bench_per_user_summary"
                 " (like litellm.llm_usage_summary including all)")
    for n in range(args.rounds):
        rebuilds.append(timed(conn, REBUILD))
        conn.execute("truncate bench_per_user_summary")
        per_user.append(timed(conn, REBUILD_PER_USER))
        conn.execute("vacuum analyze litellm.llm_usage_summary,"
                     " litellm.llm_usage_attribution_summary")
        conn.execute(NEW_ROWS % {"rows": args.new_rows, "salt": n})
        slot = conn.execute(
            "select (last_value % 2)::int from litellm.usage_summary_generation").fetchone()
        assert slot is not None
        queue = f"litellm.usage_summary_pending_{slot[0]}"
        conn.execute(f"create table bench_queue_copy as select * from {queue}")
        queued.append(conn.execute(f"select count(*) from {queue}").fetchone()[0])  # type: ignore[index]
        refreshes.append(timed(conn, "select litellm.refresh_usage_summary()"))
        deletes.append(timed(conn, "delete from bench_queue_copy"))
        conn.execute("drop table bench_queue_copy")
        print(f"  round {n + 1}: rebuild {ms(rebuilds[-1])} (llm_usage_summary alone"
              f" {ms(per_user[-1])}), refresh {ms(refreshes[-1])} ({queued[-1]} queue rows),"
              f" DELETE of the queue copy {ms(deletes[-1])}", flush=True)
    summary_rows = conn.execute(
        "select (select count(*) from litellm.llm_usage_summary),"
        " (select count(*) from litellm.llm_usage_attribution_summary)").fetchone()
    rebuild, alone, refresh, delete = (
        statistics.median(x) for x in (rebuilds, per_user, refreshes, deletes))
    print(f"  median: rebuild of both summaries {ms(rebuild)}, refresh {ms(refresh)}:"
          f" ratio {refresh / rebuild:.4f}x")
    print(f"  against rebuilding llm_usage_summary alone ({ms(alone)}): {refresh / alone:.4f}x")
    print(f"  summary rows {tuple(summary_rows or ())}; a DELETE of the queue rows (instead of"
          f" TRUNCATE) would add {ms(delete)}")
    return {"log_rows": args.log_rows, "new_rows": args.new_rows, "rounds": args.rounds,
            "rebuild_s": rebuilds, "rebuild_per_user_s": per_user, "refresh_s": refreshes,
            "queue_delete_s": deletes, "median_rebuild_s": rebuild,
            "median_rebuild_per_user_s": alone, "median_refresh_s": refresh,
            "ratio": refresh / rebuild, "ratio_per_user": refresh / alone,
            "summary_rows": list(summary_rows or ())}


def bench_archive(conn: psycopg.Connection, args: argparse.Namespace) -> dict[str, Any]:
    rows = args.archive_rows
    print(f"\n== archive a month of {rows} rows vs DELETE of the same rows", flush=True)
    for month in ("2001-05-01", "2002-05-01"):
        conn.execute("select litellm._ensure_usage_log_partition(%s)", (month,))
        bulk_load(conn, rows, f"{month[:4]}-05-31 23:00:00+00", 30, 1000)
    conn.execute("vacuum analyze litellm.llm_usage_log")
    archive, archive_wal = wal_bytes(conn, lambda: conn.execute(
        "select * from litellm.archive_usage_logs(now() - timestamptz '2001-06-01 00:00:00+00')"))
    moved = conn.execute("select count(*) from litellm_archive.llm_usage_log_p200105").fetchone()
    delete, delete_wal = wal_bytes(conn, lambda: conn.execute(
        "delete from litellm.llm_usage_log where created_at < '2002-06-01 00:00:00+00'"))
    size = conn.execute("select pg_relation_size('litellm.llm_usage_log_p200205')").fetchone()
    vacuum, vacuum_wal = wal_bytes(
        conn, lambda: conn.execute("vacuum litellm.llm_usage_log_p200205"))
    print(f"  archive_usage_logs: {ms(archive)}, {archive_wal / 1024:.0f} KiB WAL"
          f" ({moved[0] if moved else '?'} rows moved)")
    print(f"  DELETE: {ms(delete)}, {delete_wal / 2**20:.1f} MiB WAL (the emptied partition still"
          f" takes {(size[0] if size else 0) / 2**20:.0f} MiB); VACUUM after it {ms(vacuum)},"
          f" {vacuum_wal / 2**20:.1f} MiB WAL")
    print(f"  ratio archive / DELETE: {archive / delete:.4f}x;"
          f" archive / (DELETE + VACUUM): {archive / (delete + vacuum):.4f}x")
    return {"rows": rows, "archive_s": archive, "archive_wal_bytes": archive_wal,
            "delete_s": delete, "delete_wal_bytes": delete_wal, "vacuum_s": vacuum,
            "vacuum_wal_bytes": vacuum_wal, "ratio": archive / delete,
            "ratio_with_vacuum": archive / (delete + vacuum)}


def bench_top(conn: psycopg.Connection, args: argparse.Namespace) -> dict[str, Any]:
    rows = args.top_rows
    print(f"\n== top spenders, last 30 days, on a {rows}-row log", flush=True)
    conn.execute("select litellm.ensure_usage_log_partitions(1, 4)")
    load = bulk_load(conn, rows, "now", 90, 5000)
    build = timed(conn, REBUILD)
    conn.execute("vacuum analyze")
    summary_rows = conn.execute("select count(*) from litellm.llm_usage_summary").fetchone()
    log_rows = conn.execute("select count(*) from litellm.llm_usage_log").fetchone()
    print(f"  loaded in {load:.1f} s, summaries built in {build:.1f} s;"
          f" log {log_rows[0] if log_rows else '?'} rows,"
          f" llm_usage_summary {summary_rows[0] if summary_rows else '?'} rows", flush=True)
    fn = [timed(conn, "select * from litellm.top_spenders(30, 10)") for _ in range(5)]
    raw = [timed(conn, TOP_RAW) for _ in range(3)]
    # The plan top_spenders() runs (its inner query, with its parameters), from auto_explain.
    logged: list[str] = []
    conn.add_notice_handler(lambda diag: logged.append(diag.message_primary or ""))
    conn.execute("load 'auto_explain'")
    conn.execute("set auto_explain.log_min_duration = 0")
    conn.execute("set auto_explain.log_analyze = on")
    conn.execute("set auto_explain.log_nested_statements = on")
    conn.execute("set client_min_messages = log")
    conn.execute("select * from litellm.top_spenders(30, 10)")
    conn.execute("set client_min_messages = notice")
    conn.execute("set auto_explain.log_min_duration = -1")
    plan = next((m for m in logged if "llm_usage_summary" in m and "Query Text" in m),
                "\n".join(logged)).splitlines()
    f, r = statistics.median(fn), statistics.median(raw)
    print(f"  top_spenders(30, 10): {ms(f)} (median of 5); the same from the raw log: {ms(r)}"
          f" (median of 3): {f / r:.4f}x")
    print("  plan of top_spenders' query:")
    for line in plan:
        print("    " + line)
    return {"log_rows": rows, "summary_rows": summary_rows[0] if summary_rows else None,
            "top_spenders_s": fn, "raw_log_s": raw, "median_s": f, "raw_median_s": r,
            "plan": plan}


def bench_record(server: PgServer, dsn: str, conn: psycopg.Connection, args: argparse.Namespace,
                 root: Path) -> dict[str, Any]:
    print("\n== record_llm_call in one call vs the seed's three statements (pgbench)", flush=True)
    users = 1000
    fund_users(conn, users)
    scripts = write_scripts(root, {k: t.format(users=users) for k, t in PGBENCH.items()},
                            prefix="usage_")
    # Each call of either script is one charge and one usage-log row.
    charges = Charges(dsn, {"journal": JOURNAL_USAGE,
                            "log": "select count(*) from litellm.llm_usage_log"})
    figures: dict[str, Any] = {}
    print(f"  {'clients':>7} {'record':>10} {'seed 3':>10} {'ratio':>7}   (calls per second,"
          f" median of {args.pgbench_rounds})")
    for clients in args.clients:
        med = median_tps(server, dsn, scripts, clients=clients, rounds=args.pgbench_rounds,
                         seconds=args.seconds, charges=charges,
                         journals=dict.fromkeys(scripts, ("journal", "log")))
        figures[str(clients)] = {**med, "ratio": med["record"] / med["seed"]}
        print(f"  {clients:>7} {med['record']:>10.0f} {med['seed']:>10.0f}"
              f" {med['record'] / med['seed']:>6.2f}x", flush=True)
    charges.check()
    checks = conn.execute(
        "select (select count(*) from litellm.llm_usage_log where user_id like 'bench-%%'),"
        " (select count(*) from litellm.credit_transactions where transaction_type = 'usage'),"
        " (select count(*) from litellm.user_credits where credits_remaining < 0)").fetchone()
    print(f"  log rows {checks[0] if checks else '?'}, usage journal entries"
          f" {checks[1] if checks else '?'}, accounts below zero {checks[2] if checks else '?'}")
    return {"seconds": args.seconds, "rounds": args.pgbench_rounds, "figures": figures}


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=["refresh", "archive", "top", "record"],
                    default=["refresh", "archive", "top", "record"])
    ap.add_argument("--log-rows", type=int, default=1_000_000)
    ap.add_argument("--new-rows", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--archive-rows", type=int, default=1_000_000)
    ap.add_argument("--top-rows", type=int, default=10_000_000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--pgbench-rounds", type=int, default=2)
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    args = ap.parse_args()

    results: dict[str, Any] = {}
    # durable, as in production; asynchronous commit (per database) so that the
    # figures show CPU and locking rather than the disk.
    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        for part in args.only:
            # A database per part, so each starts from an empty log.
            db = new_database(server, synchronous_commit="off")
            try:
                with psycopg.connect(db.dsn, autocommit=True) as conn:
                    conn.execute("set synchronous_commit = off")
                    conn.execute("set maintenance_work_mem = '256MB'")
                    conn.execute("set work_mem = '64MB'")
                    if part == "refresh":
                        results[part] = bench_refresh(conn, args)
                    elif part == "archive":
                        results[part] = bench_archive(conn, args)
                    elif part == "top":
                        results[part] = bench_top(conn, args)
                    else:
                        results[part] = bench_record(server, db.dsn, conn, args, Path(tmp))
            finally:
                server.drop_database(db.name)
    write_results("usage", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
