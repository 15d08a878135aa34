"""The SQL API in Python terms: one builder per SQL function, and the rows they return.

A builder takes the function's arguments as keywords, normalises them (amounts
to ``Decimal``, JSON to ``Jsonb``) and returns a :class:`Call`: the function's
name, its named arguments and how to read its result. It does no I/O, so the
synchronous :class:`~litellm_db.client.Client` and the
:class:`~litellm_db.client.AsyncClient` share every builder and every row type
and differ only in how they execute a ``Call``.

An optional argument defaults to :data:`DEFAULT`, which is **not sent**: the
SQL function's own default applies. ``None`` is sent as SQL NULL, which some
functions give a meaning of its own (``top_models(max_rows=None)``: all rows).
The defaults therefore live in one place, the SQL (``docs/api.md`` lists them),
and a builder for an argument the connected database does not know yet still
works as long as the caller leaves it out.

Adding a method for a new SQL function ``litellm.f(a text, b numeric)``:

1. a frozen dataclass for its row (fields named as the SQL result columns;
   extra columns a newer database adds are ignored) unless it returns a scalar;
2. a builder here: ``def f(a: str, b: Amount) -> Call[FRow]: return Call.one("f", FRow,
   a=a, b=to_amount(b))``, with ``b: Amount | Default | None = DEFAULT`` for an
   argument that has a SQL default (and ``_amount_or_none(b)``);
3. one line in each client: ``f = sync_method(calls.f)`` / ``f = async_method(calls.f)``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, TypeVar, cast

from psycopg.rows import BaseRowFactory, tuple_row
from psycopg.types.json import Jsonb

from .errors import UnexpectedResultError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
R = TypeVar("R")
D = TypeVar("D", bound="DataclassInstance")
Amount = Decimal | int | float | str
Shape = Literal["one", "optional", "many", "scalar", "column"]


class Default(enum.Enum):
    """The type of :data:`DEFAULT` (one member, so a type checker can narrow on it)."""

    DEFAULT = "DEFAULT"

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Final = Default.DEFAULT
"""An argument left out of the call: the SQL function's default applies (``None`` sends NULL)."""


def to_amount(value: Amount) -> Decimal:
    """An exact Decimal for a caller's amount (floats go through their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _amount_or_none(value: Amount | Default | None) -> Decimal | Default | None:
    if value is None or value is DEFAULT:
        return value
    return to_amount(value)


def _json(value: Mapping[str, Any] | Default | None) -> Jsonb | Default | None:
    if value is None or value is DEFAULT:
        return value
    return Jsonb(dict(value))


def _amounts(values: Sequence[Amount] | Default | None) -> list[Decimal] | Default | None:
    if values is None or values is DEFAULT:
        return values
    return [to_amount(v) for v in values]


@lru_cache(maxsize=1024)
def _dataclass_row(cls: type[D]) -> BaseRowFactory[D]:
    """A row factory building ``cls`` from the columns it names; extra columns are ignored.

    Like psycopg's ``class_row``, but a database that returns a column this
    version of the package does not know yet does not break the client. The
    row maker for a given list of column names is built once and reused.
    """
    fields = [f.name for f in dataclasses.fields(cls)]
    known = frozenset(fields)
    makers: dict[tuple[bytes, ...], Callable[[Sequence[Any]], D]] = {}

    def build(raw: tuple[bytes, ...]) -> Callable[[Sequence[Any]], D]:
        names = [n.decode() for n in raw]
        if names == fields:
            def positional(values: Sequence[Any]) -> D:
                return cls(*values)
            return positional
        keep = [(i, n) for i, n in enumerate(names) if n in known]

        def by_name(values: Sequence[Any]) -> D:
            return cls(**{n: values[i] for i, n in keep})
        return by_name

    def factory(cursor: Any) -> Callable[[Sequence[Any]], D]:
        # The names straight from the result (cursor.description would build a
        # Column object per column), as psycopg's own class_row reads them.
        res = cursor.pgresult
        raw = tuple(res.fname(i) for i in range(res.nfields)) if res is not None else ()
        maker = makers.get(raw)
        if maker is None:
            maker = makers.setdefault(raw, build(raw))
        return maker

    return factory


@lru_cache(maxsize=4096)
def query_text(function: str, names: tuple[str, ...], procedure: bool = False) -> bytes:
    """``select * from litellm.f(a => %(a)s, ...)`` for these argument names (cached); for a
    procedure ``call litellm.f(a => %(a)s, ...)``, whose INOUT parameters are its one row."""
    args = ", ".join(f"{n} => %({n})s" for n in names)
    verb = "call" if procedure else "select * from"
    return f"{verb} litellm.{function}({args})".encode()


@dataclass(frozen=True, slots=True)
class Call(Generic[R]):
    """One call of a SQL function: what to send and how to read the answer."""

    function: str
    args: dict[str, Any]
    shape: Shape
    row_type: type | None = None
    procedure: bool = False
    """A procedure that commits: the clients run it outside any transaction (autocommit)."""

    @classmethod
    def _make(cls, function: str, shape: Shape, row_type: type | None,
              args: dict[str, Any], procedure: bool = False) -> Call[Any]:
        return cls(function, {k: v for k, v in args.items() if v is not DEFAULT}, shape, row_type,
                   procedure)

    @classmethod
    def call(cls, procedure: str, row_type: type[T], **args: Any) -> Call[T]:
        """A procedure that commits, its INOUT parameters read as one row."""
        return cls._make(procedure, "one", row_type, args, procedure=True)

    @classmethod
    def one(cls, function: str, row_type: type[T], **args: Any) -> Call[T]:
        """Exactly one row."""
        return cls._make(function, "one", row_type, args)

    @classmethod
    def optional(cls, function: str, row_type: type[T], **args: Any) -> Call[T | None]:
        """No row (``None``) or one."""
        return cls._make(function, "optional", row_type, args)

    @classmethod
    def many(cls, function: str, row_type: type[T], **args: Any) -> Call[list[T]]:
        """Any number of rows, as a list."""
        return cls._make(function, "many", row_type, args)

    @classmethod
    def scalar(cls, function: str, value_type: type[T], **args: Any) -> Call[T]:
        """A function returning one value."""
        return cls._make(function, "scalar", None, args)

    @classmethod
    def column(cls, function: str, value_type: type[T], **args: Any) -> Call[list[T]]:
        """A set-returning function of one column, as a list of values."""
        return cls._make(function, "column", None, args)

    @property
    def query(self) -> bytes:
        return query_text(self.function, tuple(self.args), self.procedure)

    @property
    def row_factory(self) -> BaseRowFactory[Any]:
        return _dataclass_row(self.row_type) if self.row_type is not None else tuple_row

    def result(self, rows: list[Any]) -> R:
        """The method's return value from the fetched rows."""
        shape = self.shape
        value: Any
        if shape == "one":
            if len(rows) != 1:
                raise UnexpectedResultError(
                    f"litellm.{self.function} returned {len(rows)} rows, not one")
            value = rows[0]
        elif shape == "optional":
            value = rows[0] if rows else None
        elif shape == "many":
            value = rows
        elif shape == "scalar":
            value = rows[0][0] if rows else None
        else:
            value = [r[0] for r in rows]
        # The builder that made this Call named R for its shape (Call.one -> T, ...).
        return cast(R, value)


