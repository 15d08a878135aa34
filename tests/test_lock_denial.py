"""No login can make a package function wait forever, and a package function waits at most 5 s.

Until this release, package functions serialised on transaction advisory locks with keys anyone
could compute (a charge id, a request id, a user id, one fixed key per refresh and per price
change). Advisory locks need no privilege: a login with no package role at all could take those
keys and hold them, and the package's calls queued behind it for as long as it liked.

* An attacker with no package role, and one with only ``litellm_app``, holds every advisory key
  the old code used, computed as the old code did; every package function still completes.
* A call held up by a lock a package session really holds (an account row, a user's call lock,
  the refresh, a membership change, a price change, a Stripe charge id being inserted) fails
  with 55P03 (lock_not_available) after the 5 s bound instead of hanging.
* ``ensure_usage_log_partitions`` called by the application, and held open, does not stop usage
  logging: only the owner creates a month that has begun.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg import sql

from litellm_db.testing import PgServer

BOUND = 5.0
"""The lock_timeout every waiting package function sets (seconds)."""

# The advisory lock keys of the old code, computed the way it computed them.
OLD_KEYS = {
    "charge": "select pg_advisory_xact_lock(hashtextextended('litellm.charge:'"
              " || %(charge)s::text, 0))",
    "call": "select pg_advisory_xact_lock(hashtextextended(format('litellm.call:%%s:%%s:%%s',"
            " length(%(user)s::text), %(user)s::text, %(request)s::text), 0))",
    "member": "select pg_advisory_xact_lock(1819045218, hashtext(%(user)s::text))",
    "refresh": "select pg_advisory_xact_lock(7812739710307364205)",
    "prices": "select pg_advisory_xact_lock(hashtextextended('litellm.model_prices', 0))",
}


@pytest.fixture
def logins(pg_server: PgServer, db: str) -> Iterator[dict[str, str]]:
    """Two logins on the test database: one with no package role, one in litellm_app."""
    suffix = uuid.uuid4().hex[:10]
    names = {"nobody": f"lock_nobody_{suffix}", "app": f"lock_gateway_{suffix}"}
    with pg_server.admin() as admin:
        admin.execute(sql.SQL("create role {} login").format(sql.Identifier(names["nobody"])))
        admin.execute(sql.SQL("create role {} login in role litellm_app").format(
            sql.Identifier(names["app"])))
    try:
        yield names
    finally:
        with pg_server.admin() as admin:
            for name in names.values():
                admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(name)))


def connect(db: str, user: str | None = None, *, autocommit: bool = True) -> psycopg.Connection:
    conn = psycopg.connect(db, user=user, autocommit=autocommit) if user else psycopg.connect(
        db, autocommit=autocommit)
    # A call that waits for a lock fails the test (57014) instead of hanging it.
    conn.execute("set statement_timeout = '20s'")
    return conn


def setup_ledger(conn: psycopg.Connection) -> None:
    conn.execute("select litellm.add_user_credits('victim', 100, 'purchase')")
    conn.execute("select litellm.create_organization('org-1', 'Org')")
    conn.execute("select litellm.create_team('team-1', 'org-1', 'Team')")


# Each package call, as (who calls it, SQL). "app" calls run as the litellm_app login, "owner"
# calls as the suite's superuser (the package owner's functions).
CALLS: dict[str, tuple[str, str]] = {
    "refresh_usage_summary": ("app", "select litellm.refresh_usage_summary()"),
    "set_budget": ("app", "select litellm.set_budget('user', 50, user_id => 'victim')"),
    "add_team_member": ("app", "select litellm.add_team_member('victim', 'team-1')"),
    "record_llm_call": ("app", "select * from litellm.record_llm_call(user_id => 'victim',"
                               " provider => 'openai', model => 'gpt-4', cost => 0.01,"
                               " request_id => 'req-1')"),
    "add_user_credits": ("app", "select * from litellm.add_user_credits('victim', 5, 'purchase',"
                                " 'card', 'ch_1')"),
    "debit_user_credits": ("app", "select * from litellm.debit_user_credits('victim', 0.01,"
                                  " 'openai', 'gpt-4', 1, 1, null, '{}', 'req-2')"),
    "set_model_price": ("owner", "select * from litellm.set_model_price('acme', 'model-x', 1, 2)"),
}


@pytest.mark.parametrize("attacker", ["nobody", "app"])
def test_old_advisory_keys_held_by_anyone_block_nothing(db: str, logins: dict[str, str],
                                                        attacker: str) -> None:
    with connect(db) as owner:
        setup_ledger(owner)
    with connect(db, logins[attacker], autocommit=False) as bad, \
            connect(db, logins["app"]) as app, connect(db) as owner:
        params = {"charge": "ch_1", "user": "victim", "request": "req-1"}
        for key in OLD_KEYS.values():
            bad.execute(key, params)  # held until the attacker's transaction ends
        for name, (who, statement) in CALLS.items():
            started = time.monotonic()
            (app if who == "app" else owner).execute(statement).fetchall()
            elapsed = time.monotonic() - started
            assert elapsed < 2, f"{name} took {elapsed:.1f}s behind the attacker's advisory locks"
        bad.rollback()


def hold_then_call(db: str, hold: Callable[[psycopg.Connection], Any], user: str | None,
                   statement: str) -> tuple[str | None, float]:
    """In one package session, ``hold`` and keep the transaction open; meanwhile run ``statement``
    in another and return (its SQLSTATE or None, seconds it took)."""
    with connect(db, autocommit=False) as holder, connect(db, user) as victim:
        hold(holder)
        started = time.monotonic()
        try:
            victim.execute(statement).fetchall()
            state = None
        except psycopg.Error as exc:
            state = exc.diag.sqlstate
        elapsed = time.monotonic() - started
        holder.rollback()
    return state, elapsed


HOLDS: dict[str, tuple[str, str]] = {
    # a debit holds the account row until commit
    "debit_user_credits": (
        "select * from litellm.debit_user_credits('victim', 0.01, 'openai', 'gpt-4', 1, 1, null,"
        " '{}', 'h-1')",
        "select * from litellm.debit_user_credits('victim', 0.01, 'openai', 'gpt-4', 1, 1, null,"
        " '{}', 'v-1')",
    ),
    # a keyed call holds the user's call lock (and the account row) until commit
    "record_llm_call": (
        "select * from litellm.record_llm_call(user_id => 'victim', provider => 'openai',"
        " model => 'gpt-4', success => false, request_id => 'h-2')",
        "select * from litellm.record_llm_call(user_id => 'victim', provider => 'openai',"
        " model => 'gpt-4', success => false, request_id => 'h-2')",
    ),
    "refresh_usage_summary": (
        "select litellm.refresh_usage_summary()",
        "select litellm.refresh_usage_summary()",
    ),
    "add_team_member": (
        "select litellm.add_team_member('victim', 'team-1')",
        "select litellm.add_team_member('victim', 'team-1', 'admin')",
    ),
    "set_model_price": (
        "select * from litellm.set_model_price('acme', 'model-x', 1, 2)",
        "select * from litellm.set_model_price('acme', 'model-y', 1, 2)",
    ),
    # another user's first use of the same charge id waits on the journal's unique index
    "add_user_credits": (
        "select * from litellm.add_user_credits('holder', 5, 'purchase', 'card', 'ch_race')",
        "select * from litellm.add_user_credits('victim', 5, 'purchase', 'card', 'ch_race')",
    ),
}


@pytest.mark.parametrize("name", list(HOLDS))
def test_a_call_held_up_by_a_package_lock_fails_after_the_bound(
        db: str, logins: dict[str, str], name: str) -> None:
    with connect(db) as owner:
        setup_ledger(owner)
    hold, call = HOLDS[name]
    user = None if name == "set_model_price" else logins["app"]
    state, elapsed = hold_then_call(db, lambda c: c.execute(hold).fetchall(), user, call)
    assert state == "55P03", f"{name}: {state} after {elapsed:.1f}s"
    assert BOUND - 0.5 < elapsed < BOUND + 5, f"{name} gave up after {elapsed:.1f}s"


def test_python_client_raises_busy_error(db: str) -> None:
    from litellm_db.errors import BusyError, RefusedError, error_class

    assert error_class("55P03") is BusyError
    assert issubclass(BusyError, RefusedError)


def test_a_charge_id_raced_by_two_users_is_an_idempotency_conflict(db: str) -> None:
    """The unique index, not a lock anyone can take, settles two users' first use of a charge."""
    with connect(db, autocommit=False) as first, connect(db) as second:
        first.execute("select * from litellm.add_user_credits('u-a', 5, 'purchase', 'card',"
                      " 'ch_two')")
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                second.execute("select * from litellm.add_user_credits('u-b', 5, 'purchase',"
                               " 'card', 'ch_two')").fetchall()
                outcome["state"] = None
            except psycopg.Error as exc:
                outcome["state"] = exc.diag.sqlstate

        t = threading.Thread(target=run)
        t.start()
        time.sleep(1)
        assert t.is_alive(), "the second call should wait for the first to commit"
        first.commit()
        t.join(30)
    assert outcome["state"] == "LD101"
    with connect(db) as owner:
        rows = owner.execute("select user_id from litellm.credit_transactions"
                             " where stripe_transaction_id = 'ch_two'").fetchall()
    assert rows == [("u-a",)]


