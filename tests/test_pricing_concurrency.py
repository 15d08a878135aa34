"""Concurrent price changes never leave overlapping periods (there is no exclusion constraint)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import psycopg
import pytest

T_LATE = datetime(2040, 6, 1, tzinfo=UTC)
T_EARLY = datetime(2040, 1, 1, tzinfo=UTC)

OVERLAPS = """
select count(*) from litellm.model_prices as a
join litellm.model_prices as b
  on a.provider = b.provider and a.model = b.model and a.price_id < b.price_id
where tstzrange(a.effective_from, a.effective_to) && tstzrange(b.effective_from, b.effective_to)
"""


def _wait_until_blocked(observer: psycopg.Connection, pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = observer.execute(
            "select wait_event_type from pg_stat_activity where pid = %s", (pid,)
        ).fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.02)
    pytest.fail("the second price change never waited for the first")


@pytest.mark.parametrize("first,second", [(T_LATE, T_EARLY), (T_EARLY, T_LATE)])
def test_racing_first_prices_of_a_new_model(db: str, first: datetime, second: datetime) -> None:
    """Both see no price yet; the second must wait and then see the first's period."""
    with psycopg.connect(db, autocommit=True) as observer, \
            psycopg.connect(db) as a, psycopg.connect(db) as b:
        a.execute("select litellm.set_model_price('tap', 'race', 1, 1, effective_from => %s)",
                  (first,))
        errors: list[BaseException] = []

        def second_change() -> None:
            try:
                b.execute(
                    "select litellm.set_model_price('tap', 'race', 2, 2, effective_from => %s)",
                    (second,),
                )
                b.commit()
            except BaseException as exc:  # reported to the main thread
                errors.append(exc)

        worker = threading.Thread(target=second_change)
        worker.start()
        _wait_until_blocked(observer, b.info.backend_pid)
        a.commit()
        worker.join(timeout=30)
        assert not worker.is_alive() and errors == []

        periods = observer.execute(
            "select prompt_per_1m::int, effective_from, effective_to from litellm.model_prices"
            " where provider = 'tap' and model = 'race' order by effective_from"
        ).fetchall()
        assert periods[0][1:] == (T_EARLY, T_LATE)
        assert periods[1][1:] == (T_LATE, None)
        assert observer.execute(OVERLAPS).fetchone() == (0,)


def test_repeatable_read_is_refused(db: str) -> None:
    with psycopg.connect(db) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("select litellm.set_model_price('tap', 'rr', 1, 1)")
        assert caught.value.diag.sqlstate == "LD323"
