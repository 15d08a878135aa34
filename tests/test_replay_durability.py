"""A replay reports a charge only once that charge is on disk.

``debit_user_credits_early_release`` commits its debit without waiting for the disk
(``synchronous_commit = off``) and waits in a second transaction. A client that
retries in between, through ``debit_user_credits`` or ``record_llm_call`` with
the same request id, is told the charge exists (``replayed = true``); if its
commit did not wait for the WAL flush, a power cut could lose a charge that was
acknowledged. kill -9 cannot show this (the OS keeps the WAL already written), so
the test reads the flush position instead, on a cluster of its own whose WAL
writer flushes only every 10 s: after the replay returns, the WAL must be flushed
at least up to the original's commit.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import litellm_db
from litellm_db.testing import PgServer, find_bindir, start_cluster, stop_cluster

CALL = "'openai', 'gpt-4', 10, 20"
ORIGINAL = {
    "debit_user_credits": f"select litellm.debit_user_credits(%(user)s, 1, {CALL},"
                          " request_id => %(key)s)",
    "record_llm_call": f"select litellm.record_llm_call(%(user)s, {CALL}, 1,"
                       " request_id => %(key)s)",
    "settle_reservation": f"select litellm.settle_reservation(%(user)s, %(key)s, 1, {CALL})",
}
REPLAY = {
    "debit_user_credits": f"select replayed from litellm.debit_user_credits(%(user)s, 1, {CALL},"
                          " request_id => %(key)s)",
    "record_llm_call": f"select replayed from litellm.record_llm_call(%(user)s, {CALL}, 1,"
                       " request_id => %(key)s)",
    "settle_reservation": f"select replayed from litellm.settle_reservation(%(user)s, %(key)s, 1,"
                          f" {CALL})",
}
FLUSHED = "select pg_current_wal_flush_lsn() >= %s::pg_lsn"


@pytest.fixture(scope="module")
def lazy_wal_writer() -> Iterator[str]:
    """A cluster of its own whose WAL writer flushes at most every 10 s, with the package."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("needs PostgreSQL server binaries: a cluster with its own WAL writer")
    root = Path(tempfile.mkdtemp(prefix="litellm-db-flush-"))
    server: PgServer = start_cluster(bindir, root)
    try:
        name = server.create_database()
        dsn = server.dsn(name)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("alter system set wal_writer_delay = '10s'")
            conn.execute("alter system set wal_writer_flush_after = '64MB'")
            conn.execute("select pg_reload_conf()")
            litellm_db.install(conn)
        time.sleep(0.5)  # the reload reaches the WAL writer
        yield dsn
    finally:
        stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize(("original", "replay"), [
    ("debit_user_credits", "debit_user_credits"),
    ("debit_user_credits", "record_llm_call"),
    ("record_llm_call", "record_llm_call"),
    ("settle_reservation", "settle_reservation"),
])
def test_a_replay_answers_only_once_the_original_is_on_disk(
    lazy_wal_writer: str, original: str, replay: str
) -> None:
    with (
        psycopg.connect(lazy_wal_writer, autocommit=True) as first,
        psycopg.connect(lazy_wal_writer, autocommit=True) as retry,
    ):
        retry.execute("set synchronous_commit = on")
        first.execute("set synchronous_commit = on")
        unflushed_originals = 0
        for i in range(5):
            # The account holds exactly the charge, so the replay finds nothing
            # to charge and (unfixed) wrote nothing at all.
            user, key = f"{original}-{replay}-{i}", f"req-{i}"
            first.execute("select litellm.add_user_credits(%s, 1, 'purchase')", (user,))
            if original == "settle_reservation":
                first.execute("select litellm.reserve_credits(%s, 1, %s)", (user, key))
            # An async commit first, so the WAL writer's next flush is 10 s away.
            with first.transaction():
                first.execute("set local synchronous_commit = off")
                first.execute("select litellm.add_user_credits(%s, 1, 'bonus')", (user + "-prime",))
            time.sleep(0.1)
            # The original, committed as the early-release procedure's first step commits it.
            with first.transaction():
                first.execute("set local synchronous_commit = off")
                first.execute(ORIGINAL[original], {"user": user, "key": key})
            committed_at = first.execute("select pg_current_wal_insert_lsn()").fetchone()
            assert committed_at is not None
            unflushed_originals += retry.execute(FLUSHED, committed_at).fetchone() == (False,)

            row = retry.execute(REPLAY[replay], {"user": user, "key": key}).fetchone()
            assert row == (True,), "the retry must be a replay"
            flushed = retry.execute(FLUSHED, committed_at).fetchone()
            assert flushed == (True,), f"{replay} answered replayed before the charge was on disk"
        # The control: the original alone was not on disk; the replay's commit flushed it.
        assert unflushed_originals >= 3, unflushed_originals
