"""Slot accounts under mixed load: charges, grants, holds, settlements, releases,
refunds, adjustments, expiry and slot-count changes on a few accounts at once.

Afterwards verify_ledger() finds nothing and every slot agrees with its
journal, lots and holds (gapless seq, never below zero), no call failed (no
deadlock, no lock timeout), no refusal came while the account could pay, and
the accounts' totals are exactly what the workers saw acknowledged.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg
from psycopg.types.json import Jsonb
from test_concurrency import race

ACCOUNTS = {"mix-a": 3, "mix-b": 2}
START = Decimal(400)
# Credits that expire a few seconds into the run: the sweeps run mid-load.
EXPIRING = Decimal(30)
WORKERS = 12
OPS = 36


@dataclass
class Log:
    """What the workers saw, shared (under a lock) for the checks afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    # (account, time acknowledged, amount): credits added.
    grants: list[tuple[str, float, Decimal]] = field(default_factory=list)
    # (account, time started, amount): credits a call may take (refused or not).
    takes: list[tuple[str, float, Decimal]] = field(default_factory=list)
    # (account, started, ended, amount, what): refusals for want of credits.
    refusals: list[tuple[str, float, float, Decimal, str]] = field(default_factory=list)
    # Acknowledged effects per account and kind: charged, refunded, adjusted.
    acked: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)

    def add(self, name: str, *row: object) -> None:
        with self.lock:
            getattr(self, name).append(row)

    def ack(self, account: str, kind: str, amount: Decimal) -> None:
        with self.lock:
            self.acked[(account, kind)] += amount
            self.counts[(account, kind)] += 1


def call(conn: psycopg.Connection, sql: str, params: dict) -> tuple:
    """One call, retried on serialization_failure (the documented answer to retry)."""
    for _ in range(5):
        try:
            row = conn.execute(sql, params).fetchone()
            assert row is not None
            return tuple(row)
        except psycopg.errors.SerializationFailure:
            continue
    raise AssertionError(f"still 40001 after 5 tries: {sql}")


