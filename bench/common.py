"""What the benchmarks in bench/ share: a server, a database with the package, pgbench, results,
the floor of a debit, budget fixtures, and the check that every call counted was a charge.

    from common import (Charges, bench_server, median_tps, new_database, pgbench_arguments,
                        write_results, write_scripts)

    ap = argparse.ArgumentParser()
    pgbench_arguments(ap, seconds=10, clients=[1, 4])
    args = ap.parse_args()
    with bench_server() as server, tempfile.TemporaryDirectory() as tmp:
        db = new_database(server, synchronous_commit="on", users=1000)
        scripts = write_scripts(Path(tmp), {"a": "select ...", "b": "select ..."})
        charges = Charges(db.dsn)            # after the setup, before the timed runs
        tps = median_tps(server, db.dsn, scripts, clients=4, rounds=2, seconds=10,
                         charges=charges)
        charges.check()       # exits with status 1 when a counted call charged nothing
        write_results("name", {"figures": tps})

``python bench/x.py`` puts bench/ first on ``sys.path``, so ``import common`` works from any
benchmark; the throwaway cluster comes from ``litellm_db.testing``, as in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import litellm_db  # noqa: E402
from litellm_db.testing import PgServer, find_bindir, start_cluster, stop_cluster  # noqa: E402

RESULTS = REPO / "bench" / "results"
"""Where write_results puts its JSON files (git-ignored)."""


@contextmanager
def bench_server(*, durable: bool = True) -> Iterator[PgServer]:
    """The server of ``LITELLM_DB_BENCH_DSN``, else a throwaway cluster started the way the test
    suite starts one, stopped and deleted on exit. ``durable``: fsync and full_page_writes on,
    as in production (off: the test suite's settings, no waiting for the disk).

    Exits the program with status 1 when there is neither a DSN nor PostgreSQL binaries.
    """
    dsn = os.environ.get("LITELLM_DB_BENCH_DSN")
    if dsn:
        yield PgServer(dsn)
        return
    bindir = find_bindir()
    if bindir is None:
        print("no PostgreSQL binaries found; set LITELLM_DB_BENCH_DSN", file=sys.stderr)
        raise SystemExit(1)
    root = Path(tempfile.mkdtemp(prefix="litellm-db-bench-cluster-"))
    server: PgServer | None = None
    try:
        server = start_cluster(bindir, root, durable=durable)
        yield server
    finally:
        if server is not None:
            stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Database:
    """A database new_database made: its name (for ``server.drop_database``) and its DSN."""

    name: str
    dsn: str


def new_database(server: PgServer, *, synchronous_commit: str | None = None,
                 users: int = 0) -> Database:
    """A new database with the package installed.

    ``synchronous_commit`` ("on" or "off"), when given, is set for every later session of the
    database; ``users``: that many accounts funded as fund_users funds them.
    """
    name = server.create_database()
    dsn = server.dsn(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        litellm_db.install(conn)
        if synchronous_commit is not None:
            if synchronous_commit not in ("on", "off"):
                raise ValueError(f"synchronous_commit: on or off, not {synchronous_commit!r}")
            conn.execute(f"alter database {name} set synchronous_commit = {synchronous_commit}")
        fund_users(conn, users)
    return Database(name, dsn)


def fund_users(conn: psycopg.Connection, users: int, prefix: str = "bench") -> None:
    """Accounts ``{prefix}-1`` to ``{prefix}-{users}``, each with 1,000,000 credits bought."""
    conn.execute("select count(*) from generate_series(1, %s) as u,"
                 " litellm.add_user_credits(%s || '-' || u, 1000000, 'purchase')", (users, prefix))


def write_scripts(directory: Path, texts: Mapping[str, str], prefix: str = "") -> dict[str, Path]:
    """Each pgbench script text in ``directory/{prefix}{key}.sql``; the paths by key."""
    paths = {}
    for key, text in texts.items():
        path = directory / f"{prefix}{key}.sql"
        path.write_text(text)
        paths[key] = path
    return paths


@dataclass(frozen=True)
class Run:
    """One pgbench run: transactions per second, and how many it counted (each one call of the
    script: what ``Charges`` compares with the journal)."""

    tps: float
    transactions: int


def pgbench(server: PgServer, dsn: str, script: Path, clients: int, seconds: int) -> float:
    """Transactions per second of one pgbench run (``pgbench_run``)."""
    return pgbench_run(server, dsn, script, clients, seconds).tps


def pgbench_run(server: PgServer, dsn: str, script: Path, clients: int, seconds: int) -> Run:
    """One pgbench run (prepared statements, up to 2 threads): its rate and its transactions.
    pgbench waits for every transaction in flight when time is up, so the count is exact.

    Raises RuntimeError when pgbench reports no rate or any failed transaction.
    """
    return Run(*pgbench_counted(server, dsn, script, clients, seconds))


def pgbench_counted(server: PgServer, dsn: str, script: Path, clients: int,
                    seconds: int) -> tuple[float, int]:
    """As :func:`pgbench`: its rate, and the number of transactions it processed (for a
    benchmark to check afterwards that each counted call did what it measures)."""
    p = server.params
    env = dict(os.environ, PGPASSWORD=p.get("password", ""))
    proc = subprocess.run(
        [server.tool("pgbench"), "-n", "-f", str(script), "-c", str(clients),
         "-j", str(min(clients, 2)), "-T", str(seconds), "-M", "prepared",
         "-h", p["host"], "-p", p.get("port", "5432"), "-U", p.get("user", "postgres"),
         psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]],
        capture_output=True, text=True, env=env, check=True,
    )
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
    if not m:
        raise RuntimeError(proc.stdout + proc.stderr)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench reported failures:\n{proc.stdout}")
    processed = re.search(r"number of transactions actually processed: (\d+)", proc.stdout)
    if not processed:
        raise RuntimeError(proc.stdout + proc.stderr)
    return float(m.group(1)), int(processed.group(1))


def pgbench_arguments(parser: argparse.ArgumentParser, *, seconds: int, clients: list[int],
                      synchronous_commit: bool = False) -> None:
    """The options of a pgbench benchmark: --seconds per run, --clients (one figure each),
    --rounds (alternating runs per figure); with ``synchronous_commit``, --synchronous-commit."""
    parser.add_argument("--seconds", type=int, default=seconds)
    parser.add_argument("--clients", type=int, nargs="+", default=clients)
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs per figure")
    if synchronous_commit:
        parser.add_argument(
            "--synchronous-commit", choices=["on", "off"], default="on",
            help="on (default): every acknowledged debit is on disk, as in production;"
                 " off: measures CPU and locking without waiting for the disk")


def median_tps(server: PgServer, dsn: str, scripts: Mapping[str, Path], *, clients: int,
               rounds: int, seconds: int, charges: Charges | None,
               journals: Mapping[str, Sequence[str]] | None = None) -> dict[str, float]:
    """Each script's transactions per second at ``clients`` clients, the median of ``rounds``
    runs. The scripts alternate (a, b, c, a, b, c, ...: in the mapping's order) so that drift on
    a shared machine hits all of them alike.

    Every transaction is counted in ``charges`` as one call: in the journals of ``charges``
    that ``journals`` names for the script's key (an empty list: the script charges nothing),
    else in its first journal. ``charges`` is a required argument so that no benchmark forgets
    it; None only when no script charges anything.
    """
    runs: dict[str, list[float]] = {key: [] for key in scripts}
    for _ in range(rounds):
        for key, script in scripts.items():
            run = pgbench_run(server, dsn, script, clients, seconds)
            runs[key].append(run.tps)
            if charges is not None:
                for journal in (journals or {}).get(key, [charges.first]):
                    charges.count(run.transactions, journal)
    return {key: statistics.median(values) for key, values in runs.items()}


# -- every call counted was a charge ------------------------------------------------------------

JOURNAL_USAGE = ("select count(*) from litellm.credit_transactions"
                 " where transaction_type = 'usage'")
"""The package journal's usage entries: one per charge (a refused debit writes none)."""

CHARGED_LOG_ROWS = ("select count(*) from litellm.llm_usage_log"
                    " where transaction_id is not null")
"""Usage-log rows that name their charge's journal entry: one per charged call of the proxy."""


class UnchargedCalls(SystemExit):
    """A benchmark counted calls that charged nothing: its rates are wrong. Exits with status 1
    and the message on stderr, unless caught."""


class Charges:
    """Checks afterwards that every call a benchmark counted was a charge.

    A refused debit (an empty account, a tier's monthly cap reached) returns ``success =
    false`` at once and writes nothing, so a benchmark counting it would report a rate of
    refusals unnoticed. Make a ``Charges`` after the setup and before the timed calls (it counts
    each journal's rows then), ``count`` every call made (``median_tps`` counts pgbench's
    transactions), and ``check`` before reporting: for each journal, the rows written since
    must equal the calls counted, else ``UnchargedCalls`` is raised.

    ``journals``: name -> a query counting the rows one charge writes (default: the package
    journal's usage entries, ``JOURNAL_USAGE``). Calls are counted per journal; ``count``
    without a name counts in the first.
    """

    def __init__(self, dsn: str, journals: Mapping[str, str] | None = None) -> None:
        self.dsn = dsn
        self.journals = dict(journals or {"journal": JOURNAL_USAGE})
        self.calls: Counter[str] = Counter(dict.fromkeys(self.journals, 0))
        self.before = self._rows()

    @property
    def first(self) -> str:
        """The name of the first journal (where ``count`` counts by default)."""
        return next(iter(self.journals))

    def _rows(self) -> dict[str, int]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return {name: int(conn.execute(query).fetchone()[0])  # type: ignore[index]
                    for name, query in self.journals.items()}

    def count(self, calls: int, journal: str | None = None) -> None:
        """``calls`` more calls, each of which must have written one row of ``journal``."""
        name = journal or self.first
        if name not in self.journals:
            raise KeyError(f"no journal {name!r}: {sorted(self.journals)}")
        self.calls[name] += calls

    def check(self) -> dict[str, int]:
        """The rows written per journal since the start; raises ``UnchargedCalls`` when any
        differs from the calls counted for it."""
        after = self._rows()
        written = {name: after[name] - self.before[name] for name in self.journals}
        wrong = [f"{name}: {self.calls[name]} calls counted, {written[name]} rows written"
                 f" ({self.journals[name]})"
                 for name in self.journals if written[name] != self.calls[name]]
        if wrong:
            raise UnchargedCalls(
                "CHARGE CHECK FAILED: not every call counted was a charge (a refused debit"
                " returns at once and inflates the rate); the figures are wrong:\n  "
                + "\n  ".join(wrong))
        print("charges checked: " + ", ".join(f"{name} {written[name]} rows = calls"
                                              for name in self.journals), flush=True)
        return written


def write_results(name: str, results: Mapping[str, Any]) -> Path:
    """``results`` as JSON in bench/results/{name}.json (values JSON cannot hold as strings)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    return path


# -- pgbench scripts of a charge ----------------------------------------------------------------

DEBIT = ("select * from litellm.debit_user_credits({user}, 0.000001, 'openai', 'gpt-4', 10, 20,"
         " 'balanced', '{{}}', :client_id || '-' || :r);")
"""One debit of 0.000001 credits with a fresh request id; ``{user}`` is a SQL expression."""

EARLY_RELEASE = ("call litellm.debit_user_credits_early_release({user}, 0.000001, 'openai',"
                 " 'gpt-4', 10, 20, 'balanced', '{{}}', :client_id || '-' || :r);")
"""The same debit through the early-release procedure."""


def distinct_user(prefix: str = "bench") -> str:
    """A random account of ``{prefix}-1`` .. ``{prefix}-{users}`` (``call_script``'s ``uid``)."""
    return f"'{prefix}-' || :uid"


def call_script(template: str, user: str, users: int) -> str:
    """A pgbench script: ``template`` (DEBIT, EARLY_RELEASE, ...) for ``user``, a SQL expression
    that may use ``:uid``, a random number from 1 to ``users`` (``distinct_user``)."""
    return (f"\\set uid random(1, {users})\n\\set r random(1, 1000000000000)\n"
            + template.format(user=user) + "\n")


# -- the floor of a debit -----------------------------------------------------------------------

FLOOR = """
    with u as (
        update {schema}.user_credits as uc
        set credits_remaining = uc.credits_remaining - {cost},
            total_spent = uc.total_spent + {cost}, month_spent = uc.month_spent + {cost},
            last_seq = uc.last_seq + 1, updated_at = now()
        where uc.user_id = {user} and uc.credits_remaining - uc.credits_held >= {cost}
        returning uc.user_id, uc.last_seq, uc.credits_remaining
    ), t as (
        insert into {schema}.credit_transactions (
            user_id, seq, transaction_type, amount, balance_after, provider, model,
            power_level, prompt_tokens, completion_tokens, idempotency_key, metadata
        )
        select u.user_id, u.last_seq, 'usage', -{cost}, u.credits_remaining, 'openai', 'gpt-4',
            'balanced', 10, 20, {key}, '{{}}' from u
        returning id, user_id
    ), l as (
        update {schema}.credit_lots as cl set remaining = cl.remaining - {cost}
        where cl.lot_id = (select f.lot_id from {schema}.credit_lots as f where f.user_id = {user}
                           and not f.depleted order by f.priority, f.expires_at, f.lot_id limit 1)
        returning cl.lot_id
    ), a as (
        insert into {schema}.credit_allocations (transaction_id, lot_id, user_id, amount)
        select t.id, l.lot_id, t.user_id, {cost} from t, l
        returning 1
    )
"""
"""The floor of a debit: the writes of one charge by hand, with none of the debit's checks --
the account, the journal entry, the first lot, the allocation -- as CTEs ``u``, ``t``, ``l``
and ``a``; follow it with a statement reading ``a``. Placeholders: ``schema`` (``litellm``,
or the plain copies of ``plain_copies``), and SQL expressions for ``user``, ``cost`` and
``key`` (the idempotency key)."""



def floor_script(schema: str, users: int) -> str:
    """The floor as a pgbench script, for a random account ``bench-N`` of ``users``."""
    return (f"\\set uid random(1, {users})\n\\set r random(1, 1000000000000)\n"
            + FLOOR.format(schema=schema, cost="0.000001", user="'bench-' || :uid",
                           key="(:client_id || '-' || :r)")
            + "select count(*) from a;\n")


PLAIN_TABLES = ("user_credits", "credit_transactions", "credit_lots", "credit_allocations")


def plain_copies(conn: psycopg.Connection, schema: str = "plain") -> None:
    """The four tables the floor writes, as plain copies in ``schema``: the same columns,
    defaults, checks, indexes and fillfactor (``LIKE ... INCLUDING ALL``), without foreign
    keys, triggers or row-level security; the accounts and their lots copied in. The floor on
    them is the least any debit on tables of this shape can cost."""
    conn.execute(f"create schema {schema}")
    for table in PLAIN_TABLES:
        conn.execute(f"create table {schema}.{table} (like litellm.{table} including all)")
        options = conn.execute("select reloptions from pg_class where oid = %s::regclass",
                               (f"litellm.{table}",)).fetchone()
        if options and options[0]:
            conn.execute(f"alter table {schema}.{table} set ({', '.join(options[0])})")
    for table in ("user_credits", "credit_lots"):
        row = conn.execute(
            "select string_agg(quote_ident(attname), ', ' order by attnum) from pg_attribute"
            " where attrelid = %s::regclass and attnum > 0 and not attisdropped"
            " and attgenerated = ''", (f"litellm.{table}",)).fetchone()
        columns = row[0] if row else "*"
        conn.execute(f"insert into {schema}.{table} ({columns}) overriding system value"
                     f" select {columns} from litellm.{table}")
    conn.execute(f"analyze {', '.join(f'{schema}.{t}' for t in PLAIN_TABLES)}")


# -- budgets ------------------------------------------------------------------------------------

BUDGET_SHAPES = ("own", "one_org", "one_team")


def budget_users(conn: psycopg.Connection, prefix: str, users: int, shape: str, *,
                 organization: str = "bench-org", team: str = "bench-team") -> None:
    """Accounts ``{prefix}-1`` .. ``{prefix}-{users}`` (``fund_users``), charged against budgets
    that are never reached:

    * own      -- each user in a team ``{prefix}-team-N`` of an organisation ``{prefix}-org-N``
      of its own, both with a budget: two budgets checked per charge, nothing shared;
    * one_org  -- each user in a team of its own with a budget, every team in ``organization``
      (its one budget is a hot row);
    * one_team -- every user in ``team`` of ``organization``: both budgets are hot rows.

    ``organization`` and ``team`` (and their budgets) are made when missing. Steady state:
    this period's counter rows and today's attribution rows exist before any timed charge.
    """
    if shape not in BUDGET_SHAPES:
        raise ValueError(f"shape: one of {BUDGET_SHAPES}, not {shape!r}")
    big = 10**12
    fund_users(conn, users, prefix)
    each = f"from generate_series(1, {int(users)}) as u"

    def run(sql: str, *params: object) -> None:
        conn.execute(f"select count(*) {each}, {sql}", params)

    if shape != "own" and not conn.execute(
            "select from litellm.organizations where organization_id = %s",
            (organization,)).fetchone():
        conn.execute("select litellm.create_organization(%s)", (organization,))
        conn.execute("select litellm.set_budget('organization', %s, organization_id => %s)",
                     (big, organization))
    if shape == "own":
        run("litellm.create_organization(%s || '-org-' || u)", prefix)
        run("litellm.create_team(%s || '-team-' || u, %s || '-org-' || u)", prefix, prefix)
        run("litellm.set_budget('organization', %s, organization_id => %s || '-org-' || u)",
            big, prefix)
    elif shape == "one_org":
        run("litellm.create_team(%s || '-team-' || u, %s)", prefix, organization)
    if shape == "one_team":
        if not conn.execute("select from litellm.teams where team_id = %s", (team,)).fetchone():
            conn.execute("select litellm.create_team(%s, %s)", (team, organization))
            conn.execute("select litellm.set_budget('team', %s, team_id => %s)", (big, team))
        run("litellm.add_team_member(%s || '-' || u, %s)", prefix, team)
    else:
        run("litellm.set_budget('team', %s, team_id => %s || '-team-' || u)", big, prefix)
        run("litellm.add_team_member(%s || '-' || u, %s || '-team-' || u)", prefix, prefix)
    run("litellm._apply_budgets(%s || '-' || u, null, 'gpt-4', 0.000001, 'charge')", prefix)
