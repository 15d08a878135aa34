"""litellm_db.plan: one definition of a multi-statement method, run by the sync and the async
driver alike -- Try catches a failed call in a savepoint, Atomic is one transaction."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from litellm_db import calls, errors
from litellm_db.client import AsyncClient, Client
from litellm_db.plan import Atomic, Plan, Probe, Try, async_method, sync_method


def credit_then_settle(user_id: str) -> Plan[tuple[str, int]]:
    """Credit, try to settle a hold that does not exist (caught), credit again."""
    yield calls.add_user_credits(user_id, 5, "bonus", idempotency_key=f"{user_id}-1")
    try:
        yield Try(calls.settle_reservation(user_id, "no-such-hold", 1))
    except errors.UnknownReservationError as exc:
        caught = type(exc).__name__
    else:
        caught = "nothing"
    second: calls.CreditResult = yield calls.add_user_credits(
        user_id, 5, "bonus", idempotency_key=f"{user_id}-2")
    return caught, int(second.credits_remaining)


def credit_then_fail(user_id: str) -> Plan[None]:
    yield calls.add_user_credits(user_id, 5, "bonus")
    raise RuntimeError("after the write")


def _balance(conn: psycopg.Connection, user_id: str) -> object:
    row = conn.execute("select credits_remaining from litellm.user_credits where user_id = %s",
                       (user_id,)).fetchone()
    return None if row is None else int(row[0])


def test_sync_try_and_atomic(conn: psycopg.Connection) -> None:
    client = Client(conn)
    assert client.run(Atomic(credit_then_settle("plan-s"))) == ("UnknownReservationError", 10)
    assert _balance(conn, "plan-s") == 10
    with pytest.raises(RuntimeError):
        client.run(Atomic(credit_then_fail("plan-s-rollback")))
    assert _balance(conn, "plan-s-rollback") is None  # the transaction rolled back


async def test_async_try_and_atomic(conn: psycopg.Connection, db: str) -> None:
    async with await psycopg.AsyncConnection.connect(db, autocommit=True) as aconn:
        client = AsyncClient(aconn)
        assert await client.run(Atomic(credit_then_settle("plan-a"))) == (
            "UnknownReservationError", 10)
        with pytest.raises(RuntimeError):
            await client.run(Atomic(credit_then_fail("plan-a-rollback")))
    assert _balance(conn, "plan-a") == 10
    assert _balance(conn, "plan-a-rollback") is None


class Books:
    """A class of one's own, its methods defined once and bound both ways."""

    def __init__(self, client: Client | AsyncClient) -> None:
        self.client = client

    def run(self, work: Any) -> Any:
        return self.client.run(work)

    def _topped_up(self, user_id: str, amount: int) -> Plan[int]:
        """Credit ``amount`` and return the new balance."""
        result: calls.CreditResult = yield calls.add_user_credits(user_id, amount, "bonus")
        return int(result.credits_remaining)


class SyncBooks(Books):
    topped_up = sync_method.of(Books._topped_up)


class AsyncBooks(Books):
    topped_up = async_method.of(Books._topped_up)


async def test_one_definition_two_methods(conn: psycopg.Connection, db: str) -> None:
    assert SyncBooks(Client(conn)).topped_up("plan-m", 3) == 3
    async with await psycopg.AsyncConnection.connect(db, autocommit=True) as aconn:
        assert await AsyncBooks(AsyncClient(aconn)).topped_up("plan-m", 4) == 7
    assert SyncBooks.topped_up.__doc__ == Books._topped_up.__doc__
    assert str(SyncBooks.topped_up.__signature__) == "(user_id: 'str', amount: 'int') -> 'int'"
    assert str(AsyncBooks.topped_up.__signature__) == \
        "(user_id: 'str', amount: 'int') -> 'Awaitable[int]'"


def probe_a_credit(user_id: str) -> Plan[tuple[int, str]]:
    """Probe a credit (answered, then undone) and a settlement that fails (thrown back)."""
    yield calls.add_user_credits(user_id, 3, "bonus", idempotency_key=f"{user_id}-kept")
    probed: calls.CreditResult = yield Probe(calls.add_user_credits(
        user_id, 5, "bonus", idempotency_key=f"{user_id}-probed"))
    try:
        yield Probe(calls.settle_reservation(user_id, "no-such-hold", 1))
    except errors.UnknownReservationError as exc:
        caught = type(exc).__name__
    else:
        caught = "nothing"
    return int(probed.credits_remaining), caught


def test_sync_probe_answers_and_keeps_nothing(conn: psycopg.Connection) -> None:
    assert Client(conn).run(Atomic(probe_a_credit("probe-s"))) == (8, "UnknownReservationError")
    assert _balance(conn, "probe-s") == 3  # the probed credit was rolled back


async def test_async_probe_answers_and_keeps_nothing(conn: psycopg.Connection, db: str) -> None:
    async with await psycopg.AsyncConnection.connect(db, autocommit=True) as aconn:
        assert await AsyncClient(aconn).run(Atomic(probe_a_credit("probe-a"))) == (
            8, "UnknownReservationError")
    assert _balance(conn, "probe-a") == 3
