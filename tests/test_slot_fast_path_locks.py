"""A slot account's one-statement charge leaves no slot locked that it did not charge.

FOR UPDATE SKIP LOCKED (like an UPDATE) locks the newest version of a row that
another transaction changed and committed after the statement began, and only
then checks the row again: when the newer version fails the check, the row is
skipped but stays locked. A charge that then waits for other slots (the
waiting pick, a consolidation) while holding it would break the lock order.
The one statement runs in a block that is rolled back when it charges nothing;
these tests make that race happen on purpose and look at the locks from another
connection while the charging transaction is still open.

How the race is made: REINDEX of user_credits' primary key holds an exclusive
lock on that index (and a share lock on the table, which readers pass). A
statement whose plan is cached (generic, with an index scan of that key) takes
its snapshot and then waits to open the index; meanwhile slot 1 is changed so
that it no longer covers the charge, and committed. When the index is free, the
statement finds slot 1 as its snapshot saw it, locks the newer version, and
rechecks it. (The key is reindexed once beforehand: a REINDEX that changes the
table's statistics makes other sessions plan again, and the plan then waits
before the snapshot is taken.) A control shows the race happens: a plain
SELECT ... FOR UPDATE SKIP LOCKED under it keeps slot 1 locked.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import psycopg

USER = "fast-path"
CHARGE = Decimal(2)

# The pick's pattern alone: the first slot that covers a charge, locked without waiting.
PICK = """
    select s.slot from litellm.credit_slots as s
    join litellm.user_credits as uc on uc.user_id = %s
    where s.user_id = %s and s.cap_fraction > 0
    order by s.slot limit 1
    for update of s skip locked
"""


def _setup(db: str) -> None:
    """A 2-slot account with a monthly cap of 100: each slot's share is 50."""
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("select litellm.add_user_credits(%s, 100, 'purchase')", (USER,))
        conn.execute(
            "update litellm.user_credits set monthly_cap = 100 where user_id = %s", (USER,)
        )
        conn.execute("select litellm.set_account_slots(%s, 2)", (USER,))
        fractions = conn.execute(
            "select cap_fraction from litellm.credit_slots where user_id = %s", (USER,)
        ).fetchone()
        assert fractions is not None and fractions[0] == Decimal("0.5")
        conn.execute("reindex index litellm.user_credits_pkey")


def _slot_locked(db: str, slot: int) -> bool:
    """Whether another transaction holds a lock on slot (1 and above) of the account."""
    with psycopg.connect(db) as other:
        try:
            other.execute(
                "select from litellm.credit_slots where user_id = %s and slot = %s"
                " for update nowait",
                (USER, slot),
            )
        except psycopg.errors.LockNotAvailable:
            return True
        finally:
            other.rollback()
    return False


def _waiting(db: str, pid: int) -> bool:
    with psycopg.connect(db, autocommit=True) as watcher:
        row = watcher.execute(
            "select wait_event_type = 'Lock' from pg_stat_activity where pid = %s", (pid,)
        ).fetchone()
    return bool(row and row[0])


def _raced(
    db: str, charger: psycopg.Connection, statement: str, params: tuple, warm: list[tuple]
) -> tuple | None:
    """Runs statement with params in charger (a transaction left open) while slot 1 stops
    covering any charge (its share of the cap becomes 0) after the statement's snapshot; its
    first row. The statement runs first with each of warm."""
    # The plan is cached (generic, an index scan of user_credits) before the race.
    charger.execute("set plan_cache_mode = force_generic_plan")
    charger.execute("set enable_seqscan = off")
    for warm_params in warm:
        charger.execute(statement, warm_params, prepare=True)
    charger.commit()
    pid = charger.info.backend_pid
    result: dict[str, object] = {}
    with psycopg.connect(db) as reindexer, psycopg.connect(db, autocommit=True) as changer:
        reindexer.execute("reindex index litellm.user_credits_pkey")

        def run() -> None:
            try:
                result["row"] = charger.execute(statement, params, prepare=True).fetchone()
            except psycopg.Error as exc:  # pragma: no cover - reported below
                result["error"] = exc

        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 10
        while not _waiting(db, pid):
            assert time.monotonic() < deadline, "the statement never waited for the index"
            time.sleep(0.05)
        changer.execute(
            "update litellm.credit_slots set cap_fraction = 0 where user_id = %s and slot = 1",
            (USER,),
        )
        reindexer.commit()
        worker.join(10)
        assert not worker.is_alive()
    assert "error" not in result, result
    return result["row"]  # type: ignore[return-value]


def _restore(db: str) -> None:
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(
            "update litellm.credit_slots set cap_fraction = 0.5 where user_id = %s and slot = 1",
            (USER,),
        )
        assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []


def test_the_race_leaves_a_plain_skip_locked_pick_holding_the_slot(db: str) -> None:
    """The control: PostgreSQL keeps the lock of a row that failed the recheck."""
    _setup(db)
    with psycopg.connect(db) as charger:
        row = _raced(db, charger, PICK, (USER, USER), [(USER, USER)] * 2)
        assert row is None, "slot 1 was picked: the race did not happen"
        assert _slot_locked(db, 1), "the race did not happen: slot 1 is free"
        charger.rollback()
    _restore(db)


def test_a_statement_that_charged_nothing_keeps_no_slot_locked(db: str) -> None:
    _setup(db)
    with psycopg.connect(db) as charger:
        charge = (
            "select success, transaction_id from litellm._charge_slots(%s, %s, request_id => %s)"
        )
        row = _raced(db, charger, charge, (USER, CHARGE, "raced"),
                     [(USER, 1, "warm-1"), (USER, 1, "warm-2")])
        # Charged on slot 0, by the waiting path.
        assert row is not None and row[0] is True
        slot = charger.execute(
            "select slot from litellm.credit_transactions where id = %s", (row[1],)
        ).fetchone()
        assert slot == (0,)
        assert not _slot_locked(db, 1), "slot 1 stayed locked after the statement charged nothing"
        charger.commit()
    _restore(db)


def test_a_replay_keeps_no_slot_locked(db: str) -> None:
    """A replay met at the journal's insert takes the charge back by rolling the block back."""
    _setup(db)
    with psycopg.connect(db, autocommit=True) as conn:
        first = conn.execute(
            "select success, transaction_id, replayed from litellm.debit_user_credits(%s, %s,"
            " request_id => 'once')",
            (USER, CHARGE),
        ).fetchone()
    assert first is not None and first[0] is True and first[2] is False
    with psycopg.connect(db) as again:
        row = again.execute(
            "select success, transaction_id, replayed from litellm.debit_user_credits(%s, %s,"
            " request_id => 'once')",
            (USER, CHARGE),
        ).fetchone()
        assert row == (True, first[1], True)
        assert not _slot_locked(db, 1), "the replay kept slot 1 locked"
        again.rollback()
    with psycopg.connect(db, autocommit=True) as conn:
        assert conn.execute(
            "select count(*) from litellm.credit_transactions"
            " where user_id = %s and transaction_type = 'usage'",
            (USER,),
        ).fetchone() == (1,)
        assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []
