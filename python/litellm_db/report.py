"""``litellm-db report``: one self-contained HTML page of spend and usage for a period.

Every figure is read through the SQL API with an analyst's rights:
``usage_between`` (the daily summaries), ``credit_flow_daily``, ``get_budget_status``,
``get_daily_spend`` and the ``account_overview`` view. The charts are plotly's, with
plotly.js inlined once, so the file opens offline and loads nothing from the network.
The figures behind the charts are embedded as JSON (``<script id="litellm-report-data"
type="application/json">``), exact decimal strings, for anyone who wants the numbers.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from ._version import __version__
from .analytics import Filters, Period, today_utc, usage_between
from .errors import NotInstalledError

__all__ = ["ReportData", "build_figures", "collect", "render_html", "require_plotly"]

RUN_OUT_DAYS = 7
"""Accounts whose balance lasts fewer days than this at their recent rate are listed."""
RATE_DAYS = 7
"""The recent rate: credits spent per day over the last RATE_DAYS days."""
TOP = 10
BURN_DOWN_BUDGETS = 6


@dataclass
class ReportData:
    """What the page shows, as the SQL API returned it."""

    period: Period
    filters: Filters
    generated_at: datetime
    daily: list[dict[str, Any]] = field(default_factory=list)
    providers: list[dict[str, Any]] = field(default_factory=list)
    top_users: list[dict[str, Any]] | None = None
    top_teams: list[dict[str, Any]] | None = None
    top_models: list[dict[str, Any]] = field(default_factory=list)
    credit_flow: list[dict[str, Any]] | None = None
    budgets: list[dict[str, Any]] = field(default_factory=list)
    burn_down: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    running_out: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.daily

    def totals(self) -> dict[str, Any]:
        requests = sum(r["request_count"] for r in self.providers)
        failures = sum(r["failure_count"] for r in self.providers)
        return {
            "request_count": requests,
            "failure_count": failures,
            "total_tokens": sum(r["total_tokens"] for r in self.providers),
            "total_cost": sum((r["total_cost"] for r in self.providers), Decimal(0)),
            "failure_rate": (Decimal(failures) / requests).quantize(Decimal("0.0001"))
            if requests else None,
        }

    def as_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = _jsonable({
            "package_version": __version__,
            "period": {"from": self.period.start, "to": self.period.end},
            "filters": self.filters.params(),
            "generated_at": self.generated_at,
            "totals": self.totals(),
            "daily": self.daily,
            "providers": self.providers,
            "top_users": self.top_users,
            "top_teams": self.top_teams,
            "top_models": self.top_models,
            "credit_flow": self.credit_flow,
            "budgets": self.budgets,
            "burn_down": self.burn_down,
            "running_out": self.running_out,
            "notes": self.notes,
        })
        return doc


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(conn: psycopg.Connection, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return list(cur.fetchall())


STEPS = 8


def collect(conn: psycopg.Connection, period: Period, filters: Filters | None = None, *,
            step: Callable[[str], None] | None = None) -> ReportData:
    """Read everything the page shows (``step`` is called before each query)."""
    def say(what: str) -> None:
        if step is not None:
            step(what)

    filters = filters or Filters()
    attribution = any((filters.team_id, filters.organization_id, filters.tenant_id))
    data = ReportData(period=period, filters=filters, generated_at=datetime.now(UTC))
    say("usage per day")
    data.daily = usage_between(conn, period, "day_provider", filters)
    say("providers")
    data.providers = usage_between(conn, period, "provider", filters)
    say("top models")
    data.top_models = usage_between(conn, period, "model", filters, TOP)
    say("top users and teams")
    if attribution:
        data.notes.append("Top users, credits and balances are per user: not shown for a team,"
                          " organisation or tenant (the summaries keep users apart from teams).")
    else:
        data.top_users = usage_between(conn, period, "user", filters, TOP)
    if filters.user_id is None:
        data.top_teams = usage_between(conn, period, "team", filters, TOP)
    say("credits purchased and consumed")
    if not attribution:
        data.credit_flow = _rows(
            conn, "select * from litellm.credit_flow_daily(from_date => %(start)s,"
                  " to_date => %(end)s, user_id => %(user)s)",
            {"start": period.start, "end": period.end, "user": filters.user_id})
    say("budgets")
    data.budgets = _rows(
        conn, "select * from litellm.get_budget_status(user_id => %(user_id)s,"
              " team_id => %(team_id)s, organization_id => %(organization_id)s)",
        filters.params() | {"tenant_id": None})
    say("budget burn-down")
    today = today_utc(conn)
    data.burn_down = _burn_down(conn, data.budgets, today)
    say("balances running out")
    if not attribution:
        data.running_out = _running_out(conn, today, filters.user_id)
    return data


def _burn_down(conn: psycopg.Connection, budgets: list[dict[str, Any]], today: date
               ) -> dict[str, list[dict[str, Any]]]:
    """Cumulative spend per day of the current period, for the first few budgets with one."""
    out: dict[str, list[dict[str, Any]]] = {}
    for b in budgets:
        if len(out) >= BURN_DOWN_BUDGETS:
            break
        start = b["period_start"]
        if not isinstance(start, date) or b["hard_limit"] <= 0 or start > today:
            continue  # period none (-infinity): no days to draw
        days = (today - start).days + 1
        if b["level"] == "user":
            rows = usage_between(conn, Period(start, today), "day", Filters(user_id=b["user_id"]))
            per_day = {r["date"]: r["total_cost"] for r in rows}
        else:
            rows = _rows(conn, "select date, sum(spend - refunded) as spend from"
                               " litellm.get_daily_spend(user_id => %(user_id)s,"
                               " team_id => %(team_id)s, organization_id => %(organization_id)s,"
                               " days => %(days)s) group by date",
                         {"user_id": b["user_id"] if b["level"] == "membership" else None,
                          "team_id": b["team_id"], "organization_id": b["organization_id"],
                          "days": days})
            per_day = {r["date"]: r["spend"] for r in rows}
        running = Decimal(0)
        series = []
        for i in range(days):
            day = start + timedelta(days=i)
            running += per_day.get(day, Decimal(0))
            series.append({"date": day, "spent": running})
        out[_budget_name(b)] = series
    return out


def _budget_name(b: dict[str, Any]) -> str:
    subject = {"user": b["user_id"], "team": b["team_id"],
               "organization": b["organization_id"],
               "membership": f"{b['user_id']} in {b['team_id']}"}.get(b["level"], "?")
    model = f" ({b['model']})" if b["model"] else ""
    return f"{b['level']} {subject}{model}, {b['period']} #{b['budget_id']}"


def _running_out(conn: psycopg.Connection, today: date, user_id: str | None
                 ) -> list[dict[str, Any]]:
    recent = usage_between(conn, Period.last_days(RATE_DAYS, today), "user",
                           Filters(user_id=user_id))
    rate = {r["subject"]: r["total_cost"] / RATE_DAYS for r in recent if r["total_cost"] > 0}
    if not rate:
        return []
    balances = _rows(conn, "select user_id, credits_remaining from litellm.account_overview"
                           " where user_id = any(%(users)s)", {"users": list(rate)})
    out = []
    for b in balances:
        per_day = rate[b["user_id"]]
        days_left = (b["credits_remaining"] / per_day).quantize(Decimal("0.1"))
        if days_left < RUN_OUT_DAYS:
            out.append({"user_id": b["user_id"], "credits_remaining": b["credits_remaining"],
                        "credits_per_day": per_day.quantize(Decimal("0.000001")),
                        "days_left": days_left})
    return sorted(out, key=lambda r: (r["days_left"], r["user_id"]))


# -- figures ------------------------------------------------------------------------------


def build_figures(data: ReportData) -> list[tuple[str, Any]]:
    """The charts as (title, plotly Figure); none for an empty period."""
    import plotly.graph_objects as go

    if data.empty:
        return []
    figures: list[tuple[str, Any]] = []
    dates = data.period.dates()
    by_provider: dict[str, dict[date, dict[str, Any]]] = defaultdict(dict)
    for r in data.daily:
        by_provider[r["provider"]][r["date"]] = r
    providers = sorted(by_provider, key=lambda p: -sum(r["total_cost"]
                                                       for r in by_provider[p].values()))
    for title, column, unit in (("Spend per day by provider", "total_cost", "credits"),
                                ("Requests per day by provider", "request_count", "requests")):
        fig = go.Figure()
        for p in providers:
            fig.add_bar(name=p, x=[d.isoformat() for d in dates],
                        y=[float(by_provider[p].get(d, {}).get(column, 0)) for d in dates])
        fig.update_layout(barmode="stack", yaxis_title=unit)
        figures.append((title, fig))

    names = [r["provider"] for r in data.providers]
    rate = [float(r["failure_count"]) / r["request_count"] * 100 if r["request_count"] else 0.0
            for r in data.providers]
    fig = go.Figure()
    fig.add_bar(name="failure rate (%)", x=names, y=rate, yaxis="y")
    fig.add_scatter(name="average latency (ms)", x=names,
                    y=[None if r["avg_latency_ms"] is None else float(r["avg_latency_ms"])
                       for r in data.providers], yaxis="y2", mode="markers+lines")
    fig.update_layout(yaxis={"title": "failure rate (%)"},
                      yaxis2={"title": "latency (ms)", "overlaying": "y", "side": "right"})
    figures.append(("Failure rate and latency by provider", fig))

    for title, rows, key in (("Top users by spend", data.top_users, "subject"),
                             ("Top teams by spend", data.top_teams, "subject"),
                             ("Top models by spend", data.top_models, "model")):
        if not rows:
            continue
        labels = [("(none)" if r[key] is None else r[key])
                  + (f" ({r['provider']})" if key == "model" else "") for r in rows]
        fig = go.Figure(go.Bar(x=[float(r["total_cost"]) for r in rows][::-1],
                               y=labels[::-1], orientation="h", name="credits"))
        fig.update_layout(xaxis_title="credits")
        figures.append((title, fig))

    if data.credit_flow:
        flow = {r["date"]: r for r in data.credit_flow}
        fig = go.Figure()
        for name, column in (("purchased", "purchased"), ("granted", "granted"),
                             ("consumed", "consumed")):
            fig.add_bar(name=name, x=[d.isoformat() for d in dates],
                        y=[float(flow[d][column]) if d in flow else 0.0 for d in dates])
        fig.update_layout(barmode="group", yaxis_title="credits")
        figures.append(("Credits purchased and granted vs consumed", fig))

    if data.budgets:
        shown = data.budgets[:20]
        labels = [_budget_name(b) for b in shown]
        fig = go.Figure()
        fig.add_bar(name="spent", y=labels, x=[float(b["spent"]) for b in shown],
                    orientation="h")
        fig.add_bar(name="held", y=labels, x=[float(b["held"]) for b in shown], orientation="h")
        fig.add_bar(name="remaining", y=labels, x=[float(b["remaining"]) for b in shown],
                    orientation="h")
        fig.update_layout(barmode="stack", xaxis_title="credits (the bar's length is the limit)")
        figures.append(("Budgets this period: spent, held and remaining", fig))
    if data.burn_down:
        fig = go.Figure()
        limits = {_budget_name(b): b["hard_limit"] for b in data.budgets}
        for name, series in data.burn_down.items():
            fig.add_scatter(name=name, mode="lines+markers",
                            x=[s["date"].isoformat() for s in series],
                            y=[float(s["spent"] / limits[name] * 100) for s in series])
        fig.add_hline(y=100, line_dash="dash", annotation_text="limit")
        fig.update_layout(yaxis_title="% of the limit spent")
        figures.append(("Budget burn-down (current period)", fig))
    for _title, fig in figures:
        fig.update_layout(template="plotly_white", height=420,
                          margin={"l": 60, "r": 30, "t": 30, "b": 60},
                          legend={"orientation": "h", "y": -0.2})
    return figures


# -- HTML ---------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px;
       color: #222; background: #fff; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .meta { color: #666; margin-top: 0; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: .8rem 1.2rem; min-width: 10rem; }
.card b { display: block; font-size: 1.5rem; }
section { margin: 2rem 0; } table { border-collapse: collapse; }
td, th { border-bottom: 1px solid #eee; padding: .3rem .8rem; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.empty { font-size: 1.4rem; padding: 3rem; border: 2px dashed #ccc; text-align: center; }
.render-error { background: #fee; border: 1px solid #c00; padding: 1rem; }
.note { color: #666; }
"""

