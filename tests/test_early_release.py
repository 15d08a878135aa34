"""The early-release debit: the debit's results, on disk before it returns, exact under load.

``litellm.debit_user_credits_early_release`` commits the debit without waiting for
the disk and then commits a second transaction that does wait. These tests call it
the way an application does (autocommit, or through the client's pool). That a
charge it acknowledged survives a kill -9 is proven by tests/test_crash.py.
"""

from __future__ import annotations

import random
import threading
from decimal import Decimal

import psycopg
import pytest

from litellm_db.client import Client
from litellm_db.errors import (
    DatabaseError,
    IdempotencyConflictError,
    InvalidAmountError,
    UnknownPowerLevelError,
)

CALL = ("call litellm.debit_user_credits_early_release(%s, %s, 'openai', 'gpt-4', 10, 20,"
        " request_id => %s)")


def fund(conn: psycopg.Connection, user: str, amount: Decimal) -> None:
    conn.execute("select litellm.add_user_credits(%s, %s, 'purchase')", (user, amount))


def journal(conn: psycopg.Connection, user: str) -> list[tuple]:
    return conn.execute(
        "select seq, transaction_type, amount, balance_after, provider, model, prompt_tokens,"
        " completion_tokens from litellm.credit_transactions where user_id = %s order by seq",
        (user,),
    ).fetchall()


def test_it_answers_and_journals_as_the_debit_does(conn: psycopg.Connection) -> None:
    client = Client(conn)
    for user in ("early", "plain"):
        fund(conn, user, Decimal(10))
    early = client.debit_user_credits_early_release(
        "early", Decimal("2.5"), "openai", "gpt-4", 10, 20, request_id="r1")
    plain = client.debit_user_credits("plain", Decimal("2.5"), "openai", "gpt-4", 10, 20,
                                      request_id="r1")
    assert (early.success, early.credits_remaining, early.amount_debited, early.replayed) == (
        plain.success, plain.credits_remaining, plain.amount_debited, plain.replayed)
    assert early.success and early.credits_remaining == Decimal("7.5")
    assert journal(conn, "early") == journal(conn, "plain")

    again = client.debit_user_credits_early_release(
        "early", Decimal("2.5"), "openai", "gpt-4", 10, 20, request_id="r1")
    assert again.replayed and again.transaction_id == early.transaction_id
    with pytest.raises(IdempotencyConflictError):
        client.debit_user_credits_early_release("early", Decimal(3), "openai", "gpt-4", 10, 20,
                                                request_id="r1")

    refused = client.debit_user_credits_early_release("early", Decimal(100), request_id="r2")
    assert (refused.success, refused.error_code) == (False, "insufficient_credits")
    unknown = client.debit_user_credits_early_release("nobody", Decimal(1))
    assert (unknown.success, unknown.error_code) == (False, "unknown_user")
    assert len(journal(conn, "early")) == 2  # the purchase and the one charge
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []


@pytest.mark.parametrize(
    ("cost", "level", "error"),
    [
        (Decimal("NaN"), None, InvalidAmountError),
        (Decimal("-1"), None, InvalidAmountError),
        (Decimal("0.0000001"), None, InvalidAmountError),
        (Decimal(1), "turbo", UnknownPowerLevelError),
    ],
)
def test_bad_input_raises_the_debits_error_and_writes_nothing(
    conn: psycopg.Connection, cost: Decimal, level: str | None, error: type[Exception],
) -> None:
    fund(conn, "strict", Decimal(10))
    before = journal(conn, "strict")
    with pytest.raises(error):
        Client(conn).debit_user_credits_early_release("strict", cost, power_level=level,
                                                      request_id="bad")
    assert journal(conn, "strict") == before


