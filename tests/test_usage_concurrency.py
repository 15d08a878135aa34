"""Usage metering under concurrency, with real connections and threads.

* concurrent replays of one request through ``record_llm_call`` charge and log once;
* ``refresh_usage_summary()`` racing writers keeps both summaries exact, never
  blocks a writer, and waits for a transaction still writing the queue slot it folds.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

import psycopg
from test_concurrency import race

RECORD = (
    "select success, charged, transaction_id, usage_log_id, credits_remaining, error_code, replayed"
    " from litellm.record_llm_call(%s, 'openai', 'gpt-4', 10, 20, %s, request_id => %s,"
    " litellm_call_id => %s, tenant_id => %s)"
)

# The per-user summary and its from-scratch definition: sql/tests/fixtures.sql.
SUMMARY_FROM_LOG = "select * from litellm_test.usage_summary_from_log('%') order by 1, 2, 3, 4"
SUMMARY = ("select * from litellm_test.usage_summary_rows where request_count <> 0"
           " order by 1, 2, 3, 4")

ATTRIBUTION_FROM_LOG = """
select (l.created_at at time zone 'UTC')::date, coalesce(l.tenant_id, ''),
       coalesce(l.organization_id, ''), coalesce(l.team_id, ''), coalesce(l.service_name, ''),
       coalesce(l.operation, ''), l.provider, l.model, count(*), sum(l.total_tokens),
       sum(l.cost_credits)
from litellm.llm_usage_log as l group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1, 2, 3, 4, 5, 6, 7, 8
"""

ATTRIBUTION = """
select date, tenant_id, organization_id, team_id, service_name, operation, provider, model,
       request_count, total_tokens, total_cost
