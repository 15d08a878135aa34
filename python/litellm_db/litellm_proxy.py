"""The LiteLLM proxy side of :class:`~litellm_db.litellm_logger.LiteLLMDBLogger`.

A LiteLLM proxy runs hooks around every request it serves. This module charges
in the hooks that run *before* the client gets its answer, so that an answer
the proxy serves has a committed charge behind it:

``async_pre_call_hook``
    Finds who pays (the proxy key's user, team and organisation), prices the
    worst case of the deployments the router may call and holds it with
    ``reserve_credits``, under a request id of our own (never the client's
    ``x-litellm-call-id``). A refusal is HTTP 402; no payer is HTTP 403; a model
    with no price anywhere is HTTP 400 unless a ceiling is configured.
``async_post_call_success_hook`` (a whole answer)
    Settles the hold at the served deployment's cost and writes the usage row,
    in one statement, before the proxy returns the answer.
``async_post_call_streaming_iterator_hook`` (a stream)
    Passes the chunks through but keeps back the last one (and everything from
    the first chunk that finishes a choice): they go out after the settlement
    committed.
``async_post_call_failure_hook``
    Runs once, when the request finally failed (after the router's retries
    and fallbacks): releases the hold and logs one failed call.

The success and failure *logging* callbacks do nothing for a request these
hooks own, so a router retry's failure event releases nothing and a late
success event cannot charge twice.

When the charge cannot be committed the answer is not served: a database that
cannot be reached (after the pool's broken connections were replaced and the
statement retried once) is HTTP 503 with ``Retry-After``; any other failure to
charge is HTTP 500 with a one-line message of ours. The statements are
idempotent by the request id, so a retry after a commit whose acknowledgement
was lost replays the charge instead of making a second one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from . import config
from .calls import Default
from .errors import (
    ConnectionConfigError,
    InsufficientCreditsError,
    LiteLLMDBError,
    NotFoundError,
    RefusedError,
    translate,
)

log = logging.getLogger("litellm_db.litellm")

#: Where the pre-call hook leaves the request's hold for the later hooks.
HOLD_KEY = "litellm_db_hold"
#: Call types whose answer passes through the success or streaming hook.
PROXY_CALL_TYPES = frozenset({
    "completion", "acompletion", "text_completion", "atext_completion",
    "embedding", "aembedding",
})
#: LiteLLM's user id for requests made with the proxy's master key.
PROXY_ADMIN_USER = "default_user_id"
_SCALARS = (str, int, float, bool)
# Fields the proxy itself adds to the client's metadata.
_PROXY_FLAGS = frozenset({HOLD_KEY, "used_client_oauth_token", "headers", "requester_ip_address",
                          "user_agent"})


class RequestRefusedError(InsufficientCreditsError):
    """The pre-call hook refused a request: the user cannot afford it (HTTP 402 in the proxy)."""


class NoPayerError(LiteLLMDBError):
    """A proxy request with no one to charge: its key has no user (HTTP 403)."""

    status_code = 403


class UnpricedModelError(LiteLLMDBError):
    """A proxy request for a model with no price in LiteLLM or the database (HTTP 400)."""

    status_code = 400


class ChargeFailedError(LiteLLMDBError):
    """The answer could not be charged, so it is not served (HTTP 500)."""

    status_code = 500


class BillingUnavailableError(LiteLLMDBError):
    """The database cannot be reached: nothing is served unbilled (HTTP 503, ``Retry-After``)."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Payer:
    """Who a proxy request is charged to: this package's user, team and organisation."""

    user_id: str
    team_id: str | None = None
    organization_id: str | None = None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


def usd(value: Any) -> Decimal | None:
    """LiteLLM's dollar figure as an exact decimal, ``None`` when there is none.

    A float is read at the 15 significant digits a double holds exactly
    (``0.00022500000000000002``, the sum of two float products, is
    ``0.000225``): the digits after those are binary noise, and the database
    would round them *up* into a micro-credit.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = (Decimal(format(value, ".15g")) if isinstance(value, float)
                  else Decimal(str(value)))
    except ArithmeticError:
        return None
    return number if number.is_finite() and number >= 0 else None


def split_model(model: str | None, provider: str | None) -> tuple[str, str]:
    """``(provider, model)`` of LiteLLM's ``provider/model`` name, as the price list keys them."""
    name = _text(model) or "unknown"
    prefix, _, rest = name.partition("/")
    if provider and rest and prefix.lower() == provider.lower():
        return provider.lower(), rest
    if not provider and rest:
        return prefix.lower(), rest
    return (provider or "unknown").lower(), name