def test_it_returns_only_once_the_charge_is_on_disk(conn: psycopg.Connection) -> None:
    """Right after it returns, all the WAL written is flushed. The control, the debit
    committed asynchronously on its own, shows that the check sees unflushed WAL. (The
    suite's cluster commits asynchronously by default; a production session does not.)"""
    conn.execute("set synchronous_commit = on")
    fund(conn, "durable", Decimal(1000))
    unflushed = {"early_release": 0, "async_alone": 0}
    lsn = "select pg_current_wal_insert_lsn() <> pg_current_wal_flush_lsn()"
    for i in range(40):
        conn.execute(CALL, ("durable", Decimal("0.01"), f"e{i}"))
        unflushed["early_release"] += conn.execute(lsn).fetchone()[0]
        with conn.transaction():
            conn.execute("set local synchronous_commit = off")
            conn.execute("select litellm.debit_user_credits('durable', 0.01, request_id => %s)",
                         (f"a{i}",))
        unflushed["async_alone"] += conn.execute(lsn).fetchone()[0]
    # A background process may write a record between the two statements now and then.
    assert unflushed["early_release"] <= 2, unflushed
    assert unflushed["async_alone"] >= 30, unflushed


def test_the_pool_client_runs_it_in_autocommit_and_a_transaction_refuses_it(db: str) -> None:
    with psycopg.connect(db, autocommit=True) as admin:
        fund(admin, "pooled", Decimal(10))
    with Client.connect(db, min_size=1, max_size=1) as client:
        result = client.debit_user_credits_early_release("pooled", Decimal(1), request_id="p1")
        assert result.success and result.credits_remaining == Decimal(9)
        with client.connection() as conn:
            assert not conn.autocommit, "the pool's connection was left in autocommit"
        with client.transaction() as tx, pytest.raises(DatabaseError) as raised:
            tx.debit_user_credits_early_release("pooled", Decimal(1), request_id="p2")
        assert raised.value.sqlstate == "2D000"
    with psycopg.connect(db, autocommit=True) as admin:
        assert journal(admin, "pooled")[-1][2] == Decimal(-1)
        assert len(journal(admin, "pooled")) == 2


WORKERS = 8
OPS = 40


def test_one_busy_account_stays_exact(db: str) -> None:
    """Workers charge one account through both calls, replaying each other's request ids:
    every acknowledged charge is in the journal once with its id, nothing else is, the
    balance is never below zero and verify_ledger() is empty."""
    start = Decimal(30)
    with psycopg.connect(db, autocommit=True) as admin:
        fund(admin, "busy", start)
    acknowledged: dict[str, tuple[int, Decimal]] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        rng = random.Random(n)
        try:
            with psycopg.connect(db, autocommit=True) as conn:
                for i in range(OPS):
                    # Half the keys are shared: worker n replays worker n-1's.
                    owner = n if rng.random() < 0.5 else (n - 1) % WORKERS
                    key = f"k{owner}-{i}"
                    cost = Decimal(owner % 3 + 1) / 10
                    if rng.random() < 0.5:
                        row = conn.execute(CALL, ("busy", cost, key)).fetchone()
                    else:
                        row = conn.execute(
                            "select * from litellm.debit_user_credits('busy', %s, 'openai',"
                            " 'gpt-4', 10, 20, request_id => %s)", (cost, key)).fetchone()
                    assert row is not None
                    if row[0]:
                        with lock:
                            seen = acknowledged.setdefault(key, (row[1], cost))
                        assert seen == (row[1], cost), f"{key} answered with two ids"
                    else:
                        assert row[4] == "insufficient_credits", row
        except BaseException as exc:  # reported by the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(acknowledged) > 50, "too few charges to prove anything"
    with psycopg.connect(db, autocommit=True) as conn:
        rows = conn.execute(
            "select idempotency_key, id, -amount from litellm.credit_transactions"
            " where user_id = 'busy' and transaction_type = 'usage'").fetchall()
        journalled = {key: (tx, cost) for key, tx, cost in rows}
        assert len(journalled) == len(rows), "a request id was charged twice"
        assert journalled == acknowledged
        balance = conn.execute(
            "select credits_remaining from litellm.user_credits where user_id = 'busy'"
        ).fetchone()
        assert balance == (start - sum(cost for _, cost in acknowledged.values()),)
        assert balance[0] >= 0
        assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