def month_partition(offset: int) -> str:
    now = datetime.now(UTC)
    year, month = divmod(now.year * 12 + now.month - 1 + offset, 12)
    return f"llm_usage_log_p{year:04d}{month + 1:02d}"


def insert_usage_row(db: str) -> float:
    """Log one call (a plain insert, as the seed does) with a 3 s statement timeout; seconds."""
    with connect(db) as c:
        c.execute("set statement_timeout = '3s'")
        started = time.monotonic()
        c.execute("insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens,"
                  " completion_tokens, cost_credits, success)"
                  " values ('u', 'openai', 'gpt-4', 1, 1, 0, true)")
        return time.monotonic() - started


def test_the_application_cannot_create_a_month_that_has_begun(db: str,
                                                             logins: dict[str, str]) -> None:
    current = month_partition(0)
    with connect(db) as owner:
        owner.execute(sql.SQL("alter table litellm.llm_usage_log detach partition litellm.{}")
                      .format(sql.Identifier(current)))
        owner.execute(sql.SQL("drop table litellm.{}").format(sql.Identifier(current)))
    # The application's call, held open: it creates nothing (the month has begun) and warns.
    with connect(db, logins["app"], autocommit=False) as app:
        notices: list[str] = []
        app.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        created = app.execute("select * from litellm.ensure_usage_log_partitions(3, 2)").fetchall()
        assert created == []
        assert any(current in n for n in notices), notices
        assert insert_usage_row(db) < 2  # logging goes on (into the default partition)
        app.execute("select litellm.refresh_usage_summary()")  # refresh's own call: same rule
        assert insert_usage_row(db) < 2
        app.rollback()
    # The owner creates it.
    with connect(db) as owner:
        created = owner.execute("select * from litellm.ensure_usage_log_partitions()").fetchall()
        assert (current,) in created


