"""Races against one balance, with real connections: exact, never negative, never twice."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def race(dsn: str, workers: int, work: Callable[[psycopg.Connection, int], Any]) -> list[Any]:
    """Run ``work(conn, i)`` on ``workers`` connections released together; return results."""
    conns = [psycopg.connect(dsn, autocommit=True) for _ in range(workers)]
    results: list[Any] = [None] * workers
    gate = threading.Barrier(workers)

    def run(i: int) -> None:
        gate.wait()
        try:
            results[i] = work(conns[i], i)
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
    finally:
        for c in conns:
            c.close()
    return results


def debit(conn: psycopg.Connection, user: str, cost: Decimal, request_id: str) -> tuple:
    row = conn.execute(
        "select success, error_code, replayed, transaction_id from litellm.debit_user_credits("
        "%s, %s, 'openai', 'gpt-4', 10, 20, 'balanced', %s)",
        (user, cost, Jsonb({"request_id": request_id})),
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_200_concurrent_debits_against_a_balance_for_50(conn: psycopg.Connection, db: str) -> None:
    conn.execute("select litellm.add_user_credits('hot', 50, 'purchase')")
    results = race(db, 200, lambda c, i: debit(c, "hot", Decimal(1), f"req-{i}"))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors[:3]
    outcomes = Counter((ok, code) for ok, code, _, _ in results)
    assert outcomes == {(True, None): 50, (False, "insufficient_credits"): 150}
    row = conn.execute(
        "select credits_remaining, total_spent, last_seq from litellm.user_credits"
        " where user_id = 'hot'"
    ).fetchone()
    assert row == (Decimal(0), Decimal(50), 51)
    usage = conn.execute(
        "select count(*), sum(amount) from litellm.credit_transactions"
        " where user_id = 'hot' and transaction_type = 'usage'"
    ).fetchone()
    assert usage == (50, Decimal(-50))


def test_concurrent_replays_of_one_stripe_charge_credit_once(
    conn: psycopg.Connection, db: str
) -> None:
    def buy(c: psycopg.Connection, i: int) -> tuple:
        # half the workers claim the charge for the right user, half for others
        row = c.execute(
            "select transaction_id, replayed from litellm.add_user_credits("
            "'buyer', 500, 'purchase', 'stripe', 'ch_race', 2, null)"
        ).fetchone()
        assert row is not None
        return tuple(row)

    results = race(db, 24, buy)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(replayed for _, replayed in results) == [False] + [True] * 23
    assert len({tx for tx, _ in results}) == 1
    assert conn.execute(
        "select credits_remaining from litellm.user_credits where user_id = 'buyer'"
    ).fetchone() == (Decimal(500),)


def test_a_charge_raced_for_two_users_credits_one(conn: psycopg.Connection, db: str) -> None:
    def buy(c: psycopg.Connection, i: int) -> object:
        return c.execute(
            "select replayed from litellm.add_user_credits(%s, 100, 'purchase', 'stripe',"
            " 'ch_contested', 1, null)", (f"claimant-{i % 2}",)
        ).fetchone()

    results = race(db, 16, buy)
    conflicts = [r for r in results if isinstance(r, psycopg.Error)]
    assert all(e.diag.sqlstate == "LD101" for e in conflicts), conflicts
    assert len(conflicts) == 8  # every call for the user who lost the race
    assert conn.execute(
        "select count(*) from litellm.credit_transactions"
        " where stripe_transaction_id = 'ch_contested'"
    ).fetchone() == (1,)


def test_concurrent_replays_of_one_request_charge_once(conn: psycopg.Connection, db: str) -> None:
    conn.execute("select litellm.add_user_credits('retrier', 10, 'purchase')")
    results = race(db, 32, lambda c, i: debit(c, "retrier", Decimal("0.25"), "req-retried"))
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(r[2] for r in results) == [False] + [True] * 31
    assert len({r[3] for r in results}) == 1
    assert conn.execute(
        "select credits_remaining from litellm.user_credits where user_id = 'retrier'"
    ).fetchone() == (Decimal("9.75"),)


def test_mixed_load_keeps_every_account_equal_to_its_journal(
    conn: psycopg.Connection, db: str
) -> None:
    users = [f"mixed-{n}" for n in range(4)]
    for u in users:
        conn.execute("select litellm.add_user_credits(%s, 20, 'purchase')", (u,))

    def work(c: psycopg.Connection, i: int) -> Counter:
        rng = random.Random(i)
        seen: Counter = Counter()
        for n in range(40):
            user = rng.choice(users)
            if rng.random() < 0.15:
                c.execute("select litellm.add_user_credits(%s, %s, 'bonus')",
                          (user, Decimal(rng.randint(1, 5))))
                seen["credit"] += 1
            else:
                ok, *_ = debit(c, user, Decimal(rng.randint(1, 300)) / 100, f"m-{i}-{n}")
                seen["debit_ok" if ok else "debit_refused"] += 1
        return seen

    results = race(db, 16, work)
    assert [r for r in results if isinstance(r, BaseException)] == []
    total = sum(results, Counter())
    assert total["debit_refused"] > 0, "the load never reached an empty balance"
    broken = conn.execute(
        """
        select u.user_id from litellm.user_credits as u
        left join lateral (
            select coalesce(sum(t.amount), 0) as s, count(*) as n, coalesce(max(t.seq), 0) as m,
                   min(t.balance_after) as low
            from litellm.credit_transactions as t where t.user_id = u.user_id
        ) as j on true
        where u.credits_remaining <> j.s or j.n <> j.m or u.last_seq <> j.m or j.low < 0
        """
    ).fetchall()
    assert broken == []
    usage = conn.execute(
        "select count(*) from litellm.credit_transactions where transaction_type = 'usage'"
    ).fetchone()
    assert usage == (total["debit_ok"],)
