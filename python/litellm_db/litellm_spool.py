"""A bounded local file of the LiteLLM events the logger could not write to the database.

The callbacks that run *after* a call returned (the SDK's success and failure
callbacks) cannot refuse the call any more: when the database cannot be reached
after a few tries, the event goes here, one JSON line each, and is written when
a logger with the same spool starts again (or when ``replay_spool`` is called).
Every event is idempotent in the database (by its call or request id), so a
replayed event that had in fact been written changes nothing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

log = logging.getLogger("litellm_db.litellm")


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {"$hold": [value.user_id, value.request_id]}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$decimal"}:
            return Decimal(value["$decimal"])
        if set(value) == {"$hold"}:
            from .litellm_logger import _Hold

            return _Hold(*value["$hold"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class Spool:
    """At most ``max_events`` events in ``path`` (JSON lines); the rest is dropped and logged."""

    def __init__(self, path: str | os.PathLike[str], max_events: int = 10_000) -> None:
        self.path = Path(path)
        self.max_events = max_events
        self.dropped = 0
        self._lock = threading.Lock()
        self._count: int | None = None

    def __len__(self) -> int:
        with self._lock:
            return self._counted()

    def _counted(self) -> int:
        if self._count is None:
            try:
                with self.path.open("rb") as f:
                    self._count = sum(1 for _ in f)
            except FileNotFoundError:
                self._count = 0
        return self._count

    def append(self, event: dict[str, Any]) -> bool:
        """Keep one event (``False``: the spool is full and the event is dropped)."""
        line = json.dumps(_encode(event), separators=(",", ":")) + "\n"
        with self._lock:
            if self._counted() >= self.max_events:
                self.dropped += 1
                log.error("litellm-db: the spool %s is full (%d events); an event was dropped"
                          " (%d so far)", self.path, self.max_events, self.dropped)
                return False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            self._count = (self._count or 0) + 1
        return True

    def take(self) -> Iterator[dict[str, Any]]:
        """Every event kept so far, removed from the spool (re-append what cannot be written)."""
        taking = self.path.with_name(self.path.name + ".replaying")
        with self._lock:
            if self.path.exists():  # added to what an interrupted replay left
                with taking.open("ab") as f:
                    f.write(self.path.read_bytes())
                    f.flush()
                    os.fsync(f.fileno())
                self.path.unlink()
            self._count = 0
        if not taking.exists():
            return iter(())
        lines = taking.read_text(encoding="utf-8").splitlines()
        taking.unlink()
        events = []
        for line in lines:
            try:
                events.append(_decode(json.loads(line)))
            except ValueError:
                log.error("litellm-db: an unreadable line in the spool was skipped: %.200s", line)
        return iter(events)
