"""Load LiteLLM's bundled model prices into ``litellm.model_prices``.

``import_litellm_prices(conn)`` reads ``litellm.model_cost`` (the cost map that
ships inside the ``litellm`` package; ``LITELLM_LOCAL_MODEL_COST_MAP=True`` is
set before the import so it never touches the network), turns each entry's
per-token prices into USD per million tokens, and schedules them through
``litellm.set_model_price(...)`` with ``source => 'litellm'``:

* a model without a price gets one (``added``);
* a model whose price in force differs gets a new effective-dated period from
  ``effective_from`` (``changed``; the old period is closed, never overwritten);
* a model whose price is the same writes nothing (``unchanged``), so importing
  twice changes nothing the second time;
* entries that are not per-token prices (images, audio seconds, the
  ``sample_spec`` template) or that repeat a provider + model are ``skipped``.

Mapping: ``provider`` is the entry's ``litellm_provider`` in lower case, and
``model`` the map's key without a leading ``"<provider>/"`` (LiteLLM's
``openrouter/anthropic/claude-3.5-sonnet`` becomes provider ``openrouter``,
model ``anthropic/claude-3.5-sonnet``). ``input_cost_per_token``,
``output_cost_per_token`` and ``cache_read_input_token_cost`` (USD per token,
JSON floats) are read through their shortest decimal representation, times
1,000,000, rounded half up to 6 decimal places (the float noise in a few
entries, such as ``15.000020000000002``, lies far below that).

The import is one transaction: all or nothing, every new period starts at the
same instant, and a failed run is simply run again. Rows go to the server in
batches (one round trip each), which is also the granularity of the progress
bar.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import metadata
from typing import Any

import psycopg
from tqdm import tqdm

from .errors import LiteLLMDBError, translate

BATCH_SIZE = 500
"""Rows sent per round trip."""

_MICRO = Decimal("0.000001")
_PER_MILLION = Decimal(1_000_000)
_MAX_PRICE = Decimal(10) ** 14
_PROVIDER = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
# Modes whose entries have no output tokens: a missing output price means 0.
_INPUT_ONLY_MODES = frozenset({"embedding", "moderation", "rerank"})

_BATCH_SQL = """
select s.action
from unnest(
    %(provider)s::text[], %(model)s::text[],
    %(prompt)s::numeric[], %(completion)s::numeric[], %(cached)s::numeric[]
) with ordinality as r (provider, model, prompt, completion, cached, n)
cross join lateral litellm.set_model_price(
    provider => r.provider,
    model => r.model,
    prompt_per_1m => r.prompt,
    completion_per_1m => r.completion,
    cached_per_1m => r.cached,
    effective_from => %(effective_from)s,
    note => %(note)s,
    source => 'litellm'
) as s
order by r.n
"""


class LiteLLMNotInstalledError(LiteLLMDBError):
    """The ``litellm`` package (the ``litellm`` extra) is not installed."""


@dataclass(frozen=True)
class ModelPrice:
    """One provider + model price from the cost map, in USD per 1M tokens."""

    key: str
    provider: str
    model: str
    prompt_per_1m: Decimal
    completion_per_1m: Decimal
    cached_per_1m: Decimal | None


@dataclass(frozen=True)
class ImportSummary:
    """What :func:`import_litellm_prices` did."""

    added: int
    changed: int
    unchanged: int
    skipped: int
    effective_from: datetime
    """The instant every added or changed price starts."""
    source: str = ""
    """Where the prices came from, for example ``LiteLLM 1.80.0 model cost map``."""
    skipped_entries: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """(cost-map key, reason) for every skipped entry."""

    @property
    def written(self) -> int:
        return self.added + self.changed

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "effective_from": self.effective_from.isoformat(),
            "source": self.source,
            "skipped_reasons": dict(
                Counter(reason.split(":")[0] for _, reason in self.skipped_entries)
            ),
        }


def load_litellm_model_cost() -> tuple[Mapping[str, Any], str]:
    """LiteLLM's bundled cost map and a description of it, without network access.

    Sets ``LITELLM_LOCAL_MODEL_COST_MAP=True`` in this process's environment
    before importing ``litellm``. If the process had imported ``litellm``
    already, its ``model_cost`` is used as it is (LiteLLM may have fetched
    it from the network then, unless that variable was set).
    """
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    try:
        import litellm
    except ImportError as exc:
        raise LiteLLMNotInstalledError(
            "the litellm package is not installed: pip install 'litellm-db[litellm]'"
        ) from exc
    try:
        version = metadata.version("litellm")
    except metadata.PackageNotFoundError:
        version = "unknown version"
    return litellm.model_cost, f"LiteLLM {version} model cost map"


def _per_million(value: Any) -> Decimal | None:
    """USD per token (a JSON number) as USD per 1M tokens at scale 6; None if unusable."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        # repr() is the shortest decimal that round-trips: 2.5e-06, not 2.4999999999999998e-06.
        amount = Decimal(repr(value) if isinstance(value, float) else str(value)) * _PER_MILLION
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount >= _MAX_PRICE:
        return None
    return amount.quantize(_MICRO, rounding=ROUND_HALF_UP)


def map_model_cost(
    model_cost: Mapping[str, Any],
) -> tuple[list[ModelPrice], list[tuple[str, str]]]:
    """Split a LiteLLM cost map into prices to import and (key, reason) pairs to skip."""
    prices: list[ModelPrice] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[tuple[str, str], ModelPrice] = {}
    for key, entry in model_cost.items():
        if not isinstance(entry, Mapping):
            skipped.append((key, "not an object"))
            continue
        raw_provider = entry.get("litellm_provider")
        provider = raw_provider.strip().lower() if isinstance(raw_provider, str) else ""
        if not _PROVIDER.match(provider) or len(provider) > 255:
            skipped.append((key, "no provider"))
            continue
        if "input_cost_per_token" not in entry:
            skipped.append((key, "no per-token price"))
            continue
        if "output_cost_per_token" not in entry and entry.get("mode") not in _INPUT_ONLY_MODES:
            skipped.append((key, "no per-token price"))
            continue
        prompt = _per_million(entry.get("input_cost_per_token"))
        completion = _per_million(entry.get("output_cost_per_token", 0))
        if prompt is None or completion is None:
            skipped.append((key, "invalid price"))
            continue
        cached = None
        if entry.get("cache_read_input_token_cost") is not None:
            cached = _per_million(entry["cache_read_input_token_cost"])
        model = key[len(provider) + 1:] if key.lower().startswith(provider + "/") else key
        model = model.strip()
        if not model or len(model) > 255:
            skipped.append((key, "invalid model name"))
            continue
        price = ModelPrice(key, provider, model, prompt, completion, cached)
        first = seen.get((provider, model))
        if first is not None:
            same = (first.prompt_per_1m, first.completion_per_1m, first.cached_per_1m) == (
                prompt, completion, cached)
            kind = "duplicate" if same else "conflicting duplicate"
            skipped.append((key, f"{kind}: {first.key}"))
            continue
        seen[(provider, model)] = price
        prices.append(price)
    return prices, skipped


def _batches(rows: Sequence[ModelPrice], size: int) -> Iterator[Sequence[ModelPrice]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def import_litellm_prices(
    conn: psycopg.Connection[Any],
    *,
    progress: bool | None = None,
    effective_from: datetime | None = None,
    model_cost: Mapping[str, Any] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Schedule LiteLLM's prices in ``litellm.model_prices`` where they differ.

    ``progress`` shows a tqdm bar on stderr. ``effective_from`` (default: the
    transaction's ``now()``) is when changed prices start; it may not be in the
    past for a model that already has prices (LD321). ``model_cost`` replaces
    LiteLLM's map (same shape), for tests and for maps fetched by the caller.
    The connection's role needs write access to model_prices (the owner).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if model_cost is None:
        model_cost, source = load_litellm_model_cost()
    else:
        source = "caller-supplied model cost map"
    prices, skipped = map_model_cost(model_cost)
    counts: Counter[str] = Counter()
    try:
        with conn.transaction():
            row = conn.execute(
                "select coalesce(%s::timestamptz, pg_catalog.now())", (effective_from,)
            ).fetchone()
            if row is None:  # pragma: no cover - a select always returns its row
                raise LiteLLMDBError("the server returned no time")
            start: datetime = row[0]
            with tqdm(total=len(prices), unit="model", desc="pricing import",
                      disable=not progress, leave=False) as bar:
                for batch in _batches(prices, batch_size):
                    params = {
                        "provider": [p.provider for p in batch],
                        "model": [p.model for p in batch],
                        "prompt": [p.prompt_per_1m for p in batch],
                        "completion": [p.completion_per_1m for p in batch],
                        "cached": [p.cached_per_1m for p in batch],
                        "effective_from": start,
                        "note": f"imported from the {source}",
                    }
                    counts.update(action for (action,) in conn.execute(_BATCH_SQL, params))
                    bar.update(len(batch))
    except psycopg.Error as exc:
        raise translate(exc) from exc
    return ImportSummary(
        added=counts["added"],
        changed=counts["changed"] + counts["replaced"],
        unchanged=counts["unchanged"],
        skipped=len(skipped),
        effective_from=start,
        source=source,
        skipped_entries=tuple(skipped),
    )


__all__ = [
    "BATCH_SIZE",
    "ImportSummary",
    "LiteLLMNotInstalledError",
    "ModelPrice",
    "import_litellm_prices",
    "load_litellm_model_cost",
    "map_model_cost",
]
