"""Many workers, real connections, a few shared accounts: the ledger must stay exact.

Every worker mixes debits, holds with settlements or releases, refunds, purchases
and replays on three users, and keeps its own account of what the database
acknowledged. Afterwards no balance is below zero, verify_ledger() is empty, no
worker saw a deadlock, and each balance equals the start plus what was
acknowledged.
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from decimal import Decimal

import psycopg
import pytest

USERS = ["acct-a", "acct-b", "acct-c"]
START = Decimal(15)
WORKERS = 12
OPS = 50


def cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) / 100


class Worker:
    def __init__(self, dsn: str, n: int) -> None:
        self.dsn, self.n = dsn, n
        self.rng = random.Random(n)
        self.delta: dict[str, Decimal] = defaultdict(Decimal)  # acknowledged balance changes
        self.charges: list[tuple[str, int, Decimal]] = []  # (user, transaction id, cost)
        self.errors: list[BaseException] = []
        self.refused = 0

    def run(self) -> None:
        try:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                for i in range(OPS):
                    self.step(conn, i)
        except BaseException as exc:
            self.errors.append(exc)

    def step(self, conn: psycopg.Connection, i: int) -> None:
        rng, user = self.rng, self.rng.choice(USERS)
        key = f"w{self.n}-{i}"
        roll = rng.random()
        if roll < 0.45:
            cost = cents(rng, 1, 300)
            ok, tx, _ = conn.execute(
                "select success, transaction_id, replayed from litellm.debit_user_credits("
                "%s, %s, 'openai', 'gpt-4', 10, 10, 'balanced', request_id => %s)",
                (user, cost, key),
            ).fetchone()
            if ok:
                self.delta[user] -= cost
                self.charges.append((user, tx, cost))
                # a retry of the same request must not charge again
                again = conn.execute(
                    "select replayed, transaction_id from litellm.debit_user_credits("
                    "%s, %s, 'openai', 'gpt-4', 10, 10, 'balanced', request_id => %s)",
                    (user, cost, key),
                ).fetchone()
                assert again == (True, tx)
            else:
                self.refused += 1
        elif roll < 0.70:
            hold = cents(rng, 50, 400)
            ok = conn.execute(
                "select success from litellm.reserve_credits(%s, %s, %s)", (user, hold, key)
            ).fetchone()[0]
            if not ok:
                self.refused += 1
                return
            if rng.random() < 0.75:
                actual = (hold * Decimal(rng.randint(0, 120)) / 100).quantize(Decimal("0.01"))
                tx, charged = conn.execute(
                    "select transaction_id, amount_charged from litellm.settle_reservation("
                    "%s, %s, %s, 'anthropic', 'claude', 5, 5)", (user, key, actual),
                ).fetchone()
                self.delta[user] -= charged
                self.charges.append((user, tx, charged))
            else:
                conn.execute("select litellm.release_reservation(%s, %s)", (user, key))
        elif roll < 0.85 and self.charges:
            c_user, tx, cost = rng.choice(self.charges)
            part = (cost / 2).quantize(Decimal("0.000001"))
            if part == 0:
                return
            try:
                refunded = conn.execute(
                    "select amount_refunded from litellm.refund_transaction(%s, 'test', %s, %s)",
                    (tx, f"rf-{key}", part),
                ).fetchone()[0]
            except psycopg.Error as exc:
                if exc.diag.sqlstate != "LD306":  # refunded enough already
                    raise
                return
            self.delta[c_user] += refunded
        else:
            amount = Decimal(rng.randint(1, 3))
            conn.execute(
                "select litellm.add_user_credits(%s, %s, 'purchase', 'stripe', %s)",
                (user, amount, f"ch-{key}"),
            )
            self.delta[user] += amount


@pytest.mark.slow
def test_a_mixed_concurrent_load_keeps_the_ledger_exact(conn: psycopg.Connection, db: str) -> None:
    for user in USERS:
        conn.execute("select litellm.add_user_credits(%s, %s, 'purchase')", (user, START))
    workers = [Worker(db, n) for n in range(WORKERS)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)

    errors = [e for w in workers for e in w.errors]
    deadlocks = [e for e in errors if isinstance(e, psycopg.Error) and e.diag.sqlstate == "40P01"]
    assert deadlocks == []
    assert errors == []
    assert sum(w.refused for w in workers) > 0, "the load never ran an account dry"

    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
    for user in USERS:
        expected = START + sum((w.delta[user] for w in workers), Decimal(0))
        balance, held = conn.execute(
            "select credits_remaining, credits_held from litellm.user_credits where user_id = %s",
            (user,),
        ).fetchone()
        assert balance == expected, user
        assert balance >= 0 and held >= 0
    live = conn.execute(
        "select count(*) from litellm.credit_holds where status = 'held'"
    ).fetchone()
    assert live is not None


def test_a_debit_that_waited_for_a_grant_takes_the_new_lot_first(
    conn: psycopg.Connection, db: str
) -> None:
    """A debit queued behind a grant sees the grant's lot, though it began before the commit.

    The debit's one-statement fast path reads the lots with the snapshot it
    took before it waited for the account row. Trial credits (priority 10) are
    consumed before purchased ones (100), so a debit that used a stale view
    of the lots would take from the purchase instead.
    """
    conn.execute("select litellm.add_user_credits('waiter', 10, 'purchase')")
    granter = psycopg.connect(db)
    try:
        # Holds the account row until it commits.
        granter.execute("select litellm.add_user_credits('waiter', 5, 'trial')")
        result: list[tuple] = []
        errors: list[BaseException] = []

        def debit() -> None:
            try:
                with psycopg.connect(db, autocommit=True) as c:
                    result.append(c.execute(
                        "select success, transaction_id"
                        " from litellm.debit_user_credits('waiter', 2, request_id => 'r1')"
                    ).fetchone())
            except BaseException as exc:
                errors.append(exc)

        t = threading.Thread(target=debit)
        t.start()
        # Wait until the debit is queued on the account row, then commit the grant.
        for _ in range(200):
            waiting = conn.execute(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                " and query like '%debit_user_credits%' and datname = current_database()"
            ).fetchone()[0]
            if waiting:
                break
            threading.Event().wait(0.02)
        assert waiting, "the debit never waited for the account row"
        granter.commit()
        t.join(30)
    finally:
        granter.close()
    assert not errors, errors
    assert result and result[0][0] is True
    taken = conn.execute(
        "select l.transaction_type, a.amount from litellm.credit_allocations as a"
        " join litellm.credit_lots as l using (lot_id) where a.transaction_id = %s",
        (result[0][1],),
    ).fetchall()
    assert taken == [("trial", Decimal("2.000000"))]
    assert conn.execute("select count(*) from litellm.verify_ledger()").fetchone()[0] == 0