def proxy_payer(key: Any, data: Mapping[str, Any], *, default_user_id: str | None = None,
                admin_user_field: bool = True) -> Payer | None:
    """The payer of a proxy request, from the key LiteLLM authenticated (``UserAPIKeyAuth``).

    The key's ``user_id``, ``team_id`` and ``org_id``. A request made with the
    proxy's master key (LiteLLM's admin, user ``default_user_id``) is charged to
    its ``user`` field when ``admin_user_field`` (the operator's own backend
    speaks for its users). Otherwise, and with no user at all,
    ``default_user_id`` pays when one is configured; else ``None`` (refused).
    """
    user = _text(getattr(key, "user_id", None))
    team = _text(getattr(key, "team_id", None))
    org = _text(getattr(key, "org_id", None))
    role = getattr(key, "user_role", None)
    role = getattr(role, "value", role)
    if user == PROXY_ADMIN_USER or (user is None and role == "proxy_admin"):
        user = _text(data.get("user")) if admin_user_field else None
    if user is None:
        user = default_user_id
    return Payer(user, team, org) if user else None


# -- the statements: each one round trip, each idempotent by the request id ------------------------
#
# Each is sent as prepared-once bytes (psycopg prepares a statement it has run a few times on a
# connection); every money rule -- the conversion of dollars (at the database's rate, or at the
# operator's override passed as credits_per_usd) and its rounding -- is the database's.


def _sql(text: str) -> bytes:
    return " ".join(text.split()).encode()


# The hold's commit does not wait for the disk (synchronous_commit off for this transaction
# only): a hold lost in a crash charges nothing, and its settlement then finds no hold and
# charges the call directly, durably. The settlement's commit waits, as every charge does.
_RESERVE = """
select r.success, r.error_code, r.error_message
from pg_catalog.set_config('synchronous_commit', 'off', true) as c (setting)
cross join lateral litellm.reserve_credits(
    user_id => %(user_id)s, amount => {amount}, request_id => %(request_id)s,
    {ttl}metadata => %(metadata)s
) as r
"""
# With no hold_ttl of the operator's, the hold lives as long as reserve_credits' default.
_TTL = {True: "ttl => %(ttl)s, ", False: ""}
# Dollars converted at the database's rate, or (True) at the operator's credits_per_usd.
_TO_CREDITS = {
    False: "litellm.usd_to_credits({usd})",
    True: "litellm.usd_to_credits({usd}, credits_per_usd => %(credits_per_usd)s)",
}
_RESERVE_USD = {(override, ttl): _sql(_RESERVE.format(amount=convert.format(usd="%(usd)s"),
                                                   ttl=ttl_arg))
                for override, convert in _TO_CREDITS.items() for ttl, ttl_arg in _TTL.items()}
_RESERVE_CREDITS = {ttl: _sql(_RESERVE.format(amount="%(credits)s::numeric", ttl=ttl_arg))
                    for ttl, ttl_arg in _TTL.items()}
_DB_PRICE = _sql("""
select litellm.calculate_cost(%(provider)s, %(model)s, %(prompt_tokens)s, %(completion_tokens)s)
""")

# The settlement and the usage row in one function call (settle_llm_call), one round trip.
_SETTLE = """
select s.amount_charged, s.amount_uncovered, s.replayed, s.usage_log_id
from litellm.settle_llm_call(
    user_id => %(user_id)s, request_id => %(request_id)s, actual_cost => {cost},
    provider => %(provider)s, model => %(model)s, prompt_tokens => %(prompt_tokens)s,
    completion_tokens => %(completion_tokens)s, litellm_call_id => %(request_id)s,
    latency_ms => %(latency_ms)s, cost_usd => %(cost_usd)s, team_id => %(team_id)s,
    organization_id => %(organization_id)s, request_metadata => %(request_metadata)s,
    response_metadata => %(response_metadata)s, metadata => '{{"source": "litellm proxy"}}'
) as s
"""
_COST_DATABASE = """litellm.calculate_cost(
        %(provider)s, %(model)s, %(prompt_tokens)s, %(completion_tokens)s,
        tier => (select b.tier from litellm.get_user_balance(%(user_id)s) as b))"""

