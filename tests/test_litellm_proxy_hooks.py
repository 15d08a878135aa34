"""The proxy hooks in-process, for what a mock model cannot show over HTTP: a float cost with
binary noise, database pricing of the served deployment, the payer rules, the privacy of the
request metadata, a hold that lapsed before its call ended."""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from litellm_db.client import Client
from litellm_db.errors import InvalidUsageArgumentError
from litellm_db.litellm_logger import (
    HOLD_KEY,
    LiteLLMDBLogger,
    NoPayerError,
    Payer,
    call_facts,
    proxy_payer,
)
from litellm_db.litellm_proxy import split_model, usd
from litellm_db.litellm_spool import Spool

MESSAGES = [{"role": "user", "content": "Say hello"}]


def key(user: str | None, team: str | None = None, org: str | None = None,
        role: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(user_id=user, team_id=team, org_id=org, user_role=role)


def response(cost: float | None, *, model: str = "openai/gpt-4o-mini", prompt: int = 10,
             completion: int = 20, rid: str = "chatcmpl-1") -> SimpleNamespace:
    return SimpleNamespace(
        id=rid, usage=SimpleNamespace(prompt_tokens=prompt, completion_tokens=completion),
        _hidden_params={"response_cost": cost, "litellm_model_name": model,
                        "custom_llm_provider": "openai"})


@pytest.fixture
def logger(db: str) -> Iterator[LiteLLMDBLogger]:
    made = LiteLLMDBLogger(dsn=db)
    yield made


def test_a_float_is_read_at_the_precision_it_has() -> None:
    assert usd(0.00022500000000000002) == Decimal("0.000225")
    assert usd(1.35e-05) == Decimal("0.0000135")
    assert usd(0.1 + 0.2) == Decimal("0.3")
    assert usd("0.00022500000000000002") == Decimal("0.00022500000000000002")  # text is exact
    assert usd(float("nan")) is None and usd(-1.0) is None and usd(None) is None


def test_the_provider_prefix_is_split_off() -> None:
    assert split_model("openai/gpt-4o-mini", "openai") == ("openai", "gpt-4o-mini")
    assert split_model("gpt-4o-mini", "openai") == ("openai", "gpt-4o-mini")
    assert split_model("anthropic/claude-3-5-haiku-20241022", None) == \
        ("anthropic", "claude-3-5-haiku-20241022")
    assert split_model("openrouter/meta/llama", "openrouter") == ("openrouter", "meta/llama")
    facts = call_facts({"standard_logging_object": {"model": "openai/gpt-4o-mini",
                                                    "custom_llm_provider": "openai"}},
                       None, None, None, success=True)
    assert (facts["provider"], facts["model"]) == ("openai", "gpt-4o-mini")


def test_who_pays_on_the_proxy() -> None:
    assert proxy_payer(key("u", "t", "o"), {"user": "someone-else"}) == Payer("u", "t", "o")
    assert proxy_payer(key(None), {"user": "x"}) is None  # the client cannot choose the payer
    admin = key("default_user_id", role="proxy_admin")
    assert proxy_payer(admin, {"user": "end-user"}) == Payer("end-user")
    assert proxy_payer(admin, {}) is None
    assert proxy_payer(admin, {"user": "end-user"}, admin_user_field=False) is None
    assert proxy_payer(key(None), {}, default_user_id="house") == Payer("house")


async def test_binary_noise_is_not_charged(logger: LiteLLMDBLogger,
                                           conn: psycopg.Connection) -> None:
    conn.execute("select litellm.add_user_credits('hk-noise', 10)")
    data = await logger.proxy_pre_call(key("hk-noise"), {"model": "gpt-4o-mini",
                                                         "messages": MESSAGES, "max_tokens": 50})
    await logger.proxy_success(data, response(0.00022500000000000002))
    row = conn.execute("select cost_credits, cost_usd from litellm.llm_usage_log"
                       " where user_id = 'hk-noise'").fetchone()
    assert row == (Decimal("0.00225"), Decimal("0.000225"))
    await logger.aclose()


async def test_an_operators_rate_is_converted_by_the_database(
    db: str, conn: psycopg.Connection,
) -> None:
    """credits_per_usd is passed to usd_to_credits: the database converts and rounds the hold
    and the charge, and refuses a rate that would serve calls for free."""
    logger = LiteLLMDBLogger(dsn=db, credits_per_usd=Decimal("3"))
    conn.execute("select litellm.add_user_credits('hk-rate', 10)")
    data = await logger.proxy_pre_call(key("hk-rate"), {"model": "gpt-4o-mini",
                                                        "messages": MESSAGES, "max_tokens": 50})
    held = conn.execute("select amount from litellm.credit_holds where user_id = 'hk-rate'"
                        ).fetchone()
    worst = logger.worst_case_usd({"model": "gpt-4o-mini", "messages": MESSAGES,
                                   "max_tokens": 50})[0]
    expected = conn.execute("select litellm.usd_to_credits(%s, 3)", (worst,)).fetchone()
    assert held is not None and expected is not None and held[0] == expected[0]
    await logger.proxy_success(data, response(0.0000001))
    charged = conn.execute("select cost_credits from litellm.llm_usage_log"
                           " where user_id = 'hk-rate'").fetchone()
    assert charged == (Decimal("0.000001"),)  # 0.0000003 credits, rounded up by the database
    await logger.aclose()
    free = LiteLLMDBLogger(dsn=db, credits_per_usd=0)
    with pytest.raises(InvalidUsageArgumentError):
        await free.proxy_pre_call(key("hk-rate"), {"model": "gpt-4o-mini",
                                                   "messages": MESSAGES, "max_tokens": 50})
    await free.aclose()


async def test_the_database_prices_the_served_model(db: str, conn: psycopg.Connection) -> None:
    logger = LiteLLMDBLogger(dsn=db, cost_source="database")
    conn.execute("select litellm.add_user_credits('hk-db', 10)")
    data = await logger.proxy_pre_call(key("hk-db"), {"model": "gpt-4o-mini",
                                                      "messages": MESSAGES, "max_tokens": 50})
    await logger.proxy_success(data, response(0.5, prompt=1000, completion=2000))
    charged, model = conn.execute("select cost_credits, model from litellm.llm_usage_log"
                                  " where user_id = 'hk-db'").fetchone() or (None, None)
    expected = conn.execute("select litellm.calculate_cost('openai', 'gpt-4o-mini', 1000, 2000,"
                            " tier => 'free')").fetchone()
    fallback = conn.execute("select litellm.calculate_cost('openai', 'no-such-model', 1000, 2000,"
                            " tier => 'free')").fetchone()
    assert expected is not None and fallback is not None
    # gpt-4o-mini's own price, not the openai/* fallback's (gpt-4's, 100 times dearer).
    assert (charged, model) == (expected[0], "gpt-4o-mini") and charged < fallback[0] / 50
    await logger.aclose()


async def test_a_request_without_a_payer_is_refused(logger: LiteLLMDBLogger) -> None:
    with pytest.raises(NoPayerError) as refused:
        await logger.proxy_pre_call(key(None), {"model": "gpt-4o-mini", "messages": MESSAGES})
    assert refused.value.status_code == 403


async def test_the_client_cannot_bring_its_own_hold(logger: LiteLLMDBLogger,
                                                    conn: psycopg.Connection) -> None:
    conn.execute("select litellm.add_user_credits('hk-own', 10)")
    forged = {"proxy": True, "user_id": "hk-own", "request_id": "proxy-forged"}
    data = await logger.proxy_pre_call(key("hk-own"), {
        "model": "gpt-4o-mini", "messages": MESSAGES, "max_tokens": 5,
        "metadata": {HOLD_KEY: forged}})
    assert data["metadata"][HOLD_KEY]["request_id"] != "proxy-forged"
    await logger.aclose()


async def test_request_metadata_is_the_clients_and_what_the_operator_allows(
    db: str, conn: psycopg.Connection,
) -> None:
    conn.execute("select litellm.add_user_credits('hk-meta', 10)")
    meta: dict[str, Any] = {"requester_metadata": {"ticket": "T-9", "nested": {"x": 1}},
                            "requester_ip_address": "203.0.113.7", "user_agent": "curl/8",
                            "user_api_key_hash": "abc", "endpoint": "/chat/completions"}
    for allowed, expected in ((None, {"ticket": "T-9"}),
                              ({"ticket", "endpoint"},
                               {"ticket": "T-9", "endpoint": "/chat/completions"})):
        logger = LiteLLMDBLogger(dsn=db, request_metadata_keys=allowed)
        data = await logger.proxy_pre_call(key("hk-meta"), {
            "model": "gpt-4o-mini", "messages": MESSAGES, "max_tokens": 5, "metadata": dict(meta)})
        await logger.proxy_success(data, response(0.0001, rid=f"r-{len(expected)}"))
        row = conn.execute("select request_metadata from litellm.llm_usage_log where"
                           " response_metadata ->> 'response_id' = %s",
                           (f"r-{len(expected)}",)).fetchone()
        assert row == (expected,)
        await logger.aclose()


async def test_a_call_that_outlived_its_hold_is_charged_directly(
    logger: LiteLLMDBLogger, conn: psycopg.Connection,
) -> None:
    conn.execute("select litellm.add_user_credits('hk-late', 10)")
    data = await logger.proxy_pre_call(key("hk-late"), {"model": "gpt-4o-mini",
                                                        "messages": MESSAGES, "max_tokens": 5})
    hold = data["metadata"][HOLD_KEY]
    conn.execute("select litellm.release_reservation('hk-late', %s)", (hold["request_id"],))
    await logger.proxy_success(data, response(0.001))
    assert conn.execute("select cost_credits, transaction_id is not null from"
                        " litellm.llm_usage_log where user_id = 'hk-late'").fetchone() == \
        (Decimal("0.01"), True)
    await logger.aclose()


async def test_an_unpriced_model_is_refused_unless_a_ceiling_is_set(
    db: str, conn: psycopg.Connection,
) -> None:
    conn.execute("update litellm.model_prices set effective_to = '1970-01-02+00'"
                 " where provider = '*'")
    conn.execute("select litellm.add_user_credits('hk-unpriced', 10)")
    request = {"model": "acme/no-such-model", "messages": MESSAGES, "max_tokens": 5}
    logger = LiteLLMDBLogger(dsn=db)
    with pytest.raises(Exception, match="has no price") as refused:
        await logger.proxy_pre_call(key("hk-unpriced"), dict(request))
    assert getattr(refused.value, "status_code", None) == 400
    await logger.aclose()
    ceiling = LiteLLMDBLogger(dsn=db, fallback_estimate="0.5")
    await ceiling.proxy_pre_call(key("hk-unpriced"), dict(request))
    assert conn.execute("select credits_held from litellm.get_user_balance('hk-unpriced')"
                        ).fetchone() == (Decimal("0.5"),)
    await ceiling.aclose()


# -- after the call (the SDK): retries, the spool, replay on start ----------------------------


def sdk_event(call_id: str, user: str) -> dict[str, Any]:
    return {"litellm_call_id": call_id, "user": user,
            "standard_logging_object": {"custom_llm_provider": "openai", "model": "gpt-4o-mini",
                                        "prompt_tokens": 10, "completion_tokens": 20,
                                        "response_cost": 0.25}}


def test_an_event_the_database_cannot_take_is_spooled_and_replayed_once(
    db: str, conn: psycopg.Connection, tmp_path: Any,
) -> None:
    conn.execute("select litellm.add_user_credits('hk-spool', 10)")
    spool = tmp_path / "spool.jsonl"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        nowhere = f"host=127.0.0.1 port={s.getsockname()[1]} dbname=x connect_timeout=1"
    with ConnectionPool(nowhere, min_size=0, max_size=1, timeout=0.5, open=True) as dead:
        down = LiteLLMDBLogger(Client(dead), spool=spool, retry_delays=(0.01,))
        for call_id in ("spool-1", "spool-2", "spool-1"):  # spool-1 delivered twice
            down.log_success_event(sdk_event(call_id, "hk-spool"), None, None, None)
        assert (down.spooled, down.errors, len(spool.read_text().splitlines())) == (3, 0, 3)
    with ConnectionPool(db, min_size=1, open=True) as pool:
        up = LiteLLMDBLogger(Client(pool), spool=spool)  # replays in the background on start
        deadline = time.monotonic() + 15
        while up.recorded < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (up.recorded, up.errors) == (3, 0), up.last_error
        assert up.replay_spool() == 0 and not spool.exists()
    assert conn.execute("select count(*), sum(cost_credits) from litellm.llm_usage_log"
                        " where user_id = 'hk-spool'").fetchone() == (2, Decimal(5))
    assert conn.execute("select credits_remaining from litellm.get_user_balance('hk-spool')"
                        ).fetchone() == (Decimal(5),)


def test_the_spool_is_bounded(tmp_path: Any) -> None:
    spool = Spool(tmp_path / "s.jsonl", max_events=2)
    assert [spool.append({"n": n, "d": Decimal("0.1")}) for n in range(3)] == [True, True, False]
    assert spool.dropped == 1 and len(spool) == 2
    assert list(spool.take()) == [{"n": 0, "d": Decimal("0.1")}, {"n": 1, "d": Decimal("0.1")}]
    assert len(spool) == 0 and list(spool.take()) == []


def test_the_worst_case_uses_cached_prices_that_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment's LiteLLM prices are kept for ``price_cache_ttl`` seconds: the hold equals
    LiteLLM's own price of the request, and a price changed in LiteLLM reaches holds once the
    entry expired. A deployment LiteLLM prices higher for long prompts is priced every time."""
    import litellm

    made = LiteLLMDBLogger(dsn="postgresql://unused", price_cache_ttl=60)
    data = {"model": "openai/gpt-4o-mini", "messages": MESSAGES, "max_tokens": 100}
    worst, first = made.worst_case_usd(data)
    exact = sum(litellm.cost_per_token(model="openai/gpt-4o-mini",
                                       prompt_tokens=first["prompt_tokens"], completion_tokens=100))
    assert worst == usd(exact)

    calls = 0
    real = litellm.cost_per_token

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(litellm, "cost_per_token", counting)
    assert made.worst_case_usd(data)[0] == worst
    assert calls == 0, "a cached deployment is priced without LiteLLM's cost_per_token"

    monkeypatch.setattr(litellm, "cost_per_token",
                        lambda *a, **k: tuple(2 * x for x in real(*a, **k)))
    assert made.worst_case_usd(data)[0] == worst, "within the ttl the cached price holds"
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 61)
    assert made.worst_case_usd(data)[0] == usd(2 * exact), "after the ttl LiteLLM's new price"

    # Tiered: the price of a long prompt is not n times one token's; then LiteLLM prices each
    # request itself.
    def tiered(*a: Any, model: str = "", prompt_tokens: int = 0, completion_tokens: int = 0,
               **k: Any) -> tuple[float, float]:
        rate = 2e-6 if prompt_tokens > 200_000 else 1e-6
        return prompt_tokens * rate, completion_tokens * 4e-6

    monkeypatch.setattr(litellm, "cost_per_token", tiered)
    made._price_cache.clear()
    long = {"model": "openai/gpt-4o-mini", "messages": MESSAGES, "max_tokens": 100}
    assert made._deployment_prices("openai/gpt-4o-mini", None).linear is False
    prompt = made.worst_case_usd(long)[1]["prompt_tokens"]
    assert made.worst_case_usd(long)[0] == usd(prompt * 1e-6 + 100 * 4e-6)


async def test_a_holds_life_is_the_databases_default_unless_the_operator_sets_one(
    db: str, conn: psycopg.Connection,
) -> None:
    """hold_ttl restates nothing: unset, the hold lives as long as reserve_credits' default
    (read from the catalog); set, it lives as long as the operator said."""
    spelled = conn.execute(
        "select pg_get_function_arg_default("
        "'litellm.reserve_credits(text, numeric, text, interval, jsonb)'::regprocedure, 4)"
    ).fetchone()
    assert spelled is not None and spelled[0]
    default = conn.execute(f"select ({spelled[0]})::interval").fetchone()
    assert default is not None
    conn.execute("select litellm.add_user_credits('hk-ttl', 10)")
    cases: tuple[tuple[dict[str, timedelta], timedelta], ...] = (
        ({}, default[0]), ({"hold_ttl": timedelta(minutes=3)}, timedelta(minutes=3)))
    for given, expected in cases:
        logger = LiteLLMDBLogger(dsn=db, **given)
        await logger.proxy_pre_call(key("hk-ttl"), {"model": "gpt-4o-mini",
                                                    "messages": MESSAGES, "max_tokens": 5})
        lived = conn.execute(
            "select expires_at - created_at from litellm.credit_holds where user_id = 'hk-ttl'"
            " order by hold_id desc limit 1").fetchone()
        assert lived == (expected,)
        await logger.aclose()
