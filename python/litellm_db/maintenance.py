"""Maintenance on a schedule: ``litellm-db maintain`` and ``litellm-db schedule``.

The jobs are the rows of ``litellm.maintenance_jobs``; ``litellm.run_maintenance(job)``
runs one and records its outcome there. Two ways to run them:

* pg_cron (``schedule``): each job becomes a pg_cron job named
  ``litellm:<database>:<job>`` that runs ``select * from litellm.run_maintenance('<job>')``
  on the job's cron schedule. Registering again updates the jobs in place.
* anything else (``maintain``): one round runs every job whose cron schedule
  fired since it last started (``--all``: every job); ``--every SECONDS`` repeats
  rounds until SIGTERM or SIGINT, finishing the job in hand first.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from .errors import LiteLLMDBError

__all__ = [
    "JOB_ORDER",
    "CronError",
    "JobRun",
    "Stopper",
    "cron_matches",
    "due_jobs",
    "job_status",
    "list_scheduled",
    "register",
    "run_job",
    "run_round",
    "unregister",
]

JOB_ORDER = ("ensure_usage_log_partitions", "refresh_usage_summary", "refresh_provider_health",
             "expire_credits", "archive_usage_logs")
"""The order of a round: partitions before the refresh, the refresh before health."""

CRON_PREFIX = "litellm"


class CronError(LiteLLMDBError):
    """pg_cron is missing, not loaded, or refused a request."""


@dataclass(frozen=True)
class JobRun:
    job: str
    status: str  # ok, failed or skipped
    result: Any
    error: str | None
    duration_ms: Any

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.job, "status": self.status, "result": self.result,
                "error": self.error, "duration_ms": self.duration_ms}


# -- cron expressions ---------------------------------------------------------------------

_FIELDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def _field(spec: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in spec.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ValueError(f"bad step in {spec!r}")
        if part == "*":
            start, stop = low, high
        elif "-" in part:
            a, b = part.split("-", 1)
            start, stop = int(a), int(b)
        else:
            start = int(part)
            stop = high if step > 1 else start
        if not (low <= start <= stop <= high):
            raise ValueError(f"{spec!r} is outside {low}-{high}")
        values.update(range(start, stop + 1, step))
    return values


def parse_cron(expression: str) -> list[set[int]]:
    """The five fields of a cron expression (numbers, ``*``, ranges, lists, steps)."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"a cron expression has 5 fields, not {len(fields)}: {expression!r}")
    parsed = [_field(f, lo, hi) for f, (lo, hi) in zip(fields, _FIELDS, strict=True)]
    if 7 in parsed[4]:
        parsed[4].add(0)
    return parsed


def cron_matches(expression: str, when: datetime) -> bool:
    """Whether ``expression`` fires in the UTC minute of ``when`` (cron's day rule: when both
    day fields are restricted, either may match)."""
    return _matcher(expression)(when)


def _matcher(expression: str) -> Callable[[datetime], bool]:
    minute, hour, dom, month, dow = parse_cron(expression)
    fields = expression.split()
    both_restricted = fields[2] != "*" and fields[4] != "*"

    def matches(when: datetime) -> bool:
        when = when.astimezone(UTC)
        day_ok = when.day in dom
        weekday_ok = (when.isoweekday() % 7) in dow
        days = (day_ok or weekday_ok) if both_restricted else (day_ok and weekday_ok)
        return when.minute in minute and when.hour in hour and when.month in month and days

    return matches


def due(expression: str, last_started: datetime | None, now: datetime) -> bool:
    """Whether the schedule fired in a minute after ``last_started``'s, up to ``now``."""
    if last_started is None:
        return True
    matches = _matcher(expression)
    minute = last_started.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = now.astimezone(UTC)
    if end - minute > timedelta(days=366):
        return True
    while minute <= end:
        if matches(minute):
            return True
        minute += timedelta(minutes=1)
    return False


# -- running jobs -------------------------------------------------------------------------


