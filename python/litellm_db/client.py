"""A thin client for the SQL API: one method per function, named arguments, frozen results.

The SQL functions are the single home of every rule; these methods only call
them. A caller may pass its own connection or pool, or let the client open a
pool from a DSN (argument, then ``DATABASE_URL`` / ``POSTGRES_*``).

    client = Client.connect()
    client.add_user_credits("user-1", Decimal("100"), "bonus", "trial")
    result = client.debit_user_credits("user-1", Decimal("0.05"), "openai", "gpt-4",
                                       100, 200, "balanced", {"request_id": "req-123"})
    if not result.success:
        ...  # result.error_code: insufficient_credits, budget_exceeded, ... (docs/api.md)

    async with await AsyncClient.connect() as db:
        balance = await db.get_user_balance("user-1")

Both clients have the same methods: each is one definition without I/O -- a
builder in :mod:`litellm_db.calls` (arguments -> function name, named
arguments, result shape), or a plan of several calls (:mod:`litellm_db.plan`)
-- bound by :class:`~litellm_db.plan.sync_method` or
:class:`~litellm_db.plan.async_method`; neither client has a method body of its
own. An optional argument left out (or passed as
:data:`~litellm_db.calls.DEFAULT`) gets the SQL function's default; ``None``
sends NULL. Several calls run in one transaction with
``client.transaction()`` (``async with client.transaction() as tx`` for the
async client). Errors are :class:`~litellm_db.errors.LiteLLMDBError` subclasses
chosen by SQLSTATE, with the psycopg error as ``__cause__``.

Amounts are ``Decimal``: a float is converted with its shortest repr so 0.1
stays 0.1, never 0.1000000000000000055511151231257827.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import psycopg
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from . import calls, config
from .calls import (
    Amount,
    Balance,
    Call,
    CreditResult,
    DebitResult,
    EncryptedKey,
    KeyInfo,
    KeyToRotate,
    ProviderEncryptedKey,
    StoredKey,
    to_amount,
)
from .errors import ConnectionConfigError, charge_error, translate
from .plan import Plan, Work, async_method, run_async, run_sync, sync_method

__all__ = [
    "Amount",
    "AsyncClient",
    "Balance",
    "Call",
    "Client",
    "CreditResult",
    "DebitResult",
    "EncryptedKey",
    "KeyInfo",
    "KeyToRotate",
    "ProviderEncryptedKey",
    "StoredKey",
    "async_method",
    "sync_method",
    "to_amount",
]

R = TypeVar("R")


def _autocommit_for(conn: psycopg.Connection[Any] | psycopg.AsyncConnection[Any],
                    call: Call[Any]) -> bool:
    """Whether ``call`` must switch ``conn`` to autocommit: a procedure that commits cannot run
    in a transaction block, so an idle connection runs it in autocommit (one inside a
    transaction is left as it is, and the server raises 2D000)."""
    return (call.procedure and not conn.autocommit
            and conn.info.transaction_status == TransactionStatus.IDLE)


def _execute(conn: psycopg.Connection[Any], call: Call[R]) -> R:
    switch = _autocommit_for(conn, call)
    try:
        if switch:
            conn.autocommit = True
        with conn.cursor(row_factory=call.row_factory) as cur:
            cur.execute(call.query, call.args)
            rows = cur.fetchall()
    except psycopg.Error as exc:
        raise translate(exc) from exc
    finally:
        if switch and not conn.closed:
            conn.autocommit = False
    return call.result(rows)


async def _execute_async(conn: psycopg.AsyncConnection[Any], call: Call[R]) -> R:
    switch = _autocommit_for(conn, call)
    try:
        if switch:
            await conn.set_autocommit(True)
        async with conn.cursor(row_factory=call.row_factory) as cur:
            await cur.execute(call.query, call.args)
            rows = await cur.fetchall()
    except psycopg.Error as exc:
        raise translate(exc) from exc
    finally:
        if switch and not conn.closed:
            await conn.set_autocommit(False)
    return call.result(rows)


def _no_dsn() -> ConnectionConfigError:
    return ConnectionConfigError(
        "no database configured: pass a DSN or set DATABASE_URL or POSTGRES_HOST"
    )


def _charge(user_id: str, cost: Amount, **kwargs: Any) -> Plan[DebitResult]:
    """``debit_user_credits``, raising InsufficientCreditsError (or a subclass) on failure."""
    result: DebitResult = yield calls.debit_user_credits(user_id, cost, **kwargs)
    if not result.success:
        raise charge_error(result.error_code, result.error_message)
    return result


# -- the clients: each lists every builder of litellm_db.calls (tests/test_client.py checks) --


class Client:
    """Synchronous client. Thread-safe when built on a pool.

    ``Client(conn)`` uses a caller's connection as the caller keeps it
    (autocommit, or inside the caller's transaction); ``Client(pool)`` takes a
    connection per call and commits it when the call returns.
    """

    def __init__(self, source: psycopg.Connection[Any] | ConnectionPool) -> None:
        self._source = source

    @classmethod
    def connect(cls, dsn: str | None = None, *, min_size: int = 1, max_size: int = 10) -> Client:
        """A client with its own pool, from ``dsn`` or the environment."""
        resolved = config.resolve_dsn(dsn)
        if resolved is None:
            raise _no_dsn()
        pool = ConnectionPool(resolved, min_size=min_size, max_size=max_size, open=True)
        return cls(pool)

    def close(self) -> None:
        """Close the pool the client was given or made (a caller's connection is left open)."""
        if isinstance(self._source, ConnectionPool):
            self._source.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """The connection calls run on (one from the pool for the block)."""
        if isinstance(self._source, ConnectionPool):
            with self._source.connection() as conn:
                yield conn
        else:
            yield self._source

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Client]:
        """Run several calls in one transaction: ``with client.transaction() as tx: ...``.

        The block commits when it ends and rolls back when it raises; inside a
        transaction already open on the connection it is a savepoint.
        """
        with self.connection() as conn, conn.transaction():
            yield Client(conn)

    def run(self, work: Work[R]) -> R:
        """Execute one :class:`~litellm_db.calls.Call` and shape its result, or drive a plan
        (:mod:`litellm_db.plan`)."""
        if not isinstance(work, Call):
            return run_sync(self, work)
        source = self._source
        if isinstance(source, ConnectionPool):
            with source.connection() as conn:
                return _execute(conn, work)
        return _execute(source, work)

    charge = sync_method(_charge)

    add_user_credits = sync_method(calls.add_user_credits)
    debit_user_credits = sync_method(calls.debit_user_credits)
    debit_user_credits_early_release = sync_method(calls.debit_user_credits_early_release)
    get_user_balance = sync_method(calls.get_user_balance)
    account_statement = sync_method(calls.account_statement)
    refresh_usage_summary = sync_method(calls.refresh_usage_summary)
    ensure_usage_log_partitions = sync_method(calls.ensure_usage_log_partitions)
    canonical_provider = sync_method(calls.canonical_provider)
    store_user_api_key = sync_method(calls.store_user_api_key)
    get_user_api_key = sync_method(calls.get_user_api_key)
    get_user_api_keys = sync_method(calls.get_user_api_keys)
    list_user_api_keys = sync_method(calls.list_user_api_keys)
    set_user_api_key_enabled = sync_method(calls.set_user_api_key_enabled)
    delete_user_api_key = sync_method(calls.delete_user_api_key)
    count_user_api_keys_to_rotate = sync_method(calls.count_user_api_keys_to_rotate)
    list_user_api_keys_to_rotate = sync_method(calls.list_user_api_keys_to_rotate)
    rotate_user_api_keys = sync_method(calls.rotate_user_api_keys)
    set_model_price = sync_method(calls.set_model_price)
    get_model_price = sync_method(calls.get_model_price)
    calculate_cost = sync_method(calls.calculate_cost)
    usd_to_credits = sync_method(calls.usd_to_credits)
    purchase_credit_package = sync_method(calls.purchase_credit_package)
    set_user_tier = sync_method(calls.set_user_tier)
    set_account_slots = sync_method(calls.set_account_slots)
    record_provider_health = sync_method(calls.record_provider_health)
    refresh_provider_health = sync_method(calls.refresh_provider_health)
    select_providers = sync_method(calls.select_providers)
    reserve_credits = sync_method(calls.reserve_credits)
    settle_reservation = sync_method(calls.settle_reservation)
    release_reservation = sync_method(calls.release_reservation)
    refund_transaction = sync_method(calls.refund_transaction)
    adjust_credits = sync_method(calls.adjust_credits)
    expire_credits = sync_method(calls.expire_credits)
    verify_ledger = sync_method(calls.verify_ledger)
    record_llm_call = sync_method(calls.record_llm_call)
    settle_llm_call = sync_method(calls.settle_llm_call)
    archive_usage_logs = sync_method(calls.archive_usage_logs)
    drop_archived_usage_logs = sync_method(calls.drop_archived_usage_logs)
    usage_daily = sync_method(calls.usage_daily)
    top_models = sync_method(calls.top_models)
    top_spenders = sync_method(calls.top_spenders)
    provider_breakdown = sync_method(calls.provider_breakdown)
    failed_calls = sync_method(calls.failed_calls)
    usage_by_tenant = sync_method(calls.usage_by_tenant)
    tenant_usage_daily = sync_method(calls.tenant_usage_daily)
    usage_by_operation = sync_method(calls.usage_by_operation)
    team_usage = sync_method(calls.team_usage)
    organization_usage = sync_method(calls.organization_usage)
    usage_between = sync_method(calls.usage_between)
    credit_flow_daily = sync_method(calls.credit_flow_daily)
    credit_totals = sync_method(calls.credit_totals)
    run_maintenance = sync_method(calls.run_maintenance)
    busy_accounts = sync_method(calls.busy_accounts)
    create_organization = sync_method(calls.create_organization)
    create_team = sync_method(calls.create_team)
    add_team_member = sync_method(calls.add_team_member)
    remove_team_member = sync_method(calls.remove_team_member)
    set_budget = sync_method(calls.set_budget)
    set_budget_shares = sync_method(calls.set_budget_shares)
    get_budget_status = sync_method(calls.get_budget_status)
    list_budget_alerts = sync_method(calls.list_budget_alerts)
    get_daily_spend = sync_method(calls.get_daily_spend)
    issue_end_user_token = sync_method(calls.issue_end_user_token)
    current_end_user_id = sync_method(calls.current_end_user_id)
    rotate_end_user_token_key = sync_method(calls.rotate_end_user_token_key)


class AsyncClient:
    """Asynchronous client over ``AsyncConnection`` / ``AsyncConnectionPool``; same methods.

    Safe to share between tasks when built on a pool. A caller's single
    connection serialises calls (psycopg's own lock).
    """

    def __init__(self, source: psycopg.AsyncConnection[Any] | AsyncConnectionPool) -> None:
        self._source = source

    @classmethod
    async def connect(cls, dsn: str | None = None, *, min_size: int = 1,
                      max_size: int = 10) -> AsyncClient:
        """A client with its own open pool: ``db = await AsyncClient.connect()``."""
        resolved = config.resolve_dsn(dsn)
        if resolved is None:
            raise _no_dsn()
        pool = AsyncConnectionPool(resolved, min_size=min_size, max_size=max_size, open=False)
        await pool.open()
        return cls(pool)

    async def close(self) -> None:
        """Close the pool the client was given or made (a caller's connection is left open)."""
        if isinstance(self._source, AsyncConnectionPool):
            await self._source.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """The connection calls run on (one from the pool for the block)."""
        if isinstance(self._source, AsyncConnectionPool):
            async with self._source.connection() as conn:
                yield conn
        else:
            yield self._source

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncClient]:
        """Run several calls in one transaction: ``async with client.transaction() as tx:``."""
        async with self.connection() as conn, conn.transaction():
            yield AsyncClient(conn)

    async def run(self, work: Work[R]) -> R:
        """Execute one :class:`~litellm_db.calls.Call` and shape its result, or drive a plan
        (:mod:`litellm_db.plan`)."""
        if not isinstance(work, Call):
            return await run_async(self, work)
        source = self._source
        if isinstance(source, AsyncConnectionPool):
            async with source.connection() as conn:
                return await _execute_async(conn, work)
        return await _execute_async(source, work)

    charge = async_method(_charge)

    add_user_credits = async_method(calls.add_user_credits)
    debit_user_credits = async_method(calls.debit_user_credits)
    debit_user_credits_early_release = async_method(calls.debit_user_credits_early_release)
    get_user_balance = async_method(calls.get_user_balance)
    account_statement = async_method(calls.account_statement)
    refresh_usage_summary = async_method(calls.refresh_usage_summary)
    ensure_usage_log_partitions = async_method(calls.ensure_usage_log_partitions)
    canonical_provider = async_method(calls.canonical_provider)
    store_user_api_key = async_method(calls.store_user_api_key)
    get_user_api_key = async_method(calls.get_user_api_key)
    get_user_api_keys = async_method(calls.get_user_api_keys)
    list_user_api_keys = async_method(calls.list_user_api_keys)
    set_user_api_key_enabled = async_method(calls.set_user_api_key_enabled)
    delete_user_api_key = async_method(calls.delete_user_api_key)
    count_user_api_keys_to_rotate = async_method(calls.count_user_api_keys_to_rotate)
    list_user_api_keys_to_rotate = async_method(calls.list_user_api_keys_to_rotate)
    rotate_user_api_keys = async_method(calls.rotate_user_api_keys)
    set_model_price = async_method(calls.set_model_price)
    get_model_price = async_method(calls.get_model_price)
    calculate_cost = async_method(calls.calculate_cost)
    usd_to_credits = async_method(calls.usd_to_credits)
    purchase_credit_package = async_method(calls.purchase_credit_package)
    set_user_tier = async_method(calls.set_user_tier)
    set_account_slots = async_method(calls.set_account_slots)
    record_provider_health = async_method(calls.record_provider_health)
    refresh_provider_health = async_method(calls.refresh_provider_health)
    select_providers = async_method(calls.select_providers)
    reserve_credits = async_method(calls.reserve_credits)
    settle_reservation = async_method(calls.settle_reservation)
    release_reservation = async_method(calls.release_reservation)
    refund_transaction = async_method(calls.refund_transaction)
    adjust_credits = async_method(calls.adjust_credits)
    expire_credits = async_method(calls.expire_credits)
    verify_ledger = async_method(calls.verify_ledger)
    record_llm_call = async_method(calls.record_llm_call)
    settle_llm_call = async_method(calls.settle_llm_call)
    archive_usage_logs = async_method(calls.archive_usage_logs)
    drop_archived_usage_logs = async_method(calls.drop_archived_usage_logs)
    usage_daily = async_method(calls.usage_daily)
    top_models = async_method(calls.top_models)
    top_spenders = async_method(calls.top_spenders)
    provider_breakdown = async_method(calls.provider_breakdown)
    failed_calls = async_method(calls.failed_calls)
    usage_by_tenant = async_method(calls.usage_by_tenant)
    tenant_usage_daily = async_method(calls.tenant_usage_daily)
    usage_by_operation = async_method(calls.usage_by_operation)
    team_usage = async_method(calls.team_usage)
    organization_usage = async_method(calls.organization_usage)
    usage_between = async_method(calls.usage_between)
    credit_flow_daily = async_method(calls.credit_flow_daily)
    credit_totals = async_method(calls.credit_totals)
    run_maintenance = async_method(calls.run_maintenance)
    busy_accounts = async_method(calls.busy_accounts)
    create_organization = async_method(calls.create_organization)
    create_team = async_method(calls.create_team)
    add_team_member = async_method(calls.add_team_member)
    remove_team_member = async_method(calls.remove_team_member)
    set_budget = async_method(calls.set_budget)
    set_budget_shares = async_method(calls.set_budget_shares)
    get_budget_status = async_method(calls.get_budget_status)
    list_budget_alerts = async_method(calls.list_budget_alerts)
    get_daily_spend = async_method(calls.get_daily_spend)
    issue_end_user_token = async_method(calls.issue_end_user_token)
    current_end_user_id = async_method(calls.current_end_user_id)
    rotate_end_user_token_key = async_method(calls.rotate_end_user_token_key)
