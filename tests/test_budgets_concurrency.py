"""Many users of one team race the team's budget: it is never exceeded and nothing deadlocks.

The lead wires ``litellm._apply_budgets`` into the debit functions; until then a
test-only wrapper (created here, not shipped) does what a debit does: lock the
user's account row, then apply the budgets. Workers charge, hold, settle
(release the hold and charge the actual cost in one transaction) and refund
for users of two teams of one organisation, some with user and membership
budgets of their own and a second team, so every lock level is crossed in both
directions. Each worker records what the database acknowledged; afterwards
every counter equals the acknowledged amounts exactly, no counter is past its
limit, no hold is left, and no worker saw 40P01 (or any other error).
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from decimal import Decimal

import psycopg
import pytest

WORKERS = 16
OPS = 60
ORG_LIMIT = Decimal(50)
TEAM_LIMITS = {"race-t1": Decimal(40), "race-t2": Decimal(25)}
USER_LIMIT = Decimal(6)
MEMBERSHIP_LIMIT = Decimal(4)
# 16 users in race-t1, 8 in race-t2; the first 4 of race-t1 are also in race-t2.
PRIMARY = {f"race-u{i:02d}": "race-t1" if i < 16 else "race-t2" for i in range(24)}
SECOND_TEAM = {f"race-u{i:02d}": "race-t2" for i in range(4)}
USER_BUDGETS = {"race-u00", "race-u05", "race-u17"}
MEMBERSHIP_BUDGETS = {("race-u01", "race-t2"), ("race-u06", "race-t1")}

WRAPPERS = """
create schema budget_race;

create function budget_race.apply(uid text, team text, amount numeric, kind text)
returns table (ok boolean, level text, budget_id bigint, error_message text)
language plpgsql
as $$
begin
    perform from litellm.user_credits as uc where uc.user_id = uid for no key update;
    return query select * from litellm._apply_budgets(uid, team, 'gpt-4', amount, kind);
end
$$;

create function budget_race.settle(uid text, team text, held numeric, actual numeric)
returns boolean
language plpgsql
as $$
declare
    v_ok boolean;
begin
    perform from litellm.user_credits as uc where uc.user_id = uid for no key update;
    perform litellm._apply_budgets(uid, team, 'gpt-4', held, 'release');
    select a.ok into v_ok from litellm._apply_budgets(uid, team, 'gpt-4', actual, 'charge') as a;
    return v_ok;