# -- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreditResult:
    """What ``add_user_credits`` returns."""

    transaction_id: int
    credits_remaining: Decimal
    amount_credited: Decimal
    replayed: bool


@dataclass(frozen=True, slots=True)
class DebitResult:
    """What ``debit_user_credits`` returns; ``success = False`` means nothing was charged."""

    success: bool
    transaction_id: int | None
    credits_remaining: Decimal
    amount_debited: Decimal
    error_code: str | None
    error_message: str | None
    replayed: bool


@dataclass(frozen=True, slots=True)
class Balance:
    """What ``get_user_balance`` returns."""

    user_id: str
    credits_remaining: Decimal
    tier: str
    monthly_cap: Decimal | None
    total_purchased: Decimal
    total_granted: Decimal
    total_spent: Decimal
    transaction_count: int
    last_reset: datetime | None
    created_at: datetime
    updated_at: datetime
    credits_held: Decimal | None = None
    """Credits held by live reservations (None from a database without holds)."""
    credits_available: Decimal | None = None
    """Balance less holds: what the user can spend now."""
    month_spent: Decimal | None = None
    """Spent in the current calendar month (UTC), against ``monthly_cap``."""
    next_expiry_at: datetime | None = None
    """When the user's next credits expire, if any do."""


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What ``store_user_api_key`` returns: ``created = False`` when a key was replaced."""

    key_id: int
    created: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EncryptedKey:
    """A stored key's ciphertext (``get_user_api_key``); decrypt it with the BYOK manager."""

    encrypted_api_key: str
    encryption_key_id: str | None
    key_name: str | None


@dataclass(frozen=True, slots=True)
class ProviderEncryptedKey:
    """One of a user's keys with its provider (``get_user_api_keys``)."""

    provider: str
    encrypted_api_key: str
    encryption_key_id: str | None
    key_name: str | None


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A stored key for display (``list_user_api_keys``): masked, never the ciphertext."""

    provider: str
    key_name: str | None
    key_hint: str | None
    enabled: bool
    encryption_key_id: str | None
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeyToRotate:
    """A stored key not under the current encryption key (``list_user_api_keys_to_rotate``)."""

    id: int
    user_id: str
    provider: str
    encrypted_api_key: str
    encryption_key_id: str | None


# -- builders: credits and the journal ---------------------------------------------------------


def add_user_credits(
    user_id: str, amount: Amount, transaction_type: str | Default | None = DEFAULT,
    payment_method: str | Default | None = DEFAULT,
    stripe_transaction_id: str | Default | None = DEFAULT,
    package_id: int | Default | None = DEFAULT, description: str | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
    idempotency_key: str | Default | None = DEFAULT,
    expires_at: datetime | Default | None = DEFAULT,
) -> Call[CreditResult]:
    """Credit a user (creating the account when new); idempotent by charge id or key."""
    return Call.one(
        "add_user_credits", CreditResult, user_id=user_id, amount=to_amount(amount),
        transaction_type=transaction_type, payment_method=payment_method,
        stripe_transaction_id=stripe_transaction_id, package_id=package_id,
        description=description, metadata=_json(metadata), idempotency_key=idempotency_key,
        expires_at=expires_at,
    )


def debit_user_credits(
    user_id: str, cost: Amount, provider: str | Default | None = DEFAULT,
    model: str | Default | None = DEFAULT, prompt_tokens: int | Default | None = DEFAULT,
    completion_tokens: int | Default | None = DEFAULT, power_level: str | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
    request_id: str | Default | None = DEFAULT,
) -> Call[DebitResult]:
    """Charge a user for a call; ``success = False`` (not an exception) when they cannot pay."""
    return Call.one(
        "debit_user_credits", DebitResult, user_id=user_id, cost=to_amount(cost),
        provider=provider, model=model, prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens, power_level=power_level,
        metadata=_json(metadata), request_id=request_id,
    )


def debit_user_credits_early_release(
    user_id: str, cost: Amount, provider: str | Default | None = DEFAULT,
    model: str | Default | None = DEFAULT, prompt_tokens: int | Default | None = DEFAULT,
    completion_tokens: int | Default | None = DEFAULT, power_level: str | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
    request_id: str | Default | None = DEFAULT,
) -> Call[DebitResult]:
    """``debit_user_credits`` for a busy account: the row is released before the disk flush,
    and the call returns once the charge is on disk. Runs outside any transaction: the
    client's own connection must be in autocommit mode or idle (docs/ledger.md)."""
    return Call.call(
        "debit_user_credits_early_release", DebitResult, user_id=user_id, cost=to_amount(cost),
        provider=provider, model=model, prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens, power_level=power_level,
        metadata=_json(metadata), request_id=request_id,
    )


