"""Holds expire under load across teams that share an organisation: no deadlock.

A charge may first sweep the account's expired holds, which releases each hold
from the budgets of the team it was made in, and then charge the budgets of
another team; ``expire_credits`` sweeps many accounts in one transaction. When
each step locked its own budget counters in order but the steps followed each
other, two transactions could take the same counters in opposite orders (user
X's debit sweeps a hold made in team B, locking B's counter and then the
organisation's, then waits for team A's; user Y's charge in team A holds A's
and waits for the organisation's). The budget counters a transaction will touch
are now collected and locked in one order before any of them is changed.

Twelve users, each a member of three teams of one organisation (budgets on the
organisation, on every team and on some users), are charged by many workers:
holds with very short TTLs made in one team and left to expire, debits in
another team (which sweep them), settlements, releases and expire_credits().
Afterwards: no 40P01 (nor any other error), verify_ledger() is empty, no budget
counter is past its limit, and once everything is swept nothing is held.
"""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import psycopg
import pytest

WORKERS = 10
OPS = 120
TEAMS = ["lo-a", "lo-b", "lo-c"]
USERS = [f"lo-u{i:02d}" for i in range(12)]
ORG_LIMIT = Decimal(400)
TEAM_LIMIT = Decimal(150)
USER_LIMIT = Decimal(40)


class Worker:
    def __init__(self, dsn: str, n: int, start: threading.Barrier) -> None:
        self.dsn, self.n, self.start = dsn, n, start
        self.rng = random.Random(9100 + n)
        self.errors: list[BaseException] = []
        self.refusals: list[str | None] = []

    def run(self) -> None:
        try:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                # Detect a deadlock quickly instead of after the default second.
                conn.execute("set deadlock_timeout = '50ms'")
                self.start.wait(timeout=30)
                for i in range(OPS):
                    try:
                        self.step(conn, i)
                    except psycopg.Error as exc:
                        self.errors.append(exc)
        except BaseException as exc:
            self.errors.append(exc)

    def step(self, conn: psycopg.Connection, i: int) -> None:
        rng = self.rng
        user, team = rng.choice(USERS), rng.choice(TEAMS)
        meta = psycopg.types.json.Jsonb({"team_id": team})
        roll = rng.random()
        if roll < 0.4:
            row = conn.execute(
                "select success, error_code from litellm.debit_user_credits(%s, %s, 'openai',"
                " 'gpt-4', 10, 5, metadata => %s)",
                (user, Decimal("0.5"), meta),
            ).fetchone()
            assert row is not None
            if not row[0]:
                self.refusals.append(row[1])
        elif roll < 0.85:
            key = f"lo-w{self.n}-{i}"
            ttl = f"{rng.choice([5, 20, 60])} milliseconds"
            row = conn.execute(
                "select success, error_code"
                " from litellm.reserve_credits(%s, %s, %s, %s::interval, %s)",
                (user, Decimal(2), key, ttl, meta),
            ).fetchone()
            assert row is not None
            if not row[0]:
                self.refusals.append(row[1])
                return
            fate = rng.random()
            if fate < 0.5:
                return  # left to expire: a later debit or expire_credits() sweeps it
            try:
                if fate < 0.8:
                    conn.execute("select litellm.settle_reservation(%s, %s, %s, 'openai', 'gpt-4',"
                                 " 10, 5)", (user, key, Decimal(1)))
                else:
                    conn.execute("select litellm.release_reservation(%s, %s)", (user, key))
            except psycopg.Error as exc:
                # LD302: it expired before it could be settled; the sweep ends it.
                if exc.diag.sqlstate != "LD302":
                    raise
        else:
            conn.execute("select litellm.expire_credits()")


@pytest.fixture
def shared_org(conn: psycopg.Connection, db: str) -> str:
    conn.execute("select litellm.create_organization('lo-org')")
    conn.execute("select litellm.set_budget('organization', %s, organization_id => 'lo-org',"
                 " period => 'monthly')", (ORG_LIMIT,))
    for team in TEAMS:
        conn.execute("select litellm.create_team(%s, 'lo-org')", (team,))
        conn.execute("select litellm.set_budget('team', %s, team_id => %s, period => 'monthly')",
                     (TEAM_LIMIT, team))
    for n, user in enumerate(USERS):
        conn.execute("select litellm_test.funded_user(%s, 1000)", (user,))
        # No monthly cap: the only refusals this test expects are the budgets'.
        conn.execute("select litellm.set_user_tier(%s, 'enterprise')", (user,))
        for k, team in enumerate(TEAMS):
            conn.execute("select litellm.add_team_member(%s, %s, is_primary => %s)",
                         (user, team, k == n % len(TEAMS)))
        if n % 3 == 0:
            conn.execute("select litellm.set_budget('user', %s, user_id => %s, period => 'none')",
                         (USER_LIMIT, user))
    return db


def test_holds_expiring_across_teams_never_deadlock(
    shared_org: str, conn: psycopg.Connection
) -> None:
    start = threading.Barrier(WORKERS)
    workers = [Worker(shared_org, n, start) for n in range(WORKERS)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    errors = [e for w in workers for e in w.errors]
    deadlocks = [e for e in errors if isinstance(e, psycopg.errors.DeadlockDetected)]
    assert not deadlocks, f"{len(deadlocks)} deadlocks (40P01), first: {deadlocks[0]}"
    assert not errors, errors[:3]
    refusals = {code for w in workers for code in w.refusals}
    assert refusals <= {"budget_exceeded"}, refusals

    time.sleep(0.2)  # every hold's TTL has passed
    while conn.execute("select more_due from litellm.expire_credits()").fetchone() == (True,):
        pass
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
    over = conn.execute(
        "select b.budget_id, b.level, c.spent, c.held, b.hard_limit"
        " from litellm.budget_counters as c inner join litellm.budgets as b using (budget_id)"
        " where c.spent + c.held > b.hard_limit"
    ).fetchall()
    assert over == [], over
    held = conn.execute(
        "select coalesce(sum(held), 0) from litellm.budget_counters").fetchone()
    live = conn.execute(
        "select count(*) from litellm.credit_holds where status = 'held'").fetchone()
    assert live == (0,) and held == (0,), (live, held)