# A call whose hold is gone (it ran past the hold's ttl): charged as an unheld call.
_CHARGE = """
select r.charged, r.amount_charged, r.usage_log_id, r.error_code, r.error_message
from litellm.record_llm_call(
    user_id => %(user_id)s, provider => %(provider)s, model => %(model)s,
    prompt_tokens => %(prompt_tokens)s, completion_tokens => %(completion_tokens)s,
    cost => {cost}, success => true, request_id => %(request_id)s,
    litellm_call_id => %(request_id)s, latency_ms => %(latency_ms)s, cost_usd => %(cost_usd)s,
    team_id => %(team_id)s, organization_id => %(organization_id)s,
    request_metadata => %(request_metadata)s, response_metadata => %(response_metadata)s
) as r
"""
#: (settle, charge-if-unheld) by how the cost is priced: LiteLLM's dollars at the database's
#: rate or the operator's, or the database's price.
_SETTLE_BY = {
    cost: (_sql(_SETTLE.format(cost=sql)), _sql(_CHARGE.format(cost=sql)))
    for cost, sql in (("usd", _TO_CREDITS[False].format(usd="%(cost_usd)s")),
                      ("usd at rate", _TO_CREDITS[True].format(usd="%(cost_usd)s")),
                      ("database", _COST_DATABASE))
}

_RELEASE = _sql(
    "select r.released from litellm.release_reservation(%(user_id)s, %(request_id)s) as r")
_FAILED = _sql("""
select r.usage_log_id
from litellm.record_llm_call(
    user_id => %(user_id)s, provider => %(provider)s, model => %(model)s, success => false,
    request_id => %(request_id)s, litellm_call_id => %(request_id)s,
    latency_ms => %(latency_ms)s, error_type => %(error_type)s,
    error_message => %(error_message)s, team_id => %(team_id)s,
    organization_id => %(organization_id)s, request_metadata => %(request_metadata)s,
    response_metadata => %(response_metadata)s
) as r
""")


# Tokens at which a deployment's price is checked for linearity (above LiteLLM's tiers).
_TIER_PROBE = 1_000_000


@dataclass(frozen=True)
class _Prices:
    """A deployment's LiteLLM prices (US dollars a token) and maximum output, cached."""

    prompt: float | None
    completion: float | None
    linear: bool
    max_output: int | None
    until: float


def _router() -> Any:
    """The proxy's router, when this process is a LiteLLM proxy (never imported here)."""
    server = sys.modules.get("litellm.proxy.proxy_server")
    return getattr(server, "llm_router", None) if server is not None else None


def _finishes(chunk: Any) -> bool:
    for choice in getattr(chunk, "choices", None) or ():
        if getattr(choice, "finish_reason", None):
            return True
    return getattr(chunk, "usage", None) is not None


