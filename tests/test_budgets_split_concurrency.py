"""Many users race one split team budget and one split organisation budget through the API.

A split budget (``set_budget_shares``) counts each period in several rows so
that concurrent charges of its users need not queue on one; this test checks
that the limit stays exact under the race. 16 workers, each with users of their
own, call ``debit_user_credits``, ``reserve_credits`` + ``settle_reservation``
(within the hold and beyond it), ``reserve_credits`` + ``release_reservation``
and ``refund_transaction`` of their earlier debits. 24 users are in team st-t1
(hard limit 16, split in 8), 8 in team st-t2 (one row, no binding limit), all
in the organisation st-org (hard limit 30, split in 4). Amounts are multiples
of 0.25, nobody runs short of credits, so only the budgets refuse. The team's
users make about three charges in four, so the team fills up first (its users
are then refused by it) and the team st-t2 users fill the organisation after:
both split budgets refuse in every run.

Afterwards: no budget is past its limit; each budget's spending (the sum over
its rows) equals what the workers were told was charged less what was refunded;
nothing is left held; every refusal is ``budget_exceeded`` and names totals
that leave no room (spent + held + amount > limit for the budget as a whole: a
split budget that refused because one row was full while another had room
fails here); the quotas of each split budget add up to zero and no row counts
more than its part; verify_ledger() finds nothing; no call failed (zero 40P01).

Run with two mixes: as above, and settle-heavy (about two calls in three a hold
and its settlement below, at or beyond the hold, as on the gateway's path, the
rest debits, releases and refunds), so that settlements take the rows that hold
their holds without waiting, meet each other and the debits, and fall back to
every row in share order when no free row fits. Each mix twice: as above, and
with four of the users made slot accounts of four slots (``set_account_slots``)
that every worker charges besides its own users, so that slot picks,
consolidations and settlements beyond a hold meet the split counters in one
lock order (slots, then counters).
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from decimal import Decimal

import psycopg
import pytest

WORKERS = 16
OPS = 50
UNIT = Decimal("0.25")
TEAM_LIMIT = Decimal(16)
ORG_LIMIT = Decimal(30)
T1_USERS = [f"st-a{i:02d}" for i in range(24)]
T2_USERS = [f"st-b{i:02d}" for i in range(8)]
SLOT_USERS = T1_USERS[:3] + T2_USERS[:1]
# The share of calls below each bound: (refunds, debits, holds released); the rest are settled.
MIXES = {"mixed": (0.15, 0.6, 0.7), "settle_heavy": (0.1, 0.25, 0.35)}
REFUSAL = re.compile(
    r"^(\w+) budget \d+ \([^)]*\) would be exceeded: limit ([\d.]+), spent ([\d.]+), held ([\d.]+),"
    r" (?:cost|hold) ([\d.]+)$"
)


class Worker:
    """One connection making OPS calls for its own users; records what the database answered."""

    def __init__(self, dsn: str, n: int, start: threading.Barrier, shared: list[str],
                 mix: tuple[float, float, float]) -> None:
        self.dsn, self.n, self.start, self.mix = dsn, n, start, mix
        self.rng = random.Random(5100 + n)
        self.users = [u for i, u in enumerate(T1_USERS + T2_USERS)
                      if i % WORKERS == n and u not in shared] + shared
        self.spent: Counter[str] = Counter()  # user -> charged less refunded
        self.debits: list[tuple[str, int, Decimal]] = []  # refundable: (user, transaction_id, cost)
        self.refusals: list[tuple[str, str, str]] = []  # (user, error_code, message)
        self.beyond: Counter[bool] = Counter()  # settlements beyond the hold: charged in full?
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
        user = rng.choice(self.users)
        r = rng.random()
        refunds, debits, releases = self.mix
        if r < refunds and self.debits:
            user, tid, cost = self.debits.pop(rng.randrange(len(self.debits)))
            row = conn.execute(
                "select amount_refunded from litellm.refund_transaction(%s, 'test', %s)",
                (tid, f"st-refund-{tid}"),
            ).fetchone()
            assert row is not None and row[0] == cost, row
            self.spent[user] -= cost
            return
        if r < debits:
            cost = UNIT * rng.randint(1, 3)
            row = conn.execute(
                "select success, error_code, error_message, transaction_id"
                " from litellm.debit_user_credits(%s, %s, 'openai', 'gpt-4', 10, 5)",
                (user, cost),
            ).fetchone()
            assert row is not None
            if row[0]:
                self.spent[user] += cost
                self.debits.append((user, row[3], cost))
            else:
                self.refusals.append((user, row[1], row[2]))
            return
        request = f"st-w{self.n}-{i}"
        hold = UNIT * 2
        row = conn.execute(
            "select success, error_code, error_message from litellm.reserve_credits(%s, %s, %s)",
            (user, hold, request),
        ).fetchone()
        assert row is not None
        if not row[0]:
            self.refusals.append((user, row[1], row[2]))
            return
        if r < releases:
            released = conn.execute(
                "select released from litellm.release_reservation(%s, %s)", (user, request)
            ).fetchone()
            assert released == (True,), released
            return
        actual = UNIT * rng.choice([1, 2, 3])
        settled = conn.execute(
            "select success, amount_charged from litellm.settle_reservation(%s, %s, %s,"
            " 'openai', 'gpt-4', 10, 5)",
            (user, request, actual),
        ).fetchone()
        assert settled is not None and settled[0], settled
        # Beyond the hold a budget may refuse the overage: then the hold is charged.
        assert settled[1] in (actual, hold), settled
        if actual > hold:
            self.beyond[settled[1] == actual] += 1
        self.spent[user] += settled[1]


@pytest.fixture(params=[False, True], ids=["one_slot_accounts", "with_slot_accounts"])
def slot_users(request: pytest.FixtureRequest) -> list[str]:
    return SLOT_USERS if request.param else []


@pytest.fixture
def race_db(conn: psycopg.Connection, db: str, slot_users: list[str]) -> str:
    conn.execute("select litellm.create_organization('st-org')")
    org = conn.execute("select budget_id from litellm.set_budget('organization', %s,"
                       " organization_id => 'st-org', period => 'none')", (ORG_LIMIT,)).fetchone()
    assert org is not None
    conn.execute("select litellm.set_budget_shares(%s, 4)", (org[0],))
    for team, limit in (("st-t1", TEAM_LIMIT), ("st-t2", Decimal(1000))):
        conn.execute("select litellm.create_team(%s, 'st-org')", (team,))
        row = conn.execute("select budget_id from litellm.set_budget('team', %s, team_id => %s,"
                           " period => 'none')", (limit, team)).fetchone()
        assert row is not None
        if team == "st-t1":
            conn.execute("select litellm.set_budget_shares(%s, 8)", (row[0],))
    for team, users in (("st-t1", T1_USERS), ("st-t2", T2_USERS)):
        for user in users:
            conn.execute("select litellm_test.funded_user(%s, 1000)", (user,))
            conn.execute("select litellm.add_team_member(%s, %s)", (user, team))
    for user in slot_users:
        conn.execute("select litellm.set_account_slots(%s, 4)", (user,))
    return db


@pytest.mark.parametrize("mix", list(MIXES))
def test_many_users_race_split_budgets(race_db: str, conn: psycopg.Connection,
                                       slot_users: list[str], mix: str) -> None:
    start = threading.Barrier(WORKERS)
    workers = [Worker(race_db, n, start, slot_users, MIXES[mix]) for n in range(WORKERS)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads), "a worker hung (a lock wait that never ends)"

    errors = [e for w in workers for e in w.errors]
    deadlocks = [e for e in errors if isinstance(e, psycopg.Error) and e.sqlstate == "40P01"]
    assert deadlocks == [], f"{len(deadlocks)} deadlocks (40P01): {deadlocks[:2]}"
    assert errors == [], f"calls failed: {errors[:3]}"

    # Every refusal is a budget's, and the totals it names leave no room.
    refusals = [r for w in workers for r in w.refusals]
    assert {code for _, code, _ in refusals} == {"budget_exceeded"}, refusals[:3]
    levels = set()
    for _, _, message in refusals:
        m = REFUSAL.match(message)
        assert m, message
        level, limit, spent, held, amount = m.groups()
        levels.add(level)
        assert Decimal(spent) + Decimal(held) + Decimal(amount) > Decimal(limit), \
            f"refused while the budget had room: {message}"
    assert {"Team", "Organization"} <= levels, "both shared budgets filled up and refused"
    beyond: Counter[bool] = Counter()
    for w in workers:
        beyond.update(w.beyond)
    assert beyond[True] and beyond[False], \
        f"settlements beyond the hold charged in full and refused the overage: {beyond}"

    spent: Counter[str] = Counter()
    for w in workers:
        spent.update(w.spent)
    totals = {
        subject: (total_spent, total_held, limit, rows, quotas, over)
        for subject, total_spent, total_held, limit, rows, quotas, over in conn.execute(
            "select coalesce(b.team_id, b.organization_id), sum(c.spent), sum(c.held),"
            " b.hard_limit, count(*), sum(c.quota),"
            " count(*) filter (where c.spent + c.held"
            "   > litellm._budget_share_limit(c.share, b.hard_limit, c.quota))"
            " from litellm.budgets as b join litellm.budget_counters as c using (budget_id)"
            " group by b.budget_id"
        )
    }
    assert totals["st-t1"][3] == 8 and totals["st-org"][3] == 4 and totals["st-t2"][3] == 1
    for subject, (total_spent, total_held, limit, _, quotas, over) in totals.items():
        assert total_held == 0, f"{subject}: a hold was left behind"
        assert total_spent <= limit, f"{subject} spent {total_spent}, limit {limit}"
        assert quotas == 0, f"{subject}: the parts of the limit do not add up to it"
        assert over == 0, f"{subject}: a row counts more than its part"
    assert totals["st-t1"][0] == sum(spent[u] for u in T1_USERS)
    assert totals["st-t2"][0] == sum(spent[u] for u in T2_USERS)
    assert totals["st-org"][0] == sum(spent.values())
    assert totals["st-t1"][0] > TEAM_LIMIT / 2 and totals["st-org"][0] > ORG_LIMIT / 2

    row = conn.execute(
        "select coalesce(-sum(t.amount), 0) from litellm.credit_transactions as t"
        " where t.transaction_type in ('usage', 'refund') and t.user_id = any(%s)",
        (T1_USERS + T2_USERS,),
    ).fetchone()
    assert row is not None and row[0] == totals["st-org"][0], "the journal equals the budget"
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
    if slot_users:
        row = conn.execute(
            "select count(distinct (user_id, slot)) from litellm.credit_transactions"
            " where user_id = any(%s) and transaction_type = 'usage'", (slot_users,)).fetchone()
        assert row is not None and row[0] > len(slot_users), "the slot accounts used one slot each"


@pytest.mark.parametrize("cost", [Decimal(1), Decimal(2), Decimal(3)], ids=["below", "at", "above"])
def test_a_settlement_does_not_wait_for_another_on_a_split_budget(
    conn: psycopg.Connection, db: str, cost: Decimal
) -> None:
    """While one user's settlement is uncommitted, another user's settlement on the same split
    team and organisation budgets commits without waiting for it: each takes a row that holds
    its hold (and has room for what it costs beyond), it does not lock every row first.

    The holds are made from two connections that start on different rows (``pg_backend_pid()
    % shares``), as a pool's connections do; the waiting settlement would be cancelled by its
    statement_timeout (the settlement's own lock_timeout is 5 s)."""
    conn.execute("select litellm.create_organization('sw-org')")
    conn.execute("select litellm.create_team('sw-team', 'sw-org')")
    for level, key, subject in (("organization", "organization_id", "sw-org"),
                                ("team", "team_id", "sw-team")):
        conn.execute(f"select litellm.set_budget_shares(b.budget_id, 4)"
                     f" from litellm.set_budget(%s, 1000, {key} => %s) as b", (level, subject))
    users = ["sw-u1", "sw-u2"]
    for user in users:
        conn.execute("select litellm_test.funded_user(%s, 100)", (user,))
        conn.execute("select litellm.add_team_member(%s, 'sw-team')", (user,))
    holders: dict[int, psycopg.Connection] = {}
    try:
        while len(holders) < 2:
            c = psycopg.connect(db, autocommit=True)
            if c.info.backend_pid % 4 in holders:
                c.close()
            else:
                holders[c.info.backend_pid % 4] = c
        for user, c in zip(users, holders.values(), strict=True):
            row = c.execute("select success from litellm.reserve_credits(%s, 2, 'sw-call')",
                            (user,)).fetchone()
            assert row == (True,)
    finally:
        for c in holders.values():
            c.close()

    with psycopg.connect(db) as first, psycopg.connect(db, autocommit=True) as second:
        row = first.execute("select amount_charged from litellm.settle_reservation('sw-u1',"
                            " 'sw-call', 2)").fetchone()  # its transaction stays open
        assert row is not None and row[0] == 2
        second.execute("set statement_timeout = '3s'")
        row = second.execute("select amount_charged, amount_uncovered from"
                             " litellm.settle_reservation('sw-u2', 'sw-call', %s)",
                             (cost,)).fetchone()
        assert row == (cost, 0), row
        first.commit()
    rows = conn.execute(
        "select b.level, sum(c.spent), sum(c.held) from litellm.budgets as b"
        " join litellm.budget_counters as c using (budget_id)"
        " where b.team_id = 'sw-team' or b.organization_id = 'sw-org'"
        " group by b.level order by b.level").fetchall()
    assert rows == [("organization", 2 + cost, 0), ("team", 2 + cost, 0)]
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