def worker(log: Log, conn: psycopg.Connection, i: int) -> None:
    rnd = random.Random(i)
    charges: list[tuple[str, int, Decimal]] = []  # (account, transaction id, refundable)
    holds: list[tuple[str, str, Decimal]] = []  # (account, request id, amount)
    for n in range(OPS):
        account = rnd.choice(sorted(ACCOUNTS))
        op = rnd.choices(
            [
                "debit",
                "grant",
                "reserve",
                "settle",
                "release",
                "refund",
                "adjust",
                "expire",
                "slots",
                "replay",
            ],
            [30, 12, 14, 12, 5, 8, 4, 4, 3, 3],
        )[0]
        key = f"w{i}-{n}"
        started = time.monotonic()
        if op == "debit" or (op == "replay" and not charges):
            cost = Decimal(rnd.randint(1, 15000)) / 100
            log.add("takes", account, started, cost)
            ok, code, txid = call(
                conn,
                "select success, error_code, transaction_id"
                " from litellm.debit_user_credits(%(u)s, %(c)s, request_id => %(k)s)",
                {"u": account, "c": cost, "k": key},
            )
            if ok:
                log.ack(account, "charged", cost)
                charges.append((account, txid, cost))
            else:
                assert code == "insufficient_credits", code
                log.add("refusals", account, started, time.monotonic(), cost, "debit")
        elif op == "replay":
            account, txid, _ = charges[-1]
            ok, replayed, again = call(
                conn,
                "select d.success, d.replayed, d.transaction_id"
                " from litellm.credit_transactions as t, litellm.debit_user_credits("
                "%(u)s, -t.amount, request_id => t.idempotency_key) as d"
                " where t.id = %(t)s",
                {"u": account, "t": txid},
            )
            assert (ok, replayed, again) == (True, True, txid)
        elif op == "grant":
            # A third of the grants are bonus credits valid for a second: some
            # expire under load. They count for nothing in the refusals' model.
            amount = Decimal(rnd.randint(20, 160))
            expiring = n % 3 == 0
            (replayed,) = call(
                conn,
                "select replayed from litellm.add_user_credits(%(u)s, %(a)s, %(t)s,"
                " idempotency_key => %(k)s,"
                " expires_at => case when %(e)s then now() + interval '1 second' end)",
                {
                    "u": account,
                    "a": amount,
                    "k": key,
                    "e": expiring,
                    "t": "bonus" if expiring else "purchase",
                },
            )
            assert not replayed
            if not expiring:
                log.add("grants", account, time.monotonic(), amount)
            log.ack(account, "bonus" if expiring else "granted", amount)
        elif op == "reserve" or (op in ("settle", "release") and not holds):
            amount = Decimal(rnd.randint(100, 9000)) / 100
            log.add("takes", account, started, amount)
            ok, code = call(
                conn,
                "select success, error_code"
                " from litellm.reserve_credits(%(u)s, %(a)s, %(k)s, metadata => %(m)s)",
                {"u": account, "a": amount, "k": key, "m": Jsonb({"worker": i})},
            )
            if ok:
                holds.append((account, key, amount))
            else:
                assert code == "insufficient_credits", code
                log.add("refusals", account, started, time.monotonic(), amount, "reserve")
        elif op == "settle":
            account, request, held = holds.pop(rnd.randrange(len(holds)))
            actual = (held * Decimal(rnd.choice([0, 50, 90, 100, 120, 180])) / 100).quantize(
                Decimal("0.000001")
            )
            log.add("takes", account, started, max(actual - held, Decimal(0)))
            ok, charged, uncovered, txid = call(
                conn,
                "select success, amount_charged, amount_uncovered, transaction_id"
                " from litellm.settle_reservation(%(u)s, %(k)s, %(c)s)",
                {"u": account, "k": request, "c": actual},
            )
            assert ok
            assert charged + uncovered == actual
            if uncovered > 0:
                log.add("refusals", account, started, time.monotonic(), actual - held, "settle")
            log.ack(account, "charged", charged)
            if charged > 0:
                charges.append((account, txid, charged))
        elif op == "release":
            account, request, _ = holds.pop(rnd.randrange(len(holds)))
            (released,) = call(
                conn,
                "select released from litellm.release_reservation(%(u)s, %(k)s)",
                {"u": account, "k": request},
            )
            assert released
        elif op == "refund" and charges:
            account, txid, refundable = charges.pop(rnd.randrange(len(charges)))
            amount = (refundable / 2).quantize(Decimal("0.000001"))
            if amount > 0:
                (refunded,) = call(
                    conn,
                    "select amount_refunded"
                    " from litellm.refund_transaction(%(t)s, 'test', %(k)s, %(a)s)",
                    {"t": txid, "k": key, "a": amount},
                )
                assert refunded == amount
                log.ack(account, "refunded", amount)
        elif op == "adjust":
            amount = Decimal(rnd.randint(100, 4000)) / 100
            log.add("takes", account, started, amount)
            try:
                call(
                    conn,
                    "select replayed from litellm.adjust_credits(%(u)s, %(a)s, 'test', %(k)s)",
                    {"u": account, "a": -amount, "k": key},
                )
                log.ack(account, "removed", amount)
            except psycopg.Error as exc:
                if exc.sqlstate != "LD301":
                    raise
                log.add("refusals", account, started, time.monotonic(), amount, "adjust")
        elif op == "expire":
            call(conn, "select users_swept from litellm.expire_credits()", {})
        elif op == "slots":
            call(
                conn,
                "select slots from litellm.set_account_slots(%(u)s, %(n)s)",
                {"u": account, "n": rnd.randint(1, 4)},
            )
    for account, request, _ in holds:
        call(
            conn,
            "select released from litellm.release_reservation(%(u)s, %(k)s)",
            {"u": account, "k": request},
        )


