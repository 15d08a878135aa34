"""busy_accounts(): accounts whose charges wait on each other, from the server's lock table.

A real contention scenario: one transaction holds an account row (a debit not yet committed)
and three more debits of the same account wait for it; another account is charged freely.
busy_accounts names the first, with the number waiting, and only it. Then as hostile callers:
only the analyst (and the owner) may call it, it reads no other table's locks, and its helper
is nobody's.
"""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from litellm_db import cli
from litellm_db.testing import PgServer

DEBIT = ("select success from litellm.debit_user_credits({user}, 0.01, 'openai', 'gpt-4', 10,"
         " 20, request_id => {request})")
WAITERS = 3


@pytest.fixture
def logins(pg_server: PgServer, db: str) -> Iterator[dict[str, str]]:
    """Logins on the test database: one per package role, and one with none."""
    suffix = uuid.uuid4().hex[:10]
    names = {role: f"busy_{role}_{suffix}" for role in ("analyst", "app", "end_user", "nobody")}
    with pg_server.admin() as admin:
        for role, name in names.items():
            member = "" if role == "nobody" else f" in role litellm_{role}"
            admin.execute(sql.SQL("create role {} login" + member).format(sql.Identifier(name)))
    try:
        yield names
    finally:
        with pg_server.admin() as admin:
            for name in names.values():
                admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def _waiting(conn: psycopg.Connection[Any], count: int) -> None:
    """Until ``count`` backends wait for a lock (at most 4 s)."""
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        row = conn.execute("select count(distinct pid) from pg_locks where not granted").fetchone()
        if row and row[0] >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} backends waiting")


class Contention:
    """``holder`` runs in a transaction kept open; ``WAITERS`` threads run ``blocked`` (``{n}``
    replaced by their number), each on its own connection, and wait for it until
    ``release``."""

    def __init__(self, db: str, holder: str, blocked: str) -> None:
        self.db = db
        self.conn = psycopg.connect(db)
        self.conn.execute(holder)
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._wait, args=(blocked, n))
                        for n in range(WAITERS)]
        for t in self.threads:
            t.start()

    def _wait(self, blocked: str, n: int) -> None:
        try:
            with psycopg.connect(self.db, autocommit=True) as conn:
                conn.execute(blocked.replace("{n}", str(n)))
        except BaseException as exc:
            self.errors.append(exc)

    def release(self) -> None:
        self.conn.commit()
        self.conn.close()
        for t in self.threads:
            t.join(10)
        assert self.errors == []


def test_busy_accounts_names_the_account_charges_wait_for(
        db: str, conn: psycopg.Connection[Any], logins: dict[str, str]) -> None:
    for user in ("hot", "calm"):
        conn.execute("select litellm.add_user_credits(%s, 100, 'purchase')", (user,))
    jam = Contention(db, DEBIT.format(user="'hot'", request="'held'"),
                     DEBIT.format(user="'hot'", request="'waiting-{n}'"))
    try:
        _waiting(conn, WAITERS)
        assert conn.execute(DEBIT.format(user="'calm'", request="'free'")).fetchone() == (True,)
        with psycopg.connect(db, user=logins["analyst"], autocommit=True) as analyst:
            rows = analyst.execute(
                "select user_id, slot_count, samples_waiting, samples_taken, most_waiting,"
                " suggested_slots from litellm.busy_accounts(0.2, 3)").fetchall()
    finally:
        jam.release()
    assert rows == [("hot", 1, 3, 3, WAITERS, 1 + WAITERS)]
    # Once the charges went through, nothing waits.
    assert conn.execute("select * from litellm.busy_accounts(0, 1)").fetchall() == []
    assert conn.execute("select count(*) from litellm.credit_transactions"
                        " where user_id = 'hot' and transaction_type = 'usage'").fetchone() == (
        1 + WAITERS,)


def _status(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["status", "--no-verify", *args], env={}, stdin=io.StringIO(), stdout=out,
                    stderr=io.StringIO())
    return code, out.getvalue()


