"""LiteLLM integration: charge every call to the user's credits and log its usage.

:class:`LiteLLMDBLogger` is a LiteLLM ``CustomLogger``.

In a LiteLLM proxy (``callbacks: litellm_db.litellm_logger.proxy_handler``) it
charges in the proxy's hooks, before the answer is served: the pre-call hook
holds the worst case of the deployments the router may call (or refuses: HTTP
402, 403, 400), the success and streaming hooks settle the hold and write the
usage row before the answer (or its last chunk) goes out, the failure hook
releases it once the request finally failed. A charge that cannot be committed
is an error to the client (HTTP 503 with ``Retry-After`` when the database
cannot be reached), never a free answer. See :mod:`litellm_db.litellm_proxy`.

With the SDK, after each successful call it records the call with
``litellm.record_llm_call`` -- one transaction that debits the user and writes
the usage row -- idempotent by LiteLLM's call id, so a callback LiteLLM
delivers twice charges once. A failed call is logged and never charged. Both
the SDK's sync path (``litellm.completion``: the callback runs in LiteLLM's
thread pool) and async path (``litellm.acompletion``) are handled; an event the
database cannot take after a few tries goes to a local spool (``spool=``),
written when a logger with that spool starts again.

    import litellm
    from litellm_db.litellm_logger import LiteLLMDBLogger

    litellm.callbacks = [LiteLLMDBLogger(dsn="postgresql://...")]   # or DATABASE_URL
    litellm.completion(model="gpt-4o-mini", messages=[...], user="user-1")

Who pays: ``metadata["litellm_db_user_id"]``, else ``metadata["user_id"]``, else
the call's ``user``, else the proxy key's ``user_api_key_user_id``, else the
proxy's end user. A call with none of them is not recorded (a warning is
logged). What it costs: LiteLLM's ``response_cost`` (US dollars) in credits
at the database's rate (``usd_to_credits``: ``pricing_settings.credits_per_usd``,
the rate ``calculate_cost`` uses, rounded up to a millionth of a credit), or at
``credits_per_usd`` when one is given; with ``cost_source="database"``, or when
LiteLLM does not know the model's price, the database prices it
(``calculate_cost``). ``metadata`` may also carry
``power_level``, ``tenant_id``, ``team_id``, ``organization_id``,
``service_name``, ``operation``, ``session_id`` and ``request_id`` (kept in the
usage row's request metadata).

The proxy setup is in docs/litellm.md.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import copy
import logging
import os
import threading
import time
import uuid
from collections.abc import (
    AsyncGenerator,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import psycopg
from litellm.integrations.custom_logger import CustomLogger

from . import calls, config
from .calls import DEFAULT, CallRecord, Default
from .client import AsyncClient, Client
from .errors import (
    ConnectionConfigError,
    LiteLLMDBError,
    NotFoundError,
    RefusedError,
)
from .litellm_proxy import (
    HOLD_KEY,
    PROXY_CALL_TYPES,
    BillingUnavailableError,
    ChargeFailedError,
    NoPayerError,
    Payer,
    ProxyHooks,
    RequestRefusedError,
    UnpricedModelError,
    proxy_payer,
    split_model,
    usd,
)
from .litellm_spool import Spool
from .plan import Atomic, Plan, Probe, Try, run_async, run_sync

__all__ = [
    "HOLD_KEY", "BillingUnavailableError", "ChargeFailedError", "LiteLLMDBLogger",
    "NoPayerError", "Payer", "RequestRefusedError", "UnpricedModelError", "call_facts",
    "call_user_id", "proxy_payer",
]

log = logging.getLogger("litellm_db.litellm")

_UNDEFINED_FUNCTION = "42883"
_SCALARS = (str, int, float, bool)


# -- reading LiteLLM's callback payload ---------------------------------------------------------


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _metadata(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    params = _dict(kwargs.get("litellm_params"))
    return _dict(params.get("metadata")) or _dict(params.get("litellm_metadata"))


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


def call_user_id(kwargs: Mapping[str, Any]) -> str | None:
    """The user to charge for a call, from its metadata, ``user`` or the proxy's key fields."""
    meta = _metadata(kwargs)
    slo = _dict(kwargs.get("standard_logging_object"))
    slo_meta = _dict(slo.get("metadata"))
    for value in (
        meta.get("litellm_db_user_id"), meta.get("user_id"), kwargs.get("user"),
        slo_meta.get("user_api_key_user_id"), meta.get("user_api_key_user_id"),
        slo.get("end_user"), slo_meta.get("user_api_key_end_user_id"),
    ):
        if _text(value):
            return str(value)
    return None


