"""``litellm-db report``: the numbers equal the SQL answers, and the page renders in a real
headless Chromium without errors.

One seeded database for the module (tests/opsdata.py); the report is made
through the command line as a login granted only the analyst role. Chromium
(Debian: chromium) loads the file from disk with the network unused: a
screenshot (checked to be far from blank), the DOM after the scripts ran (every
chart drew its SVG, the page's error hook added nothing) and the console log.
Set LITELLM_DB_UPDATE_SCREENSHOT=1 to refresh docs/report.png from this test.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from litellm_db import analytics, cli, report
from litellm_db.testing import PgServer, clone_template
from opsdata import make_login, seed

REPO = Path(__file__).resolve().parent.parent
DATA = re.compile(r'<script type="application/json" id="litellm-report-data">(.*?)</script>',
                  re.S)


@pytest.fixture(scope="module")
def seeded(pg_server: PgServer, template_db: str) -> Iterator[str]:
    name = clone_template(pg_server, template_db)
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            seed(conn)
            # A heavy recent spender: runs out within the week.
            conn.execute("select litellm.add_user_credits('frank', 5, 'purchase', 'stripe',"
                         " 'ch_frank')")
            conn.execute("insert into litellm.llm_usage_log (user_id, provider, model,"
                         " total_tokens, cost_credits, created_at) select 'frank', 'openai',"
                         " 'gpt-4o', 100, 2, now() - i * interval '1 day'"
                         " from generate_series(0, 3) as i")
            conn.execute("select litellm.refresh_usage_summary()")
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def analyst(seeded: str) -> str:
    with psycopg.connect(seeded, autocommit=True) as conn:
        login = make_login(conn, "analyst")
    return make_conninfo(seeded, user=login)


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(args, env={}, stdin=io.StringIO(), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def pages(analyst: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    made = {}
    for name, extra in (("full", []), ("empty", ["--from", "2001-01-01", "--to", "2001-01-31"])):
        path = folder / f"{name}.html"
        code, out, err = run(["report", "--dsn", analyst, "-o", str(path), *extra])
        assert code == 0, err
        assert out.startswith(f"Wrote {path}")
        made[name] = path
    return made


def embedded(path: Path) -> dict[str, Any]:
    match = DATA.search(path.read_text())
    assert match, "no data block"
    doc: dict[str, Any] = json.loads(match.group(1))
    return doc


def sql(dsn: str, query: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(dsn) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return [{k: v if v is None or isinstance(v, int) else str(v) for k, v in r.items()}
                for r in cur.fetchall()]


def test_the_numbers_equal_the_sql_functions(pages: dict[str, Path], analyst: str,
                                             seeded: str) -> None:
    doc = embedded(pages["full"])
    assert doc["filters"]["user_id"] is None

    spenders = sql(analyst, "select * from litellm.top_spenders(30, 10)")
    assert [(r["subject"], r["total_cost"], r["request_count"]) for r in doc["top_users"]] == \
        [(r["user_id"], r["total_cost"], r["request_count"]) for r in spenders]

    models = sql(analyst, "select * from litellm.top_models(30, 10)")
    assert [(r["provider"], r["model"], r["total_cost"]) for r in doc["top_models"]] == \
        [(r["provider"], r["model"], r["total_cost"]) for r in models]

    providers = sql(analyst, "select * from litellm.provider_breakdown(30)")
    assert sorted((r["provider"], r["request_count"], r["failure_count"], r["total_cost"],
                   r["avg_latency_ms"]) for r in doc["providers"]) == \
        sorted((r["provider"], r["request_count"], r["failure_count"], r["revenue"],
                r["avg_latency_ms"]) for r in providers)

    teams = sql(analyst, "select * from litellm.team_usage(30)")
    assert sorted(((r["subject"], r["total_cost"]) for r in doc["top_teams"]), key=str) == \
        sorted(((r["team_id"], r["total_cost"]) for r in teams), key=str)

    # Spend per day and provider adds up to each provider's total.
    per_provider: dict[str, Decimal] = {}
    for r in doc["daily"]:
        per_provider[r["provider"]] = per_provider.get(r["provider"], Decimal(0)) \
            + Decimal(r["total_cost"])
    assert {p: str(v) for p, v in per_provider.items()} == \
        {r["provider"]: r["revenue"] for r in providers}
    total = sum(Decimal(r["total_cost"]) for r in sql(
        analyst, "select * from litellm.top_spenders(30, null)"))
    assert Decimal(doc["totals"]["total_cost"]) == total
    assert f"<b>{total}</b>" in pages["full"].read_text()

    # Credits in and out per day, against the journal itself (read as the superuser).
    start = doc["period"]["from"]
    journal = sql(seeded, "select (created_at at time zone 'UTC')::date as date,"
                          " sum(amount) filter (where transaction_type = 'purchase') as purchased,"
                          " -sum(amount) filter (where transaction_type = 'usage') as consumed"
                          " from litellm.credit_transactions where created_at >= %s::date"
                          " group by 1 order by 1", start)
    assert [(r["date"], r["purchased"], r["consumed"]) for r in doc["credit_flow"]] == \
        [(r["date"], r["purchased"] or "0", r["consumed"] or "0") for r in journal]

    budgets = sql(analyst, "select * from litellm.get_budget_status()")
    assert [(b["budget_id"], b["spent"], b["hard_limit"]) for b in doc["budgets"]] == \
        [(b["budget_id"], b["spent"], b["hard_limit"]) for b in budgets]
    assert len(doc["burn_down"]) == 2
    for series in doc["burn_down"].values():
        assert series[-1]["date"] == doc["period"]["to"]

    # frank spent 2 credits on each of the last 4 days: 8/7 a day over 7 days, 4.4 days left.
    (frank,) = [r for r in doc["running_out"] if r["user_id"] == "frank"]
    assert frank["credits_remaining"] == "5.000000"
    assert Decimal(frank["days_left"]) == (Decimal(5) / (Decimal(8) / 7)).quantize(
        Decimal("0.1"))
    assert all(Decimal(r["days_left"]) < 7 for r in doc["running_out"])


def test_the_charts_carry_the_same_numbers(analyst: str) -> None:
    with psycopg.connect(analyst) as conn:
        today = analytics.today_utc(conn)
        data = report.collect(conn, analytics.Period.last_days(30, today))
    figures = dict(report.build_figures(data))
    spend = figures["Spend per day by provider"]
    assert {t.name: round(sum(t.y), 6) for t in spend.data} == \
        {r["provider"]: float(r["total_cost"]) for r in data.providers}
    requests = figures["Requests per day by provider"]
    assert sum(sum(t.y) for t in requests.data) == data.totals()["request_count"]
    assert list(figures["Top users by spend"].data[0].y)[::-1] == \
        [r["subject"] for r in data.top_users or []]


def test_a_filtered_report(analyst: str, tmp_path: Path) -> None:
    path = tmp_path / "team.html"
    code, _out, err = run(["report", "--dsn", analyst, "--team", "research", "-o", str(path)])
    assert code == 0, err
    doc = embedded(path)
    teams = sql(analyst, "select * from litellm.team_usage(30)")
    (research,) = [t for t in teams if t["team_id"] == "research"]
    assert doc["totals"]["total_cost"] == research["total_cost"]
    assert doc["top_users"] is None and doc["credit_flow"] is None
    assert "not shown for a team" in path.read_text()

    code, out, err = run(["report", "--dsn", analyst, "--user", "alice", "--json", "--days", "7"])
    assert code == 0, err
    doc = json.loads(out)
    daily = sql(analyst, "select * from litellm.usage_daily('alice', 7)")
    assert doc["totals"]["request_count"] == sum(r["request_count"] for r in daily)
    assert [r["subject"] for r in doc["top_users"]] == ["alice"]


def test_the_file_is_self_contained(pages: dict[str, Path]) -> None:
    text = pages["full"].read_text()
    # Nothing the page loads: no script or image source, no stylesheet link (plotly.js itself
    # mentions CDN addresses for map features the report does not use).
    assert not re.search(r'<(script|img|iframe)[^>]+src=|<link[^>]+href=', text)
    from plotly.offline import get_plotlyjs

    assert text.count(get_plotlyjs()[:300]) == 1  # plotly.js inlined once
    assert 'id="no-usage"' not in text
    empty = pages["empty"].read_text()
    assert "No usage from 2001-01-01 to 2001-01-31 for everyone." in empty
    assert "Plotly" not in empty and len(empty) < 20_000
    assert embedded(pages["empty"])["daily"] == []


# -- in a real browser --------------------------------------------------------------------


@dataclass
class Rendered:
    dom: str
    console: list[str]
    png: bytes


def chromium(url: str, out: Path, size: str = "1280,3000", profile: Path | None = None
             ) -> Rendered:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("chromium is not installed (scripts/test.sh installs it)")
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--no-first-run", "--disable-extensions", "--disable-background-networking",
              "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: no name resolves
              f"--user-data-dir={profile or out.parent / 'chromium-profile'}",
              "--virtual-time-budget=10000", f"--window-size={size}"]
    shot = subprocess.run([*common, "--enable-logging=stderr", "--v=0",
                           f"--screenshot={out}", url],
                          capture_output=True, text=True, timeout=120)
    assert out.exists(), shot.stderr[-2000:]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in shot.stderr.splitlines() if "CONSOLE" in line]
    return Rendered(dom=dom.stdout, console=console, png=out.read_bytes())


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered rows of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line[j] for j in range(stride) if j % bpp < 3))
        prev = line
    return width, height, rows


def ink(png: bytes) -> tuple[float, int]:
    """Share of pixels that are not white, and the number of distinct colours."""
    _w, _h, rows = png_pixels(png)
    pixels = [row[i:i + 3] for row in rows[::4] for i in range(0, len(row), 12)]
    coloured = sum(1 for p in pixels if p != b"\xff\xff\xff")
    return coloured / len(pixels), len(set(pixels))


@pytest.fixture(scope="module")
def rendered(pages: dict[str, Path]) -> dict[str, Rendered]:
    return {name: chromium(path.as_uri(), path.with_suffix(".png"))
            for name, path in pages.items()}


def test_the_report_renders_in_chromium(rendered: dict[str, Rendered],
                                        pages: dict[str, Path], tmp_path: Path) -> None:
    page = rendered["full"]
    assert page.console == [], page.console
    assert 'class="render-error"' not in page.dom
    charts = len(re.findall(r'id="chart-\d+"', pages["full"].read_text()))
    assert charts >= 8
    drawn = set(re.findall(r'id="(chart-\d+)"[^>]*class="[^"]*js-plotly-plot', page.dom))
    assert len(drawn) == charts, drawn
    assert page.dom.count('class="main-svg"') >= charts
    share, colours = ink(page.png)
    assert share > 0.05 and colours > 50, (share, colours)
    if os.environ.get("LITELLM_DB_UPDATE_SCREENSHOT"):
        shot = chromium(pages["full"].as_uri(), REPO / "docs" / "report.png", "1100,1500",
                        profile=tmp_path / "chromium-profile")
        assert shot.console == []


def test_the_empty_report_says_no_usage_in_chromium(rendered: dict[str, Rendered]) -> None:
    page = rendered["empty"]
    assert page.console == [], page.console
    assert "No usage from 2001-01-01 to 2001-01-31" in page.dom
    assert "js-plotly-plot" not in page.dom
    share, _colours = ink(page.png)
    assert 0 < share < 0.5


def test_a_script_error_is_caught(tmp_path: Path) -> None:
    """The checks above can fail: a page whose script throws is seen on both channels."""
    path = tmp_path / "broken.html"
    data = report.ReportData(period=analytics.Period(date(2026, 1, 1), date(2026, 1, 1)),
                             filters=analytics.Filters(), generated_at=report.datetime.now())
    page = report.render_html(data).replace("</body>", "<script>undefinedCall();</script></body>")
    path.write_text(page)
    shown = chromium(path.as_uri(), tmp_path / "broken.png", "800,600")
    assert any("undefinedCall" in line for line in shown.console), shown.console
    assert 'class="render-error"' in shown.dom


class _TtyErr(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_and_quiet_when_piped(analyst: str) -> None:
    for err in (_TtyErr(), io.StringIO()):
        out = io.StringIO()
        code = cli.main(["report", "--dsn", analyst, "--json"], env={}, stdin=io.StringIO(),
                        stdout=out, stderr=err)
        assert code == 0
        json.loads(out.getvalue())  # standard output stays the document
    # --json is for scripts: no bar even on a terminal; the HTML path shows one.
    err = _TtyErr()
    code = cli.main(["report", "--dsn", analyst, "-o", "-"], env={}, stdin=io.StringIO(),
                    stdout=io.StringIO(), stderr=err)
    assert code == 0
    assert "budgets" in err.getvalue() and "query" in err.getvalue(), err.getvalue()
    err = io.StringIO()
    code = cli.main(["report", "--dsn", analyst, "-o", "-"], env={}, stdin=io.StringIO(),
                    stdout=io.StringIO(), stderr=err)
    assert code == 0 and err.getvalue() == ""
