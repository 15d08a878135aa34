"""The postgres_exporter query file: the real exporter scrapes a seeded database as an
analyst login, and every litellm_* value equals the SQL answer.

The exporter (Debian: prometheus-postgres-exporter) is started once for the
module on 127.0.0.1, with the package's file as --extend.query-path and its
default metrics off.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import yaml
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from litellm_db import cli, ops_cli
from litellm_db.testing import PgServer, clone_template
from opsdata import make_login, seed

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

QUERY_FILE = Path(str(ops_cli.metrics_query_file()))
LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> Samples:
    samples: Samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        assert match, line
        name, labels, value = match.groups()
        samples[(name, frozenset(LABEL.findall(labels or "")))] = float(value)
    return samples


def series(samples: Samples, name: str, **labels: str) -> list[float]:
    want = set(labels.items())
    return [v for (n, ls), v in samples.items() if n == name and want <= ls]


def one(samples: Samples, name: str, **labels: str) -> float:
    found = series(samples, name, **labels)
    assert len(found) == 1, (name, labels, found)
    return found[0]


def test_metric_names_follow_prometheus_conventions() -> None:
    config = yaml.safe_load(QUERY_FILE.read_text())
    names = []
    for namespace, query in config.items():
        assert namespace.startswith("litellm")
        for column in query["metrics"]:
            ((col, spec),) = column.items()
            if spec["usage"] == "LABEL":
                continue
            name = f"{namespace}_{col}"
            names.append(name)
            assert re.fullmatch(r"litellm_[a-z0-9_]+", name), name
            assert name.endswith("_total") == (spec["usage"] == "COUNTER"), name
            assert spec["description"]
            assert not re.search(r"_(ms|milliseconds|percent)$", name), name
    assert len(names) == len(set(names)) >= 30


def test_metrics_command_prints_the_file() -> None:
    out = io.StringIO()
    assert cli.main(["metrics"], env={}, stdout=out, stderr=io.StringIO()) == 0
    assert out.getvalue() == QUERY_FILE.read_text()
    out = io.StringIO()
    assert cli.main(["metrics", "--path"], env={}, stdout=out, stderr=io.StringIO()) == 0
    assert Path(out.getvalue().strip()) == QUERY_FILE


@pytest.fixture(scope="module")
def seeded(pg_server: PgServer, template_db: str) -> Iterator[str]:
    name = clone_template(pg_server, template_db)
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            seed(conn)
            # Calls of today whose charge was refused, provider health, one maintenance round.
            conn.execute("select litellm.add_user_credits('poor', 1, 'bonus')")
            for i in range(3):
                conn.execute("select * from litellm.record_llm_call('poor', 'openai', 'gpt-4o',"
                             " 100, 100, cost => 5, request_id => %s)", (f"poor-{i}",))
            conn.execute("select * from litellm.run_maintenance('refresh_provider_health')")
            conn.execute("select * from litellm.run_maintenance('refresh_usage_summary')")
            conn.execute("select * from litellm.run_maintenance('expire_credits')")
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def scrape(seeded: str) -> Iterator[Samples]:
    exporter = shutil.which("prometheus-postgres-exporter") or shutil.which("postgres_exporter")
    if exporter is None:
        pytest.fail("prometheus-postgres-exporter is not installed (scripts/test.sh installs it)")
    with psycopg.connect(seeded, autocommit=True) as conn:
        login = make_login(conn, "analyst")
    params = conninfo_to_dict(make_conninfo(seeded, user=login))
    dsn = (f"postgresql://{params['user']}@{params['host']}:{params['port']}/{params['dbname']}"
           "?sslmode=disable")
    port = _free_port()
    proc = subprocess.Popen(
        [exporter, f"--web.listen-address=127.0.0.1:{port}",
         f"--extend.query-path={QUERY_FILE}", "--disable-default-metrics",
         "--disable-settings-metrics", "--no-collector.database", "--no-collector.bgwriter",
         "--log.level=warn"],
        env={"DATA_SOURCE_NAME": dsn, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
                    text = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the exporter did not answer"
                time.sleep(0.2)
        yield parse(text)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sql(dsn: str, query: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query).fetchall()


def close(a: float, b: Decimal | float | int | None) -> bool:
    return b is not None and abs(a - float(b)) <= 1e-6 * max(1.0, abs(float(b)))


def test_the_exporter_loads_every_query_without_error(scrape: Samples) -> None:
    assert one(scrape, "pg_up") == 1
    assert all(v == 0 for v in series(scrape, "pg_exporter_user_queries_load_error"))
    assert one(scrape, "pg_exporter_last_scrape_error") == 0
    namespaces = yaml.safe_load(QUERY_FILE.read_text())
    for namespace in namespaces:
        if namespace != "litellm_refused_charges_today":
            assert any(n.startswith(namespace + "_") for n, _ in scrape), namespace


def test_balances_and_holds_equal_sql(scrape: Samples, seeded: str) -> None:
    rows = sql(seeded, "select tier, accounts, credits_remaining, credits_held, live_holds,"
                       " live_hold_credits from litellm.credit_totals()")
    for tier, accounts, balance, held, holds, hold_credits in rows:
        assert close(one(scrape, "litellm_accounts", tier=tier), accounts)
        assert close(one(scrape, "litellm_balance_credits", tier=tier), balance)
        assert close(one(scrape, "litellm_held_credits", tier=tier), held)
        assert close(one(scrape, "litellm_live_holds", tier=tier), holds)
        assert close(one(scrape, "litellm_live_hold_credits", tier=tier), hold_credits)
    (total,) = sql(seeded, "select sum(credits_remaining) from litellm.user_credits")[0]
    assert close(sum(series(scrape, "litellm_balance_credits")), total)
    assert sum(series(scrape, "litellm_live_holds")) == 1


def test_usage_equals_the_summary(scrape: Samples, seeded: str) -> None:
    rows = sql(seeded, "select provider, model, request_count, total_cost"
                       " from litellm.top_models(1, null)")
    assert rows
    for provider, model, requests, cost in rows:
        assert close(one(scrape, "litellm_usage_today_requests", provider=provider, model=model),
                     requests)
        assert close(one(scrape, "litellm_usage_today_cost_credits", provider=provider,
                         model=model), cost)
    rows = sql(seeded, "select provider, model, request_count, total_cost"
                       " from litellm.top_models(36600, null)")
    for provider, model, requests, cost in rows:
        assert close(one(scrape, "litellm_usage_requests_total", provider=provider, model=model),
                     requests)
        assert close(one(scrape, "litellm_usage_cost_credits_total", provider=provider,
                         model=model), cost)


def test_refused_charges_budgets_health_ledger_and_jobs(scrape: Samples, seeded: str) -> None:
    assert one(scrape, "litellm_refused_charges_today_calls", reason="insufficient_credits") == 3
    assert one(scrape, "litellm_refused_charges_today_credits",
               reason="insufficient_credits") == 15

    for budget_id, spent, held, limit in sql(
            seeded, "select budget_id, spent, held, hard_limit from litellm.get_budget_status()"):
        labels = {"budget_id": str(budget_id)}
        assert close(one(scrape, "litellm_budget_spent_credits", **labels), spent)
        assert close(one(scrape, "litellm_budget_limit_credits", **labels), limit)
        assert close(one(scrape, "litellm_budget_utilisation_ratio", **labels),
                     (spent + held) / limit)
    assert one(scrape, "litellm_budget_spent_credits", level="user", user_id="alice") > 0

    health = sql(seeded, "select provider, status, success_rate from litellm.provider_health")
    assert health
    for provider, status, rate in health:
        assert one(scrape, "litellm_provider_status_current", provider=provider,
                   status=status) == 1
        assert sum(series(scrape, "litellm_provider_status_current", provider=provider)) == 1
        assert close(one(scrape, "litellm_provider_success_ratio", provider=provider),
                     rate / 100)

    assert one(scrape, "litellm_ledger_problems") == 0
    lag = one(scrape, "litellm_summary_refresh_lag_seconds")
    assert 0 <= lag < 600
    for job, runs, failed in sql(seeded, "select job, runs, (last_status = 'failed')::int"
                                         " from litellm.maintenance_jobs"):
        assert one(scrape, "litellm_maintenance_job_runs_total", job=job) == runs
        if runs:
            assert one(scrape, "litellm_maintenance_job_last_run_failed", job=job) == failed
    assert one(scrape, "litellm_maintenance_job_runs_total", job="expire_credits") == 1
