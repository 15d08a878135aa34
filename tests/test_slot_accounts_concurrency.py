"""Slot accounts under load: many workers charging one account split into slots."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import psycopg
from test_concurrency import race

# Per slot of the account: balance = sum of the slot's journal = the last
# balance_after = the slot's lots; seq 1 .. last_seq without gaps.
SLOT_PROBLEMS = """
    with slots as (
        select 0::smallint as slot, credits_remaining, last_seq
        from litellm.user_credits where user_id = %(user)s
        union all
        select slot, credits_remaining, last_seq
        from litellm.credit_slots where user_id = %(user)s
    )
    select s.slot, s.credits_remaining, j.total, j.entries, j.last_seq, j.last_balance, l.lots
    from slots as s
    cross join lateral (
        select coalesce(sum(t.amount), 0) as total, count(*) as entries,
            coalesce(max(t.seq), 0) as last_seq,
            coalesce((select t2.balance_after from litellm.credit_transactions as t2
                      where t2.user_id = %(user)s and t2.slot = s.slot
                      order by t2.seq desc limit 1), 0) as last_balance
        from litellm.credit_transactions as t where t.user_id = %(user)s and t.slot = s.slot
    ) as j
    cross join lateral (
        select coalesce(sum(l.remaining), 0) as lots from litellm.credit_lots as l
        where l.user_id = %(user)s and l.slot = s.slot
    ) as l
    where s.credits_remaining <> j.total or s.credits_remaining <> j.last_balance
       or s.credits_remaining <> l.lots or s.last_seq <> j.entries or s.last_seq <> j.last_seq
