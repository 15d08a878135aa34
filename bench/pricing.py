"""Pricing and health: what calculate_cost adds to a debit; how refresh_provider_health scales.

    .venv/bin/python bench/pricing.py [--seconds 5] [--clients 1 4] [--log-rows 300000]

Starts a throwaway cluster (the same way the test suite does; or uses
LITELLM_DB_BENCH_DSN), installs the package, imports LiteLLM's price list when
the ``litellm`` package is installed (about 3,400 priced models), and measures:

* cost     -- ``select litellm.calculate_cost('openai', 'gpt-4o', ...)`` with a
  power level and a tier, against its floor: one hand-written query joining
  the price in force, the level, the tier and the rate (no checks, no fallback);
* debit    -- ``debit_user_credits`` with ``cost => calculate_cost(...)`` against
  the same debit with a constant cost: the price of pricing in the hot path;
* health   -- ``refresh_provider_health(15, dry_run => true)`` over a log of
  ``--log-rows`` calls spread over the last 7 days, with the BRIN index on
  ``llm_usage_log.created_at`` and after dropping it.

pgbench runs alternate (function, floor, function, ...) so drift on a shared
machine hits both. Prints the figures and ratios; writes them to
bench/results/pricing.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from common import (
    Charges,
    bench_server,
    median_tps,
    new_database,
    pgbench_arguments,
    write_results,
    write_scripts,
)

USERS = 1000

SCRIPTS = {
    "cost": """
select litellm.calculate_cost('openai', 'gpt-4o', 1000, 500, 'balanced', 'starter');
""",
    "cost_floor": """
select round(ceil((1000 * p.prompt_per_1m + 500 * p.completion_per_1m) / 1000000
                  * pl.cost_multiplier * (1 + t.markup) * s.credits_per_usd * 1000000) / 1000000, 6)
from litellm.model_prices as p, litellm.power_levels as pl, litellm.tiers as t,
     litellm.pricing_settings as s
where p.provider = 'openai' and p.model = 'gpt-4o' and p.effective_from <= now()
  and (p.effective_to is null or p.effective_to > now())
  and pl.power_level = 'balanced' and t.tier = 'starter'
order by p.effective_from desc limit 1;
""",
    "debit_priced": """
\\set uid random(1, {users})
\\set r random(1, 1000000000000)
select * from litellm.debit_user_credits('bench-' || :uid,
    litellm.calculate_cost('openai', 'gpt-4o', 10, 20, 'balanced', 'starter'),
    'openai', 'gpt-4o', 10, 20, 'balanced', '{{}}', :client_id || '-' || :r);
""",
    "debit_fixed": """
\\set uid random(1, {users})
\\set r random(1, 1000000000000)
select * from litellm.debit_user_credits('bench-' || :uid, 0.000350,
    'openai', 'gpt-4o', 10, 20, 'balanced', '{{}}', :client_id || '-' || :r);
""",
}

HEALTH = "select count(*) from litellm.refresh_provider_health(15, dry_run => true)"


def timed(conn: psycopg.Connection, query: str, repeat: int) -> float:
    """Median wall time of ``query`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        conn.execute(query).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fill_log(conn: psycopg.Connection, rows: int) -> None:
    providers = "array['openai','anthropic','openrouter','together','deepinfra','groq']"
    conn.execute(
        "insert into litellm.llm_usage_log (created_at, user_id, provider, model, success,"
        " latency_ms, prompt_tokens, completion_tokens)"
        # In time order, as a live log is written.
        " select now() - interval '7 days' * (1 - i::float8 / %(rows)s), 'bench-' || (i %% 1000),"
        f" ({providers})[1 + i %% 6], 'm', random() > 0.05, (200 + random() * 3000)::int, 100, 200"
        " from generate_series(1, %(rows)s) as i",
        {"rows": rows},
    )
    conn.execute("select litellm.refresh_usage_summary()")
    conn.execute("vacuum analyze litellm.llm_usage_log")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    pgbench_arguments(ap, seconds=5, clients=[1, 4])
    ap.add_argument("--log-rows", type=int, default=300_000)
    args = ap.parse_args()

    with bench_server(durable=True) as server, \
            tempfile.TemporaryDirectory(prefix="litellm-db-bench-") as tmp:
        db = new_database(server, synchronous_commit="off", users=USERS)
        imported = 0
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            try:
                from litellm_db.pricing_import import import_litellm_prices

                summary = import_litellm_prices(conn)
                imported = summary.added + summary.changed + summary.unchanged
            except ImportError:
                pass
        print(f"model_prices: {imported} imported prices plus the shipped rows")
        scripts = write_scripts(Path(tmp), {k: t.format(users=USERS) for k, t in SCRIPTS.items()})
        charges = Charges(db.dsn)
        reads = {"cost": (), "cost_floor": ()}  # calculate_cost and its floor charge nothing

        figures: dict[str, object] = {"imported_prices": imported}
        print(f"{'clients':>7} {'cost':>9} {'floor':>9} {'cost/floor':>10} "
              f"{'priced':>8} {'fixed':>8} {'priced/fixed':>12}   (tps, median of {args.rounds})")
        for clients in args.clients:
            med = median_tps(server, db.dsn, scripts, clients=clients, rounds=args.rounds,
                             seconds=args.seconds, charges=charges, journals=reads)
            figures[f"clients_{clients}"] = {
                **med,
                "cost_vs_floor": med["cost"] / med["cost_floor"],
                "priced_vs_fixed_debit": med["debit_priced"] / med["debit_fixed"],
            }
            print(f"{clients:>7} {med['cost']:>9.0f} {med['cost_floor']:>9.0f} "
                  f"{med['cost'] / med['cost_floor']:>9.2f}x {med['debit_priced']:>8.0f} "
                  f"{med['debit_fixed']:>8.0f} {med['debit_priced'] / med['debit_fixed']:>11.2f}x",
                  flush=True)

        charges.check()
        with psycopg.connect(db.dsn, autocommit=True) as conn:
            fill_log(conn, args.log_rows)
            with_brin = timed(conn, HEALTH, 5)
            conn.execute("drop index litellm.llm_usage_log_created_brin")
            without = timed(conn, HEALTH, 5)
    figures["health"] = {"log_rows": args.log_rows, "with_brin_ms": with_brin,
                         "without_index_ms": without, "ratio": with_brin / without}
    print(f"refresh_provider_health(15) over {args.log_rows} log rows (7 days): "
          f"{with_brin:.1f} ms with the BRIN index, {without:.1f} ms without "
          f"({with_brin / without:.3f}x)")
    write_results("pricing", {"seconds": args.seconds, "rounds": args.rounds, "figures": figures})
    return 0


if __name__ == "__main__":
    sys.exit(main())
