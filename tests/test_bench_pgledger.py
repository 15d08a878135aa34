"""bench/pgledger.py's own logic, without pgledger (which CI does not have).

Without a pgledger checkout the benchmark exits with status 2 and says where to get one. Its
charge check is run against a stand-in written here: a few tables and two functions with
pgledger's names and signatures, whose transfer function can be told to skip every n-th small
transfer (write nothing and return no row, as a refused or lost call would). The stand-in
that writes every transfer passes; the one that skips fails the run with status 1. Each run
is one second per side on the test server, with the bench's own databases.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from litellm_db.testing import PgServer
from repo import REPO

BENCH = REPO / "bench" / "pgledger.py"

# A stand-in for pgledger: the names, columns and signatures the benchmark relies on.
STAND_IN = """
create sequence stand_in_ids;
create sequence stand_in_calls;
create table pgledger_accounts (
    id text primary key default 'sacc_' || nextval('stand_in_ids'),
    name text not null,
    balance numeric not null default 0,
    allow_negative_balance boolean not null
);
create table pgledger_transfers (
    id bigint generated always as identity primary key,
    from_account_id text not null,
    to_account_id text not null,
    amount numeric not null
);
create table pgledger_entries (
    account_id text not null,
    transfer_id bigint not null,
    amount numeric not null
);
create function pgledger_create_account(
    name text, currency text, allow_negative_balance boolean default true,
    allow_positive_balance boolean default true, metadata jsonb default null
) returns setof pgledger_accounts language sql as $$
    insert into pgledger_accounts (name, allow_negative_balance)
    values (name, allow_negative_balance) returning *
$$;
create function pgledger_create_transfer(
    from_account_id text, to_account_id text, amount numeric,
    event_at timestamptz default null, metadata jsonb default null
) returns setof pgledger_transfers language plpgsql as $$
declare
    made pgledger_transfers;
begin
    if {skip_every} > 0 and amount < 1 and nextval('stand_in_calls') % {skip_every} = 0 then
        return;  -- forgets this call
    end if;
    update pgledger_accounts as a set balance = a.balance - amount where a.id = from_account_id;
    update pgledger_accounts as a set balance = a.balance + amount where a.id = to_account_id;
    insert into pgledger_transfers (from_account_id, to_account_id, amount)
    values (from_account_id, to_account_id, amount) returning * into made;
    insert into pgledger_entries values
        (from_account_id, made.id, -amount), (to_account_id, made.id, amount);
    return next made;
end
$$;
"""


def _bench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PGLEDGER_DIR", "LITELLM_DB_BENCH_DSN")}
    return subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True,
                          env={**environment, **(env or {})}, timeout=300, check=False)


def _stand_in(directory: Path, skip_every: int) -> Path:
    directory.mkdir()
    (directory / "pgledger.sql").write_text(STAND_IN.format(skip_every=skip_every))
    return directory


def _run_on(pg_server: PgServer, directory: Path) -> subprocess.CompletedProcess[str]:
    return _bench("--pgledger", str(directory), "--seconds", "1", "--rounds", "1",
                  "--clients", "2", env={"LITELLM_DB_BENCH_DSN": pg_server.base_dsn})


def test_without_a_checkout_it_exits_2_and_says_where_to_get_pgledger() -> None:
    done = _bench()
    assert done.returncode == 2, done.stderr
    for words in ("pgledger", "--pgledger DIR", "PGLEDGER_DIR",
                  "https://github.com/pgr0ss/pgledger"):
        assert words in done.stderr
    assert done.stdout == ""  # nothing started


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_directory_without_pgledger_sql_exits_2(tmp_path: Path, how: str) -> None:
    done = (_bench("--pgledger", str(tmp_path)) if how == "flag"
            else _bench(env={"PGLEDGER_DIR": str(tmp_path)}))
    assert done.returncode == 2, done.stderr
    assert f"{tmp_path} holds no pgledger.sql" in done.stderr
    assert "https://github.com/pgr0ss/pgledger" in done.stderr


def test_a_ledger_that_writes_every_transfer_passes(pg_server: PgServer, tmp_path: Path) -> None:
    done = _run_on(pg_server, _stand_in(tmp_path / "honest", skip_every=0))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pgledger transfers" in done.stdout and "rows = calls" in done.stdout
    assert "user accounts charged 2" in done.stdout
    assert "debit/pgledger" in done.stdout


def test_a_transfer_counted_but_not_made_fails_the_run(pg_server: PgServer,
                                                       tmp_path: Path) -> None:
    done = _run_on(pg_server, _stand_in(tmp_path / "forgetful", skip_every=7))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CHARGE CHECK FAILED" in done.stderr
    assert "pgledger transfers:" in done.stderr and "pgledger user entries:" in done.stderr
    assert "journal:" not in done.stderr  # the package's debits were all charges
    assert "debit/pgledger" not in done.stdout  # no figures reported
