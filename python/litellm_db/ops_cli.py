"""The operators' commands of ``litellm-db``: usage, top, transactions, maintain, schedule,
report and metrics (registered by :mod:`litellm_db.cli`)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import psycopg

from . import analytics, config, maintenance, tables
from . import cli as _cli
from .errors import LiteLLMDBError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHECK_FAILED = 4

_EPILOG = ("Exit codes: 0 ok, 1 error (including a database without this function: run"
           " litellm-db migrate), 2 usage error.")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _add_period(parser: argparse.ArgumentParser, default_days: int = 30) -> None:
    group = parser.add_argument_group("period", "UTC dates, both included.")
    group.add_argument("--days", type=_cli._positive_int, metavar="N",
                       help=f"the last N days, today included (default: {default_days})")
    group.add_argument("--from", dest="from_date", type=_date, metavar="DATE",
                       help="first day (YYYY-MM-DD); --to defaults to today")
    group.add_argument("--to", dest="to_date", type=_date, metavar="DATE",
                       help="last day (YYYY-MM-DD); --from defaults to 29 days before it")
    parser.set_defaults(default_days=default_days)


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "whose usage", "A user, or a team, organisation and/or tenant (the summaries keep"
                       " users apart from teams; default: everyone).")
    group.add_argument("--user", metavar="USER_ID")
    group.add_argument("--team", metavar="TEAM_ID")
    group.add_argument("--organization", "--organisation", dest="organization", metavar="ORG_ID")
    group.add_argument("--tenant", metavar="TENANT_ID")


def _add_output(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON (amounts as strings)")
    group.add_argument("--csv", action="store_true", help="print CSV with a header row")


def _format(args: argparse.Namespace) -> str:
    return "json" if args.json else "csv" if getattr(args, "csv", False) else "text"


def _period(args: argparse.Namespace, conn: psycopg.Connection) -> analytics.Period:
    today = analytics.today_utc(conn)
    if args.from_date is None and args.to_date is None:
        return analytics.Period.last_days(args.days or args.default_days, today)
    if args.days:
        raise _cli._Refused("give --days or --from/--to, not both")
    end = args.to_date or today
    start = args.from_date or analytics.Period.last_days(args.default_days, end).start
    if start > end:
        raise _cli._Refused(f"--from {start} is after --to {end}")
    return analytics.Period(start, end)


def _filters(args: argparse.Namespace) -> analytics.Filters:
    return analytics.Filters(user_id=args.user, team_id=args.team,
                             organization_id=args.organization, tenant_id=args.tenant)


def add_parsers(sub: Any) -> None:
    usage = sub.add_parser(
        "usage", help="usage per day, provider or model",
        description="Calls, failures, tokens, latency and cost per day, provider or model over a"
                    " period, for everyone or one user, team, organisation or tenant"
                    " (usage_between, from the daily summaries as of the last refresh).",
        epilog=_EPILOG)
    _cli._add_target_args(usage)
    usage.add_argument("--by", choices=("day", "provider", "model", "day_provider"),
                       default="day", help="grouping (default: day)")
    _add_period(usage)
    _add_filters(usage)
    usage.add_argument("--limit", type=_cli._positive_int, metavar="N", help="at most N rows")
    _add_output(usage)

    top = sub.add_parser(
        "top", help="top spenders, models, providers, teams, organisations or tenants",
        description="The highest-cost users (spenders), models, providers, teams,"
                    " organisations or tenants over a period (usage_between).",
        epilog=_EPILOG)
    _cli._add_target_args(top)
    top.add_argument("kind", choices=tuple(analytics.TOP_KINDS), metavar="KIND",
                     help="one of " + ", ".join(analytics.TOP_KINDS))
    _add_period(top)
    _add_filters(top)
    top.add_argument("--limit", type=_cli._positive_int, default=10, metavar="N",
                     help="at most N rows (default: 10)")
    _add_output(top)

    txn = sub.add_parser(
        "transactions", help="a user's journal, newest first",
        description="A user's credit journal (credit_transactions), newest first. Reads the"
                    " journal itself: run it as the owner.",
        epilog=_EPILOG)
    _cli._add_target_args(txn)
    txn.add_argument("user_id", metavar="USER_ID")
    txn.add_argument("--limit", type=_cli._positive_int, default=50, metavar="N",
                     help="at most N entries (default: 50)")
    _add_output(txn)

    maintain = sub.add_parser(
        "maintain", help="run the maintenance jobs that are due (once, or in a loop)",
        description="Run the maintenance jobs whose schedule (litellm.maintenance_jobs) fired"
                    " since they last ran, each in its own transaction, and record each outcome"
                    " (run_maintenance). For cron or a systemd timer; --every loops until"
                    " SIGTERM or SIGINT, finishing the job in hand. Exit code 4 when a job"
                    " failed (once), 0 after a clean stop (--every).",
        epilog=_EPILOG)
    _cli._add_target_args(maintain)
    which = maintain.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="run every job, due or not")
    which.add_argument("--job", action="append", choices=maintenance.JOB_ORDER, metavar="JOB",
                       help="run this job (repeatable): " + ", ".join(maintenance.JOB_ORDER))
    maintain.add_argument("--every", type=_cli._positive_int, metavar="SECONDS",
                          help="repeat a round every SECONDS until stopped")
    maintain.add_argument("--json", action="store_true", help="print one JSON line per job run")

    schedule = sub.add_parser(
        "schedule", help="register the maintenance jobs with pg_cron (install, list, remove)",
        description="Register each maintenance job with pg_cron on its default schedule (or"
                    " --set JOB=CRON), as pg_cron jobs named litellm:<database>:<job> that"
                    " run as the connecting role; registering again updates them in place."
                    " `list` shows them with pg_cron's and run_maintenance's latest outcome;"
                    " `remove` unschedules them. Needs pg_cron loaded (shared_preload_libraries,"
                    " cron.database_name); the jobs may live in another database of the server.",
        epilog=_EPILOG)
    schedule.add_argument("action", nargs="?", choices=("install", "list", "remove"),
                          default="install", help="install (default), list or remove")
    _cli._add_target_args(schedule)
    schedule.add_argument("--set", action="append", default=[], metavar="JOB=CRON",
                          help="another schedule for a job, such as"
                               " refresh_usage_summary='*/5 * * * *'")
    schedule.add_argument("--job", action="append", choices=maintenance.JOB_ORDER, metavar="JOB",
                          help="only this job (repeatable; default: all)")
    _cli._add_json(schedule)

    report = sub.add_parser(
        "report", help="write a self-contained HTML spend report",
        description="Write one HTML file (charts inlined, opens offline) for a period: spend"
                    " and requests per day by provider, top users, teams and models, failure"
                    " rate and latency by provider, credits purchased vs consumed, budgets and"
                    " their burn-down, and balances that run out within a week. Reads through"
                    " the SQL API with an analyst's rights. Needs the report extra (plotly).",
        epilog=_EPILOG)
    _cli._add_target_args(report)
    _add_period(report)
    _add_filters(report)
    report.add_argument("-o", "--output", metavar="FILE",
                        help="where to write it ('-': standard output; default:"
                             " litellm-report-FROM-TO.html in the current directory)")
    report.add_argument("--json", action="store_true",
                        help="print the report's figures as JSON instead of writing HTML")

    metrics = sub.add_parser(
        "metrics", help="print the Prometheus postgres_exporter query file",
        description="Print the query configuration for the Prometheus postgres_exporter"
                    " (--extend.query-path) that exposes balances, holds, usage, refused"
                    " charges, budgets, provider health, ledger problems, summary lag and"
                    " maintenance jobs as litellm_* metrics; docs/metrics.md shows the wiring.",
        epilog="Exit codes: 0 ok.")
    metrics.add_argument("--path", action="store_true",
                         help="print where the installed file is instead of its contents")


# -- analytics ----------------------------------------------------------------------------


def _cmd_usage(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    with _cli._database(args, env, ("usage_between", "usage report function")) as conn:
        table = analytics.usage(conn, _period(args, conn), args.by, _filters(args), args.limit)
    tables.render([table], io.out, _format(args))
    return EXIT_OK


def _cmd_top(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    with _cli._database(args, env, ("usage_between", "usage report function")) as conn:
        table = analytics.top(conn, args.kind, _period(args, conn), args.limit, _filters(args))
    tables.render([table], io.out, _format(args))
    return EXIT_OK


def _cmd_transactions(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    with _cli._database(args, env) as conn:
        table = analytics.transactions(conn, args.user_id, args.limit)
    tables.render([table], io.out, _format(args))
    return EXIT_OK


# -- maintenance --------------------------------------------------------------------------


def _say_run(args: argparse.Namespace, io: Any) -> Callable[[maintenance.JobRun], None]:
    def say(run: maintenance.JobRun) -> None:
        if args.json:
            _cli._emit_json_line(run.as_dict(), io.out)
        else:
            detail = run.error if run.error else tables.to_text(run.result)
            io.out.write(f"{run.job}: {run.status} in {run.duration_ms} ms  {detail}\n")
        io.out.flush()
    return say


def _cmd_maintain(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    jobs = list(maintenance.JOB_ORDER) if args.all else args.job
    say = _say_run(args, io)
    target = _cli.resolve_target(args, env, must_exist=True)
    if not args.every:
        with _cli._database(args, env, ("run_maintenance", "maintenance jobs")) as conn:
            runs = maintenance.run_round(conn, jobs, on_run=say)
        if not runs and not args.json:
            io.out.write("Nothing due.\n")
        return EXIT_CHECK_FAILED if any(r.status == "failed" for r in runs) else EXIT_OK
    stopper = maintenance.Stopper()
    with stopper.installed():
        if not args.json:
            io.err.write(f"{_cli.PROG} maintain: a round every {args.every} s on"
                         f" {target.description}; stop with SIGTERM or Ctrl-C\n")
        while not stopper.stopped:
            started = time.monotonic()
            try:
                with config.connect(target.dsn) as conn:
                    _cli._require(conn, "run_maintenance", "maintenance jobs")
                    maintenance.run_round(conn, jobs, stopper=stopper, on_run=say)
            except (psycopg.Error, LiteLLMDBError) as exc:
                # The database may be restarting: say so and try again next round.
                io.err.write(f"{_cli.PROG} maintain: round failed: {_cli._one_line(exc)}\n")
            io.err.flush()
            stopper.wait(max(0.0, args.every - (time.monotonic() - started)))
    if not args.json:
        io.err.write(f"{_cli.PROG} maintain: stopped\n")
    return EXIT_OK


def _schedules(args: argparse.Namespace, conn: psycopg.Connection) -> dict[str, str]:
    defaults = {r["job"]: r["default_schedule"] for r in maintenance.job_status(conn)}
    chosen = args.job or list(defaults)
    schedules = {job: defaults[job] for job in chosen}
    for item in args.set:
        job, sep, expression = item.partition("=")
        if not sep or job not in defaults:
            raise _cli._Refused(f"--set wants JOB=CRON with a job of {', '.join(defaults)}:"
                                f" {item!r}")
        try:
            maintenance.parse_cron(expression)
        except ValueError as exc:
            raise _cli._Refused(f"--set {job}: {exc}") from None
        schedules[job] = expression.strip()
    return schedules


def _cmd_schedule(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    with _cli._database(args, env, ("run_maintenance", "maintenance jobs")) as conn:
        if args.action == "install":
            done = maintenance.register(conn, _schedules(args, conn))
            if args.json:
                _cli._emit_json({"scheduled": done}, io.out)
            else:
                for d in done:
                    io.out.write(f"{d['cron_job']}: '{d['schedule']}' (pg_cron job {d['jobid']})\n")
                io.out.write(f"Scheduled {len(done)} jobs with pg_cron; see them with"
                             f" `{_cli.PROG} schedule list`.\n")
            return EXIT_OK
        if args.action == "remove":
            removed = maintenance.unregister(conn, args.job)
            if args.json:
                _cli._emit_json({"removed": removed}, io.out)
            else:
                io.out.write(f"Removed {len(removed)} pg_cron jobs"
                             + (": " + ", ".join(removed) if removed else "") + ".\n")
            return EXIT_OK
        rows = maintenance.list_scheduled(conn)
        status = {r["job"]: r for r in maintenance.job_status(conn)}
    for row in rows:
        s = status.get(row["job"], {})
        row.update(last_status=s.get("last_status"), last_finished_at=s.get("last_finished_at"),
                   last_error=s.get("last_error"))
    if args.json:
        _cli._emit_json({"jobs": rows}, io.out)
        return EXIT_OK
    table = analytics.Table(
        "pg_cron jobs of this database",
        ("job", "schedule", "active", "last_status", "last_finished_at", "last_cron_status",
         "last_error"), rows)
    tables.render([table], io.out)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    from . import report

    if not args.json:
        report.require_plotly()
    with _cli._database(args, env, ("usage_between", "usage report function"),
                        ("credit_flow_daily", "credit flow function")) as conn:
        period = _period(args, conn)
        with _cli._progress(io, args, report.STEPS, "query") as bar:
            def step(what: str) -> None:
                bar.set_description(what)
                bar.update(1)

            data = report.collect(conn, period, _filters(args), step=step)
    if args.json:
        _cli._emit_json(data.as_dict(), io.out)
        return EXIT_OK
    page = report.render_html(data)
    if args.output == "-":
        io.out.write(page)
        return EXIT_OK
    path = args.output or f"litellm-report-{period.start}-{period.end}.html"
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
    what = "no usage in the period" if data.empty else f"{len(page) // 1024} KiB"
    io.out.write(f"Wrote {path} ({what}): {period}, {data.filters.describe()}.\n")
    return EXIT_OK


def metrics_query_file() -> Any:
    """The packaged postgres_exporter query file (an importlib.resources Traversable)."""
    from importlib.resources import files

    return files("litellm_db").joinpath("metrics", "queries.yaml")


def _cmd_metrics(args: argparse.Namespace, env: Mapping[str, str], io: Any) -> int:
    resource = metrics_query_file()
    io.out.write(f"{resource}\n" if args.path else resource.read_text())
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Mapping[str, str], Any], int]] = {
    "usage": _cmd_usage,
    "top": _cmd_top,
    "transactions": _cmd_transactions,
    "maintain": _cmd_maintain,
    "schedule": _cmd_schedule,
    "metrics": _cmd_metrics,
    "report": _cmd_report,
}


def status_lines(conn: psycopg.Connection) -> tuple[list[dict[str, Any]], list[str]]:
    """The maintenance jobs for ``litellm-db status``: JSON rows and one line per job."""
    rows = maintenance.job_status(conn)
    lines = []
    for r in rows:
        if r["last_finished_at"] is None:
            lines.append(f"  {r['job']}: never run ({r['default_schedule']})")
            continue
        when = tables.to_text(r["last_finished_at"])
        what = "ok" if r["last_status"] == "ok" else f"FAILED: {r['last_error']}"
        lines.append(f"  {r['job']}: {what} at {when}; {r['runs']} runs, {r['failures']} failed")
    return rows, lines


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_cli.main())