end
$$;
"""


def budgets_for(user: str, team: str) -> list[str]:
    """Names of the budgets a charge of ``user`` in ``team`` counts against."""
    names = [f"team:{team}", "org"]
    if user in USER_BUDGETS:
        names.append(f"user:{user}")
    if (user, team) in MEMBERSHIP_BUDGETS:
        names.append(f"membership:{user}:{team}")
    return names


class Worker:
    def __init__(self, dsn: str, n: int) -> None:
        self.dsn, self.n = dsn, n
        self.rng = random.Random(1000 + n)
        self.spent: dict[str, Decimal] = defaultdict(Decimal)
        self.errors: list[BaseException] = []
        self.refused = 0

    def run(self) -> None:
        try:
            with psycopg.connect(self.dsn, autocommit=True) as conn:
                for _ in range(OPS):
                    self.step(conn)
        except BaseException as exc:
            self.errors.append(exc)

    def apply(self, conn: psycopg.Connection, user: str, team: str | None, amount: Decimal,
              kind: str) -> bool:
        row = conn.execute("select ok from budget_race.apply(%s, %s, %s, %s)",
                           (user, team, amount, kind)).fetchone()
        assert row is not None
        return bool(row[0])

    def step(self, conn: psycopg.Connection) -> None:
        rng = self.rng
        user = rng.choice(sorted(PRIMARY))
        explicit = rng.random() < 0.3 and user in SECOND_TEAM
        team = SECOND_TEAM[user] if explicit else PRIMARY[user]
        amount = Decimal(rng.randint(1, 8)) / 4
        roll = rng.random()
        if roll < 0.6:
            # A debit: the primary team when no team is named.
            if self.apply(conn, user, team if explicit else None, amount, "charge"):
                for name in budgets_for(user, team):
                    self.spent[name] += amount
            else:
                self.refused += 1
        elif roll < 0.9:
            # Reserve, then settle for at most the reserved amount.
            if not self.apply(conn, user, team, amount, "hold"):
                self.refused += 1
                return
            actual = amount / 2
            row = conn.execute("select budget_race.settle(%s, %s, %s, %s)",
                               (user, team, amount, actual)).fetchone()
            assert row is not None and row[0] is True, "a settlement within its hold was refused"
            for name in budgets_for(user, team):
                self.spent[name] += actual
        else:
            # A refund of at most what this worker charged in this context.
            names = budgets_for(user, team)
            room = min(self.spent[name] for name in names)
            amount = min(amount, room)
            if amount > 0:
                assert self.apply(conn, user, team, amount, "refund")
                for name in names:
                    self.spent[name] -= amount


@pytest.fixture
def race_db(conn: psycopg.Connection, db: str) -> str:
    conn.execute(WRAPPERS)
    conn.execute("select litellm.create_organization('race-org')")
    for team in TEAM_LIMITS:
        conn.execute("select litellm.create_team(%s, 'race-org')", (team,))
        conn.execute(
            "select litellm.set_budget('team', %s, team_id => %s, soft_thresholds => '{0.5}')",
            (TEAM_LIMITS[team], team),
        )
    conn.execute("select litellm.set_budget('organization', %s, organization_id => 'race-org')",
                 (ORG_LIMIT,))
    for user, team in PRIMARY.items():
        conn.execute("select litellm_test.funded_user(%s, 1000)", (user,))
        conn.execute("select litellm.add_team_member(%s, %s)", (user, team))
    for user, team in SECOND_TEAM.items():
        conn.execute("select litellm.add_team_member(%s, %s, is_primary => false)", (user, team))
    for user in USER_BUDGETS:
        conn.execute("select litellm.set_budget('user', %s, user_id => %s, period => 'none')",
                     (USER_LIMIT, user))
    for user, team in MEMBERSHIP_BUDGETS:
        conn.execute("select litellm.set_budget('membership', %s, user_id => %s, team_id => %s)",
                     (MEMBERSHIP_LIMIT, user, team))
    return db


def counters(conn: psycopg.Connection) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Budget name -> (spent, held, hard limit) of the current period."""
    rows = conn.execute(
        "select b.level, b.user_id, b.team_id, c.spent, c.held, b.hard_limit"
        " from litellm.budgets as b join litellm.budget_counters as c using (budget_id)"
    ).fetchall()
    out = {}
    for level, user, team, spent, held, limit in rows:
        name = {"organization": "org", "team": f"team:{team}", "user": f"user:{user}",
                "membership": f"membership:{user}:{team}"}[level]
        assert name not in out, "one period only: the test runs inside one UTC day and month"
        out[name] = (spent, held, limit)
    return out


def test_many_users_race_one_team_budget(race_db: str, conn: psycopg.Connection) -> None:
    workers = [Worker(race_db, n) for n in range(WORKERS)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung (a lock wait that never ends)"

    errors = [e for w in workers for e in w.errors]
    deadlocks = [e for e in errors if isinstance(e, psycopg.errors.DeadlockDetected)]
    assert deadlocks == [], f"{len(deadlocks)} deadlocks"
    assert errors == [], f"workers failed: {errors[:3]}"

    acknowledged: dict[str, Decimal] = defaultdict(Decimal)
    for w in workers:
        for name, amount in w.spent.items():
            acknowledged[name] += amount
    found = counters(conn)
    for name, (spent, held, limit) in found.items():
        assert held == 0, f"{name}: every hold was released or settled, yet {held} is held"
        assert spent <= limit, f"{name}: spent {spent} past its limit {limit}"
        assert spent == acknowledged[name], f"{name}: {spent}, acknowledged {acknowledged[name]}"
    assert found["org"][0] == found["team:race-t1"][0] + found["team:race-t2"][0]
    # The race was real: the shared budgets ran out and refused.
    assert sum(w.refused for w in workers) > 0
    assert found["org"][0] > ORG_LIMIT - 3, "the organisation budget was nearly used up"
    # Each threshold alerted once, in the transaction that crossed it.
    alerts = conn.execute(
        "select b.team_id, count(*) from litellm.budget_alerts as a join litellm.budgets as b"
        " using (budget_id) group by b.team_id order by 1"
    ).fetchall()
    assert all(count == 1 for _, count in alerts)
