"""The LiteLLM integration end to end: real ``litellm.completion`` / ``acompletion`` calls with
mock responses, then the balance, the journal and the usage log read back.

LiteLLM runs success callbacks in a background thread (sync calls) or task (async calls), so
each test waits for the logger to have handled the event, polling with a timeout.
"""

from __future__ import annotations

import os

# Before LiteLLM is imported anywhere: its bundled cost map, never the network.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import litellm
import psycopg
import pytest
from psycopg_pool import ConnectionPool

from litellm_db import litellm_logger
from litellm_db.client import Client
from litellm_db.errors import InvalidUsageArgumentError, LiteLLMDBError
from litellm_db.litellm_logger import LiteLLMDBLogger, RequestRefusedError, call_user_id

MODEL = "gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Say hello"}]
TIMEOUT = 15.0


@pytest.fixture
def pool(db: str) -> Iterator[ConnectionPool]:
    with ConnectionPool(db, min_size=1, max_size=4, open=True) as p:
        yield p


@pytest.fixture
def make_logger(db: str, pool: ConnectionPool, monkeypatch: pytest.MonkeyPatch
                ) -> Iterator[Callable[..., LiteLLMDBLogger]]:
    made: list[LiteLLMDBLogger] = []

    def make(**options: Any) -> LiteLLMDBLogger:
        logger = LiteLLMDBLogger(Client(pool), dsn=db, **options)
        monkeypatch.setattr(litellm, "callbacks", [logger])
        made.append(logger)
        return logger

    yield make
    for logger in made:
        # LiteLLM copies registered loggers into its own lists: take them out of all of them.
        litellm.logging_callback_manager.remove_callback_from_all_lists(logger)
        assert logger.errors == 0, logger.last_error


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


async def async_wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def handled(logger: LiteLLMDBLogger, n: int = 1) -> Callable[[], bool]:
    return lambda: logger.recorded + logger.skipped + logger.errors >= n


def usage_row(conn: psycopg.Connection, call_id: str) -> dict[str, Any]:
    cur = conn.execute("select * from litellm.llm_usage_log where litellm_call_id = %s",
                       (call_id,))
    rows = cur.fetchall()
    assert len(rows) == 1, rows
    names = [d.name for d in cur.description or ()]
    return dict(zip(names, rows[0], strict=True))


def balance(conn: psycopg.Connection, user: str) -> tuple[Decimal, Decimal, int]:
    row = conn.execute("select credits_remaining, credits_held, transaction_count"
                       " from litellm.get_user_balance(%s)", (user,)).fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def credits(usd: float, rate: int = 10) -> Decimal:
    """The expected charge: at the shipped rate (pricing_settings: 10 credits per USD) unless
    the test changed it."""
    return (Decimal(repr(usd)) * rate).quantize(Decimal("0.000001"), rounding="ROUND_UP")


def event(call_id: str, user: str, usd: float = 0.25) -> dict[str, Any]:
    """A success callback's kwargs as LiteLLM passes them: 10 + 20 tokens of MODEL."""
    return {
        "litellm_call_id": call_id, "user": user,
        "standard_logging_object": {"custom_llm_provider": "openai", "model": MODEL,
                                    "prompt_tokens": 10, "completion_tokens": 20,
                                    "response_cost": usd},
    }


def report_success(logger: LiteLLMDBLogger, kwargs: dict[str, Any]) -> None:
    start = datetime.now(UTC)
    logger.log_success_event(kwargs, None, start, start + timedelta(milliseconds=120))


# -- the success and failure callbacks ------------------------------------------------------------


