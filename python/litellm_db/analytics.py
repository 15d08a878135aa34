"""Usage analytics for people: periods, filters and the queries behind ``litellm-db usage``,
``top``, ``transactions`` and ``report``.

Every figure comes from the SQL API: ``usage_between`` (the daily summaries),
``credit_flow_daily`` and ``credit_totals`` (journal and account totals),
``get_budget_status`` and ``get_daily_spend`` (budgets) and the
``account_overview`` view, so an analyst login is enough. Only
``transactions`` reads the journal itself and needs a role that may.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

__all__ = [
    "GROUPINGS",
    "TOP_KINDS",
    "Filters",
    "Period",
    "Table",
    "today_utc",
    "top",
    "transactions",
    "usage",
]

GROUPINGS = ("day", "day_provider", "provider", "model", "user", "team", "organization", "tenant")
"""What ``usage_between`` groups by."""

TOP_KINDS = {
    "spenders": "user",
    "models": "model",
    "providers": "provider",
    "teams": "team",
    "organizations": "organization",
    "tenants": "tenant",
}
"""``litellm-db top KIND`` -> the grouping it asks ``usage_between`` for."""

USAGE_COLUMNS = ("request_count", "success_count", "failure_count", "total_tokens",
                 "avg_latency_ms", "total_cost", "total_cost_usd")


@dataclass(frozen=True)
class Period:
    """UTC dates, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        """The last ``days`` UTC days, today included (the SQL functions' ``days``)."""
        return cls(today - timedelta(days=days - 1), today)


@dataclass(frozen=True)
class Filters:
    """Whose usage: at most a user, or any of team, organisation and tenant."""

    user_id: str | None = None
    team_id: str | None = None
    organization_id: str | None = None
    tenant_id: str | None = None

    def describe(self) -> str:
        parts = [f"{name} {value}" for name, value in (
            ("user", self.user_id), ("team", self.team_id),
            ("organisation", self.organization_id), ("tenant", self.tenant_id)) if value]
        return ", ".join(parts) or "everyone"

    def params(self) -> dict[str, str | None]:
        return {"user_id": self.user_id, "team_id": self.team_id,
                "organization_id": self.organization_id, "tenant_id": self.tenant_id}


@dataclass
class Table:
    """Rows for people and scripts: column names, rows of values, a title."""

    title: str
    columns: Sequence[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "columns": list(self.columns), "rows": self.rows}


def today_utc(conn: psycopg.Connection) -> date:
    """Today's UTC date by the database's clock (what the SQL functions count from)."""
    row = conn.execute("select (pg_catalog.now() at time zone 'UTC')::date").fetchone()
    assert row is not None
    value: date = row[0]
    return value


def usage_between(conn: psycopg.Connection, period: Period, group_by: str,
                  filters: Filters = Filters(), max_rows: int | None = None
                  ) -> list[dict[str, Any]]:
    """The rows of ``litellm.usage_between`` as dicts."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "select * from litellm.usage_between(from_date => %(start)s, to_date => %(end)s,"
            " group_by => %(group_by)s, user_id => %(user_id)s, team_id => %(team_id)s,"
            " organization_id => %(organization_id)s, tenant_id => %(tenant_id)s,"
            " max_rows => %(max_rows)s)",
            {"start": period.start, "end": period.end, "group_by": group_by,
             "max_rows": max_rows, **filters.params()},
        )
        return list(cur.fetchall())


_KEYS = {
    "day": ("date",),
    "day_provider": ("date", "provider"),
    "provider": ("provider",),
    "model": ("provider", "model"),
    "user": ("user_id",),
    "team": ("team_id",),
    "organization": ("organization_id",),
    "tenant": ("tenant_id",),
}


def _shape(rows: list[dict[str, Any]], group_by: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Keep the grouped key columns (the subject under its own name) and the figures."""
    keys = _KEYS[group_by]
    shaped = []
    for row in rows:
        out: dict[str, Any] = {}
        for key in keys:
            out[key] = row["subject"] if key.endswith("_id") else row[key]
        out.update({c: row[c] for c in USAGE_COLUMNS})
        shaped.append(out)
    return [*keys, *USAGE_COLUMNS], shaped


def usage(conn: psycopg.Connection, period: Period, group_by: str = "day",
          filters: Filters = Filters(), max_rows: int | None = None) -> Table:
    """``litellm-db usage``: usage in ``period`` per day, provider or model."""
    columns, rows = _shape(usage_between(conn, period, group_by, filters, max_rows), group_by)
    return Table(f"Usage per {group_by.replace('_', ' and ')}, {period}, {filters.describe()}",
                 columns, rows)


def top(conn: psycopg.Connection, kind: str, period: Period, max_rows: int | None = 10,
        filters: Filters = Filters()) -> Table:
    """``litellm-db top KIND``: the highest-cost users, models, providers, teams ..."""
    group_by = TOP_KINDS[kind]
    columns, rows = _shape(usage_between(conn, period, group_by, filters, max_rows), group_by)
    return Table(f"Top {kind}, {period}, {filters.describe()}", columns, rows)


TRANSACTION_COLUMNS = ("seq", "created_at", "transaction_type", "amount", "balance_after",
                       "provider", "model", "description")


def transactions(conn: psycopg.Connection, user_id: str, max_rows: int | None = 50) -> Table:
    """``litellm-db transactions USER``: the user's journal, newest first in the order it was
    written (``id``; for an account split into slots ``seq`` and ``balance_after`` are the
    entry's slot's). Needs a role that reads ``credit_transactions``: the owner, or an end-user
    connection for its own rows."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "select seq, created_at, transaction_type, amount, balance_after, provider, model,"
            " description from litellm.credit_transactions where user_id = %s"
            " order by id desc limit %s",
            (user_id, max_rows),
        )
        rows = list(cur.fetchall())
    return Table(f"Journal of {user_id}, newest first", TRANSACTION_COLUMNS, rows)
