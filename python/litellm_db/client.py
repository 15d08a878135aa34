"""A thin client for the SQL API: one method per function, named arguments, frozen results.

The SQL functions are the single home of every rule; these methods only call
them. A caller may pass its own connection or pool, or let the client open a
``ConnectionPool`` from a DSN (argument, then ``DATABASE_URL`` / ``POSTGRES_*``).

    client = Client.connect()
    client.add_user_credits("user-1", Decimal("100"), "bonus", "trial")
    result = client.debit_user_credits("user-1", Decimal("0.05"), "openai", "gpt-4",
                                       100, 200, "balanced", {"request_id": "req-123"})
    if not result.success:
        ...  # result.error_code: insufficient_credits | unknown_user

Amounts are ``Decimal``: a float is converted with ``Decimal(str(x))`` so 0.1
stays 0.1, never 0.1000000000000000055511151231257827.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from . import config
from .errors import ConnectionConfigError, InsufficientCreditsError, translate

T = TypeVar("T")
Amount = Decimal | int | float | str


@dataclass(frozen=True)
class CreditResult:
    """What ``add_user_credits`` returns."""

    transaction_id: int
    credits_remaining: Decimal
    amount_credited: Decimal
    replayed: bool


@dataclass(frozen=True)
class DebitResult:
    """What ``debit_user_credits`` returns; ``success = False`` means nothing was charged."""

    success: bool
    transaction_id: int | None
    credits_remaining: Decimal
    amount_debited: Decimal
    error_code: str | None
    error_message: str | None
    replayed: bool


@dataclass(frozen=True)
class Balance:
    """What ``get_user_balance`` returns."""

    user_id: str
    credits_remaining: Decimal
    credits_held: Decimal
    credits_available: Decimal
    tier: str
    monthly_cap: Decimal | None
    month_spent: Decimal
    total_purchased: Decimal
    total_granted: Decimal
    total_spent: Decimal
    transaction_count: int
    next_expiry_at: datetime | None
    last_reset: datetime | None
    created_at: datetime
    updated_at: datetime


def to_amount(value: Amount) -> Decimal:
    """An exact Decimal for a caller's amount (floats go through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


class Client:
    """Synchronous client. Thread-safe when built on a pool."""

    def __init__(self, source: psycopg.Connection | ConnectionPool) -> None:
        self._source = source

    @classmethod
    def connect(cls, dsn: str | None = None, *, min_size: int = 1, max_size: int = 10) -> Client:
        """A client with its own pool, from ``dsn`` or the environment."""
        resolved = config.resolve_dsn(dsn)
        if resolved is None:
            raise ConnectionConfigError(
                "no database configured: pass a DSN or set DATABASE_URL or POSTGRES_HOST"
            )
        pool = ConnectionPool(resolved, min_size=min_size, max_size=max_size, open=True)
        return cls(pool)

    def close(self) -> None:
        if isinstance(self._source, ConnectionPool):
            self._source.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        if isinstance(self._source, ConnectionPool):
            with self._source.connection() as conn:
                yield conn
        else:
            yield self._source

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Client]:
        """Run several calls in one transaction: ``with client.transaction() as tx: ...``."""
        with self._connection() as conn, conn.transaction():
            yield Client(conn)

    def _call(self, row_type: type[T], function: str, args: Mapping[str, Any]) -> list[T]:
        names = ", ".join(f"{name} => %({name})s" for name in args)
        query = f"select * from litellm.{function}({names})"
        # A pooled connection commits when the block ends; a caller's connection
        # is left as the caller keeps it (autocommit, or its own transaction).
        with self._connection() as conn:
            try:
                with conn.cursor(row_factory=class_row(row_type)) as cur:
                    cur.execute(query.encode(), args)
                    return cur.fetchall()
            except psycopg.Error as exc:
                raise translate(exc) from exc

    def add_user_credits(
        self, user_id: str, amount: Amount, transaction_type: str = "purchase",
        payment_method: str | None = None, stripe_transaction_id: str | None = None,
        package_id: int | None = None, description: str | None = None,
        metadata: Mapping[str, Any] | None = None, idempotency_key: str | None = None,
    ) -> CreditResult:
        rows = self._call(CreditResult, "add_user_credits", {
            "user_id": user_id, "amount": to_amount(amount), "transaction_type": transaction_type,
            "payment_method": payment_method, "stripe_transaction_id": stripe_transaction_id,
            "package_id": package_id, "description": description,
            "metadata": Jsonb(dict(metadata or {})), "idempotency_key": idempotency_key,
        })
        return rows[0]

    def debit_user_credits(
        self, user_id: str, cost: Amount, provider: str | None = None, model: str | None = None,
        prompt_tokens: int = 0, completion_tokens: int = 0, power_level: str | None = None,
        metadata: Mapping[str, Any] | None = None, request_id: str | None = None,
    ) -> DebitResult:
        rows = self._call(DebitResult, "debit_user_credits", {
            "user_id": user_id, "cost": to_amount(cost), "provider": provider, "model": model,
            "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "power_level": power_level, "metadata": Jsonb(dict(metadata or {})),
            "request_id": request_id,
        })
        return rows[0]

    def charge(self, user_id: str, cost: Amount, **kwargs: Any) -> DebitResult:
        """``debit_user_credits``, raising InsufficientCreditsError on a failed debit."""
        result = self.debit_user_credits(user_id, cost, **kwargs)
        if not result.success:
            raise InsufficientCreditsError(result.error_message or "debit failed",
                                           error_code=result.error_code)
        return result

    def get_user_balance(self, user_id: str) -> Balance | None:
        rows = self._call(Balance, "get_user_balance", {"user_id": user_id})
        return rows[0] if rows else None