def test_the_application_creates_months_ahead_without_stopping_inserts(
        db: str, logins: dict[str, str]) -> None:
    with connect(db, logins["app"], autocommit=False) as app:
        created = app.execute("select * from litellm.ensure_usage_log_partitions(6)").fetchall()
        assert (month_partition(6),) in created
        assert (month_partition(0),) not in created
        assert insert_usage_row(db) < 2  # the transaction that attached months ahead is still open
        app.rollback()


def test_the_bound_is_the_functions_own(db: str) -> None:
    """A session's own lock_timeout of 0 (wait forever) does not reach inside a package function."""
    with connect(db) as owner:
        setup_ledger(owner)
    with connect(db, autocommit=False) as holder, connect(db) as victim:
        holder.execute("select * from litellm.debit_user_credits('victim', 0.01, 'openai', 'gpt-4',"
                       " 1, 1, null, '{}', 'h-9')").fetchall()
        victim.execute("set lock_timeout = 0")
        started = time.monotonic()
        with pytest.raises(psycopg.Error) as caught:
            victim.execute("select * from litellm.debit_user_credits('victim', 0.01)")
        assert caught.value.diag.sqlstate == "55P03"
        assert time.monotonic() - started < BOUND + 5
        assert victim.execute("show lock_timeout").fetchone() == ("0",)
        holder.rollback()