def test_a_completion_charges_the_user_and_logs_its_usage(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-sync', 10)")
    call_id = str(uuid.uuid4())
    response = litellm.completion(
        model=MODEL, messages=MESSAGES, mock_response="Hello there!", user="llm-sync",
        litellm_call_id=call_id,
        metadata={"power_level": "balanced", "tenant_id": "acme", "service_name": "chat",
                  "operation": "reply", "request_id": "app-req-1"},
    )
    wait_for(handled(logger), "the success callback")
    usd = response._hidden_params["response_cost"]
    assert usd > 0
    row = usage_row(conn, call_id)
    assert (row["user_id"], row["provider"], row["model"], row["success"]) == \
        ("llm-sync", "openai", MODEL, True)
    assert (row["prompt_tokens"], row["completion_tokens"]) == \
        (response.usage.prompt_tokens, response.usage.completion_tokens)
    assert row["cost_credits"] == credits(usd)
    assert row["cost_usd"] == Decimal(repr(usd)).quantize(Decimal("0.00000001"))
    assert (row["power_level"], row["tenant_id"], row["service_name"], row["operation"]) == \
        ("balanced", "acme", "chat", "reply")
    assert row["request_metadata"]["request_id"] == "app-req-1"
    assert row["response_metadata"]["response_id"] == response.id
    assert row["transaction_id"] is not None and row["latency_ms"] is not None
    assert balance(conn, "llm-sync")[0] == 10 - credits(usd)


async def test_an_async_completion_charges_the_user_and_logs_its_usage(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-async', 10)")
    call_id = str(uuid.uuid4())
    response = await litellm.acompletion(
        model=MODEL, messages=MESSAGES, mock_response="Hi!", litellm_call_id=call_id,
        metadata={"user_id": "llm-async"},
    )
    await async_wait_for(handled(logger), "the async success callback")
    await logger.aclose()
    row = usage_row(conn, call_id)
    assert row["user_id"] == "llm-async" and row["success"]
    usd = response._hidden_params["response_cost"]
    assert row["cost_credits"] == credits(usd) > 0
    assert balance(conn, "llm-async")[0] == 10 - credits(usd)


def test_a_failed_call_is_logged_and_not_charged(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-fail', 10)")
    call_id = str(uuid.uuid4())
    with pytest.raises(Exception, match="boom"):
        litellm.completion(model=MODEL, messages=MESSAGES, mock_response=Exception("boom"),
                           user="llm-fail", litellm_call_id=call_id, num_retries=0)
    wait_for(handled(logger), "the failure callback")
    row = usage_row(conn, call_id)
    assert row["success"] is False and row["transaction_id"] is None
    assert row["cost_credits"] == 0
    assert row["error_type"] and "boom" in row["error_message"]
    assert balance(conn, "llm-fail") == (Decimal(10), Decimal(0), 1)


async def test_a_failed_async_call_is_logged_and_not_charged(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-afail', 10)")
    call_id = str(uuid.uuid4())
    with pytest.raises(Exception, match="boom"):
        await litellm.acompletion(model=MODEL, messages=MESSAGES,
                                  mock_response=Exception("boom"), user="llm-afail",
                                  litellm_call_id=call_id, num_retries=0)
    await async_wait_for(handled(logger), "the async failure callback")
    await logger.aclose()
    assert usage_row(conn, call_id)["success"] is False
    assert balance(conn, "llm-afail")[0] == 10


def test_a_call_reported_twice_is_charged_once(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-twice', 10)")
    kwargs = event("call-twice", "llm-twice", usd=0.25)
    for _ in range(2):
        report_success(logger, kwargs)
    assert logger.recorded == 2
    assert usage_row(conn, "call-twice")["cost_credits"] == Decimal("2.5")
    remaining, _, entries = balance(conn, "llm-twice")
    assert (remaining, entries) == (Decimal("7.5"), 2)


def test_a_call_without_a_user_is_not_recorded(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    litellm.completion(model=MODEL, messages=MESSAGES, mock_response="Hi")
    wait_for(handled(logger), "the success callback")
    assert (logger.skipped, logger.recorded) == (1, 0)
    assert conn.execute("select count(*) from litellm.llm_usage_log").fetchone() == (0,)


def test_a_user_who_cannot_pay_is_logged_uncharged(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-poor', 0.000001)")
    call_id = str(uuid.uuid4())
    litellm.completion(model=MODEL, messages=MESSAGES, mock_response="Hi there", user="llm-poor",
                       litellm_call_id=call_id)
    wait_for(handled(logger), "the success callback")
    row = usage_row(conn, call_id)
    assert row["success"] and row["transaction_id"] is None and row["uncharged_credits"] > 0
    assert row["billing_error"] == "insufficient_credits"
    assert balance(conn, "llm-poor")[0] == Decimal("0.000001")


def test_the_database_can_price_the_call(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger(cost_source="database")
    conn.execute("select litellm.set_model_price('openai', %s, 100, 200)", (MODEL,))
    conn.execute("select litellm.add_user_credits('llm-dbprice', 10)")
    call_id = str(uuid.uuid4())
    response = litellm.completion(model=MODEL, messages=MESSAGES, mock_response="Priced here",
                                  user="llm-dbprice", litellm_call_id=call_id)
    wait_for(handled(logger), "the success callback")
    expected = conn.execute(
        "select litellm.calculate_cost('openai', %s, %s, %s, tier => 'free')",
        (MODEL, response.usage.prompt_tokens, response.usage.completion_tokens),
    ).fetchone()
    assert expected is not None
    assert usage_row(conn, call_id)["cost_credits"] == expected[0] > 0


def test_the_rate_is_the_databases_unless_one_is_given(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    """LiteLLM's dollars become credits at pricing_settings' rate, as it is at each call."""
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-rate', 100)")
    report_success(logger, event("rate-1", "llm-rate", usd=0.25))
    assert usage_row(conn, "rate-1")["cost_credits"] == Decimal("2.5")
    conn.execute("update litellm.pricing_settings set credits_per_usd = 40")
    report_success(logger, event("rate-2", "llm-rate", usd=0.25))
    assert usage_row(conn, "rate-2")["cost_credits"] == Decimal(10)
    # A rate given to the logger overrides the database's.
    override = make_logger(credits_per_usd=Decimal("2"))
    report_success(override, event("rate-3", "llm-rate", usd=0.25))
    assert usage_row(conn, "rate-3")["cost_credits"] == Decimal("0.5")
    assert balance(conn, "llm-rate")[0] == 100 - Decimal("13")


def test_the_database_converts_at_an_override_too(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    """The logger restates no money rule: a rate it is given is the database's argument, so
    the database rounds (up, to a millionth) and refuses a rate that would make calls free."""
    conn.execute("select litellm.add_user_credits('llm-rate-override', 100)")
    override = make_logger(credits_per_usd=Decimal("3"))
    report_success(override, event("rate-4", "llm-rate-override", usd=0.0000001))
    assert usage_row(conn, "rate-4")["cost_credits"] == Decimal("0.000001")
    free = make_logger(credits_per_usd=0)
    report_success(free, event("rate-5", "llm-rate-override", usd=0.25))
    assert free.recorded == 0 and free.errors == 1
    assert isinstance(free.last_error, InvalidUsageArgumentError)
    assert conn.execute("select count(*) from litellm.llm_usage_log"
                        " where litellm_call_id = 'rate-5'").fetchone() == (0,)
    free.errors = 0  # the one expected: make_logger checks there were no others


def test_an_older_database_without_usd_to_credits_prices_the_call_itself(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    conn.execute("drop function litellm.usd_to_credits(numeric, numeric)")
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-old-rate', 10)")
    for call_id in ("old-rate-1", "old-rate-2"):
        report_success(logger, event(call_id, "llm-old-rate", usd=0.25))
    expected = conn.execute(
        "select litellm.calculate_cost('openai', %s, 10, 20, tier => 'free')", (MODEL,)
    ).fetchone()
    assert expected is not None
    for call_id in ("old-rate-1", "old-rate-2"):
        assert usage_row(conn, call_id)["cost_credits"] == expected[0] > 0
    assert logger.recorded == 2


def test_who_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    slo = {"metadata": {"user_api_key_user_id": "key-owner", "user_api_key_end_user_id": "end"},
           "end_user": "slo-end"}
    kwargs: dict[str, Any] = {"litellm_params": {"metadata": {"user_id": "meta-user"}},
                              "user": "openai-user", "standard_logging_object": slo}
    assert call_user_id(kwargs) == "meta-user"
    kwargs["litellm_params"]["metadata"]["litellm_db_user_id"] = "explicit"
    assert call_user_id(kwargs) == "explicit"
    kwargs["litellm_params"]["metadata"] = {}
    assert call_user_id(kwargs) == "openai-user"
    kwargs["user"] = " "
    assert call_user_id(kwargs) == "key-owner"
    slo["metadata"] = {}
    assert call_user_id(kwargs) == "slo-end"
    assert call_user_id({}) is None


# -- the proxy's pre-call hook ---------------------------------------------------------------------


def request(user: str | None = None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"model": MODEL, "messages": MESSAGES, "max_tokens": 200, **extra}
    if user is not None:
        data["user"] = user
    return data


async def test_the_hook_refuses_a_user_without_credits(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    with pytest.raises(RequestRefusedError) as info:
        await logger.async_pre_call_hook(None, None, request("llm-nobody"), "completion")
    assert info.value.status_code == 402 and info.value.error_code == "unknown_user"
    conn.execute("select litellm.add_user_credits('llm-broke', 0.000001)")
    with pytest.raises(RequestRefusedError) as info:
        await logger.async_pre_call_hook(None, None, request("llm-broke"), "completion")
    assert info.value.error_code == "insufficient_credits"
    assert balance(conn, "llm-broke")[1] == 0  # nothing held
    await logger.aclose()


async def test_a_held_call_is_settled_at_its_actual_cost(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-hold', 10)")
    data = await logger.async_pre_call_hook(None, None, request("llm-hold"), "completion")
    call_id = data["litellm_call_id"]
    assert data["metadata"][litellm_logger.HOLD_KEY] == {"user_id": "llm-hold",
                                                         "request_id": call_id}
    remaining, held, _ = balance(conn, "llm-hold")
    worst = conn.execute("select litellm.usd_to_credits(%s)", (logger.estimate_usd(data),)
                         ).fetchone()
    assert remaining == 10 and worst is not None and held == worst[0] > 0
    response = await litellm.acompletion(**data, mock_response="Held and settled")
    await async_wait_for(handled(logger), "the async success callback")
    await logger.aclose()
    usd = response._hidden_params["response_cost"]
    remaining, held, entries = balance(conn, "llm-hold")
    assert (remaining, held) == (10 - credits(usd), 0)
    assert entries == 2  # the purchase and one usage entry: settled once, not charged twice
    row = usage_row(conn, call_id)
    assert row["request_id"] == call_id and row["cost_credits"] == credits(usd)
    assert row["transaction_id"] is not None


async def test_a_held_call_that_fails_releases_its_hold(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-release', 10)")
    data = await logger.async_pre_call_hook(None, None, request("llm-release"), "completion")
    assert balance(conn, "llm-release")[1] > 0
    with pytest.raises(Exception, match="boom"):
        await litellm.acompletion(**data, mock_response=Exception("boom"), num_retries=0)
    await async_wait_for(handled(logger), "the async failure callback")
    await logger.aclose()
    assert balance(conn, "llm-release")[:2] == (Decimal(10), Decimal(0))
    assert usage_row(conn, data["litellm_call_id"])["success"] is False


async def test_the_hook_takes_the_user_from_the_proxy_key(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-key-owner', 10)")
    key = SimpleNamespace(user_id="llm-key-owner", end_user_id=None)
    data = await logger.async_pre_call_hook(key, None, request(), "completion")
    assert data["metadata"][litellm_logger.HOLD_KEY]["user_id"] == "llm-key-owner"
    # No user at all: the request passes untouched (nobody to charge).
    bare = request()
    assert await logger.async_pre_call_hook(None, None, bare, "completion") is bare
    assert litellm_logger.HOLD_KEY not in bare.get("metadata", {})
    await logger.aclose()


async def test_without_holds_the_database_still_decides(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    """hold=False holds nothing, but the database decides by a hold's rules (a reservation in
    a savepoint rolled back): the balance, and the monthly cap that a balance alone misses."""
    logger = make_logger(hold=False)
    conn.execute("select litellm.add_user_credits('llm-nohold', 10)")
    data = await logger.async_pre_call_hook(None, None, request("llm-nohold"), "completion")
    assert litellm_logger.HOLD_KEY not in data["metadata"]
    assert balance(conn, "llm-nohold")[1] == 0
    assert conn.execute("select count(*) from litellm.credit_holds where user_id = 'llm-nohold'"
                        ).fetchone() == (0,)
    conn.execute("select litellm.add_user_credits('llm-nohold-poor', 0.000001)")
    with pytest.raises(RequestRefusedError) as poor:
        await logger.async_pre_call_hook(None, None, request("llm-nohold-poor"), "completion")
    assert poor.value.error_code == "insufficient_credits"
    conn.execute("select litellm.add_user_credits('llm-nohold-capped', 10)")
    conn.execute("update litellm.user_credits set monthly_cap = 0.000001"
                 " where user_id = 'llm-nohold-capped'")
    with pytest.raises(RequestRefusedError) as capped:
        await logger.async_pre_call_hook(None, None, request("llm-nohold-capped"), "completion")
    assert capped.value.error_code == "monthly_cap_exceeded"
    with pytest.raises(RequestRefusedError) as unknown:
        await logger.async_pre_call_hook(None, None, request("llm-nohold-none"), "completion")
    assert unknown.value.error_code == "unknown_user"
    await logger.aclose()


async def test_a_database_without_holds_is_an_error_not_a_check_in_python(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    conn.execute("drop function litellm.reserve_credits(text, numeric, text, interval, jsonb)")
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-old', 10)")
    with pytest.raises(LiteLLMDBError) as info:
        await logger.async_pre_call_hook(None, None, request("llm-old"), "completion")
    assert info.value.sqlstate == "42883"
    await logger.aclose()


def test_the_estimate_is_the_worst_case_in_dollars() -> None:
    logger = LiteLLMDBLogger(Client(None))  # type: ignore[arg-type]
    small = logger.estimate_usd(request(max_tokens=10))
    large = logger.estimate_usd(request(max_tokens=10_000))
    assert small is not None and large is not None and 0 < small < large
    assert logger.estimate_usd({"model": "no-such-model", "messages": MESSAGES}) is None


async def test_the_hook_holds_the_fallback_for_a_model_litellm_cannot_price(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger(fallback_estimate="0.02")
    conn.execute("select litellm.add_user_credits('llm-unpriced', 10)")
    await logger.async_pre_call_hook(None, None, request("llm-unpriced", model="no-such-model"),
                                     "completion")
    await logger.aclose()
    assert balance(conn, "llm-unpriced")[:2] == (Decimal(10), Decimal("0.02"))


def test_a_proxy_handler_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(litellm_logger.__dict__, "_proxy_handler", raising=False)
    monkeypatch.setenv("LITELLM_DB_DSN", "host=example.invalid dbname=x")
    handler = litellm_logger.proxy_handler
    assert isinstance(handler, LiteLLMDBLogger)
    assert litellm_logger.proxy_handler is handler  # made once
    monkeypatch.delitem(litellm_logger.__dict__, "_proxy_handler")


async def test_a_call_dearer_than_its_hold_is_charged_what_is_left(
    make_logger: Callable[..., LiteLLMDBLogger], conn: psycopg.Connection,
) -> None:
    logger = make_logger()
    conn.execute("select litellm.add_user_credits('llm-short', 0.00005)")
    data = await logger.async_pre_call_hook(None, None, request("llm-short", max_tokens=1),
                                            "completion")
    response = await litellm.acompletion(**data, mock_response="A reply far longer than one token")
    await async_wait_for(handled(logger), "the async success callback")
    await logger.aclose()
    cost = credits(response._hidden_params["response_cost"])
    assert cost > Decimal("0.00005")
    assert balance(conn, "llm-short")[:2] == (0, 0)
    row = usage_row(conn, data["litellm_call_id"])
    assert row["cost_credits"] == Decimal("0.00005")
    assert Decimal(row["response_metadata"]["uncovered_credits"]) == cost - Decimal("0.00005")


async def test_the_application_role_is_enough(
    db: str, conn: psycopg.Connection, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gateway connects as a member of litellm_app: every call the logger makes is granted."""
    app_dsn = psycopg.conninfo.make_conninfo(db, options="-c role=litellm_app")
    logger = LiteLLMDBLogger(dsn=app_dsn)
    monkeypatch.setattr(litellm, "callbacks", [logger])
    try:
        conn.execute("select litellm.add_user_credits('llm-app', 10)")
        data = await logger.async_pre_call_hook(None, None, request("llm-app"), "completion")
        await litellm.acompletion(**data, mock_response="As the application")
        await async_wait_for(handled(logger), "the async success callback")
        litellm.completion(model=MODEL, messages=MESSAGES, mock_response="Sync", user="llm-app")
        wait_for(handled(logger, 2), "the sync success callback")
        assert (logger.recorded, logger.errors) == (2, 0), logger.last_error
    finally:
        litellm.logging_callback_manager.remove_callback_from_all_lists(logger)
        await logger.aclose()
        logger.close()
    assert balance(conn, "llm-app")[1:] == (0, 3)
