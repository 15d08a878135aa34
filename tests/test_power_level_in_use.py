"""A power level the journal names cannot be deleted or renamed, also against a debit in flight.

The journal keeps no foreign key to ``litellm.power_levels`` (its key-share lock would cost every
debit); the catalogue's trigger makes the check instead (LD058). These tests race the two sides:

* a debit naming a level, not yet committed, and a delete of that level: the delete waits for the
  debit and is then refused;
* a delete of a level not yet committed, and a debit naming it: the debit waits for the delete and
  then finds no such level (LD003), so no journal entry names a missing level;
* outside read committed the change is refused (LD059): its snapshot could miss entries committed
  while it waited.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

ORPHANS = """
    select count(*) from litellm.credit_transactions as ct
    where ct.power_level is not null
      and not exists (select from litellm.power_levels as pl where pl.power_level = ct.power_level)
"""


def setup_level(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("insert into litellm.power_levels (power_level, display_name, cost_multiplier,"
                  " max_latency_ms, min_quality) values ('fresh', 'Fresh', 1, 1000, 50)")
        c.execute("select litellm.add_user_credits('racer', 100, 'purchase')")


def in_thread(fn: Any) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except psycopg.Error as exc:
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    return t, out


def test_delete_waits_for_a_debit_in_flight_and_is_refused(db: str) -> None:
    setup_level(db)
    with psycopg.connect(db) as debit, psycopg.connect(db, autocommit=True) as admin:
        debit.execute("select litellm.debit_user_credits('racer', 1, power_level => 'fresh')")

        def delete() -> int:
            cur = admin.execute("delete from litellm.power_levels where power_level = 'fresh'")
            return cur.rowcount

        t, out = in_thread(delete)
        time.sleep(0.5)
        assert t.is_alive(), "the delete must wait for the debit that names the level"
        debit.commit()
        t.join(10)
        assert isinstance(out.get("error"), psycopg.Error)
        assert out["error"].sqlstate == "LD058"
        assert admin.execute(ORPHANS).fetchone() == (0,)


def test_debit_waits_for_a_delete_in_flight_and_finds_no_level(db: str) -> None:
    setup_level(db)
    with psycopg.connect(db) as admin, psycopg.connect(db, autocommit=True) as debit:
        admin.execute("delete from litellm.power_levels where power_level = 'fresh'")

        def charge() -> Any:
            return debit.execute(
                "select success from litellm.debit_user_credits('racer', 1, power_level => 'fresh')"
            ).fetchone()

        t, out = in_thread(charge)
        time.sleep(0.5)
        assert t.is_alive(), "the debit must wait for the delete"
        admin.commit()
        t.join(10)
        assert isinstance(out.get("error"), psycopg.Error), out
        assert out["error"].sqlstate == "LD003"
        assert debit.execute(ORPHANS).fetchone() == (0,)


@pytest.mark.parametrize("isolation", ["repeatable read", "serializable"])
def test_change_outside_read_committed_is_refused(db: str, isolation: str) -> None:
    setup_level(db)
    with psycopg.connect(db) as admin:
        admin.execute(f"set transaction isolation level {isolation}")
        with pytest.raises(psycopg.Error) as err:
            admin.execute("delete from litellm.power_levels where power_level = 'fresh'")
        assert err.value.sqlstate == "LD059"
