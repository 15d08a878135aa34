"""docs/pricing.md quotes the shipped rows: every table in it is rebuilt here from a fresh install.

When a shipped value changes, regenerate the tables with

    .venv/bin/python tests/test_pricing_docs.py "<dsn of a fresh install>"

and paste them into docs/pricing.md.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import psycopg

DOC = Path(__file__).resolve().parents[1] / "docs" / "pricing.md"
EXAMPLE = re.compile(r"`(select litellm\.calculate_cost\([^`]*\))`\s+returns `([0-9.]+)`")


def _num(value: Decimal | int | None, *, places: int = 0, none: str = "none") -> str:
    if value is None:
        return none
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value.normalize():f}"
    decimals = len(text.partition(".")[2])
    return f"{value:,.{max(decimals, places)}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def pricing_tables(conn: psycopg.Connection) -> dict[str, str]:
    """The tables docs/pricing.md must contain, keyed by what they show."""
    rate = conn.execute("select credits_per_usd from litellm.pricing_settings").fetchone()
    levels = conn.execute(
        "select power_level, cost_multiplier, max_latency_ms, max_tokens, min_quality, providers"
        " from litellm.power_levels order by cost_multiplier"
    ).fetchall()
    tiers = conn.execute(
        "select tier, markup, monthly_cap, monthly_token_allowance"
        " from litellm.tiers order by markup"
    ).fetchall()
    prices = conn.execute(
        "select provider, model, prompt_per_1m, completion_per_1m, cached_per_1m"
        " from litellm.model_prices where source = 'default'"
        " order by provider = '*', model = '*', provider, prompt_per_1m desc, model"
    ).fetchall()
    packages = conn.execute(
        "select package_id, name, credits, price_usd, discount_percent, active"
        " from litellm.credit_packages order by package_id"
    ).fetchall()
    health = conn.execute(
        "select h.degraded_below_success_rate, h.down_below_success_rate,"
        " coalesce(h.degraded_above_latency_ms,"
        "          (select max(max_latency_ms) from litellm.power_levels)),"
        " h.degraded_above_latency_ms is null"
        " from litellm.health_thresholds as h"
    ).fetchone()
    assert rate is not None and health is not None
    latency_note = " (the slowest power level's `max_latency_ms`)" if health[3] else ""
    return {
        "conversion": _table(["setting", "value"], [
            ["`credits_per_usd`", _num(rate[0])],
            ["so 1 credit costs", f"{_num(1 / rate[0], places=2)} USD"],
        ]),
        "power levels": _table(
            ["level", "cost multiplier", "max latency (ms)", "max tokens", "min quality",
             "providers, in preference order"],
            [[f"`{lv}`", _num(mult), _num(lat), _num(tok), str(q), ", ".join(prov)]
             for lv, mult, lat, tok, q, prov in levels],
        ),
        "tiers": _table(
            ["tier", "markup", "cost factor (1 + markup)", "monthly cap (credits)",
             "monthly token allowance"],
            [[f"`{t}`", _num(m), _num(1 + m), _num(cap), _num(tok, none="unlimited")]
             for t, m, cap, tok in tiers],
        ),
        "prices": _table(
            ["provider", "model", "prompt USD / 1M", "completion USD / 1M",
             "cached input USD / 1M"],
            [[f"`{p}`", f"`{m}`", _num(pp, places=2), _num(cp, places=2),
              _num(cc, places=2, none="—")]
             for p, m, pp, cp, cc in prices],
        ),
        "packages": _table(
            ["package_id", "name", "credits", "price (USD)", "discount", "active"],
            [[str(i), n, _num(c), _num(p, places=2), f"{_num(d)} %", "yes" if a else "no"]
             for i, n, c, p, d, a in packages],
        ),
        "health": _table(["rule", "threshold"], [
            ["`down` when the success rate is below",
             f"{_num(health[1])} % (or no call succeeded)"],
            ["`degraded` when the success rate is below", f"{_num(health[0])} %"],
            ["`degraded` when the average latency is above", f"{_num(health[2])} ms{latency_note}"],
        ]),
    }


def test_docs_pricing_md_quotes_the_shipped_rows(conn: psycopg.Connection) -> None:
    text = DOC.read_text()
    missing = {name: table for name, table in pricing_tables(conn).items() if table not in text}
    assert missing == {}, "docs/pricing.md differs from the rows; expected:\n\n" + "\n\n".join(
        f"{name}:\n{table}" for name, table in missing.items()
    )


def test_docs_pricing_md_examples_are_right(conn: psycopg.Connection) -> None:
    examples = EXAMPLE.findall(DOC.read_text())
    assert len(examples) >= 3
    for query, expected in examples:
        row = conn.execute(query).fetchone()
        assert row is not None and str(row[0]) == expected, query


if __name__ == "__main__":
    with psycopg.connect(sys.argv[1]) as c:
        for name, table in pricing_tables(c).items():
            print(f"<!-- {name} -->\n{table}\n")