def test_status_suggests_slots_for_the_account(db: str, conn: psycopg.Connection[Any]) -> None:
    conn.execute("select litellm.add_user_credits('O''Hot', 100, 'purchase')")
    jam = Contention(db, DEBIT.format(user="'O''Hot'", request="'held'"),
                     DEBIT.format(user="'O''Hot'", request="'waiting-{n}'"))
    try:
        _waiting(conn, WAITERS)
        code, out = _status("--dsn", db)
        _, doc = _status("--dsn", db, "--busy-seconds", "0.3", "--json")
    finally:
        jam.release()
    assert code == 0, out
    assert (f"O'Hot: waiting in 10 of 10 samples, up to {WAITERS} at once (1 slot); consider"
            f" `select litellm.set_account_slots('O''Hot', {1 + WAITERS})`") in out
    busy = json.loads(doc)["busy_accounts"]
    assert [(a["user_id"], a["samples_taken"], a["suggested_slots"])
            for a in busy["accounts"]] == [("O'Hot", 10, 1 + WAITERS)]
    code, out = _status("--dsn", db, "--busy-seconds", "0")
    assert code == 0 and "Busy accounts" not in out
    code, out = _status("--dsn", db, "--busy-seconds", "0.1")
    assert ("Busy accounts: no charges waited on each other (the server's row locks sampled"
            " over 0.1 s)") in out


def test_waits_for_a_slot_row_name_its_account(db: str, conn: psycopg.Connection[Any]) -> None:
    conn.execute("select litellm.add_user_credits('split', 100, 'purchase')")
    conn.execute("select litellm.set_account_slots('split', 4)")
    lock = "update litellm.credit_slots set updated_at = now() where user_id = 'split' and slot = 2"
    jam = Contention(db, lock, lock)
    try:
        _waiting(conn, WAITERS)
        rows = conn.execute("select user_id, slot_count, most_waiting, suggested_slots"
                            " from litellm.busy_accounts(0, 2)").fetchall()
    finally:
        jam.release()
    assert rows == [("split", 4, WAITERS, 4 + WAITERS)]


def test_other_tables_locks_are_not_read(db: str, conn: psycopg.Connection[Any]) -> None:
    """Row locks on any other table (here one naming a user in a column called user_id) are
    not reported, nor read."""
    conn.execute("select litellm.add_user_credits('bait', 100, 'purchase')")
    conn.execute("create table public.lookalike (user_id text primary key, note text)")
    conn.execute("insert into public.lookalike values ('bait', 'secret')")
    lock = "update public.lookalike set note = 'x' where user_id = 'bait'"
    jam = Contention(db, lock, lock)
    try:
        _waiting(conn, WAITERS)
        rows = conn.execute("select * from litellm.busy_accounts(0, 2)").fetchall()
    finally:
        jam.release()
    assert rows == []


@pytest.mark.parametrize("role", ["app", "end_user", "nobody"])
def test_only_the_analyst_and_the_owner_may_call_it(
        db: str, logins: dict[str, str], role: str) -> None:
    with psycopg.connect(db, user=logins[role], autocommit=True) as hostile:
        for call in ("select * from litellm.busy_accounts(0, 1)",
                     "select * from litellm._account_lock_waiters()"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                hostile.execute(call)


def test_the_analyst_may_not_call_the_helper(db: str, logins: dict[str, str]) -> None:
    with psycopg.connect(db, user=logins["analyst"], autocommit=True) as analyst, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        analyst.execute("select * from litellm._account_lock_waiters()")


def test_status_leaves_the_window_bound_to_the_database(db: str) -> None:
    err = io.StringIO()
    code = cli.main(["status", "--no-verify", "--dsn", db, "--busy-seconds", "61"], env={},
                    stdin=io.StringIO(), stdout=io.StringIO(), stderr=err)
    assert code == cli.EXIT_ERROR and "0 to 60 seconds, got 10 samples over 61" in err.getvalue()


@pytest.mark.parametrize(("seconds", "samples"), [
    (None, 1), (1, None), (-1, 1), (61, 1), (1, 0), (1, 601)])
def test_the_sampling_window_is_bounded(
        conn: psycopg.Connection[Any], seconds: Any, samples: Any) -> None:
    with pytest.raises(psycopg.Error) as refused:
        conn.execute("select * from litellm.busy_accounts(%s::numeric, %s::integer)",
                     (seconds, samples))
    assert refused.value.sqlstate == "LD057"
