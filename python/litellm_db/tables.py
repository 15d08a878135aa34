"""Tables on a terminal, in JSON and in CSV, for the analytics commands.

On a terminal, with ``rich`` installed (the ``report`` extra), a boxed table;
otherwise aligned plain text. JSON and CSV carry exact values: amounts are
decimal strings, never floats.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

from .analytics import Table

__all__ = ["render", "to_text"]

_RIGHT = (int, Decimal, float)


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return to_text(value)


def render(tables: list[Table], out: TextIO, fmt: str = "text") -> None:
    """Write ``tables`` as ``text`` (rich on a terminal), ``json`` or ``csv``."""
    if fmt == "json":
        doc: Any = [
            {"title": t.title, "columns": list(t.columns),
             "rows": [{c: _jsonable(r.get(c)) for c in t.columns} for r in t.rows]}
            for t in tables
        ]
        out.write(json.dumps(doc[0] if len(doc) == 1 else doc, indent=2) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        for i, t in enumerate(tables):
            if i:
                out.write("\n")
            writer.writerow(t.columns)
            for r in t.rows:
                writer.writerow([to_text(r.get(c)) for c in t.columns])
        return
    if out.isatty() and _rich_table(tables, out):
        return
    for i, t in enumerate(tables):
        if i:
            out.write("\n")
        _plain_table(t, out)


def _plain_table(t: Table, out: TextIO) -> None:
    out.write(t.title + "\n")
    if not t.rows:
        out.write("  (no rows)\n")
        return
    cells = [[to_text(r.get(c)) for c in t.columns] for r in t.rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(t.columns)]
    right = [any(isinstance(r.get(c), _RIGHT) for r in t.rows) for c in t.columns]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if r else v.ljust(w)
                         for v, w, r in zip(values, widths, right, strict=True)).rstrip()

    out.write(line(list(t.columns)) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row) + "\n")


def _rich_table(tables: list[Table], out: TextIO) -> bool:
    try:
        from rich.console import Console
        from rich.table import Table as RichTable
    except ImportError:
        return False
    console = Console(file=out)
    for t in tables:
        table = RichTable(title=t.title, title_justify="left")
        for c in t.columns:
            numeric = any(isinstance(r.get(c), _RIGHT) for r in t.rows)
            table.add_column(c.replace("_", " "), justify="right" if numeric else "left")
        for r in t.rows:
            table.add_row(*(to_text(r.get(c)) for c in t.columns))
        if not t.rows:
            console.print(f"{t.title}\n  (no rows)")
        else:
            console.print(table)
    return True
