"""Seed 000's quick reference runs verbatim in psql and means what the seed says."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet

from litellm_db.testing import PgServer

QUICK_REFERENCE = Path(__file__).parent / "seed_contract" / "quick_reference.sql"


def run_psql(pg_server: PgServer, dsn: str, path: Path) -> str:
    proc = subprocess.run(
        [pg_server.tool("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", str(path)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    return proc.stdout


def test_the_quick_reference_runs_verbatim(pg_server: PgServer, db: str) -> None:
    out = run_psql(pg_server, db, QUICK_REFERENCE)
    with psycopg.connect(db) as conn:
        q = conn.execute
        # "Create User Account": the bonus created the user with 100 credits.
        assert q("select credits_remaining, tier from get_user_balance('user-keycloak-id')"
                 ).fetchone() == (Decimal(100), "free")
        # "Process LLM Request" ran before user-id had credits: refused, nothing charged ...
        assert "unknown_user" in out
        # ... "Purchase Credits" then bought the Value Pack once.
        assert q("select credits_remaining, total_purchased from get_user_balance('user-id')"
                 ).fetchone() == (Decimal(500), Decimal(500))
        assert q("select amount, balance_after, payment_method, package_id, transaction_type"
                 " from credit_transactions where stripe_transaction_id = 'ch_1234567890'"
                 ).fetchall() == [(Decimal(500), Decimal(500), "stripe", 2, "purchase")]
        # "Log usage": the row is there and total_tokens is as given.
        assert q("select total_tokens, cost_credits, success, latency_ms from llm_usage_log"
                 " where request_id = 'req-123'").fetchall() == [(300, Decimal("0.05"), True, 1234)]
        # "Update provider status": the upsert landed.
        assert q("select status, avg_latency_ms, success_rate from provider_health"
                 " where provider = 'openai'").fetchone() == ("healthy", 1200, Decimal("99.5"))
        # "Refresh": the summary holds the logged call.
        assert q("select request_count, total_cost from llm_usage_summary"
                 " where user_id = 'user-id' and model = 'gpt-4'"
                 ).fetchone() == (1, Decimal("0.05"))
        # "Archive old logs": nothing is 90 days old, so nothing moved.
        assert q("select count(*) from llm_usage_log_archive").fetchone() == (0,)
        assert q("select count(*) from llm_usage_log").fetchone() == (1,)
        # "Find user with negative balance (shouldn't exist)"
        assert q("select count(*) from user_credits where credits_remaining < 0").fetchone() == (0,)


def test_the_quick_reference_replays_are_idempotent(pg_server: PgServer, db: str) -> None:
    """Running the purchase and debit statements again must not charge or credit twice."""
    run_psql(pg_server, db, QUICK_REFERENCE)
    with psycopg.connect(db, autocommit=True) as conn:
        replay = conn.execute(
            "SELECT * FROM add_user_credits('user-id', 500.0, 'purchase', 'stripe',"
            " 'ch_1234567890', 2, NULL)"
        ).fetchone()
        assert replay is not None
        debit = conn.execute(
            """SELECT success, replayed FROM debit_user_credits('user-id', 0.05, 'openai', 'gpt-4',
               100, 200, 'balanced', '{"request_id": "req-123"}'::JSONB)"""
        ).fetchone()
        again = conn.execute(
            """SELECT success, replayed FROM debit_user_credits('user-id', 0.05, 'openai', 'gpt-4',
               100, 200, 'balanced', '{"request_id": "req-123"}'::JSONB)"""
        ).fetchone()
        assert debit == (True, False) and again == (True, True)
        assert conn.execute("SELECT credits_remaining FROM get_user_balance('user-id')"
                            ).fetchone() == (Decimal("499.95"),)


def test_the_byok_example_stores_only_ciphertext(db: str) -> None:
    """Seed 000's 'Add BYOK Key' snippet, with psycopg 3 instead of psycopg2."""
    encryption_key = Fernet.generate_key()
    with psycopg.connect(db) as conn:
        conn.execute("select add_user_credits('user-id', 1, 'bonus')")
        cursor = conn.cursor()
        cipher = Fernet(encryption_key)
        encrypted_key = cipher.encrypt(b"sk-openai-key-123").decode()
        cursor.execute("""
            INSERT INTO user_provider_keys (
                user_id, provider, encrypted_api_key, key_name
            ) VALUES (%s, %s, %s, %s);
        """, ("user-id", "openai", encrypted_key, "My OpenAI Key"))
        stored = conn.execute("select encrypted_api_key from user_provider_keys").fetchone()
        assert stored is not None
        assert Fernet(encryption_key).decrypt(stored[0].encode()) == b"sk-openai-key-123"
        # A plaintext key is refused by the table itself.
        try:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO user_provider_keys (user_id, provider, encrypted_api_key)"
                    " VALUES ('user-id', 'anthropic', 'sk-ant-plaintext')"
                )
        except psycopg.errors.CheckViolation:
            pass
        else:
            raise AssertionError("a plaintext key was stored")
