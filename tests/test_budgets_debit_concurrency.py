"""Many users of one team race a hard team budget through the real debit functions.

tests/test_budgets_concurrency.py races ``_apply_budgets`` through a test-only
wrapper; this test goes through the API a gateway calls:
``debit_user_credits`` for most calls and ``reserve_credits`` +
``settle_reservation`` for the rest. 24 users of team dr-t1 (hard limit 20)
and 8 users of team dr-t2 (no binding limit) share the organisation dr-org
(hard limit 30); every call costs 0.25 (a reservation holds 0.75 and settles
at 0.25); nobody runs short of credits, so only the budgets refuse.

Afterwards: no budget is past its limit; each counter equals the successful
calls times the cost, and equals the sum of the journal's usage entries of the
users it covers; nothing is left held; every refusal is ``budget_exceeded``;
no call failed (no deadlock, 40P01, nor anything else); verify_ledger() finds
nothing. A budget checked before its counter is locked (read, then update)
lets concurrent calls overshoot the limit or lose updates, and fails here.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from decimal import Decimal

import psycopg
import pytest

WORKERS = 16
OPS = 40
COST = Decimal("0.25")
HOLD = Decimal("0.75")
TEAM_LIMIT = Decimal(20)
ORG_LIMIT = Decimal(30)
T1_USERS = [f"dr-a{i:02d}" for i in range(24)]
T2_USERS = [f"dr-b{i:02d}" for i in range(8)]


class Worker:
    """One connection making OPS calls; records what the database answered."""

    def __init__(self, dsn: str, n: int, start: threading.Barrier) -> None:
        self.dsn, self.n, self.start = dsn, n, start
        self.rng = random.Random(4200 + n)
        self.charged: Counter[str] = Counter()  # user -> successful calls
        self.refusals: list[tuple[str, str, str]] = []  # (user, error_code, message)
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
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
        user = rng.choice(T1_USERS if rng.random() < 0.75 else T2_USERS)
        if rng.random() < 0.75:
            row = conn.execute(
                "select success, error_code, error_message, amount_debited"
                " from litellm.debit_user_credits(%s, %s, 'openai', 'gpt-4', 10, 5)",
                (user, COST),
            ).fetchone()
            assert row is not None
            if row[0]:
                assert row[3] == COST
                self.charged[user] += 1
            else:
                self.refusals.append((user, row[1], row[2]))
            return
        request = f"dr-w{self.n}-{i}"
        row = conn.execute(
            "select success, error_code, error_message"
            " from litellm.reserve_credits(%s, %s, %s)",
            (user, HOLD, request),
        ).fetchone()
        assert row is not None
        if not row[0]:
            self.refusals.append((user, row[1], row[2]))
            return
        settled = conn.execute(
            "select success, amount_charged, amount_uncovered"
            " from litellm.settle_reservation(%s, %s, %s, 'openai', 'gpt-4', 10, 5)",
            (user, request, COST),
        ).fetchone()
        assert settled == (True, COST, 0), f"a settlement within its hold: {settled}"
        self.charged[user] += 1


@pytest.fixture
def race_db(conn: psycopg.Connection, db: str) -> str:
    conn.execute("select litellm.create_organization('dr-org')")
    conn.execute("select litellm.set_budget('organization', %s, organization_id => 'dr-org',"
                 " period => 'none')", (ORG_LIMIT,))
    for team, limit in (("dr-t1", TEAM_LIMIT), ("dr-t2", Decimal(1000))):
        conn.execute("select litellm.create_team(%s, 'dr-org')", (team,))
        conn.execute("select litellm.set_budget('team', %s, team_id => %s, period => 'none')",
                     (limit, team))
    for team, users in (("dr-t1", T1_USERS), ("dr-t2", T2_USERS)):
        for user in users:
            conn.execute("select litellm_test.funded_user(%s, 100)", (user,))
            conn.execute("select litellm.add_team_member(%s, %s)", (user, team))
    return db


def test_many_users_race_one_team_budget_through_the_debit(
    race_db: str, conn: psycopg.Connection
) -> None:
    start = threading.Barrier(WORKERS)
    workers = [Worker(race_db, n, start) for n in range(WORKERS)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung (a lock wait that never ends)"

    errors = [e for w in workers for e in w.errors]
    deadlocks = [e for e in errors
                 if isinstance(e, psycopg.Error) and e.sqlstate == "40P01"]
    assert deadlocks == [], f"{len(deadlocks)} deadlocks (40P01)"
    assert errors == [], f"calls failed: {errors[:3]}"

    charged: Counter[str] = Counter()
    for w in workers:
        charged.update(w.charged)
    refusals = [r for w in workers for r in w.refusals]
    assert {code for _, code, _ in refusals} == {"budget_exceeded"}, refusals[:3]
    t1_calls = sum(charged[u] for u in T1_USERS)
    t2_calls = sum(charged[u] for u in T2_USERS)

    counters = {
        level + ":" + subject: (spent, held, limit)
        for level, subject, spent, held, limit in conn.execute(
            "select b.level, coalesce(b.team_id, b.organization_id), c.spent, c.held, b.hard_limit"
            " from litellm.budgets as b join litellm.budget_counters as c using (budget_id)"
        )
    }
    assert sorted(counters) == ["organization:dr-org", "team:dr-t1", "team:dr-t2"], \
        "one counter per budget (period none)"
    team_spent, team_held, _ = counters["team:dr-t1"]
    org_spent, org_held, _ = counters["organization:dr-org"]
    assert team_held == org_held == counters["team:dr-t2"][1] == 0, "a hold was left behind"
    assert team_spent <= TEAM_LIMIT, f"team dr-t1 spent {team_spent}, limit {TEAM_LIMIT}"
    assert org_spent <= ORG_LIMIT, f"organisation spent {org_spent}, limit {ORG_LIMIT}"
    assert team_spent == t1_calls * COST, "the team counter equals its successful calls"
    assert counters["team:dr-t2"][0] == t2_calls * COST
    assert org_spent == (t1_calls + t2_calls) * COST

    def journal(users: list[str]) -> Decimal:
        row = conn.execute(
            "select coalesce(-sum(t.amount), 0) from litellm.credit_transactions as t"
            " where t.transaction_type = 'usage' and t.user_id = any(%s)", (users,)
        ).fetchone()
        assert row is not None
        return Decimal(row[0])

    assert journal(T1_USERS) == team_spent, "the journal's usage equals the team counter"
    assert journal(T1_USERS + T2_USERS) == org_spent
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []

    # The race was real: both shared budgets filled up and refused concurrent calls.
    levels = {message.split(" budget ", 1)[0] for _, _, message in refusals}
    assert {"Team", "Organization"} <= levels, levels
    assert team_spent > TEAM_LIMIT / 2 and org_spent > ORG_LIMIT / 2