_ERROR_HOOK = """
window.addEventListener('error', function (e) {
  var d = document.createElement('div');
  d.className = 'render-error';
  d.textContent = 'A chart failed to render: ' + (e.message || e);
  document.body.insertBefore(d, document.body.firstChild);
});
"""


def _esc(value: Any) -> str:
    if value is None:
        return ""
    return html.escape(value.isoformat() if isinstance(value, date) else str(value))


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{_esc(label)}</th>" for _key, label in columns)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="{"n" if isinstance(r.get(k), int | Decimal) else ""}">{_esc(r.get(k))}'
            "</td>" for k, _label in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(data: ReportData) -> str:
    """The page: cards, charts (plotly.js inlined once), tables and the data as JSON."""
    title = f"LLM spend {data.period}"
    who = data.filters.describe()
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_esc(title)}</title><style>{_CSS}</style>",
        f"<script>{_ERROR_HOOK}</script></head><body>",
        f"<h1>{_esc(title)}</h1>",
        f'<p class="meta">{_esc(who)} · UTC days, both included · from the daily summaries as of'
        f" their last refresh · generated {_esc(data.generated_at.isoformat(timespec='seconds'))}"
        f" by litellm-db {_esc(__version__)}</p>",
    ]
    data_json = json.dumps(data.as_dict()).replace("</", "<\\/")
    if data.empty:
        parts.append(f'<div class="empty" id="no-usage">No usage from {_esc(data.period.start)}'
                     f" to {_esc(data.period.end)} for {_esc(who)}.</div>")
    else:
        from plotly.offline import get_plotlyjs

        t = data.totals()
        rate = "-" if t["failure_rate"] is None else f"{t['failure_rate'] * 100:.2f}%"
        cards = [("Spend (credits)", t["total_cost"]), ("Requests", t["request_count"]),
                 ("Tokens", t["total_tokens"]), ("Failure rate", rate)]
        parts.append('<div class="cards">' + "".join(
            f'<div class="card">{_esc(label)}<b>{_esc(value)}</b></div>'
            for label, value in cards) + "</div>")
        parts.append(f"<script>{get_plotlyjs()}</script>")
        for i, (chart_title, fig) in enumerate(build_figures(data)):
            div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}",
                              config={"displaylogo": False, "responsive": True})
            parts.append(f'<section class="chart"><h2>{_esc(chart_title)}</h2>{div}</section>')
        if data.top_users:
            parts.append("<section><h2>Top users</h2>" + _table(data.top_users, [
                ("subject", "user"), ("request_count", "requests"),
                ("failure_count", "failures"), ("total_tokens", "tokens"),
                ("total_cost", "credits")]) + "</section>")
        parts.append("<section><h2>Top models</h2>" + _table(data.top_models, [
            ("provider", "provider"), ("model", "model"), ("request_count", "requests"),
            ("total_cost", "credits")]) + "</section>")
        parts.append("<section><h2>Providers</h2>" + _table(data.providers, [
            ("provider", "provider"), ("request_count", "requests"),
            ("failure_count", "failures"), ("avg_latency_ms", "avg latency (ms)"),
            ("total_cost", "credits")]) + "</section>")
    if data.running_out:
        parts.append(f"<section><h2>Balances that run out within {RUN_OUT_DAYS} days</h2>"
                     f'<p class="note">At the rate of the last {RATE_DAYS} days.</p>'
                     + _table(data.running_out, [
                         ("user_id", "user"), ("credits_remaining", "balance"),
                         ("credits_per_day", "credits per day"), ("days_left", "days left")])
                     + "</section>")
    elif not data.empty and data.top_users is not None:
        parts.append(f"<section><h2>Balances</h2><p>No account runs out within"
                     f" {RUN_OUT_DAYS} days at the rate of the last {RATE_DAYS} days.</p>"
                     "</section>")
    parts.extend(f'<p class="note">{_esc(n)}</p>' for n in data.notes)
    parts.append(f'<script type="application/json" id="litellm-report-data">{data_json}'
                 "</script></body></html>")
    return "\n".join(parts) + "\n"


def require_plotly() -> None:
    """Raise NotInstalledError (exit 1 with the install command) without plotly."""
    try:
        import plotly  # noqa: F401
    except ImportError as exc:
        raise NotInstalledError(
            f"the report needs plotly ({exc}); install it with pip install 'litellm-db[report]'"
        ) from exc
