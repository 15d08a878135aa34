"""kill -9 under load: every acknowledged debit survives, none is doubled.

Run for the debit function, for the early-release procedure, which commits
the debit without waiting for the disk and returns only after a second commit
that waits (its acknowledgements must be exactly as safe), and for the debit of
a slot account (four slots: charges journalled on several slots at once, and
consolidations moving credits between them).

A durable cluster of its own (fsync, full_page_writes and synchronous_commit
on), debited by several workers; the postmaster and every backend are killed
with SIGKILL mid-load, the server is restarted (crash recovery), and then:
each debit a worker saw acknowledged is in the journal exactly once with the
transaction id it was told, nothing is there that no worker attempted, the
account's balance (summed over its slots) equals the start less what the
journal holds, and verify_ledger() is empty.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import psutil
import psycopg
import pytest

import litellm_db
from litellm_db.testing import find_bindir, pg_ctl_start, start_cluster, stop_cluster

START = Decimal(100000)
WORKERS = 8


def kill_cluster(datadir: Path) -> int:
    """SIGKILL the postmaster and all its children at once, like a power cut."""
    pid = int((datadir / "postmaster.pid").read_text().splitlines()[0])
    master = psutil.Process(pid)
    victims = [master, *master.children(recursive=True)]
    for p in victims:
        os.kill(p.pid, signal.SIGKILL)
    psutil.wait_procs(victims, timeout=30)
    return len(victims)


FUNCTION = (
    "select success, transaction_id from litellm.debit_user_credits("
    "'crash', %s, 'openai', 'gpt-4', 1, 1, request_id => %s)"
)
DEBITS = {
    "function": FUNCTION,
    "early_release": "call litellm.debit_user_credits_early_release("
                     "'crash', %s, 'openai', 'gpt-4', 1, 1, request_id => %s)",
    "slots": FUNCTION,
}
SLOTS = {"slots": 4}


@pytest.mark.slow
@pytest.mark.parametrize("debit", sorted(DEBITS))
def test_acknowledged_debits_survive_sigkill(debit: str) -> None:
    if os.environ.get("LITELLM_DB_TEST_DSN"):
        pytest.skip("needs a server this suite starts and may kill: unset LITELLM_DB_TEST_DSN")
    bindir = find_bindir()
    assert bindir is not None, "PostgreSQL server binaries are required"
    root = Path(tempfile.mkdtemp(prefix="litellm-db-crash-"))
    server = start_cluster(bindir, root, durable=True)
    try:
        name = server.create_database()
        dsn = server.dsn(name)
        with psycopg.connect(dsn, autocommit=True) as conn:
            litellm_db.install(conn)
            assert conn.execute("show synchronous_commit").fetchone() == ("on",)
            assert conn.execute("show fsync").fetchone() == ("on",)
            conn.execute("select litellm.add_user_credits('crash', %s, 'purchase')", (START,))
            if debit in SLOTS:
                conn.execute("select litellm.set_account_slots('crash', %s)", (SLOTS[debit],))

        acknowledged: dict[str, tuple[int, Decimal]] = {}
        attempted: dict[str, Decimal] = {}
        lock = threading.Lock()
        stop = threading.Event()

        def work(n: int) -> None:
            i = 0
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    while not stop.is_set():
                        key, cost = f"crash-{n}-{i}", Decimal(n + 1) / 1000
                        with lock:
                            attempted[key] = cost
                        row = conn.execute(DEBITS[debit], (cost, key)).fetchone()
                        assert row is not None and row[0]
                        with lock:
                            acknowledged[key] = (row[1], cost)
                        i += 1
            except psycopg.OperationalError:
                pass  # the server died under us: expected

        threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
        for t in threads:
            t.start()
        time.sleep(2.0)
        assert server.datadir is not None
        killed = kill_cluster(server.datadir)
        stop.set()
        for t in threads:
            t.join(60)
        assert killed > WORKERS, "the backends were not all killed"
        assert len(acknowledged) > 50, "too little load before the kill to prove anything"

        pg_ctl_start(server)  # crash recovery
        with psycopg.connect(dsn, autocommit=True) as conn:
            rows = conn.execute(
                "select idempotency_key, id, -amount from litellm.credit_transactions"
                " where user_id = 'crash' and transaction_type = 'usage'"
            ).fetchall()
            present = {k: (tx, cost) for k, tx, cost in rows}
            assert len(present) == len(rows), "a request id was charged twice"
            if debit in SLOTS:
                used = conn.execute(
                    "select count(distinct slot) from litellm.credit_transactions"
                    " where user_id = 'crash' and transaction_type = 'usage'"
                ).fetchone()
                assert used is not None and used[0] > 1, "the charges did not spread over the slots"
            lost = {k for k in acknowledged if present.get(k) != acknowledged[k]}
            assert lost == set(), f"{len(lost)} acknowledged debits were lost or changed"
            assert set(present) <= set(attempted), "the journal holds a debit nobody made"
            balance = conn.execute(
                "select uc.credits_remaining + coalesce(sum(s.credits_remaining), 0)"
                " from litellm.user_credits as uc"
                " left join litellm.credit_slots as s on s.user_id = uc.user_id"
                " where uc.user_id = 'crash' group by uc.user_id"
            ).fetchone()
            assert balance == (START - sum(cost for _, cost in present.values()),)
            assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
    finally:
        stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)