"""


COST = Decimal(3)


def account_balance(conn: psycopg.Connection, user: str) -> Decimal:
    row = conn.execute(
        "select sum(credits_remaining) from (select credits_remaining from litellm.user_credits"
        " where user_id = %(user)s union all select credits_remaining from litellm.credit_slots"
        " where user_id = %(user)s) as s",
        {"user": user},
    ).fetchone()
    assert row is not None
    return row[0]


def charge(conn: psycopg.Connection, user: str, cost: Decimal, request_id: str) -> tuple:
    """debit_user_credits: (success, error_code, replayed, slot, credits_remaining)."""
    row = conn.execute(
        "select success, error_code, replayed, transaction_id, credits_remaining"
        " from litellm.debit_user_credits(%s, %s, 'openai', 'gpt-4', 10, 20, 'balanced',"
        " request_id => %s)",
        (user, cost, request_id),
    ).fetchone()
    assert row is not None
    ok, code, replayed, transaction_id, balance = row
    slot = None
    if transaction_id is not None:
        found = conn.execute(
            "select slot from litellm.credit_transactions where id = %s", (transaction_id,)
        ).fetchone()
        assert found is not None
        slot = found[0]
    return ok, code, replayed, slot, balance


def test_16_workers_charging_a_4_slot_account_are_refused_only_when_it_cannot_pay(
    conn: psycopg.Connection, db: str
) -> None:
    conn.execute("select litellm.add_user_credits('shared', 150, 'purchase')")
    conn.execute("select litellm.add_user_credits('shared', 50.5, 'trial')")
    # No monthly cap in the way: this test is about the balance.
    conn.execute("update litellm.user_credits set monthly_cap = 1000 where user_id = 'shared'")
    slots = conn.execute("select slots from litellm.set_account_slots('shared', 4)").fetchone()
    assert slots == (4,)

    def work(c: psycopg.Connection, i: int) -> list[tuple]:
        # Charge 3 credits until the account as a whole has less than 3; every
        # fifth call replays the last request id. The balance only falls, so a
        # refusal followed by a balance of 3 or more was a refusal while the
        # account could pay: counted as "spurious", and the worker goes on (three
        # times at most).
        seen: list[tuple] = []
        n = 0
        while True:
            n += 1
            result = charge(c, "shared", COST, f"w{i}-{n}")
            if result[0]:
                seen.append(("charge", *result))
                if n % 5 == 0:
                    seen.append(("replay", *charge(c, "shared", COST, f"w{i}-{n}")))
                continue
            if account_balance(c, "shared") >= COST:
                seen.append(("spurious", *result))
                if sum(kind == "spurious" for kind, *_ in seen) < 3:
                    continue
            seen.append(("refused", *result))
            return seen

    results = race(db, 16, work)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors[:3]
    calls = [call for worker in results for call in worker]
    outcomes = Counter((kind, ok, code, replayed) for kind, ok, code, replayed, _, _ in calls)
    assert not any(kind == "spurious" for kind, *_ in calls), outcomes
    # 200.5 credits at 3 a charge: exactly 66 charges, wherever the credits sat
    # (each slot alone had 50.125: 16 charges, 2.125 left behind, without a
    # consolidation).
    assert outcomes[("charge", True, None, False)] == 66, outcomes
    assert outcomes[("refused", False, "insufficient_credits", False)] == 16, outcomes
    assert all(replayed for kind, ok, _, replayed, _, _ in calls if kind == "replay"), outcomes
    # Each refusal saw the whole account, locked, unable to pay.
    assert all(balance < COST for kind, ok, _, _, _, balance in calls if kind == "refused")
    # The charges ran on several slots.
    assert len({slot for kind, ok, _, replayed, slot, _ in calls if kind == "charge"}) > 1

    assert account_balance(conn, "shared") == Decimal("2.5")
    assert conn.execute(
        "select count(*), sum(amount) from litellm.credit_transactions"
        " where user_id = 'shared' and transaction_type = 'usage'"
    ).fetchone() == (66, Decimal(-198))
    assert conn.execute(
        "select count(*), coalesce(sum(amount), 0) from litellm.credit_transactions"
        " where user_id = 'shared' and transaction_type = 'transfer'"
    ).fetchone()[1] == 0
    assert conn.execute(SLOT_PROBLEMS, {"user": "shared"}).fetchall() == []
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []


def test_16_workers_sending_the_same_request_ids_to_a_16_slot_account_charge_each_once(
    conn: psycopg.Connection, db: str
) -> None:
    conn.execute("select litellm.add_user_credits('pairs', 150, 'purchase')")
    conn.execute("select litellm.add_user_credits('pairs', 50.5, 'trial')")
    conn.execute("update litellm.user_credits set monthly_cap = 1000 where user_id = 'pairs'")
    slots = conn.execute("select slots from litellm.set_account_slots('pairs', 16)").fetchone()
    assert slots == (16,)

    def work(c: psycopg.Connection, i: int) -> list[tuple]:
        # Workers 2k and 2k + 1 send the same request ids in the same order, so
        # each id is charged by one and replayed by the other, often at once.
        # A refusal while the account still has 3 credits is "spurious".
        seen: list[tuple] = []
        n = 0
        while True:
            n += 1
            request_id = f"p{i // 2}-{n}"
            ok, code, replayed, slot, balance = charge(c, "pairs", COST, request_id)
            if ok:
                seen.append(("charge", request_id, replayed, slot))
                continue
            if account_balance(c, "pairs") >= COST:
                seen.append(("spurious", request_id, code, balance))
                if sum(kind == "spurious" for kind, *_ in seen) < 3:
                    continue
            seen.append(("refused", request_id, code, balance))
            return seen

    results = race(db, 16, work)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors[:3]  # no deadlock, no lock timeout
    calls = [call for worker in results for call in worker]
    assert [call for call in calls if call[0] == "spurious"] == []
    charged = Counter(rid for kind, rid, replayed, _ in calls if kind == "charge" and not replayed)
    replays = Counter(rid for kind, rid, replayed, _ in calls if kind == "charge" and replayed)
    # One charge per request id: 200.5 credits at 3 a charge.
    assert set(charged.values()) == {1}, charged.most_common(3)
    assert len(charged) == 66
    assert set(replays) <= set(charged)
    assert len(replays) > 0
    journalled = {
        key for (key,) in conn.execute(
            "select idempotency_key from litellm.credit_transactions"
            " where user_id = 'pairs' and transaction_type = 'usage'"
        )
    }
    assert journalled == set(charged)
    assert all(code == "insufficient_credits" and balance < COST
               for kind, _, code, balance in calls if kind == "refused")
    assert len({slot for kind, _, _, slot in calls if kind == "charge"}) > 1
    assert account_balance(conn, "pairs") == Decimal("2.5")
    assert conn.execute(
        "select count(*), sum(amount) from litellm.credit_transactions"
        " where user_id = 'pairs' and transaction_type = 'usage'"
    ).fetchone() == (66, Decimal(-198))
    assert conn.execute(SLOT_PROBLEMS, {"user": "pairs"}).fetchall() == []
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []


def test_the_early_release_debit_and_record_llm_call_charge_a_slot_account(
    conn: psycopg.Connection, db: str
) -> None:
    conn.execute("select litellm.add_user_credits('early-slots', 40, 'purchase')")
    conn.execute("select litellm.set_account_slots('early-slots', 4)")
    with psycopg.connect(db, autocommit=True) as c:
        def early_release(cost: int, request_id: str) -> tuple:
            row = c.execute(
                "call litellm.debit_user_credits_early_release('early-slots', %s, 'openai',"
                " 'gpt-4', 10, 20, request_id => %s)",
                (cost, request_id),
            ).fetchone()
            assert row is not None
            return tuple(row)

        early = early_release(4, "e-1")
        again = early_release(4, "e-1")
        big = early_release(30, "e-2")
        refused = early_release(7, "e-3")
        call = c.execute(
            "select success, charged, credits_remaining, replayed from litellm.record_llm_call("
            "'early-slots', 'openai', 'gpt-4', 1, 1, 6, request_id => 'e-4')"
        ).fetchone()
    assert (early[0], early[2], early[6]) == (True, Decimal(6), False)
    assert (again[0], again[1], again[6]) == (True, early[1], True)
    assert (big[0], big[4]) == (True, None)
    assert (refused[0], refused[4], refused[2]) == (False, "insufficient_credits", Decimal(6))
    assert call == (True, True, Decimal(0), False)
    assert account_balance(conn, "early-slots") == 0
    assert conn.execute(SLOT_PROBLEMS, {"user": "early-slots"}).fetchall() == []
    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