from litellm.llm_usage_attribution_summary where request_count <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8
"""


def record(conn: psycopg.Connection, user: str, cost: Decimal, request_id: str | None,
           call_id: str | None = None, tenant: str | None = None) -> tuple[Any, ...]:
    row = conn.execute(RECORD, (user, cost, request_id, call_id, tenant)).fetchone()
    assert row is not None
    return tuple(row)


def test_concurrent_replays_of_one_request_charge_and_log_once(
    conn: psycopg.Connection, db: str
) -> None:
    conn.execute("select litellm.add_user_credits('racer', 10, 'purchase')")
    results = race(db, 32, lambda c, i: record(c, "racer", Decimal("0.25"), "req-raced"))
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(r[6] for r in results) == [False] + [True] * 31
    assert {r[:6] for r in results} == {results[0][:6]}, "every replay returns the original"
    success, charged, tx, log_id, balance, code = results[0][:6]
    assert (success, charged, balance, code) == (True, True, Decimal("9.75"), None)
    assert conn.execute(
        "select count(*), min(id), min(transaction_id) from litellm.llm_usage_log"
        " where user_id = 'racer'"
    ).fetchone() == (1, log_id, tx)
    assert conn.execute(
        "select count(*), sum(amount) from litellm.credit_transactions"
        " where user_id = 'racer' and transaction_type = 'usage'"
    ).fetchone() == (1, Decimal("-0.25"))


def test_concurrent_replays_by_litellm_call_id_of_an_unpaid_call_log_once(
    conn: psycopg.Connection, db: str
) -> None:
    conn.execute("select litellm.add_user_credits('pauper', 0.1, 'purchase')")
    results = race(db, 16, lambda c, i: record(c, "pauper", Decimal(1), None, "call-raced"))
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sorted(r[6] for r in results) == [False] + [True] * 15
    assert {(r[0], r[1], r[5]) for r in results} == {(False, False, "insufficient_credits")}
    assert conn.execute(
        "select count(*), sum(uncharged_credits) from litellm.llm_usage_log"
        " where user_id = 'pauper'"
    ).fetchone() == (1, Decimal(1))
    assert conn.execute(
        "select credits_remaining from litellm.user_credits where user_id = 'pauper'"
    ).fetchone() == (Decimal("0.1"),)


def test_refreshes_racing_writers_keep_both_summaries_exact(
    conn: psycopg.Connection, db: str
) -> None:
    users = [f"busy-{n}" for n in range(5)]
    for u in users:
        conn.execute("select litellm.add_user_credits(%s, 1000, 'purchase')", (u,))
    writers = 8
    done = threading.Event()
    finished = []

    def work(c: psycopg.Connection, i: int) -> int:
        if i >= writers:  # refreshers: fold as often as they can until the writers stop
            refreshes = 0
            while not done.is_set():
                c.execute("select litellm.refresh_usage_summary()")
                refreshes += 1
            return refreshes
        try:
            for n in range(60):
                user = users[(i + n) % len(users)]
                if n % 3 == 0:
                    record(c, user, Decimal("0.001"), f"w{i}-{n}", tenant=f"t{n % 2}")
                elif n % 3 == 1:
                    # a multi-row statement, some rows late (a long-gone day)
                    c.execute(
                        "insert into litellm.llm_usage_log (user_id, provider, model, cost_credits,"
                        " team_id, created_at)"
                        " select %s, 'anthropic', 'claude-3', 0.01, 'team-' || g,"
                        " case when g = 3 then timestamptz '2001-01-01 00:00:00+00' else now() end"
                        " from generate_series(1, 3) as g",
                        (user,),
                    )
                else:
                    # a transaction that writes, waits a little, and writes again
                    with c.transaction():
                        key = c.execute(
                            "insert into litellm.llm_usage_log (user_id, provider, model, success,"
                            " latency_ms) values (%s, 'google', 'gemini', false, 7)"
                            " returning user_id, created_at, id", (user,)).fetchone()
                        time.sleep(0.002)
                        c.execute("update litellm.llm_usage_log set latency_ms = 9"
                                  " where (user_id, created_at, id) = (%s, %s, %s)", key)
            return 0
        finally:
            finished.append(i)
            if len(finished) == writers:
                done.set()

    results = race(db, writers + 2, work)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert all(r > 1 for r in results[writers:]), "the refreshes did not overlap the writers"
    conn.execute("select litellm.refresh_usage_summary()")
    assert conn.execute(SUMMARY).fetchall() == conn.execute(SUMMARY_FROM_LOG).fetchall()
    assert conn.execute(ATTRIBUTION).fetchall() == conn.execute(ATTRIBUTION_FROM_LOG).fetchall()
    assert conn.execute("select count(*) from litellm.usage_summary_pending").fetchone() == (0,)


def test_refresh_waits_for_an_open_writer_and_blocks_no_one(
    conn: psycopg.Connection, db: str
) -> None:
    insert = ("insert into litellm.llm_usage_log (user_id, provider, model, cost_credits)"
              " values ('slow', 'openai', 'gpt-4', %s)")
    with psycopg.connect(db) as open_writer, psycopg.connect(db, autocommit=True) as refresher, \
            psycopg.connect(db, autocommit=True) as other_writer:
        open_writer.execute(insert, (Decimal(1),))  # queued in the current slot, not committed
        pid = refresher.info.backend_pid
        outcome: list[Any] = []
        thread = threading.Thread(
            target=lambda: outcome.append(
                refresher.execute("select litellm.refresh_usage_summary()").fetchone()))
        thread.start()
        deadline = time.monotonic() + 10
        while conn.execute("select wait_event_type from pg_stat_activity where pid = %s",
                           (pid,)).fetchone() != ("Lock",):
            assert time.monotonic() < deadline, "the refresh did not wait for the open writer"
            time.sleep(0.01)

        started = time.monotonic()
        other_writer.execute(insert, (Decimal(2),))  # the new slot: not blocked by the refresh
        assert time.monotonic() - started < 2
        open_writer.execute(insert, (Decimal(4),))
        assert thread.is_alive(), "the refresh finished before the writer committed"
        open_writer.commit()
        thread.join(10)
        assert not thread.is_alive()
    assert conn.execute(
        "select request_count, total_cost from litellm.llm_usage_summary where user_id = 'slow'"
    ).fetchone() == (3, Decimal(7))
    assert conn.execute("select count(*) from litellm.usage_summary_pending").fetchone() == (0,)