_decimal = usd


def _usage(response_obj: Any) -> tuple[int | None, int | None]:
    usage = getattr(response_obj, "usage", None)
    if usage is None and isinstance(response_obj, dict):
        usage = response_obj.get("usage")
    if usage is None:
        return None, None

    def get(name: str) -> Any:
        return usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)

    return get("prompt_tokens"), get("completion_tokens")


def _small(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's own metadata worth keeping: scalar values, bounded, no proxy internals."""
    kept: dict[str, Any] = {}
    for key, value in meta.items():
        if len(kept) >= 50 or not isinstance(key, str) or len(key) > 64:
            continue
        if key.startswith(("user_api_key", "hidden_params", "litellm_", "headers")):
            continue
        if value is None or isinstance(value, _SCALARS):
            kept[key] = value[:1000] if isinstance(value, str) else value
    return kept


@dataclass(frozen=True)
class _Hold:
    user_id: str
    request_id: str


def call_facts(kwargs: Mapping[str, Any], response_obj: Any, start_time: Any, end_time: Any,
               *, success: bool) -> dict[str, Any]:
    """``record_llm_call``'s arguments for one LiteLLM callback (cost in US dollars)."""
    meta = _metadata(kwargs)
    slo = _dict(kwargs.get("standard_logging_object"))
    slo_meta = _dict(slo.get("metadata"))
    prompt, completion = slo.get("prompt_tokens"), slo.get("completion_tokens")
    if prompt is None and completion is None:
        prompt, completion = _usage(response_obj)
    latency = None
    if isinstance(start_time, datetime) and isinstance(end_time, datetime):
        latency = max(0, int((end_time - start_time).total_seconds() * 1000))
    provider, model = split_model(
        _text(slo.get("model") or kwargs.get("model")),
        _text(slo.get("custom_llm_provider") or kwargs.get("custom_llm_provider")))
    facts: dict[str, Any] = {
        "provider": provider,
        "model": model,
        "prompt_tokens": int(prompt or 0),
        "completion_tokens": int(completion or 0),
        "success": success,
        "litellm_call_id": _text(kwargs.get("litellm_call_id") or slo.get("id")),
        "power_level": _text(meta.get("power_level")),
        "latency_ms": latency,
        "tenant_id": _text(meta.get("tenant_id")),
        "team_id": _text(meta.get("team_id") or slo_meta.get("user_api_key_team_id")),
        "organization_id": _text(meta.get("organization_id")
                                 or slo_meta.get("user_api_key_org_id")),
        "service_name": _text(meta.get("service_name")),
        "operation": _text(meta.get("operation")),
        "session_id": _text(meta.get("session_id")),
        "request_metadata": _small(meta),
        "response_metadata": {k: v for k, v in {
            "response_id": _text(slo.get("id")) if success else None,
            "call_type": _text(slo.get("call_type") or kwargs.get("call_type")),
            "model_group": _text(slo.get("model_group")),
            "api_base": _text(slo.get("api_base")),
            "cache_hit": slo.get("cache_hit") if isinstance(slo.get("cache_hit"), bool) else None,
        }.items() if v is not None},
    }
    if success:
        cost = slo.get("response_cost")
        facts["cost_usd"] = _decimal(cost if cost is not None else kwargs.get("response_cost"))
    else:
        info = _dict(slo.get("error_information"))
        exc = kwargs.get("exception")
        facts["error_type"] = (_text(info.get("error_class"))
                               or (type(exc).__name__ if exc is not None else None))
        message = _text(slo.get("error_str")) or (_text(exc) if exc is not None else None)
        facts["error_message"] = message[:2000] if message else None
    hold = _dict(meta.get(HOLD_KEY))
    if hold.get("user_id") and hold.get("request_id"):
        facts["hold"] = _Hold(str(hold["user_id"]), str(hold["request_id"]))
    return facts


# -- what to do for one event: a plan of SQL calls (litellm_db.plan), run in one transaction -----


class LiteLLMDBLogger(ProxyHooks, CustomLogger):
    """Charges and logs LiteLLM calls through litellm-db (see the module docstring).

    ``client`` / ``async_client``: clients to use (build them on a pool: LiteLLM
    runs sync callbacks in several threads); without them the logger opens its
    own pools from ``dsn``, else ``DATABASE_URL`` / ``POSTGRES_*``, on first use.
    ``credits_per_usd``: the conversion of LiteLLM's dollar cost; ``None`` (the
    default): the database's rate (``usd_to_credits``, from ``pricing_settings``,
    so the rate is configured in one place); a number: that rate instead (passed
    to ``usd_to_credits``, which converts and rounds). ``hold``: the pre-call hook
    holds the worst-case cost with ``reserve_credits``; false: it only asks the
    database whether the user could hold it (the reservation is made in a
    savepoint that is rolled back). ``hold_ttl``: how long an unsettled hold
    lives (by default, ``reserve_credits``' default). ``max_completion_tokens``:
    the completion size assumed for the worst case when a request sets no
    ``max_tokens`` and LiteLLM does not know the model's maximum output.
    ``fallback_estimate``: credits held for a model neither LiteLLM nor the
    database can price (``None``, the default: such a
    request is refused).

    In a LiteLLM proxy (see :mod:`litellm_db.litellm_proxy`): ``default_user_id``
    pays for requests whose key has no user (``None``: they are refused);
    ``admin_user_field``: requests made with the master key are charged to their
    ``user`` field; ``request_metadata_keys``: the proxy's request fields kept
    in the usage row (by default only the client's own metadata, never its IP
    address or user agent); ``retry_after``: the ``Retry-After`` seconds of a
    503; ``db_timeout``: seconds to wait for a connection; ``pool_size``: the
    hooks' connections per event loop; ``payer``: ``callable(key, data) ->
    Payer | None`` to decide who pays instead; ``price_cache_ttl``: seconds a
    deployment's LiteLLM prices are kept for pricing holds (a price changed in
    LiteLLM applies to holds within that time; the charge itself always uses
    the answer's own cost).

    After the call (the SDK's callbacks): ``retry_delays``: the pauses between tries when
    the database cannot be reached; then the event goes to ``spool`` (a local file, at most
    ``spool_max_events`` events), written when a logger with that spool starts again
    (:meth:`replay_spool`). At exit, :meth:`drain` waits for the callbacks in flight.
    """

    def __init__(
        self, client: Client | None = None, *, async_client: AsyncClient | None = None,
        dsn: str | None = None, credits_per_usd: Decimal | int | str | None = None,
        cost_source: Literal["litellm", "database"] = "litellm", hold: bool = True,
        hold_ttl: timedelta | Default = DEFAULT, max_completion_tokens: int = 4096,
        fallback_estimate: Decimal | int | str | None = None,
        user_id: Callable[[Mapping[str, Any]], str | None] = call_user_id,
        default_user_id: str | None = None, admin_user_field: bool = True,
        request_metadata_keys: Collection[str] | None = None, retry_after: int = 2,
        db_timeout: float = 5.0, pool_size: int = 10,
        payer: Callable[[Any, Mapping[str, Any]], Payer | None] | None = None,
        price_cache_ttl: float = 60.0,
        spool: str | os.PathLike[str] | None = None, spool_max_events: int = 10_000,
        retry_delays: Iterable[float] = (0.2, 1.0, 3.0),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._client = client
        self._async_clients: dict[asyncio.AbstractEventLoop, AsyncClient] = {}
        self._given_async = async_client
        self._dsn = dsn
        self._lock = threading.Lock()
        self.credits_per_usd = None if credits_per_usd is None else Decimal(credits_per_usd)
        self.cost_source = cost_source
        self.hold = hold
        self.hold_ttl = hold_ttl
        self.max_completion_tokens = max_completion_tokens
        self.fallback_estimate = None if fallback_estimate is None else Decimal(fallback_estimate)
        self.default_user_id = default_user_id
        self.admin_user_field = admin_user_field
        self.request_metadata_keys = (None if request_metadata_keys is None
                                      else frozenset(request_metadata_keys))
        self.retry_after = retry_after
        self.db_timeout = db_timeout
        self.pool_size = pool_size
        self.payer = payer
        self.price_cache_ttl = price_cache_ttl
        self._price_cache = {}
        self._proxy_pools = {}
        self.retry_delays = tuple(retry_delays)
        self.spool = None if spool is None else Spool(spool, spool_max_events)
        self.spooled = 0
        """Events kept in the spool because the database could not be reached."""
        self._in_flight = 0
        if self.spool is not None:
            atexit.register(self.drain)
            if len(self.spool):
                threading.Thread(target=self._replay_in_background, daemon=True,
                                 name="litellm-db-spool").start()
        self.user_id = user_id
        self.recorded = 0
        """Events recorded (successes and failures), for monitoring."""
        self.skipped = 0
        """Events without a user to charge (not recorded; a warning is logged)."""
        self.errors = 0
        """Events that could not be recorded (the reason is logged)."""
        self.last_error: BaseException | None = None
        self._conversion_available: bool | None = None

    def _replay_in_background(self) -> None:
        try:
            self.replay_spool()
        except Exception as exc:
            self._failed(exc)

    # -- connections ------------------------------------------------------------------------

    def _resolved_dsn(self) -> str:
        dsn = config.resolve_dsn(self._dsn)
        if dsn is None:
            raise ConnectionConfigError(
                "LiteLLMDBLogger has no database: pass client= or dsn=, or set DATABASE_URL"
            )
        return dsn

    def sync_client(self) -> Client:
        """The client sync callbacks use (its own pool unless one was given)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = Client.connect(self._resolved_dsn())
        return self._client

    async def async_client(self) -> AsyncClient:
        """The client async callbacks use: one pool per event loop unless one was given."""
        if self._given_async is not None:
            return self._given_async
        loop = asyncio.get_running_loop()
        found = self._async_clients.get(loop)
        if found is None:
            found = await AsyncClient.connect(self._resolved_dsn())
            if loop in self._async_clients:  # another task won the race
                await found.close()
                return self._async_clients[loop]
            self._async_clients[loop] = found
        return found

    def close(self) -> None:
        """Close the sync pool this logger opened."""
        if self._client is not None and self._dsn is not None:
            self._client.close()

    async def aclose(self) -> None:
        """Close the async pools this logger opened (call it from their event loop)."""
        loop = asyncio.get_running_loop()
        client = self._async_clients.pop(loop, None)
        if client is not None:
            await client.close()
        await self.close_proxy_pools()

    # -- cost -------------------------------------------------------------------------------

    def _credits(self, usd: Decimal) -> Plan[Any]:
        """Plan steps: ``usd`` in credits by the database (``usd_to_credits``: at
        ``credits_per_usd`` when one was given, else at the database's rate; rounded up to a
        millionth). ``None`` when the database is older than ``usd_to_credits``: the caller
        prices the call with ``calculate_cost`` instead."""
        rate = DEFAULT if self.credits_per_usd is None else self.credits_per_usd
        if self._conversion_available:
            return (yield calls.usd_to_credits(usd, rate))
        if self._conversion_available is False:
            return None
        try:
            credits = yield Try(calls.usd_to_credits(usd, rate))
        except LiteLLMDBError as exc:
            if exc.sqlstate != _UNDEFINED_FUNCTION:
                raise
            log.warning("litellm-db: the database has no usd_to_credits (run litellm-db migrate);"
                        " calls are priced with calculate_cost until then")
            self._conversion_available = False
            return None
        self._conversion_available = True
        return credits

    # -- plans ------------------------------------------------------------------------------

    def _success_plan(self, user_id: str, facts: dict[str, Any]) -> Plan[Any]:
        hold: _Hold | None = facts.pop("hold", None)
        usd: Decimal | None = facts.get("cost_usd")
        cost = None
        if usd is not None and self.cost_source != "database":
            cost = yield from self._credits(usd)
        if hold is not None and hold.user_id == user_id:
            if cost is None:
                balance = yield calls.get_user_balance(user_id)
                cost = yield calls.calculate_cost(
                    facts["provider"], facts["model"], facts["prompt_tokens"],
                    facts["completion_tokens"], facts["power_level"],
                    balance.tier if balance is not None else None,
                )
            try:
                settled = yield Try(calls.settle_reservation(
                    user_id, hold.request_id, cost, provider=facts["provider"],
                    model=facts["model"], prompt_tokens=facts["prompt_tokens"],
                    completion_tokens=facts["completion_tokens"], power_level=facts["power_level"],
                    metadata={"litellm_call_id": facts["litellm_call_id"]},
                ))
            except (NotFoundError, RefusedError) as exc:
                # The hold is gone (expired, released): charge the call as if unheld.
                log.warning("litellm-db: hold %s of %s not settled (%s); charging directly",
                            hold.request_id, user_id, exc)
            else:
                if settled.amount_uncovered:
                    log.warning("litellm-db: %s could not pay %s credits of call %s",
                                user_id, settled.amount_uncovered, hold.request_id)
                    facts["response_metadata"]["uncovered_credits"] = str(
                        settled.amount_uncovered)
                cost = settled.amount_charged
                facts["request_id"] = hold.request_id
        record = yield calls.record_llm_call(user_id, cost=cost, **facts)
        return record

    def _failure_plan(self, user_id: str, facts: dict[str, Any]) -> Plan[Any]:
        hold: _Hold | None = facts.pop("hold", None)
        if hold is not None and hold.user_id == user_id:
            try:
                yield Try(calls.release_reservation(user_id, hold.request_id))
            except LiteLLMDBError as exc:
                log.warning("litellm-db: hold %s of %s not released (%s)", hold.request_id,
                            user_id, exc)
        record = yield calls.record_llm_call(user_id, **facts)
        return record

    def _event(self, kwargs: Mapping[str, Any], response_obj: Any, start_time: Any,
               end_time: Any, *, success: bool) -> dict[str, Any] | None:
        """What to write for one callback: ``{"user_id", "facts", "success"}``, or ``None``."""
        if self._managed({"metadata": _metadata(kwargs)}) is not None:
            return None  # a proxy request: its hooks charged it (or released it) already
        user_id = self.user_id(kwargs)
        if user_id is None:
            self.skipped += 1
            log.warning("litellm-db: call %s has no user (set user= or metadata.user_id);"
                        " not recorded", kwargs.get("litellm_call_id"))
            return None
        facts = call_facts(kwargs, response_obj, start_time, end_time, success=success)
        return {"user_id": user_id, "facts": facts, "success": success}

    def _plan_for(self, event: Mapping[str, Any]) -> Plan[Any]:
        facts = copy.deepcopy(event["facts"])  # a plan consumes its facts; a retry needs them
        return (self._success_plan if event["success"] else self._failure_plan)(
            event["user_id"], facts)

    def _done(self, record: CallRecord | None) -> None:
        self.recorded += 1
        if record is not None and not record.success:
            log.warning("litellm-db: call %s recorded but not charged: %s",
                        record.usage_log_id, record.error_message or record.error_code)

    def _failed(self, exc: BaseException) -> None:
        self.errors += 1
        self.last_error = exc
        log.error("litellm-db: could not record a LiteLLM call: %s", exc, exc_info=exc)

    def _spool_or_fail(self, event: Mapping[str, Any], exc: BaseException) -> None:
        if self.spool is not None and _unreachable(exc) and self.spool.append(dict(event)):
            self.spooled += 1
            log.warning("litellm-db: the database cannot be reached (%s); call %s kept in %s",
                        exc, event["facts"].get("litellm_call_id"), self.spool.path)
            return
        self._failed(exc)

    def _write_sync(self, event: Mapping[str, Any]) -> None:
        for delay in (*self.retry_delays, None):
            try:
                self._done(run_sync(self.sync_client(), Atomic(self._plan_for(event))))
                return
            except Exception as exc:
                if delay is None or not _unreachable(exc):
                    self._spool_or_fail(event, exc)
                    return
                time.sleep(delay)

    async def _write_async(self, event: Mapping[str, Any]) -> None:
        for delay in (*self.retry_delays, None):
            try:
                work = Atomic(self._plan_for(event))
                self._done(await run_async(await self.async_client(), work))
                return
            except Exception as exc:
                if delay is None or not _unreachable(exc):
                    self._spool_or_fail(event, exc)
                    return
                await asyncio.sleep(delay)

    def _record_sync(self, *args: Any, success: bool) -> None:
        with self._tracking():
            try:
                event = self._event(*args, success=success)
                if event is not None:
                    self._write_sync(event)
            except Exception as exc:  # a callback must never break the caller's request
                self._failed(exc)

    async def _record_async(self, *args: Any, success: bool) -> None:
        with self._tracking():
            try:
                event = self._event(*args, success=success)
                if event is not None:
                    await self._write_async(event)
            except Exception as exc:  # a callback must never break the caller's request
                self._failed(exc)

    @contextlib.contextmanager
    def _tracking(self) -> Iterator[None]:
        with self._lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def drain(self, timeout: float = 10.0) -> int:
        """Wait up to ``timeout`` seconds for the callbacks in flight to finish (call it before
        the process exits; it runs at exit when a spool is set); the number still running."""
        deadline = time.monotonic() + timeout
        while self._in_flight and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._in_flight:
            log.error("litellm-db: %d callbacks still running at exit", self._in_flight)
        return self._in_flight

    def replay_spool(self) -> int:
        """Write the events kept in the spool (on start, or by hand); the number written.
        Those the database still refuses to take stay in the spool."""
        if self.spool is None:
            return 0
        written = kept = 0
        for event in self.spool.take():
            before = self.spooled
            self._write_sync(event)
            if self.spooled > before:
                kept += 1
            else:
                written += 1
        if written or kept:
            log.warning("litellm-db: replayed the spool %s: %d calls written, %d kept",
                        self.spool.path, written, kept)
        return written

    # -- LiteLLM's callbacks ----------------------------------------------------------------

    def log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any,
                          end_time: Any) -> None:
        self._record_sync(kwargs, response_obj, start_time, end_time, success=True)

    def log_failure_event(self, kwargs: Any, response_obj: Any, start_time: Any,
                          end_time: Any) -> None:
        self._record_sync(kwargs, response_obj, start_time, end_time, success=False)

    async def async_log_success_event(self, kwargs: Any, response_obj: Any, start_time: Any,
                                      end_time: Any) -> None:
        await self._record_async(kwargs, response_obj, start_time, end_time, success=True)

    async def async_log_failure_event(self, kwargs: Any, response_obj: Any, start_time: Any,
                                      end_time: Any) -> None:
        await self._record_async(kwargs, response_obj, start_time, end_time, success=False)

    # -- the proxy's admission check ----------------------------------------------------------

    def estimate_usd(self, data: Mapping[str, Any]) -> Decimal | None:
        """LiteLLM's price of a request's worst case in US dollars (``worst_case_usd``);
        ``None`` when LiteLLM cannot price the model."""
        return self.worst_case_usd(data)[0]

    def _admission_plan(self, user_id: str, request_id: str, usd: Decimal | None,
                        meta: dict[str, Any]) -> Plan[Any]:
        amount = None if usd is None else (yield from self._credits(usd))
        if amount is None:
            amount = self.fallback_estimate
        if amount is None:
            raise UnpricedModelError(f"litellm-db: no price for the model of request {request_id}")
        reserve = calls.reserve_credits(user_id, amount, request_id, ttl=self.hold_ttl,
                                        metadata={"source": "litellm pre-call hook"})
        # Without holds the reservation is made and undone (its savepoint rolled back): the
        # database still decides, by the rules of a hold, whether the user can afford the call.
        held = yield (reserve if self.hold else Probe(reserve))
        if not held.success:
            return RequestRefusedError(
                held.error_message or f"{user_id} cannot afford this request",
                error_code=held.error_code,
            )
        if self.hold:
            meta[HOLD_KEY] = {"user_id": user_id, "request_id": request_id}
        return None

    async def async_pre_call_hook(self, user_api_key_dict: Any, cache: Any, data: dict[str, Any],
                                  call_type: Any) -> dict[str, Any]:
        """Refuse (HTTP 402) a request its user cannot afford; hold its worst-case cost.

        In the proxy (a key is given) for the call types whose answer passes through the
        post-call hooks, the hooks charge before the answer is served (``proxy_pre_call``);
        otherwise (the SDK, other call types) the success callback settles the hold."""
        if user_api_key_dict is not None and str(
                getattr(call_type, "value", call_type)) in PROXY_CALL_TYPES:
            return await self.proxy_pre_call(user_api_key_dict, data)
        meta = data.get("metadata")
        if not isinstance(meta, dict):
            meta = {}
            data["metadata"] = meta
        probe = {"litellm_params": {"metadata": meta}, "user": data.get("user"),
                 "standard_logging_object": {"metadata": {
                     "user_api_key_user_id": getattr(user_api_key_dict, "user_id", None),
                     "user_api_key_end_user_id": getattr(user_api_key_dict, "end_user_id", None),
                 }}}
        user_id = self.user_id(probe)
        meta.pop(HOLD_KEY, None)
        if user_id is None:
            return data
        request_id = _text(data.get("litellm_call_id"))
        if request_id is None:
            request_id = str(uuid.uuid4())
            data["litellm_call_id"] = request_id
        usd = self.estimate_usd(data)
        refusal = await run_async(await self.async_client(),
                                  Atomic(self._admission_plan(user_id, request_id, usd, meta)))
        if refusal is not None:
            raise refusal
        return data

    async def async_post_call_success_hook(self, data: dict[str, Any], user_api_key_dict: Any,
                                           response: Any) -> Any:
        """The proxy, before it serves an answer: charge it (HTTP 503 when it cannot be)."""
        return await self.proxy_success(data, response)

    async def async_post_call_streaming_iterator_hook(
        self, user_api_key_dict: Any, response: Any, request_data: dict[str, Any],
    ) -> AsyncGenerator[Any, None]:
        """The proxy, streaming: the last chunk goes out after the charge committed."""
        async for chunk in self.proxy_stream(response, request_data):
            yield chunk

    async def async_post_call_failure_hook(self, request_data: dict[str, Any],
                                           original_exception: Exception,
                                           user_api_key_dict: Any,
                                           traceback_str: str | None = None) -> Any:
        """The proxy, once a request finally failed: release its hold, log one failure."""
        try:
            await self.proxy_failure(request_data, original_exception)
        except Exception as exc:  # never replace the request's own error
            self._failed(exc)
        return None


def _unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database could not be reached (worth another try)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, psycopg.OperationalError):
            return True
        seen = seen.__cause__
    return False


def _from_env() -> LiteLLMDBLogger:
    return LiteLLMDBLogger(dsn=os.environ.get("LITELLM_DB_DSN") or None,
                           spool=os.environ.get("LITELLM_DB_SPOOL") or None)


def __getattr__(name: str) -> Any:
    """``litellm_db.litellm_logger.proxy_handler``: a logger from the environment, made once.

    For a LiteLLM proxy config (``callbacks: litellm_db.litellm_logger.proxy_handler``):
    the database is ``LITELLM_DB_DSN``, else ``DATABASE_URL`` / ``POSTGRES_*``.
    """
    if name == "proxy_handler":
        handler = globals().get("_proxy_handler")
        if handler is None:
            handler = _from_env()
            globals()["_proxy_handler"] = handler
        return handler
    raise AttributeError(name)