class ProxyHooks:
    """The proxy hooks of :class:`~litellm_db.litellm_logger.LiteLLMDBLogger` (a mixin)."""

    # Set by LiteLLMDBLogger.__init__.
    _dsn: str | None
    credits_per_usd: Decimal | None
    cost_source: str
    hold_ttl: timedelta | Default
    max_completion_tokens: int
    fallback_estimate: Decimal | None
    default_user_id: str | None
    admin_user_field: bool
    request_metadata_keys: Collection[str] | None
    retry_after: int
    db_timeout: float
    pool_size: int
    payer: Callable[..., Payer | None] | None
    price_cache_ttl: float
    _price_cache: dict[tuple[str, Any], _Prices]
    _proxy_pools: dict[asyncio.AbstractEventLoop, AsyncConnectionPool]

    # -- the database -----------------------------------------------------------------------

    async def _proxy_pool(self) -> AsyncConnectionPool:
        loop = asyncio.get_running_loop()
        pool = self._proxy_pools.get(loop)
        if pool is None:
            dsn = config.resolve_dsn(self._dsn)
            if dsn is None:
                raise ConnectionConfigError(
                    "LiteLLMDBLogger has no database: pass dsn=, or set LITELLM_DB_DSN")
            pool = AsyncConnectionPool(
                dsn, min_size=1, max_size=self.pool_size, open=False, timeout=self.db_timeout,
                kwargs={"autocommit": True, "connect_timeout": max(1, int(self.db_timeout))},
                name="litellm-db-proxy",
            )
            await pool.open(wait=False)
            if loop in self._proxy_pools:  # another task made one first
                await pool.close()
                return self._proxy_pools[loop]
            self._proxy_pools[loop] = pool
        return pool

    async def close_proxy_pools(self) -> None:
        """Close the pool this event loop's hooks use."""
        pool = self._proxy_pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    async def _query(self, query: bytes, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run one statement (its own transaction). A connection that broke (the database
        restarted, a network blip) is replaced and the statement run once more; the statements
        are idempotent, so a commit whose acknowledgement was lost replays."""
        for attempt in (1, 2):
            pool = await self._proxy_pool()
            try:
                async with pool.connection() as conn:
                    cur = await conn.execute(query, params, prepare=True)
                    return await cur.fetchall()
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    log.error("litellm-db: the database cannot be reached: %s", exc)
                    raise BillingUnavailableError(
                        "litellm-db: billing is unavailable, the request was not served;"
                        " retry later", retry_after=self.retry_after) from exc
                log.warning("litellm-db: a pooled connection failed (%s); replacing it", exc)
                await pool.check()
            except psycopg.Error as exc:
                raise translate(exc) from exc
        raise AssertionError("unreachable")

    # -- the worst case ---------------------------------------------------------------------

    def _deployments(self, model: str) -> list[dict[str, Any]]:
        """The ``litellm_params`` of every deployment the router may call for ``model``
        (its group or alias, then its fallbacks); ``[{"model": model}]`` without a router."""
        router = _router()
        if router is None:
            return [{"model": model}]
        groups = [model]
        for entry in getattr(router, "fallbacks", None) or ():
            if isinstance(entry, dict):
                for name, targets in entry.items():
                    if name in (model, "*"):
                        groups.extend(t for t in targets or () if isinstance(t, str))
        found: list[dict[str, Any]] = []
        for group in groups:
            for deployment in router.get_model_list(model_name=group) or ():
                params = dict(deployment.get("litellm_params") or {})
                if params.get("model"):
                    found.append(params)
        return found or [{"model": model}]

    def _deployment_prices(self, name: str, custom: dict[str, float] | None) -> _Prices:
        """LiteLLM's prices of a deployment (``None`` when it has none), from the cache (for
        ``price_cache_ttl`` seconds) or LiteLLM."""
        import litellm

        key = (name, None if custom is None else tuple(sorted(custom.items())))
        now = time.monotonic()
        cached = self._price_cache.get(key)
        if cached is not None and cached.until > now:
            return cached
        try:
            max_output = int(litellm.get_model_info(name).get("max_output_tokens") or 0) or None
        except Exception:
            max_output = None
        try:
            prompt, _ = litellm.cost_per_token(model=name, prompt_tokens=1, completion_tokens=0,
                                               custom_cost_per_token=custom)
            _, completion = litellm.cost_per_token(model=name, prompt_tokens=0,
                                                   completion_tokens=1,
                                                   custom_cost_per_token=custom)
            # Linear (n tokens cost n times one) unless LiteLLM prices long requests higher
            # (tiers): then every request is priced by LiteLLM itself.
            big_p, big_c = litellm.cost_per_token(model=name, prompt_tokens=_TIER_PROBE,
                                                  completion_tokens=_TIER_PROBE,
                                                  custom_cost_per_token=custom)
            linear = math.isclose(big_p + big_c, (prompt + completion) * _TIER_PROBE,
                                  rel_tol=1e-9)
            prices = _Prices(prompt, completion, linear, max_output, now + self.price_cache_ttl)
        except Exception:  # LiteLLM has no price for this deployment
            prices = _Prices(None, None, False, max_output, now + self.price_cache_ttl)
        if len(self._price_cache) > 1000:
            self._price_cache.clear()
        self._price_cache[key] = prices
        return prices

    def worst_case_usd(self, data: Mapping[str, Any]) -> tuple[Decimal | None, dict[str, Any]]:
        """LiteLLM's price of a request's worst case in US dollars: its prompt plus its
        ``max_tokens`` (else the model's maximum output, else ``max_completion_tokens``) on the
        dearest deployment it may be served by. ``None`` when LiteLLM prices none of them; then
        the second item names the first deployment and the token counts for the database.
        A deployment's prices are LiteLLM's, kept for ``price_cache_ttl`` seconds."""
        import litellm

        model = str(data.get("model") or "")
        deployments = self._deployments(model)
        asked = data.get("max_tokens") or data.get("max_completion_tokens")
        messages = data.get("messages") or []
        worst: float | None = None
        prompt: int | None = None
        first: dict[str, Any] = {}
        for params in deployments:
            name = str(params["model"])
            try:
                if prompt is None:
                    if messages:
                        prompt = int(litellm.token_counter(model=name, messages=messages))
                    else:
                        prompt = int(litellm.token_counter(
                            model=name, text=str(data.get("input") or data.get("prompt") or "")))
                custom = None
                if params.get("input_cost_per_token") is not None:
                    custom = {"input_cost_per_token": float(params["input_cost_per_token"]),
                              "output_cost_per_token": float(
                                  params.get("output_cost_per_token") or 0)}
                prices = self._deployment_prices(name, custom)
                completion = int(asked) if asked else (prices.max_output
                                                        or self.max_completion_tokens)
                if not first:
                    first = {"model": name, "prompt_tokens": prompt,
                             "completion_tokens": completion}
                if prices.prompt is None or prices.completion is None:
                    continue
                if prices.linear:
                    total = prompt * prices.prompt + completion * prices.completion
                else:
                    prompt_usd, completion_usd = litellm.cost_per_token(
                        model=name, prompt_tokens=prompt, completion_tokens=completion,
                        custom_cost_per_token=custom)
                    total = prompt_usd + completion_usd
            except Exception:  # LiteLLM cannot count or price this deployment
                continue
            if worst is None or total > worst:
                worst = total
        return (usd(worst) if worst else None), first

    @property
    def _ttl_given(self) -> bool:
        """Whether the operator set hold_ttl (else the hold lives reserve_credits' default)."""
        return not isinstance(self.hold_ttl, Default)

    async def _hold_amount(self, data: Mapping[str, Any]) -> tuple[bytes, dict[str, Any]]:
        """The reserve statement and its amount: dollars the database converts (at its rate,
        or at the operator's ``credits_per_usd``), else credits the database priced."""
        dollars, first = self.worst_case_usd(data)
        if dollars is not None:
            return (_RESERVE_USD[self.credits_per_usd is not None, self._ttl_given],
                    {"usd": dollars, "credits_per_usd": self.credits_per_usd})
        if first:
            provider, model = split_model(first["model"], None)
            try:
                rows = await self._query(_DB_PRICE, {
                    "provider": provider, "model": model,
                    "prompt_tokens": first["prompt_tokens"],
                    "completion_tokens": first["completion_tokens"]})
            except NotFoundError:  # no price row applies, not even a fallback
                rows = []
            if rows and rows[0][0] is not None:
                return _RESERVE_CREDITS[self._ttl_given], {"credits": rows[0][0]}
        if self.fallback_estimate is not None:
            return _RESERVE_CREDITS[self._ttl_given], {"credits": self.fallback_estimate}
        raise UnpricedModelError(
            f"litellm-db: model {data.get('model')!r} has no price, so this request cannot be"
            " charged; the operator must set one")

    # -- metadata ---------------------------------------------------------------------------

    def _request_metadata(self, meta: Mapping[str, Any]) -> dict[str, Any]:
        """What the usage row keeps of a request's metadata: the client's own scalar values
        (bounded), and only the proxy's fields the operator named in ``request_metadata_keys``;
        never the caller's IP address or user agent unless named."""
        kept: dict[str, Any] = {}
        client = meta.get("requester_metadata")
        sources: list[Mapping[str, Any]] = [client] if isinstance(client, dict) else []
        allowed = self.request_metadata_keys
        if allowed is not None:
            sources.append({k: meta.get(k) for k in allowed if k in meta})
        for source in sources:
            for key, value in source.items():
                if len(kept) >= 50 or not isinstance(key, str) or len(key) > 64:
                    continue
                if allowed is not None and key not in allowed:
                    continue
                if key in _PROXY_FLAGS or key.startswith(("user_api_key", "litellm_")):
                    continue
                if value is None or isinstance(value, _SCALARS):
                    kept[key] = value[:1000] if isinstance(value, str) else value
        return kept

    # -- the hooks --------------------------------------------------------------------------

    async def proxy_pre_call(self, key: Any, data: dict[str, Any]) -> dict[str, Any]:
        """Hold the worst case of a proxy request, or refuse it (see the module docstring)."""
        meta = data.get("metadata")
        if not isinstance(meta, dict):
            meta = {}
            data["metadata"] = meta
        meta.pop(HOLD_KEY, None)  # never the client's
        if self.payer is not None:
            payer = self.payer(key, data)
        else:
            payer = proxy_payer(key, data, default_user_id=self.default_user_id,
                                admin_user_field=self.admin_user_field)
        if payer is None:
            raise NoPayerError("litellm-db: no one to charge for this request: the key has no"
                               " user (give it a user_id)")
        request_id = f"proxy-{uuid.uuid4()}"
        reserve, params = await self._hold_amount(data)
        hold_meta = {"source": "litellm proxy", "team_id": payer.team_id,
                     "organization_id": payer.organization_id,
                     "client_call_id": _text(data.get("litellm_call_id"))}
        rows = await self._query(reserve, {
            **params, "user_id": payer.user_id, "request_id": request_id, "ttl": self.hold_ttl,
            "metadata": Jsonb({k: v for k, v in hold_meta.items() if v is not None}),
        })
        success, error_code, error_message = rows[0]
        if not success:
            raise RequestRefusedError(f"litellm-db: {error_message or 'request refused'}",
                                      error_code=error_code)
        meta[HOLD_KEY] = {"proxy": True, "user_id": payer.user_id, "request_id": request_id,
                          "team_id": payer.team_id, "organization_id": payer.organization_id,
                          "client_call_id": hold_meta["client_call_id"],
                          "started": time.monotonic()}
        return data

    @staticmethod
    def _managed(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
        meta = data.get("metadata") if isinstance(data, Mapping) else None
        hold = meta.get(HOLD_KEY) if isinstance(meta, dict) else None
        return hold if isinstance(hold, dict) and hold.get("proxy") else None

    def _served_model(self, hidden: Mapping[str, Any]) -> tuple[str, str]:
        name = _text(hidden.get("litellm_model_name"))
        if name is None and hidden.get("model_id"):
            try:
                deployment = _router().get_deployment(model_id=str(hidden["model_id"]))
                name = deployment.litellm_params.model if deployment is not None else None
            except Exception:
                name = None
        return split_model(name, _text(hidden.get("custom_llm_provider")))

    async def settle_served(self, data: Mapping[str, Any], hold: dict[str, Any], *,
                            hidden: Mapping[str, Any], usage: Any, response_id: str | None,
                            cost: Any) -> None:
        """Charge a served answer (in the hook, before it is served); raise when it cannot be."""
        if hold.get("settled"):
            return
        provider, model = self._served_model(hidden)

        def count(name: str) -> int:
            value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
            return int(value or 0)

        prompt, completion = count("prompt_tokens"), count("completion_tokens")
        dollars = usd(cost)
        if dollars is None and self.cost_source != "database":
            try:
                import litellm

                p, c = litellm.cost_per_token(model=f"{provider}/{model}", prompt_tokens=prompt,
                                              completion_tokens=completion)
                dollars = usd(p + c)
            except Exception:
                dollars = None
        params: dict[str, Any] = {
            "user_id": hold["user_id"], "request_id": hold["request_id"], "provider": provider,
            "model": model, "prompt_tokens": prompt, "completion_tokens": completion,
            "cost_usd": dollars, "team_id": hold.get("team_id"),
            "organization_id": hold.get("organization_id"),
            "latency_ms": max(0, int((time.monotonic() - hold.get("started", 0)) * 1000))
            if hold.get("started") else None,
            "request_metadata": Jsonb(self._request_metadata(data.get("metadata") or {})),
            "response_metadata": Jsonb({k: v for k, v in {
                "response_id": response_id, "client_call_id": hold.get("client_call_id"),
                "model_group": _text(data.get("model")),
            }.items() if v is not None}),
        }
        params["credits_per_usd"] = self.credits_per_usd
        settle, charge = _SETTLE_BY[
            "database" if self.cost_source == "database" or dollars is None
            else "usd" if self.credits_per_usd is None else "usd at rate"]
        try:
            rows = await self._query(settle, params)
        except (NotFoundError, RefusedError) as exc:
            # The hold is gone (the call outlived its ttl): charge it as an unheld call.
            log.warning("litellm-db: hold %s not settled (%s); charging directly",
                        hold["request_id"], exc)
            rows = await self._charge_unheld(charge, params)
        except (BillingUnavailableError, InsufficientCreditsError):
            raise
        except LiteLLMDBError as exc:
            log.error("litellm-db: could not charge %s: %s", hold["request_id"], exc)
            raise ChargeFailedError("litellm-db: this answer could not be charged, so it was"
                                    " not served") from exc
        hold["settled"] = True
        uncovered = rows[0][1] if rows else None
        if uncovered:
            log.warning("litellm-db: %s could not pay %s credits of %s", hold["user_id"],
                        uncovered, hold["request_id"])

    async def _charge_unheld(self, charge: bytes, params: dict[str, Any]) -> list[Any]:
        rows = await self._query(charge, params)
        charged, amount, _, error_code, error_message = rows[0]
        if not charged and amount == 0 and error_code:
            raise RequestRefusedError(f"litellm-db: {error_message or error_code}",
                                      error_code=error_code)
        return [(amount, None)]

    async def proxy_success(self, data: dict[str, Any], response: Any) -> Any:
        hold = self._managed(data)
        if hold is None:
            return response
        hidden = getattr(response, "_hidden_params", None) or {}
        await self.settle_served(
            data, hold, hidden=hidden, usage=getattr(response, "usage", None),
            response_id=_text(getattr(response, "id", None)), cost=hidden.get("response_cost"))
        return response

    async def proxy_stream(self, response: Any, data: dict[str, Any]) -> AsyncGenerator[Any, None]:
        hold = self._managed(data)
        if hold is None:
            async for chunk in response:
                yield chunk
            return
        held: list[Any] = []
        finished = False
        usage: Any = None
        hidden: dict[str, Any] = {}
        response_id: str | None = None
        text: list[str] = []
        async for chunk in response:
            if getattr(chunk, "usage", None) is not None:
                usage = chunk.usage
            params = getattr(chunk, "_hidden_params", None) or {}
            if params.get("model_id") or params.get("litellm_model_name"):
                hidden = dict(params)
            response_id = response_id or _text(getattr(chunk, "id", None))
            if usage is None:
                for choice in getattr(chunk, "choices", None) or ():
                    content = getattr(getattr(choice, "delta", None), "content", None)
                    if content:
                        text.append(content)
            finished = finished or _finishes(chunk)
            held.append(chunk)
            if not finished and len(held) > 1:
                yield held.pop(0)
        cost = getattr(usage, "cost", None) if usage is not None else None
        if usage is None:
            import litellm

            model = str(data.get("model") or "")
            usage = {"prompt_tokens": litellm.token_counter(model=model,
                                                            messages=data.get("messages") or []),
                     "completion_tokens": litellm.token_counter(model=model, text="".join(text))}
        await self.settle_served(data, hold, hidden=hidden, usage=usage,
                                 response_id=response_id, cost=cost)
        for chunk in held:
            yield chunk

    async def proxy_failure(self, data: dict[str, Any], exc: BaseException) -> None:
        """The request finally failed: release its hold and log one failed call."""
        hold = self._managed(data)
        if hold is None or hold.get("finished"):
            return
        hold["finished"] = True
        params = {"user_id": hold["user_id"], "request_id": hold["request_id"]}
        if hold.get("settled"):
            log.error("litellm-db: %s was charged but not served (%s): refund it if it should"
                      " not be paid", hold["request_id"], exc)
            return
        try:
            await self._query(_RELEASE, params)
        except LiteLLMDBError as error:
            log.warning("litellm-db: hold %s not released (%s); it lapses at its ttl",
                        hold["request_id"], error)
            if isinstance(error, BillingUnavailableError):
                return
        provider, model = split_model(_text(data.get("model")), None)
        message = _text(getattr(exc, "message", None)) or _text(exc) or type(exc).__name__
        try:
            await self._query(_FAILED, {
                **params, "provider": provider, "model": model,
                "latency_ms": max(0, int((time.monotonic() - hold.get("started", 0)) * 1000))
                if hold.get("started") else None,
                "error_type": type(exc).__name__, "error_message": message[:2000],
                "team_id": hold.get("team_id"), "organization_id": hold.get("organization_id"),
                "request_metadata": Jsonb(self._request_metadata(data.get("metadata") or {})),
                "response_metadata": Jsonb({"client_call_id": hold.get("client_call_id")}
                                           if hold.get("client_call_id") else {}),
            })
        except LiteLLMDBError as error:
            log.warning("litellm-db: failed request %s not logged (%s)", hold["request_id"],
                        error)
