"""Maintenance on a schedule: ``litellm-db maintain`` (once and in a loop) and
``litellm-db schedule`` against a real pg_cron.

pg_cron must be preloaded, so its tests start a cluster of their own once for
the module (shared_preload_libraries = pg_cron, cron.database_name = postgres)
and install the package into another database of it: the jobs are registered
with cron.schedule_in_database, the way a server whose pg_cron lives in
``postgres`` is set up.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

import litellm_db
from litellm_db import cli, maintenance
from litellm_db.testing import PgServer, find_bindir, pg_ctl_start, start_cluster, stop_cluster

REPO = Path(__file__).resolve().parent.parent
JOBS = set(maintenance.JOB_ORDER)


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(args, env={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_json(args: list[str]) -> Any:
    code, out, err = run([*args, "--json"])
    assert code == 0, err
    return json.loads(out)


def jobs_table(dsn: str) -> dict[str, dict[str, Any]]:
    with psycopg.connect(dsn) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        cur.execute("select * from litellm.maintenance_jobs")
        return {r["job"]: r for r in cur.fetchall()}


# -- cron expressions ---------------------------------------------------------------------


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("expression", "when", "fires"), [
    ("* * * * *", "2026-03-04 05:06", True),
    ("*/15 * * * *", "2026-03-04 05:45", True),
    ("*/15 * * * *", "2026-03-04 05:46", False),
    ("5 0 * * *", "2026-03-04 00:05", True),
    ("5 0 * * *", "2026-03-04 01:05", False),
    ("15 3 2 * *", "2026-03-02 03:15", True),
    ("15 3 2 * *", "2026-03-03 03:15", False),
    ("0 9 * * 1-5", "2026-03-07 09:00", False),  # a Saturday
    ("0 9 * * 1-5", "2026-03-06 09:00", True),
    ("0 0 1 * 0", "2026-03-08 00:00", True),  # either day field, as cron does
])
def test_cron_expressions(expression: str, when: str, fires: bool) -> None:
    assert maintenance.cron_matches(expression, at(when)) is fires


def test_due_means_the_schedule_fired_since_the_last_start() -> None:
    assert maintenance.due("*/15 * * * *", None, at("2026-03-04 05:50"))
    assert not maintenance.due("*/15 * * * *", at("2026-03-04 05:45:30"), at("2026-03-04 05:59"))
    assert maintenance.due("*/15 * * * *", at("2026-03-04 05:45:30"), at("2026-03-04 06:00"))
    assert not maintenance.due("15 3 2 * *", at("2026-03-02 03:15:02"), at("2026-03-31 23:59"))
    assert maintenance.due("15 3 2 * *", at("2026-03-02 03:15:02"), at("2026-04-02 03:15"))
    with pytest.raises(ValueError):
        maintenance.parse_cron("* * *")
    with pytest.raises(ValueError):
        maintenance.parse_cron("61 * * * *")


# -- maintain -----------------------------------------------------------------------------


def test_maintain_runs_every_job_and_records_it(db: str) -> None:
    code, out, err = run(["maintain", "--dsn", db, "--json"])
    assert code == 0, err
    runs = [json.loads(line) for line in out.splitlines()]
    assert [r["job"] for r in runs] == list(maintenance.JOB_ORDER)  # all due: never run
    assert {r["status"] for r in runs} == {"ok"}
    table = jobs_table(db)
    assert {j: (r["runs"], r["failures"], r["last_status"]) for j, r in table.items()} == \
        {j: (1, 0, "ok") for j in JOBS}
    assert table["expire_credits"]["last_result"] == \
        {"users_swept": 0, "credits_expired": 0, "more_due": False}

    code, out, err = run(["maintain", "--dsn", db, "--job", "refresh_usage_summary"])
    assert code == 0, err
    assert out.startswith("refresh_usage_summary: ok in ")
    code, out, err = run(["status", "--dsn", db])
    assert code == 0, err
    assert "Maintenance:" in out
    assert "refresh_usage_summary: ok at " in out and "2 runs, 0 failed" in out


def test_a_failing_job_is_recorded_and_exits_4(db: str) -> None:
    # refresh_usage_summary refuses to run in SERIALIZABLE (LD310): a job that fails.
    serializable = make_conninfo(db, options="-c default_transaction_isolation=serializable")
    code, out, err = run(["maintain", "--dsn", serializable, "--job", "refresh_usage_summary",
                          "--job", "expire_credits"])
    assert code == 4, (out, err)
    assert "refresh_usage_summary: failed" in out and "LD310" in out
    assert "expire_credits: ok" in out  # the next job still runs
    row = jobs_table(db)["refresh_usage_summary"]
    assert (row["last_status"], row["runs"], row["failures"]) == ("failed", 1, 1)
    assert row["last_error"].startswith("LD310: ")
    assert row["last_success_at"] is None
    code, out, err = run(["status", "--dsn", db, "--json"])
    assert code == 0, err
    status = {r["job"]: r for r in json.loads(out)["maintenance"]}
    assert status["refresh_usage_summary"]["last_status"] == "failed"
    code, out, err = run(["status", "--dsn", db])
    assert "refresh_usage_summary: FAILED: LD310" in out


def test_run_maintenance_of_an_unknown_job_is_ld361(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.Error) as caught:
        conn.execute("select * from litellm.run_maintenance('vacuum_everything')")
    assert caught.value.sqlstate == "LD361"


def test_a_run_of_a_job_in_progress_is_skipped(db: str) -> None:
    with psycopg.connect(db) as holder:
        holder.execute("select from litellm.maintenance_jobs where job = 'expire_credits'"
                       " for update")
        with psycopg.connect(db, autocommit=True) as conn:
            row = conn.execute("select status from litellm.run_maintenance('expire_credits')"
                               ).fetchone()
        assert row == ("skipped",)
    assert jobs_table(db)["expire_credits"]["runs"] == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_maintain_every_stops_cleanly_on_a_signal(db: str, signum: int) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "litellm_db.cli", "maintain", "--dsn", db, "--every", "1",
         "--all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        seen = [proc.stdout.readline() for _ in range(2 * len(JOBS))]  # two rounds
        assert all(": ok in " in line for line in seen), seen
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert "round failed" not in err
    runs = {j: r["runs"] for j, r in jobs_table(db).items()}
    assert min(runs.values()) >= 2


# -- pg_cron ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cron_server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if os.environ.get("LITELLM_DB_TEST_DSN") or bindir is None:
        pytest.skip("pg_cron needs a cluster of our own (system PostgreSQL binaries)")
    major = bindir.parent.name
    if not Path(f"/usr/share/postgresql/{major}/extension/pg_cron.control").exists():
        pytest.fail(f"pg_cron is not installed: apt-get install postgresql-{major}-cron"
                    " (scripts/test.sh installs it)")
    root = Path(tempfile.mkdtemp(prefix="litellm-db-cron-"))
    server = start_cluster(bindir, root)
    try:
        stop_cluster(server)
        opts = (root / "postgres.opts").read_text().split()
        pg_ctl_start(server, [*opts, "-c", "shared_preload_libraries=pg_cron",
                              "-c", "cron.database_name=postgres",
                              "-c", "cron.host=127.0.0.1"])
        yield server
    finally:
        stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def cron_db(cron_server: PgServer) -> Iterator[str]:
    name = cron_server.create_database()
    dsn = cron_server.dsn(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        litellm_db.install(conn)
    yield dsn


def cron_jobs(server: PgServer) -> dict[str, tuple[int, str, str, str]]:
    with psycopg.connect(server.dsn("postgres")) as conn:
        return {name: (jobid, schedule, database, command) for jobid, name, schedule, database,
                command in conn.execute(
                    "select jobid, jobname, schedule, database, command from cron.job")}


def test_schedule_registers_idempotently(cron_server: PgServer, cron_db: str) -> None:
    dbname = psycopg.conninfo.conninfo_to_dict(cron_db)["dbname"]
    doc = run_json(["schedule", "--dsn", cron_db])
    assert {d["job"] for d in doc["scheduled"]} == JOBS
    first = cron_jobs(cron_server)
    assert set(first) == {f"litellm:{dbname}:{j}" for j in JOBS}
    refresh = first[f"litellm:{dbname}:refresh_usage_summary"]
    assert refresh[1:] == ("* * * * *", dbname,
                           "select * from litellm.run_maintenance('refresh_usage_summary')")

    code, out, err = run(["schedule", "install", "--dsn", cron_db])
    assert code == 0, err
    assert "Scheduled 5 jobs with pg_cron" in out
    assert cron_jobs(cron_server) == first  # same jobs, same ids

    code, _out, err = run(["schedule", "--dsn", cron_db, "--job", "expire_credits",
                           "--set", "expire_credits=*/5 * * * *"])
    assert code == 0, err
    again = cron_jobs(cron_server)
    name = f"litellm:{dbname}:expire_credits"
    assert again[name][:2] == (first[name][0], "*/5 * * * *")
    assert len(again) == len(first)

    code, _out, err = run(["schedule", "--dsn", cron_db, "--set", "expire_credits=99 * * * *"])
    assert code == 2 and "outside" in err

    listed = run_json(["schedule", "list", "--dsn", cron_db])["jobs"]
    assert {r["job"] for r in listed} == JOBS
    assert all(r["active"] and r["database"] == dbname for r in listed)
    code, out, err = run(["schedule", "list", "--dsn", cron_db])
    assert code == 0 and "refresh_usage_summary" in out


@pytest.mark.slow
def test_pg_cron_runs_the_jobs_and_status_shows_it(cron_server: PgServer, cron_db: str) -> None:
    run_json(["schedule", "--dsn", cron_db, "--job", "refresh_usage_summary"])
    # pg_cron fires at the next minute boundary: at most a minute.
    deadline = time.monotonic() + 90
    row: dict[str, Any] = {}
    while time.monotonic() < deadline:
        row = jobs_table(cron_db)["refresh_usage_summary"]
        if row["runs"]:
            break
        time.sleep(1)
    assert row["runs"] >= 1 and row["last_status"] == "ok", row
    listed = {r["job"]: r for r in run_json(["schedule", "list", "--dsn", cron_db])["jobs"]}
    deadline = time.monotonic() + 10
    while listed["refresh_usage_summary"]["last_cron_status"] != "succeeded":
        assert time.monotonic() < deadline, listed["refresh_usage_summary"]
        time.sleep(0.5)
        listed = {r["job"]: r for r in run_json(["schedule", "list", "--dsn", cron_db])["jobs"]}
    assert listed["refresh_usage_summary"]["last_status"] == "ok"
    code, out, err = run(["status", "--dsn", cron_db])
    assert code == 0, err
    assert "refresh_usage_summary: ok at " in out


def test_schedule_remove(cron_server: PgServer, cron_db: str) -> None:
    run_json(["schedule", "--dsn", cron_db])
    doc = run_json(["schedule", "remove", "--dsn", cron_db, "--job", "archive_usage_logs"])
    assert [n.rsplit(":", 1)[1] for n in doc["removed"]] == ["archive_usage_logs"]
    assert len(cron_jobs(cron_server)) == len(JOBS) - 1
    code, out, err = run(["schedule", "remove", "--dsn", cron_db])
    assert code == 0, err
    assert out.startswith(f"Removed {len(JOBS) - 1} pg_cron jobs")
    assert cron_jobs(cron_server) == {}
    assert run_json(["schedule", "remove", "--dsn", cron_db])["removed"] == []


def test_schedule_without_pg_cron_says_what_to_do(db: str) -> None:
    code, _out, err = run(["schedule", "--dsn", db])
    assert code == 1
    assert "pg_cron is not loaded" in err and "litellm-db maintain" in err