def account_totals(conn: psycopg.Connection, user: str) -> tuple[Decimal, Decimal]:
    row = conn.execute(
        "select sum(credits_remaining), sum(credits_held)"
        " from (select credits_remaining, credits_held"
        " from litellm.user_credits where user_id = %(u)s"
        " union all select credits_remaining, credits_held"
        " from litellm.credit_slots where user_id = %(u)s) as s",
        {"u": user},
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def journal(conn: psycopg.Connection, user: str, kinds: tuple[str, ...]) -> Decimal:
    row = conn.execute(
        "select coalesce(sum(amount), 0) from litellm.credit_transactions"
        " where user_id = %(u)s and transaction_type = any(%(k)s)",
        {"u": user, "k": list(kinds)},
    ).fetchone()
    assert row is not None
    return row[0]


def test_mixed_load_on_slot_accounts_keeps_every_slot_whole(
    conn: psycopg.Connection, db: str
) -> None:
    for user, slots in ACCOUNTS.items():
        conn.execute("select litellm.add_user_credits(%s, %s, 'purchase')", (user, START))
        conn.execute(
            "select litellm.add_user_credits(%s, %s, 'promo',"
            " expires_at => now() + interval '1 second')",
            (user, EXPIRING),
        )
        conn.execute(
            "update litellm.user_credits set monthly_cap = 1e12 where user_id = %s", (user,)
        )
        conn.execute("select litellm.set_account_slots(%s, %s)", (user, slots))

    log = Log()
    results = race(db, WORKERS, lambda c, i: worker(log, c, i))
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == [], errors[:3]
    # A last bonus for a second, shared out over the slots: expire_credits
    # then has something to expire on every slot, whatever the load left.
    for user in ACCOUNTS:
        conn.execute(
            "select litellm.add_user_credits(%s, 12, 'bonus', idempotency_key => 'last',"
            " expires_at => now() + interval '1 second')",
            (user,),
        )
        log.ack(user, "bonus", Decimal(12))
    time.sleep(1.1)
    conn.execute("select litellm.expire_credits()")

    assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
    for user in ACCOUNTS:
        problems = conn.execute("select * from litellm_test.slot_problems(%s)", (user,)).fetchall()
        assert problems == [], (user, problems)
        assert conn.execute(
            "select count(*) from litellm.credit_transactions"
            " where user_id = %s and balance_after < 0",
            (user,),
        ).fetchone() == (0,)

        # Totals: what the workers saw acknowledged, and what expired.
        expired = -journal(conn, user, ("expiry",))
        assert expired <= EXPIRING + log.acked[(user, "bonus")]
        balance, held = account_totals(conn, user)
        assert held == 0
        assert balance == (
            START
            + EXPIRING
            + log.acked[(user, "granted")]
            + log.acked[(user, "bonus")]
            - log.acked[(user, "charged")]
            + log.acked[(user, "refunded")]
            - log.acked[(user, "removed")]
            - expired
        ), (user, balance, log.acked)
        assert -journal(conn, user, ("usage",)) == log.acked[(user, "charged")]
        assert journal(conn, user, ("refund",)) == log.acked[(user, "refunded")]
        assert journal(conn, user, ("purchase",)) == START + log.acked[(user, "granted")]
        assert journal(conn, user, ("bonus",)) == log.acked[(user, "bonus")]
        assert -journal(conn, user, ("adjustment",)) == log.acked[(user, "removed")]
        assert journal(conn, user, ("transfer",)) == 0

        # No refusal while the account could pay: at a refusal's decision the
        # account had at least what it started with, plus the grants
        # acknowledged before the refused call began, less everything any call
        # begun before it ended could have taken (refused calls included) and
        # every credit that could expire.
        for account, started, ended, amount, what in log.refusals:
            if account != user:
                continue
            floor = (
                START
                + EXPIRING
                + sum(a for u, t, a in log.grants if u == user and t < started)
                - sum(a for u, t, a in log.takes if u == user and t < ended)
                + amount
                - EXPIRING
            )
            assert floor < amount, (user, what, amount, floor)

    # The load did what it was meant to: charges on several slots of each
    # account, credits moved between slots, refusals, expiry.
    used = conn.execute(
        "select user_id, count(distinct slot) from litellm.credit_transactions"
        " where transaction_type = 'usage' group by user_id"
    ).fetchall()
    assert {u for u, n in used if n > 1} == set(ACCOUNTS), used
    assert conn.execute(
        "select count(*) > 0 from litellm.credit_transactions where transaction_type = 'transfer'"
    ).fetchone() == (True,)
    assert log.refusals, "no call was refused: the accounts never ran low"
    assert conn.execute(
        "select count(*) > 0 from litellm.credit_transactions where transaction_type = 'expiry'"
    ).fetchone() == (True,)
