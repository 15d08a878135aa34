"""litellm_db.AsyncClient against a real database: the same methods as Client, awaited."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool
from test_client import SCENARIO, Ctx

from litellm_db import errors
from litellm_db.client import AsyncClient, Balance, CreditResult


@pytest.fixture
async def aconn(db: str):  # type: ignore[no-untyped-def]
    conn = await psycopg.AsyncConnection.connect(db, autocommit=True)
    yield conn
    await conn.close()


async def test_every_method_against_a_real_database(aconn: psycopg.AsyncConnection) -> None:
    client = AsyncClient(aconn)
    ctx: Ctx = {}
    for name, arguments, check in SCENARIO:
        args, kwargs = arguments(ctx)
        check(await getattr(client, name)(*args, **kwargs), ctx)


async def test_results_are_the_same_dataclasses(aconn: psycopg.AsyncConnection) -> None:
    client = AsyncClient(aconn)
    credit = await client.add_user_credits("async-user", "12.5", "bonus")
    assert isinstance(credit, CreditResult) and credit.credits_remaining == Decimal("12.5")
    balance = await client.get_user_balance("async-user")
    assert isinstance(balance, Balance) and balance.total_granted == Decimal("12.5")
    assert await client.get_user_balance("nobody") is None


async def test_errors_are_mapped_by_sqlstate(aconn: psycopg.AsyncConnection) -> None:
    client = AsyncClient(aconn)
    with pytest.raises(errors.InvalidAmountError) as info:
        await client.debit_user_credits("u", Decimal("NaN"))
    assert info.value.sqlstate == "LD001"
    assert isinstance(info.value.__cause__, psycopg.Error)
    with pytest.raises(errors.NotEncryptedError):
        await client.store_user_api_key("u", "openai", "sk-plaintext")


async def test_charge_raises_when_the_debit_fails(aconn: psycopg.AsyncConnection) -> None:
    client = AsyncClient(aconn)
    await client.add_user_credits("async-poor", 1)
    with pytest.raises(errors.InsufficientCreditsError) as info:
        await client.charge("async-poor", 2)
    assert info.value.error_code == "insufficient_credits"
    assert (await client.charge("async-poor", 1)).credits_remaining == 0


async def test_a_transaction_rolls_back_together(db: str) -> None:
    async with await psycopg.AsyncConnection.connect(db) as conn:
        client = AsyncClient(conn)
        with pytest.raises(errors.InvalidAmountError):
            async with client.transaction() as tx:
                await tx.add_user_credits("async-tx", 10)
                await tx.debit_user_credits("async-tx", -1)
        assert await client.get_user_balance("async-tx") is None


async def test_a_transaction_commits_on_a_pool(db: str) -> None:
    async with AsyncClient(AsyncConnectionPool(db, min_size=1, max_size=2, open=False)) as client:
        await client._source.open()  # type: ignore[union-attr]
        async with client.transaction() as tx:
            await tx.add_user_credits("async-pool-tx", 10)
            await tx.debit_user_credits("async-pool-tx", 4, request_id="r")
        balance = await client.get_user_balance("async-pool-tx")
        assert balance is not None and balance.credits_remaining == 6


async def test_concurrent_tasks_on_a_pool_never_overspend(db: str) -> None:
    client = await AsyncClient.connect(db, min_size=2, max_size=4)
    async with client:
        await client.add_user_credits("async-race", 10)
        results = await asyncio.gather(*[
            client.debit_user_credits("async-race", 1, request_id=f"race-{i}") for i in range(15)
        ])
        assert sum(r.success for r in results) == 10
        balance = await client.get_user_balance("async-race")
        assert balance is not None and balance.credits_remaining == 0


async def test_connect_needs_a_dsn(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB",
                "POSTGRES_USER", "POSTGRES_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(errors.ConnectionConfigError):
        await AsyncClient.connect()
