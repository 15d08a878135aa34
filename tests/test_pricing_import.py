"""The LiteLLM price importer, against a real database."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from litellm_db import errors
from litellm_db.pricing_import import ImportSummary, import_litellm_prices, map_model_cost

SMALL_MAP = {
    "sample_spec": {"litellm_provider": "one of https://docs.litellm.ai/docs/providers",
                    "input_cost_per_token": 0.0, "output_cost_per_token": 0.0},
    "gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
               "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
    "openrouter/anthropic/claude-3.5-sonnet": {
        "litellm_provider": "openrouter", "mode": "chat",
        "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05},
    "databricks/databricks-claude-opus-4": {
        "litellm_provider": "databricks", "mode": "chat",
        "input_cost_per_token": 1.5000020000000002e-05,
        "output_cost_per_token": 7.500003000000001e-05},
    "text-embedding-3-small": {"litellm_provider": "openai", "mode": "embedding",
                               "input_cost_per_token": 2e-08},
    "dall-e-3": {"litellm_provider": "openai", "mode": "image_generation",
                 "output_cost_per_image": 0.04},
    "openai/gpt-4o": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 2.5e-06,
                      "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06},
    "broken": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": -1,
               "output_cost_per_token": 1e-05},
}


def _price(conn: psycopg.Connection, provider: str, model: str) -> tuple[Decimal, ...] | None:
    return conn.execute(
        "select prompt_per_1m, completion_per_1m, cached_per_1m"
        " from litellm.model_prices where provider = %s and model = %s and effective_to is null",
        (provider, model),
    ).fetchone()


def test_mapping_of_a_small_map() -> None:
    prices, skipped = map_model_cost(SMALL_MAP)
    by_key = {p.key: p for p in prices}
    assert set(by_key) == {"gpt-4o", "openrouter/anthropic/claude-3.5-sonnet",
                           "databricks/databricks-claude-opus-4", "text-embedding-3-small"}
    assert (by_key["gpt-4o"].prompt_per_1m, by_key["gpt-4o"].completion_per_1m,
            by_key["gpt-4o"].cached_per_1m) == (Decimal("2.500000"), Decimal("10.000000"),
                                                Decimal("1.250000"))
    sonnet = by_key["openrouter/anthropic/claude-3.5-sonnet"]
    assert (sonnet.provider, sonnet.model) == ("openrouter", "anthropic/claude-3.5-sonnet")
    opus = by_key["databricks/databricks-claude-opus-4"]
    assert (opus.prompt_per_1m, opus.completion_per_1m) == (
        Decimal("15.000020"), Decimal("75.000030"))
    assert by_key["text-embedding-3-small"].completion_per_1m == Decimal("0.000000")
    reasons = dict(skipped)
    assert reasons == {
        "sample_spec": "no provider",
        "dall-e-3": "no per-token price",
        "openai/gpt-4o": "duplicate: gpt-4o",
        "broken": "invalid price",
    }


def test_import_adds_changes_and_is_idempotent(conn: psycopg.Connection) -> None:
    first = import_litellm_prices(conn, model_cost=SMALL_MAP)
    # gpt-4o is shipped with the same prices; the other three are new.
    assert (first.added, first.changed, first.unchanged, first.skipped) == (3, 0, 1, 4)
    assert _price(conn, "openrouter", "anthropic/claude-3.5-sonnet") == (
        Decimal("3.000000"), Decimal("15.000000"), None)

    second = import_litellm_prices(conn, model_cost=SMALL_MAP)
    assert (second.added, second.changed, second.unchanged) == (0, 0, 4)

    changed_map = dict(SMALL_MAP)
    changed_map["gpt-4o"] = {**SMALL_MAP["gpt-4o"], "input_cost_per_token": 3e-06}
    third = import_litellm_prices(conn, model_cost=changed_map)
    assert (third.added, third.changed, third.unchanged) == (0, 1, 3)
    assert _price(conn, "openai", "gpt-4o") == (
        Decimal("3.000000"), Decimal("10.000000"), Decimal("1.250000"))
    history = conn.execute(
        "select prompt_per_1m, effective_to = %s, source from litellm.model_prices"
        " where provider = 'openai' and model = 'gpt-4o' order by effective_from",
        (third.effective_from,),
    ).fetchall()
    assert history == [
        (Decimal("2.500000"), True, "default"), (Decimal("3.000000"), None, "litellm")]
    audit = conn.execute(
        "select action, note from litellm.model_price_audit"
        " where provider = 'openai' and model = 'gpt-4o' order by audit_id desc limit 1"
    ).fetchone()
    assert audit == ("changed", "imported from the caller-supplied model cost map")


def test_import_is_one_transaction(conn: psycopg.Connection) -> None:
    before = conn.execute("select count(*) from litellm.model_prices").fetchone()
    past = datetime.now(UTC) - timedelta(days=1)
    changed_map = {
        "new-model": {"litellm_provider": "tap", "input_cost_per_token": 1e-06,
                      "output_cost_per_token": 1e-06},
        "gpt-4o": {**SMALL_MAP["gpt-4o"], "input_cost_per_token": 9e-06},
    }
    with pytest.raises(errors.RefusedError) as caught:
        import_litellm_prices(conn, model_cost=changed_map, effective_from=past, batch_size=1)
    assert caught.value.sqlstate == "LD321"
    assert conn.execute("select count(*) from litellm.model_prices").fetchone() == before


def test_import_of_litellms_bundled_map(conn: psycopg.Connection) -> None:
    # Not importorskip: importing litellm here, before the importer sets
    # LITELLM_LOCAL_MODEL_COST_MAP, would let it fetch the map from the network.
    if importlib.util.find_spec("litellm") is None:
        pytest.skip("the litellm extra is not installed")
    first = import_litellm_prices(conn)
    assert isinstance(first, ImportSummary)
    assert first.added > 1000, first
    assert first.source.startswith("LiteLLM ")
    second = import_litellm_prices(conn)
    assert (second.added, second.changed) == (0, 0)
    assert second.unchanged == first.added + first.changed + first.unchanged
    assert second.skipped == first.skipped
    # The imported prices are what calculate_cost uses.
    cost = conn.execute(
        "select litellm.calculate_cost('openai', 'gpt-4o-mini', 1000000, 1000000)"
    ).fetchone()
    assert cost is not None and cost[0] > 0