def job_status(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """The rows of ``litellm.maintenance_jobs`` in round order ([] before it exists)."""
    exists = conn.execute(
        "select pg_catalog.to_regclass('litellm.maintenance_jobs') is not null").fetchone()
    if not exists or not exists[0]:
        return []
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("select * from litellm.maintenance_jobs")
        rows = list(cur.fetchall())
    order = {job: i for i, job in enumerate(JOB_ORDER)}
    return sorted(rows, key=lambda r: (order.get(r["job"], len(order)), r["job"]))


def due_jobs(conn: psycopg.Connection, now: datetime | None = None) -> list[str]:
    """The jobs whose default schedule fired since they last started."""
    if now is None:
        row = conn.execute("select pg_catalog.now()").fetchone()
        assert row is not None
        now = row[0]
    assert now is not None
    return [r["job"] for r in job_status(conn)
            if due(r["default_schedule"], r["last_started_at"], now)]


def run_job(conn: psycopg.Connection, job: str) -> JobRun:
    """``litellm.run_maintenance(job)`` in its own transaction."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("select * from litellm.run_maintenance(job => %s)", (job,))
        row = cur.fetchone()
    if not conn.autocommit:
        conn.commit()
    assert row is not None
    return JobRun(job=job, status=row["status"], result=row["result"], error=row["error"],
                  duration_ms=row["duration_ms"])


def run_round(conn: psycopg.Connection, jobs: Sequence[str] | None = None, *,
              stopper: Stopper | None = None,
              on_run: Callable[[JobRun], None] | None = None) -> list[JobRun]:
    """Run ``jobs`` (default: the due ones) in round order; stops early when asked to."""
    chosen = due_jobs(conn) if jobs is None else list(jobs)
    order = {job: i for i, job in enumerate(JOB_ORDER)}
    runs = []
    for job in sorted(chosen, key=lambda j: (order.get(j, len(order)), j)):
        if stopper is not None and stopper.stopped:
            break
        run = run_job(conn, job)
        runs.append(run)
        if on_run is not None:
            on_run(run)
    return runs


class Stopper:
    """Set by SIGTERM or SIGINT while installed; ``wait`` sleeps until then."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal: int | None = None

    @property
    def stopped(self) -> bool:
        return self._event.is_set()

    def stop(self, signum: int | None = None) -> None:
        self.signal = signum
        self._event.set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when stopped meanwhile."""
        return self._event.wait(seconds)

    @contextmanager
    def installed(self) -> Iterator[Stopper]:
        def handler(signum: int, _frame: Any) -> None:
            self.stop(signum)

        previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield self
        finally:
            for s, h in previous.items():
                signal.signal(s, h)


# -- pg_cron ------------------------------------------------------------------------------


def cron_job_name(dbname: str, job: str) -> str:
    """``litellm:<database>:<job>``; pg_cron keeps 63 bytes of a name, so a long database
    name is shortened and made unique with a hash."""
    room = 63 - len(f"{CRON_PREFIX}::") - max(len(j) for j in JOB_ORDER)
    if len(dbname.encode()) > room:
        digest = hashlib.sha256(dbname.encode()).hexdigest()[:8]
        dbname = dbname.encode()[: room - 9].decode(errors="ignore") + "~" + digest
    return f"{CRON_PREFIX}:{dbname}:{job}"


def cron_command(job: str) -> str:
    return f"select * from litellm.run_maintenance('{job}')"


@contextmanager
def cron_connection(conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """A connection to the database pg_cron keeps its jobs in (``cron.database_name``)."""
    row = conn.execute("select pg_catalog.current_setting('cron.database_name', true)").fetchone()
    cron_db = row[0] if row else None
    if not cron_db:
        raise CronError(
            "pg_cron is not loaded on this server (it needs shared_preload_libraries = 'pg_cron'"
            " and cron.database_name in postgresql.conf; Debian: postgresql-NN-cron); without it"
            " run `litellm-db maintain --every 60` as a service, or `litellm-db maintain` from"
            " cron or a systemd timer (docs/operations.md)"
        )
    if cron_db == conn.info.dbname:
        other = None
        cron = conn
    else:
        dsn = make_conninfo(conn.info.dsn, dbname=cron_db)
        password = conn.info.password
        extra: dict[str, Any] = {"password": password} if password else {}
        other = psycopg.connect(dsn, autocommit=True, **extra)
        cron = other
    try:
        installed = cron.execute(
            "select 1 from pg_catalog.pg_extension where extname = 'pg_cron'").fetchone()
        if installed is None:
            try:
                cron.execute("create extension if not exists pg_cron")
            except psycopg.Error as exc:
                raise CronError(
                    f"pg_cron is loaded but not installed in database {cron_db}, and creating"
                    f" it failed ({exc.diag.message_primary}); as a superuser run there:"
                    " create extension pg_cron"
                ) from exc
        yield cron
    finally:
        if other is not None:
            other.close()


def register(conn: psycopg.Connection, schedules: dict[str, str]) -> list[dict[str, Any]]:
    """Create or update one pg_cron job per entry of ``schedules`` (job -> cron expression)."""
    dbname = conn.info.dbname
    done = []
    with cron_connection(conn) as cron:
        same = cron is conn
        for job, expression in schedules.items():
            name = cron_job_name(dbname, job)
            try:
                if same:
                    row = cron.execute("select cron.schedule(%s, %s, %s)",
                                       (name, expression, cron_command(job))).fetchone()
                else:
                    row = cron.execute("select cron.schedule_in_database(%s, %s, %s, %s)",
                                       (name, expression, cron_command(job), dbname)).fetchone()
            except psycopg.Error as exc:
                raise CronError(f"pg_cron refused job {name}: {exc.diag.message_primary}") from exc
            assert row is not None
            done.append({"job": job, "cron_job": name, "jobid": row[0], "schedule": expression})
    return done


def list_scheduled(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """This database's pg_cron jobs, with their latest run as pg_cron saw it."""
    prefix = cron_job_name(conn.info.dbname, "")
    with cron_connection(conn) as cron, cron.cursor(row_factory=dict_row) as cur:
        cur.execute(
            sql.SQL(
                "select j.jobid, j.jobname as cron_job, j.schedule, j.command, j.database,"
                " j.username, j.active, r.status as last_cron_status,"
                " r.start_time as last_cron_start, r.return_message as last_cron_message"
                " from cron.job as j left join lateral ("
                "  select d.status, d.start_time, d.return_message from cron.job_run_details as d"
                "  where d.jobid = j.jobid order by d.runid desc limit 1) as r on true"
                " where starts_with(j.jobname, %s) order by j.jobname"
            ),
            (prefix,),
        )
        rows = list(cur.fetchall())
    for row in rows:
        row["job"] = row["cron_job"][len(prefix):]
    return rows


def unregister(conn: psycopg.Connection, jobs: Sequence[str] | None = None) -> list[str]:
    """Remove this database's pg_cron jobs (all of them, or ``jobs``); returns their names."""
    dbname = conn.info.dbname
    removed = []
    with cron_connection(conn) as cron:
        prefix = cron_job_name(dbname, "")
        names = [r[0] for r in cron.execute(
            "select jobname from cron.job where starts_with(jobname, %s) order by jobname",
            (prefix,))]
        for name in names:
            if jobs is not None and name[len(prefix):] not in jobs:
                continue
            cron.execute("select cron.unschedule(%s)", (name,))
            removed.append(name)
    return removed