def get_user_balance(user_id: str) -> Call[Balance | None]:
    """The user's balance and totals; ``None`` for an unknown user."""
    return Call.optional("get_user_balance", Balance, user_id=user_id)


# -- builders: usage ---------------------------------------------------------------------------


def refresh_usage_summary() -> Call[int]:
    """Fold the usage logged since the last refresh into the daily summary; rows touched."""
    return Call.scalar("refresh_usage_summary", int)


def ensure_usage_log_partitions(
    months_ahead: int | Default | None = DEFAULT, months_behind: int | Default | None = DEFAULT,
) -> Call[list[str]]:
    """Create missing monthly partitions of the usage log; the names created."""
    return Call.column("ensure_usage_log_partitions", str, months_ahead=months_ahead,
                       months_behind=months_behind)


# -- builders: bring your own key (ciphertext only; see litellm_db.byok) -----------------------


def canonical_provider(provider: str | None) -> Call[str | None]:
    """A provider name as the key functions store it: trimmed, lower case, an alias of
    ``provider_aliases`` replaced by its provider (``together_ai`` -> ``together``)."""
    return Call.scalar("canonical_provider", str, provider=provider)


def store_user_api_key(
    user_id: str, provider: str, encrypted_api_key: str, key_hint: str | Default | None = DEFAULT,
    key_name: str | Default | None = DEFAULT, encryption_key_id: str | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
    enabled: bool | Default | None = DEFAULT,
) -> Call[StoredKey]:
    """Store (or replace) a user's Fernet-encrypted key for a provider."""
    return Call.one(
        "store_user_api_key", StoredKey, user_id=user_id, provider=provider,
        encrypted_api_key=encrypted_api_key, key_hint=key_hint, key_name=key_name,
        encryption_key_id=encryption_key_id, metadata=_json(metadata), enabled=enabled,
    )


def get_user_api_key(user_id: str, provider: str) -> Call[EncryptedKey | None]:
    """The ciphertext of a user's enabled key for a provider; ``None`` when there is none."""
    return Call.optional("get_user_api_key", EncryptedKey, user_id=user_id, provider=provider)


def get_user_api_keys(user_id: str) -> Call[list[ProviderEncryptedKey]]:
    """The ciphertext of every enabled key of a user."""
    return Call.many("get_user_api_keys", ProviderEncryptedKey, user_id=user_id)


def list_user_api_keys(user_id: str) -> Call[list[KeyInfo]]:
    """A user's keys for display: masked hints, never ciphertext."""
    return Call.many("list_user_api_keys", KeyInfo, user_id=user_id)


def set_user_api_key_enabled(user_id: str, provider: str, enabled: bool) -> Call[bool]:
    """Enable or disable a key; ``False`` when the user has no key for the provider."""
    return Call.scalar("set_user_api_key_enabled", bool, user_id=user_id, provider=provider,
                       enabled=enabled)


def delete_user_api_key(user_id: str, provider: str) -> Call[bool]:
    """Delete a key; ``False`` when there was none."""
    return Call.scalar("delete_user_api_key", bool, user_id=user_id, provider=provider)


def count_user_api_keys_to_rotate(current_key_id: str) -> Call[int]:
    """How many stored keys are not under the encryption key with this fingerprint."""
    return Call.scalar("count_user_api_keys_to_rotate", int, current_key_id=current_key_id)


def list_user_api_keys_to_rotate(
    current_key_id: str, after_id: int | Default | None = DEFAULT,
    batch_size: int | Default | None = DEFAULT,
) -> Call[list[KeyToRotate]]:
    """The next batch (id order, after ``after_id``) of keys not under the current key."""
    return Call.many("list_user_api_keys_to_rotate", KeyToRotate, current_key_id=current_key_id,
                     after_id=after_id, batch_size=batch_size)


def rotate_user_api_keys(
    ids: Sequence[int], old_encrypted_api_keys: Sequence[str],
    new_encrypted_api_keys: Sequence[str], current_key_id: str,
) -> Call[list[int]]:
    """Write back re-encrypted keys, compare-and-set on the old ciphertext; the ids rewritten."""
    return Call.column(
        "rotate_user_api_keys", int, ids=list(ids),
        old_encrypted_api_keys=list(old_encrypted_api_keys),
        new_encrypted_api_keys=list(new_encrypted_api_keys), current_key_id=current_key_id,
    )


# -- pricing, packages, tiers, provider health and routing -------------------------------------


@dataclass(frozen=True, slots=True)
class PriceChange:
    """What ``set_model_price`` returns: ``action`` is added, changed, replaced or unchanged."""

    price_id: int
    action: str


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """The price in force for a model (``get_model_price``), USD per million tokens."""

    price_id: int
    price_provider: str
    price_model: str
    matched: str
    prompt_per_1m: Decimal
    completion_per_1m: Decimal
    cached_per_1m: Decimal | None
    effective_from: datetime
    effective_to: datetime | None


@dataclass(frozen=True, slots=True)
class PackagePurchase:
    """What ``purchase_credit_package`` returns."""

    transaction_id: int
    credits_remaining: Decimal
    amount_credited: Decimal
    price_usd: Decimal
    replayed: bool


@dataclass(frozen=True, slots=True)
class TierChange:
    """What ``set_user_tier`` returns; ``changed = False`` when the user already had the tier."""

    old_tier: str
    new_tier: str
    changed: bool


@dataclass(frozen=True, slots=True)
class AccountSlots:
    """What ``set_account_slots`` returns: the account's number of slots and its balance."""

    slots: int
    credits_remaining: Decimal


@dataclass(frozen=True, slots=True)
class AccountStatementEntry:
    """A row of ``account_statement``: one journal entry of the account, in id order, with the
    account's running balance after it (``account_balance``; for an account of one slot, the
    entry's ``balance_after``, which is otherwise the balance of the entry's slot)."""

    transaction_id: int
    created_at: datetime
    transaction_type: str
    amount: Decimal
    account_balance: Decimal
    slot: int
    seq: int
    balance_after: Decimal
    provider: str | None
    model: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class ProviderHealth:
    """A row of ``provider_health`` (``record_provider_health``)."""

    provider: str
    status: str
    avg_latency_ms: int | None
    success_rate: Decimal | None
    error_count: int
    last_error: str | None
    notes: str | None
    last_check: datetime


@dataclass(frozen=True, slots=True)
class ProviderHealthUpdate:
    """One provider's health derived from recent calls (``refresh_provider_health``)."""

    provider: str
    status: str
    avg_latency_ms: int | None
    success_rate: Decimal | None
    request_count: int
    error_count: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    """A provider for a power level, best first (``select_providers``)."""

    rank: int
    provider: str
    available: bool
    status: str
    avg_latency_ms: int | None
    success_rate: Decimal | None
    last_check: datetime | None
    reason: str | None


def set_model_price(
    provider: str, model: str, prompt_per_1m: Amount, completion_per_1m: Amount,
    cached_per_1m: Amount | Default | None = DEFAULT,
    effective_from: datetime | Default | None = DEFAULT, note: str | Default | None = DEFAULT,
    source: str | Default | None = DEFAULT,
) -> Call[PriceChange]:
    """Schedule a model's price (USD per million tokens) from ``effective_from``."""
    return Call.one(
        "set_model_price", PriceChange, provider=provider, model=model,
        prompt_per_1m=to_amount(prompt_per_1m), completion_per_1m=to_amount(completion_per_1m),
        cached_per_1m=_amount_or_none(cached_per_1m), effective_from=effective_from, note=note,
        source=source,
    )


def get_model_price(
    provider: str, model: str, at: datetime | Default | None = DEFAULT,
) -> Call[ModelPrice | None]:
    """The price in force at ``at``, following the fallbacks; ``None`` when none applies."""
    return Call.optional("get_model_price", ModelPrice, provider=provider, model=model, at=at)


def calculate_cost(
    provider: str, model: str, prompt_tokens: int, completion_tokens: int,
    power_level: str | Default | None = DEFAULT, tier: str | Default | None = DEFAULT,
    at: datetime | Default | None = DEFAULT,
) -> Call[Decimal]:
    """Credits for one call by the database's prices, power level and tier."""
    return Call.scalar(
        "calculate_cost", Decimal, provider=provider, model=model, prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens, power_level=power_level, tier=tier, at=at,
    )


def usd_to_credits(usd: Amount, credits_per_usd: Amount | Default | None = DEFAULT,
                   ) -> Call[Decimal]:
    """US dollars in credits, rounded up: by ``credits_per_usd`` when given, else by the
    database's rate (``pricing_settings``)."""
    return Call.scalar("usd_to_credits", Decimal, usd=to_amount(usd),
                       credits_per_usd=_amount_or_none(credits_per_usd))


def purchase_credit_package(
    user_id: str, package_id: int, payment_method: str | Default | None = DEFAULT,
    charge_id: str | Default | None = DEFAULT,
) -> Call[PackagePurchase]:
    """Credit a package from the catalogue, idempotent by ``charge_id``."""
    return Call.one("purchase_credit_package", PackagePurchase, user_id=user_id,
                    package_id=package_id, payment_method=payment_method, charge_id=charge_id)


def set_user_tier(
    user_id: str, tier: str, reason: str | Default | None = DEFAULT,
) -> Call[TierChange]:
    """Move a user to another tier, recording why."""
    return Call.one("set_user_tier", TierChange, user_id=user_id, tier=tier, reason=reason)


def account_statement(
    user_id: str, from_time: datetime | Default | None = DEFAULT,
    to_time: datetime | Default | None = DEFAULT, max_rows: int | Default | None = DEFAULT,
) -> Call[list[AccountStatementEntry]]:
    """The account's entries from ``from_time`` (included) to ``to_time`` (excluded), in id order,
    transfers between slots left out, each with the account's running balance."""
    return Call.many("account_statement", AccountStatementEntry, user_id=user_id,
                     from_time=from_time, to_time=to_time, max_rows=max_rows)


def set_account_slots(user_id: str, slot_count: int) -> Call[AccountSlots]:
    """Split an account into ``slot_count`` slots (1 makes it one row again)."""
    return Call.one("set_account_slots", AccountSlots, user_id=user_id, slot_count=slot_count)


def record_provider_health(
    provider: str, status: str | Default | None = DEFAULT,
    avg_latency_ms: int | Default | None = DEFAULT, success_rate: Amount | Default | None = DEFAULT,
    error_count: int | Default | None = DEFAULT, last_error: str | Default | None = DEFAULT,
    notes: str | Default | None = DEFAULT,
) -> Call[ProviderHealth]:
    """Upsert a provider's health."""
    return Call.one(
        "record_provider_health", ProviderHealth, provider=provider, status=status,
        avg_latency_ms=avg_latency_ms, success_rate=_amount_or_none(success_rate),
        error_count=error_count, last_error=last_error, notes=notes,
    )


def refresh_provider_health(
    window_minutes: int | Default | None = DEFAULT, dry_run: bool | Default | None = DEFAULT,
) -> Call[list[ProviderHealthUpdate]]:
    """Derive each provider's health from the calls of the last ``window_minutes``."""
    return Call.many("refresh_provider_health", ProviderHealthUpdate,
                     window_minutes=window_minutes, dry_run=dry_run)


def select_providers(power_level: str) -> Call[list[ProviderChoice]]:
    """The providers allowed for a power level, best first."""
    return Call.many("select_providers", ProviderChoice, power_level=power_level)


# -- the ledger: holds, corrections, expiry, the auditor ---------------------------------------


@dataclass(frozen=True, slots=True)
class Reservation:
    """What ``reserve_credits`` returns; ``success = False`` (nothing held) names why."""

    success: bool
    reservation_id: int | None
    amount_held: Decimal | None
    credits_available: Decimal | None
    expires_at: datetime | None
    error_code: str | None
    error_message: str | None
    replayed: bool


