"""The benchmarks' charge check: a refused debit counted as a call fails the run.

A refused debit (here: the tier's monthly cap reached) returns ``success = false`` at once and
writes nothing; a benchmark counting it would report a rate of refusals. bench/common.py's
``Charges`` compares the journal's usage entries with the calls counted. These tests run it on
a few calls and on a one-second pgbench run, never a whole benchmark.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from litellm_db.testing import PgServer
from repo import REPO

BENCH = REPO / "bench"
# Benchmarks that charge nothing (reads only).
CHARGE_FREE = {"common.py", "end_user_rls.py"}


def _load_common() -> ModuleType:
    sys.path.insert(0, str(BENCH))  # the benchmarks import each other as top-level modules
    spec = importlib.util.spec_from_file_location("common", BENCH / "common.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("common", module)
    spec.loader.exec_module(module)
    return module


common = _load_common()


def _capped_user(conn: psycopg.Connection[Any], user: str, charges_allowed: int) -> None:
    """A funded starter-tier user whose tier's monthly cap allows that many charges of 0.000001
    (the other users stay in the free tier)."""
    conn.execute("select litellm.add_user_credits(%s, 1000, 'purchase')", (user,))
    conn.execute("select litellm.set_user_tier(%s, 'starter')", (user,))
    conn.execute("update litellm.tiers set monthly_cap = %s where tier = 'starter'",
                 (Decimal(charges_allowed) / 1_000_000,))


def _debit(conn: psycopg.Connection[Any], user: str, request_id: str) -> bool:
    row = conn.execute("select success from litellm.debit_user_credits(%s, 0.000001, 'openai',"
                       " 'gpt-4', 10, 20, 'balanced', '{}', %s)", (user, request_id)).fetchone()
    assert row is not None
    return bool(row[0])


def test_charges_pass_when_every_call_charged(db: str, conn: psycopg.Connection[Any]) -> None:
    conn.execute("select litellm.add_user_credits('paying', 1000, 'purchase')")
    charges = common.Charges(db)
    for n in range(5):
        assert _debit(conn, "paying", f"ok-{n}")
    charges.count(5)
    assert charges.check() == {"journal": 5}


def test_a_refused_debit_counted_as_a_call_fails_the_check(
        db: str, conn: psycopg.Connection[Any]) -> None:
    _capped_user(conn, "capped", charges_allowed=3)
    charges = common.Charges(db)
    results = [_debit(conn, "capped", f"cap-{n}") for n in range(5)]
    assert results == [True, True, True, False, False]  # the cap refused the last two
    charges.count(len(results))
    with pytest.raises(common.UnchargedCalls, match="5 calls counted, 3 rows written") as failed:
        charges.check()
    assert failed.value.code != 0  # uncaught, it ends the benchmark with a non-zero status


def test_pgbench_transactions_are_counted_and_checked(
        pg_server: PgServer, db: str, conn: psycopg.Connection[Any], tmp_path: Path) -> None:
    """median_tps counts pgbench's transactions; refusals under a cap fail the check."""
    conn.execute("select litellm.add_user_credits('bench-1', 1000, 'purchase')")
    _capped_user(conn, "capped", charges_allowed=2)
    scripts = common.write_scripts(tmp_path, {
        "paying": common.call_script(common.DEBIT, "'bench-1'", 1),
        "capped": common.call_script(common.DEBIT, "'capped'", 1),
    })
    charges = common.Charges(db)
    common.median_tps(pg_server, db, {"paying": scripts["paying"]}, clients=1, rounds=1,
                      seconds=1, charges=charges)
    assert charges.calls["journal"] > 0
    charges.check()

    charges = common.Charges(db)
    common.median_tps(pg_server, db, {"capped": scripts["capped"]}, clients=1, rounds=1,
                      seconds=1, charges=charges)
    with pytest.raises(common.UnchargedCalls, match=r"\d+ calls counted, 2 rows written"):
        charges.check()


def test_a_script_that_charges_nothing_is_not_counted(
        pg_server: PgServer, db: str, tmp_path: Path) -> None:
    scripts = common.write_scripts(tmp_path, {"read": "select 1;\n"})
    charges = common.Charges(db)
    common.median_tps(pg_server, db, scripts, clients=1, rounds=1, seconds=1, charges=charges,
                      journals={"read": ()})
    assert charges.check() == {"journal": 0}


@pytest.mark.parametrize("bench", sorted(p.name for p in BENCH.glob("*.py")
                                         if p.name not in CHARGE_FREE))
def test_every_charging_benchmark_checks_its_charges(bench: str) -> None:
    text = (BENCH / bench).read_text()
    assert re.search(r"\bCharges\(", text), f"{bench} makes no Charges"
    assert re.search(r"\bcharges\.check\(\)", text), f"{bench} never checks its charges"


def test_the_charge_free_benchmarks_charge_nothing() -> None:
    for bench in CHARGE_FREE - {"common.py"}:
        text = (BENCH / bench).read_text()
        assert not re.search(r"debit_user_credits|record_llm_call|settle_", text), bench
