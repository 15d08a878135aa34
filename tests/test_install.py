"""The installer: idempotent, all-or-nothing, forward-only, and safe to run concurrently."""

from __future__ import annotations

import re
import subprocess
import threading

import psycopg
import pytest

import litellm_db
from litellm_db.errors import InstallError
from litellm_db.installer import InstallResult, schema_files
from litellm_db.testing import PgServer


def dump(pg_server: PgServer, dsn: str, *args: str, entry_headers: bool = False) -> str:
    """pg_dump of the package schema, privileges included, without run-specific lines.

    ``entry_headers`` keeps the comment that starts each object ("-- Name: ...; Type: ...").
    """
    proc = subprocess.run(
        [pg_server.tool("pg_dump"), "--no-owner", "-n", "litellm", *args, "--dbname", dsn],
        capture_output=True, text=True, check=True,
    )
    # Comments name the database; \restrict carries a random key per run.
    return "\n".join(
        line for line in proc.stdout.splitlines()
        if not line.startswith(("--", "\\restrict", "\\unrestrict"))
        or (entry_headers and line.startswith("-- Name: "))
    )


TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d(:\d\d)?)?")


def full_dump(pg_server: PgServer, dsn: str) -> tuple[str, str]:
    """Schema and catalogue rows; install-time timestamps (created_at) are masked, and the
    random end-user token signing keys left out."""
    data = dump(pg_server, dsn, "--data-only", "--exclude-table-data=litellm.schema_migrations",
                "--exclude-table-data=litellm.end_user_token_keys")
    return dump(pg_server, dsn, "--schema-only"), TIMESTAMP.sub("<timestamp>", data)


def install(dsn: str, **kwargs: object) -> InstallResult:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return litellm_db.install(conn, **kwargs)  # type: ignore[arg-type]


def test_first_install_applies_everything(empty_db: str) -> None:
    result = install(empty_db)
    assert result.schema_applied == [f.version for f in schema_files()]
    assert result.api_applied
    with psycopg.connect(empty_db) as conn:
        rows = conn.execute(
            "select version, kind from litellm.schema_migrations order by version"
        ).fetchall()
    assert [v for v, k in rows if k == "schema"] == result.schema_applied
    assert len([v for v, k in rows if k == "api"]) == 1


def test_second_install_changes_nothing(pg_server: PgServer, empty_db: str) -> None:
    install(empty_db)
    before = full_dump(pg_server, empty_db)
    with psycopg.connect(empty_db) as conn:
        recorded = conn.execute("select * from litellm.schema_migrations order by 1").fetchall()
    again = install(empty_db)
    assert not again.changed, again
    assert full_dump(pg_server, empty_db) == before
    with psycopg.connect(empty_db) as conn:
        assert conn.execute("select * from litellm.schema_migrations order by 1").fetchall() \
            == recorded


def test_fresh_install_equals_the_upgrade_path(pg_server: PgServer, empty_db: str) -> None:
    """Applying the schema files one release step at a time gives the same database."""
    install(empty_db)
    stepwise = pg_server.dsn(pg_server.create_database())
    try:
        for f in schema_files():
            result = install(stepwise, upto=f.version, apply_api=False)
            assert result.schema_applied == [f.version]
        final = install(stepwise)
        assert final.schema_applied == [] and final.api_applied
        assert full_dump(pg_server, stepwise) == full_dump(pg_server, empty_db)
    finally:
        pg_server.drop_database(stepwise.rsplit("=", 1)[1])


def test_an_edited_schema_file_is_refused(empty_db: str) -> None:
    install(empty_db)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute("update litellm.schema_migrations set checksum = 'x' where version = '0003'")
    with pytest.raises(InstallError, match=r"0003_credits\.sql changed after it was applied"):
        install(empty_db)


def test_a_newer_database_is_not_downgraded(empty_db: str) -> None:
    install(empty_db)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        conn.execute(
            "insert into litellm.schema_migrations (version, kind, description, checksum,"
            " package_version) values ('9999', 'schema', 'from the future', 'x', '9.0.0')"
        )
    with pytest.raises(InstallError, match="newer than this package"):
        install(empty_db)


def test_a_failed_install_leaves_nothing_behind(empty_db: str) -> None:
    with psycopg.connect(empty_db, autocommit=True) as conn:
        # Something in the way of sql/schema/0003: the install must fail there ...
        conn.execute("create schema litellm")
        conn.execute("create table litellm.user_credits (x int)")
    with pytest.raises(InstallError, match=r"0003_credits\.sql"):
        install(empty_db)
    with psycopg.connect(empty_db) as conn:
        # ... and undo everything before it, including the bootstrap and 0001-0002.
        assert conn.execute("select to_regclass('litellm.schema_migrations')").fetchone() == (None,)
        assert conn.execute("select to_regclass('litellm.tiers')").fetchone() == (None,)
        setting = conn.execute(
            "select count(*) from pg_db_role_setting where setdatabase ="
            " (select oid from pg_database where datname = current_database())"
        ).fetchone()
        assert setting == (0,)


def test_concurrent_installers_queue_on_the_lock(empty_db: str) -> None:
    results: list[InstallResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def run() -> None:
        try:
            with psycopg.connect(empty_db, autocommit=True) as conn:
                start.wait()
                results.append(litellm_db.install(conn))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert sorted(bool(r.schema_applied) for r in results) == [False, False, False, True]


def test_the_search_path_lets_seed_sql_run_unqualified(empty_db: str) -> None:
    result = install(empty_db)
    assert result.search_path_set == '"$user", litellm, public'
    with psycopg.connect(empty_db) as conn:  # a new session picks up the setting
        row = conn.execute(
            "select * from add_user_credits('u', 1.5, 'bonus', 'trial', NULL, NULL, 'hi')"
        ).fetchone()
        assert row is not None
        assert conn.execute("select credits_remaining from get_user_balance('u')").fetchone() \
            == (litellm_db.client.to_amount("1.5"),)


def test_an_existing_search_path_is_extended_not_replaced(empty_db: str) -> None:
    with psycopg.connect(empty_db, autocommit=True) as conn:
        dbname = conn.info.dbname
        conn.execute(f'alter database "{dbname}" set search_path = app, public')
    assert install(empty_db).search_path_set == "app, litellm, public"