@dataclass(frozen=True, slots=True)
class Settlement:
    """What ``settle_reservation`` returns."""

    success: bool
    transaction_id: int | None
    credits_remaining: Decimal
    amount_charged: Decimal
    amount_released: Decimal
    amount_uncovered: Decimal
    replayed: bool


@dataclass(frozen=True, slots=True)
class Release:
    """What ``release_reservation`` returns."""

    released: bool
    status: str
    amount_released: Decimal
    replayed: bool


@dataclass(frozen=True, slots=True)
class Refund:
    """What ``refund_transaction`` returns."""

    refund_transaction_id: int
    credits_remaining: Decimal
    amount_refunded: Decimal
    replayed: bool


@dataclass(frozen=True, slots=True)
class Adjustment:
    """What ``adjust_credits`` returns."""

    transaction_id: int
    credits_remaining: Decimal
    replayed: bool


@dataclass(frozen=True, slots=True)
class ExpirySweep:
    """What ``expire_credits`` returns; ``more_due`` when another sweep has work."""

    users_swept: int
    credits_expired: Decimal
    more_due: bool


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    """One broken invariant found by ``verify_ledger`` (none: the ledger is sound)."""

    user_id: str | None
    problem: str
    detail: str | None


def reserve_credits(
    user_id: str, amount: Amount, request_id: str, ttl: timedelta | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[Reservation]:
    """Hold a call's worst-case cost before it runs; it expires after ``ttl``."""
    return Call.one("reserve_credits", Reservation, user_id=user_id, amount=to_amount(amount),
                    request_id=request_id, ttl=ttl, metadata=_json(metadata))


def settle_reservation(
    user_id: str, request_id: str, actual_cost: Amount, provider: str | Default | None = DEFAULT,
    model: str | Default | None = DEFAULT, prompt_tokens: int | Default | None = DEFAULT,
    completion_tokens: int | Default | None = DEFAULT, power_level: str | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[Settlement]:
    """Charge a reserved call's actual cost and release the rest of the hold."""
    return Call.one(
        "settle_reservation", Settlement, user_id=user_id, request_id=request_id,
        actual_cost=to_amount(actual_cost), provider=provider, model=model,
        prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        power_level=power_level, metadata=_json(metadata),
    )


def release_reservation(user_id: str, request_id: str) -> Call[Release]:
    """Cancel a live hold."""
    return Call.one("release_reservation", Release, user_id=user_id, request_id=request_id)


def refund_transaction(
    transaction_id: int, reason: str, idempotency_key: str,
    amount: Amount | Default | None = DEFAULT,
) -> Call[Refund]:
    """Reverse a usage charge (all of it, or ``amount``) with a refund entry."""
    return Call.one("refund_transaction", Refund, transaction_id=transaction_id, reason=reason,
                    idempotency_key=idempotency_key, amount=_amount_or_none(amount))


def adjust_credits(
    user_id: str, amount: Amount, reason: str, idempotency_key: str,
    expires_at: datetime | Default | None = DEFAULT,
) -> Call[Adjustment]:
    """A signed manual correction, journalled with its reason."""
    return Call.one("adjust_credits", Adjustment, user_id=user_id, amount=to_amount(amount),
                    reason=reason, idempotency_key=idempotency_key, expires_at=expires_at)


def expire_credits(max_users: int | Default | None = DEFAULT) -> Call[ExpirySweep]:
    """Journal the expiry of credits past their date, for up to ``max_users`` accounts."""
    return Call.one("expire_credits", ExpirySweep, max_users=max_users)


def verify_ledger() -> Call[list[LedgerProblem]]:
    """Every broken ledger invariant; an empty list means the ledger is sound."""
    return Call.many("verify_ledger", LedgerProblem)


# -- usage: one call logged (and charged), analytics -------------------------------------------


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What ``record_llm_call`` returns; ``charged`` says whether the journal was debited."""

    success: bool
    charged: bool
    transaction_id: int | None
    usage_log_id: int
    credits_remaining: Decimal
    amount_charged: Decimal
    error_code: str | None
    error_message: str | None
    replayed: bool


def record_llm_call(
    user_id: str, provider: str, model: str, prompt_tokens: int | Default | None = DEFAULT,
    completion_tokens: int | Default | None = DEFAULT, cost: Amount | Default | None = DEFAULT,
    success: bool | Default | None = DEFAULT, request_id: str | Default | None = DEFAULT,
    litellm_call_id: str | Default | None = DEFAULT, power_level: str | Default | None = DEFAULT,
    latency_ms: int | Default | None = DEFAULT, cost_usd: Amount | Default | None = DEFAULT,
    error_type: str | Default | None = DEFAULT, error_message: str | Default | None = DEFAULT,
    tenant_id: str | Default | None = DEFAULT, team_id: str | Default | None = DEFAULT,
    organization_id: str | Default | None = DEFAULT, service_name: str | Default | None = DEFAULT,
    operation: str | Default | None = DEFAULT, session_id: str | Default | None = DEFAULT,
    request_metadata: Mapping[str, Any] | Default | None = DEFAULT,
    response_metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[CallRecord]:
    """Log one call and charge it (cost ``None``: priced by ``calculate_cost``); idempotent."""
    return Call.one(
        "record_llm_call", CallRecord, user_id=user_id, provider=provider, model=model,
        prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        cost=_amount_or_none(cost), success=success, request_id=request_id,
        litellm_call_id=litellm_call_id, power_level=power_level, latency_ms=latency_ms,
        cost_usd=_amount_or_none(cost_usd), error_type=error_type, error_message=error_message,
        tenant_id=tenant_id, team_id=team_id, organization_id=organization_id,
        service_name=service_name, operation=operation, session_id=session_id,
        request_metadata=_json(request_metadata), response_metadata=_json(response_metadata),
    )


@dataclass(frozen=True, slots=True)
class SettledCall:
    """What ``settle_llm_call`` returns: the settlement and the call's usage row."""

    transaction_id: int | None
    usage_log_id: int
    credits_remaining: Decimal
    amount_charged: Decimal
    amount_released: Decimal
    amount_uncovered: Decimal
    replayed: bool


def settle_llm_call(
    user_id: str, request_id: str, actual_cost: Amount, provider: str, model: str,
    prompt_tokens: int | Default | None = DEFAULT,
    completion_tokens: int | Default | None = DEFAULT, power_level: str | Default | None = DEFAULT,
    litellm_call_id: str | Default | None = DEFAULT, latency_ms: int | Default | None = DEFAULT,
    cost_usd: Amount | Default | None = DEFAULT, tenant_id: str | Default | None = DEFAULT,
    team_id: str | Default | None = DEFAULT, organization_id: str | Default | None = DEFAULT,
    service_name: str | Default | None = DEFAULT, operation: str | Default | None = DEFAULT,
    session_id: str | Default | None = DEFAULT,
    request_metadata: Mapping[str, Any] | Default | None = DEFAULT,
    response_metadata: Mapping[str, Any] | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[SettledCall]:
    """Settle a held call and log it in one transaction (settle_reservation + its usage row)."""
    return Call.one(
        "settle_llm_call", SettledCall, user_id=user_id, request_id=request_id,
        actual_cost=to_amount(actual_cost), provider=provider, model=model,
        prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        power_level=power_level, litellm_call_id=litellm_call_id, latency_ms=latency_ms,
        cost_usd=_amount_or_none(cost_usd), tenant_id=tenant_id, team_id=team_id,
        organization_id=organization_id, service_name=service_name, operation=operation,
        session_id=session_id, request_metadata=_json(request_metadata),
        response_metadata=_json(response_metadata), metadata=_json(metadata),
    )


@dataclass(frozen=True, slots=True)
class ArchivedPartition:
    """A month of the usage log moved to schema ``litellm_archive`` (``archive_usage_logs``)."""

    partition_name: str
    archived_as: str
    range_start: datetime
    range_end: datetime
    row_estimate: int | None


@dataclass(frozen=True, slots=True)
class DroppedArchive:
    """An archived month whose table was dropped (``drop_archived_usage_logs``)."""

    archived_as: str
    range_start: datetime
    range_end: datetime


def archive_usage_logs(
    older_than: timedelta | Default | None = DEFAULT,
) -> Call[list[ArchivedPartition]]:
    """Detach the usage log's months that ended before now - ``older_than``."""
    return Call.many("archive_usage_logs", ArchivedPartition, older_than=older_than)


def drop_archived_usage_logs(older_than: timedelta) -> Call[list[DroppedArchive]]:
    """Retention: drop archived months that ended before now - ``older_than``."""
    return Call.many("drop_archived_usage_logs", DroppedArchive, older_than=older_than)


@dataclass(frozen=True, slots=True)
class DailyUsage:
    """A day of a user's usage (``usage_daily``)."""

    date: date
    request_count: int
    success_count: int
    failure_count: int
    total_tokens: int
    total_cost: Decimal
    total_cost_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class ModelUsage:
    """A model's usage (``top_models``)."""

    provider: str
    model: str
    request_count: int
    total_tokens: int
    total_cost: Decimal


@dataclass(frozen=True, slots=True)
class Spender:
    """A user's spend (``top_spenders``)."""

    user_id: str
    total_cost: Decimal
    request_count: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class ProviderUsage:
    """A provider's usage and revenue (``provider_breakdown``)."""

    provider: str
    users: int
    request_count: int
    success_count: int
    failure_count: int
    total_tokens: int
    revenue: Decimal
    total_cost_usd: Decimal | None
    avg_latency_ms: Decimal | None


@dataclass(frozen=True, slots=True)
class FailureCount:
    """Failed calls by provider and error type (``failed_calls``)."""

    provider: str
    error_type: str | None
    failures: int
    last_failure_at: datetime


@dataclass(frozen=True, slots=True)
class TenantUsage:
    """A tenant's usage (``usage_by_tenant``)."""

    tenant_id: str | None
    request_count: int
    failure_count: int
    total_tokens: int
    total_cost: Decimal
    total_cost_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class TenantDailyUsage:
    """A day of a tenant's usage (``tenant_usage_daily``)."""

    date: date
    request_count: int
    failure_count: int
    total_tokens: int
    total_cost: Decimal
    total_cost_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class OperationUsage:
    """Usage by service and operation (``usage_by_operation``)."""

    service_name: str | None
    operation: str | None
    request_count: int
    failure_count: int
    total_tokens: int
    avg_latency_ms: Decimal | None
    avg_cost_per_call: Decimal | None
    total_cost: Decimal
    total_cost_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class TeamUsage:
    """A team's usage (``team_usage``)."""

    organization_id: str | None
    team_id: str | None
    request_count: int
    total_tokens: int
    total_cost: Decimal
    total_cost_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class OrganizationUsage:
    """An organisation's usage (``organization_usage``)."""

    organization_id: str | None
    teams: int
    tenants: int
    request_count: int
    total_tokens: int
    total_cost: Decimal
    total_cost_usd: Decimal | None


def usage_daily(user_id: str, days: int | Default | None = DEFAULT) -> Call[list[DailyUsage]]:
    """A user's usage per day for the last ``days``."""
    return Call.many("usage_daily", DailyUsage, user_id=user_id, days=days)


def top_models(
    days: int | Default | None = DEFAULT, max_rows: int | Default | None = DEFAULT,
    user_id: str | Default | None = DEFAULT,
) -> Call[list[ModelUsage]]:
    """The most used models of the last ``days``, for everyone or one user."""
    return Call.many("top_models", ModelUsage, days=days, max_rows=max_rows, user_id=user_id)


def top_spenders(
    days: int | Default | None = DEFAULT, max_rows: int | Default | None = DEFAULT,
) -> Call[list[Spender]]:
    """The users who spent most in the last ``days``."""
    return Call.many("top_spenders", Spender, days=days, max_rows=max_rows)


def provider_breakdown(days: int | Default | None = DEFAULT) -> Call[list[ProviderUsage]]:
    """Usage and revenue per provider for the last ``days``."""
    return Call.many("provider_breakdown", ProviderUsage, days=days)


def failed_calls(
    hours: int | Default | None = DEFAULT, user_id: str | Default | None = DEFAULT,
) -> Call[list[FailureCount]]:
    """Failed calls by provider and error type in the last ``hours``."""
    return Call.many("failed_calls", FailureCount, hours=hours, user_id=user_id)


def usage_by_tenant(days: int | Default | None = DEFAULT) -> Call[list[TenantUsage]]:
    """Usage per tenant for the last ``days``."""
    return Call.many("usage_by_tenant", TenantUsage, days=days)


def tenant_usage_daily(
    tenant_id: str, days: int | Default | None = DEFAULT,
) -> Call[list[TenantDailyUsage]]:
    """A tenant's usage per day for the last ``days``."""
    return Call.many("tenant_usage_daily", TenantDailyUsage, tenant_id=tenant_id, days=days)


def usage_by_operation(
    days: int | Default | None = DEFAULT, service_name: str | Default | None = DEFAULT,
    tenant_id: str | Default | None = DEFAULT,
) -> Call[list[OperationUsage]]:
    """Usage per service and operation for the last ``days``."""
    return Call.many("usage_by_operation", OperationUsage, days=days,
                     service_name=service_name, tenant_id=tenant_id)


def team_usage(
    days: int | Default | None = DEFAULT, organization_id: str | Default | None = DEFAULT,
) -> Call[list[TeamUsage]]:
    """Usage per team for the last ``days``."""
    return Call.many("team_usage", TeamUsage, days=days, organization_id=organization_id)


def organization_usage(days: int | Default | None = DEFAULT) -> Call[list[OrganizationUsage]]:
    """Usage per organisation for the last ``days``."""
    return Call.many("organization_usage", OrganizationUsage, days=days)


# -- organisations, teams and budgets ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Organization:
    """A row of ``organizations`` (``create_organization``)."""

    organization_id: str
    name: str | None
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Team:
    """A row of ``teams`` (``create_team``)."""

    team_id: str
    organization_id: str | None
    name: str | None
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TeamMembership:
    """A row of ``team_memberships`` (``add_team_member``)."""

    user_id: str
    team_id: str
    role: str
    is_primary: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Budget:
    """A row of ``budgets`` (``set_budget``)."""

    budget_id: int
    level: str
    user_id: str | None
    team_id: str | None
    organization_id: str | None
    model: str | None
    period: str
    hard_limit: Decimal
    soft_thresholds: list[Decimal]
    active: bool
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    shares: int = 1


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    """A budget that applies, with this period's spend (``get_budget_status``)."""

    budget_id: int
    level: str
    user_id: str | None
    team_id: str | None
    organization_id: str | None
    model: str | None
    period: str
    period_start: date | None
    period_end: date | None
    hard_limit: Decimal
    soft_thresholds: list[Decimal]
    spent: Decimal
    held: Decimal
    remaining: Decimal


@dataclass(frozen=True, slots=True)
class BudgetAlert:
    """A soft threshold a charge crossed (``list_budget_alerts``)."""

    alert_id: int
    budget_id: int
    level: str
    user_id: str | None
    team_id: str | None
    organization_id: str | None
    model: str | None
    period: str
    period_start: date | None
    threshold: Decimal
    hard_limit: Decimal
    spent: Decimal
    charged_user_id: str | None
    charged_team_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DailySpend:
    """Spend of a day and model (``get_daily_spend``)."""

    date: date
    model: str | None
    spend: Decimal
    refunded: Decimal
    charge_count: int


def create_organization(
    organization_id: str, name: str | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[Organization]:
    """Create an organisation, or set its name and metadata."""
    return Call.one("create_organization", Organization, organization_id=organization_id,
                    name=name, metadata=_json(metadata))


def create_team(
    team_id: str, organization_id: str | Default | None = DEFAULT,
    name: str | Default | None = DEFAULT, metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[Team]:
    """Create a team (in an organisation), or set its organisation, name and metadata."""
    return Call.one("create_team", Team, team_id=team_id, organization_id=organization_id,
                    name=name, metadata=_json(metadata))


def add_team_member(
    user_id: str, team_id: str, role: str | Default | None = DEFAULT,
    is_primary: bool | Default | None = DEFAULT,
) -> Call[TeamMembership]:
    """Put a user in a team with a role, or change the role."""
    return Call.one("add_team_member", TeamMembership, user_id=user_id, team_id=team_id,
                    role=role, is_primary=is_primary)


def remove_team_member(user_id: str, team_id: str) -> Call[bool]:
    """Take a user out of a team; ``False`` when they were not a member."""
    return Call.scalar("remove_team_member", bool, user_id=user_id, team_id=team_id)


def set_budget(
    level: str, hard_limit: Amount, user_id: str | Default | None = DEFAULT,
    team_id: str | Default | None = DEFAULT, organization_id: str | Default | None = DEFAULT,
    period: str | Default | None = DEFAULT,
    soft_thresholds: Sequence[Amount] | Default | None = DEFAULT,
    model: str | Default | None = DEFAULT, active: bool | Default | None = DEFAULT,
    metadata: Mapping[str, Any] | Default | None = DEFAULT,
) -> Call[Budget]:
    """Create or change the budget of a user, membership, team or organisation."""
    return Call.one(
        "set_budget", Budget, level=level, hard_limit=to_amount(hard_limit), user_id=user_id,
        team_id=team_id, organization_id=organization_id, period=period,
        soft_thresholds=_amounts(soft_thresholds),
        model=model, active=active, metadata=_json(metadata),
    )


def set_budget_shares(budget_id: int, shares: int) -> Call[Budget]:
    """Count a budget in ``shares`` rows per period (1 to 64) so that concurrent charges of its
    users do not queue on one row; the limit stays exact. 1 goes back to one row."""
    return Call.one("set_budget_shares", Budget, budget_id=budget_id, shares=shares)


def get_budget_status(
    user_id: str | Default | None = DEFAULT, team_id: str | Default | None = DEFAULT,
    organization_id: str | Default | None = DEFAULT,
) -> Call[list[BudgetStatus]]:
    """The active budgets that apply, with this period's spent, held and remaining."""
    return Call.many("get_budget_status", BudgetStatus, user_id=user_id, team_id=team_id,
                     organization_id=organization_id)


def list_budget_alerts(
    budget_id: int | Default | None = DEFAULT, user_id: str | Default | None = DEFAULT,
    team_id: str | Default | None = DEFAULT, organization_id: str | Default | None = DEFAULT,
    since: datetime | Default | None = DEFAULT, max_rows: int | Default | None = DEFAULT,
) -> Call[list[BudgetAlert]]:
    """Soft-threshold alerts, newest first."""
    return Call.many("list_budget_alerts", BudgetAlert, budget_id=budget_id, user_id=user_id,
                     team_id=team_id, organization_id=organization_id, since=since,
                     max_rows=max_rows)


def get_daily_spend(
    user_id: str | Default | None = DEFAULT, team_id: str | Default | None = DEFAULT,
    organization_id: str | Default | None = DEFAULT, tag: str | Default | None = DEFAULT,
    days: int | Default | None = DEFAULT,
) -> Call[list[DailySpend]]:
    """Spend per UTC day and model for a user, membership, team, organisation or tag."""
    return Call.many("get_daily_spend", DailySpend, user_id=user_id, team_id=team_id,
                     organization_id=organization_id, tag=tag, days=days)


# -- reports and maintenance -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UsageRow:
    """Usage over a date range, grouped (``usage_between``): the columns not grouped on are
    ``None``; ``subject`` is the user, team, organisation or tenant."""

    date: date | None
    subject: str | None
    provider: str | None
    model: str | None
    request_count: int
    success_count: int
    failure_count: int
    total_tokens: int
    avg_latency_ms: Decimal | None
    total_cost: Decimal
    total_cost_usd: Decimal | None


@dataclass(frozen=True, slots=True)
class CreditFlow:
    """Credits in and out on one UTC day (``credit_flow_daily``)."""

    date: date
    purchased: Decimal
    granted: Decimal
    consumed: Decimal
    refunded: Decimal
    expired: Decimal
    adjusted: Decimal
    entries: int


@dataclass(frozen=True, slots=True)
class TierTotals:
    """Balances and live holds of one tier (``credit_totals``)."""

    tier: str
    accounts: int
    credits_remaining: Decimal
    credits_held: Decimal
    live_holds: int
    live_hold_credits: Decimal


@dataclass(frozen=True, slots=True)
class MaintenanceRun:
    """The outcome of one maintenance job (``run_maintenance``): ok, failed or skipped."""

    status: str
    result: Any
    error: str | None
    duration_ms: Decimal


@dataclass(frozen=True, slots=True)
class BusyAccount:
    """An account whose charges waited on each other (``busy_accounts``): in how many of the
    samples, the most waiting at once, and the slot count that would let them run at once."""

    user_id: str
    slot_count: int
    samples_waiting: int
    samples_taken: int
    most_waiting: int
    suggested_slots: int


def usage_between(
    from_date: date, to_date: date, group_by: str | Default | None = DEFAULT,
    user_id: str | Default | None = DEFAULT, team_id: str | Default | None = DEFAULT,
    organization_id: str | Default | None = DEFAULT, tenant_id: str | Default | None = DEFAULT,
    max_rows: int | Default | None = DEFAULT,
) -> Call[list[UsageRow]]:
    """Usage from ``from_date`` to ``to_date`` (UTC, both included) grouped by ``group_by``
    (day, day_provider, provider, model, user, team, organization or tenant)."""
    return Call.many("usage_between", UsageRow, from_date=from_date, to_date=to_date,
                     group_by=group_by, user_id=user_id, team_id=team_id,
                     organization_id=organization_id, tenant_id=tenant_id, max_rows=max_rows)


def credit_flow_daily(from_date: date, to_date: date,
                      user_id: str | Default | None = DEFAULT) -> Call[list[CreditFlow]]:
    """Credits purchased, granted, consumed, refunded, expired and adjusted per UTC day."""
    return Call.many("credit_flow_daily", CreditFlow, from_date=from_date, to_date=to_date,
                     user_id=user_id)


def credit_totals() -> Call[list[TierTotals]]:
    """Accounts, balances and live holds per tier."""
    return Call.many("credit_totals", TierTotals)


def run_maintenance(job: str) -> Call[MaintenanceRun]:
    """Run one maintenance job and record its outcome (call it in autocommit, as the owner)."""
    return Call.one("run_maintenance", MaintenanceRun, job=job)


def busy_accounts(
    seconds: Amount | Default | None = DEFAULT, samples: int | Default | None = DEFAULT,
) -> Call[list[BusyAccount]]:
    """Accounts whose charges wait on each other, from the server's lock table sampled
    ``samples`` times over ``seconds``; busiest first (the analyst's, or the owner's)."""
    return Call.many("busy_accounts", BusyAccount, seconds=_amount_or_none(seconds),
                     samples=samples)


def issue_end_user_token(
    user_id: str, valid_for: timedelta | Default | None = DEFAULT,
) -> Call[str]:
    """A token proving ``user_id`` to row-level security for ``valid_for``. Hand it to the
    end user's connection, which sets ``litellm.end_user_token`` to it
    (docs/security.md#end-user-tokens)."""
    return Call.scalar("issue_end_user_token", str, user_id=user_id, valid_for=valid_for)


def current_end_user_id() -> Call[str | None]:
    """The user the session's end-user token proves (``None`` without one). The end user's
    connection calls it (the row-level security policies do, once per statement)."""
    return Call.scalar("current_end_user_id", str)


def rotate_end_user_token_key(revoke_issued: bool | Default | None = DEFAULT) -> Call[int]:
    """The owner's: a new key signs end-user tokens from now on; its id. With
    ``revoke_issued=True`` every token issued so far stops working at once."""
    return Call.scalar("rotate_end_user_token_key", int, revoke_issued=revoke_issued)
