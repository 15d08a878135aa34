"""Releases are real: frozen migrations, an upgrade from the previous release, a schema snapshot.

``sql/releases/<version>/`` records what each release installs (``scripts/release.py``):
``manifest.json`` (each schema file's checksum, the API's checksum) and ``install.sql``
(everything its installer ran on an empty database). The tests here hold this tree to
them: a released schema file never changes, and a database installed by the previous
release, with data, upgrades to one equal to a fresh install without losing a row.

``sql/schema.snapshot.sql`` is a generated, readable dump of a fresh install's tables,
types, views, indexes, triggers and policies (function bodies live in ``sql/functions``).
Regenerate it with ``scripts/update_schema_snapshot.sh``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from test_install import dump

import litellm_db
from litellm_db import demo, installer
from litellm_db.errors import InstallError
from litellm_db.testing import PgServer
from repo import REPO

RELEASES = REPO / "sql" / "releases"
SNAPSHOT = REPO / "sql" / "schema.snapshot.sql"
REGENERATE = "scripts/update_schema_snapshot.sh"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split(".dev")[0]))


def releases() -> list[Path]:
    """Each recorded release's directory, oldest first."""
    found = [p for p in RELEASES.iterdir() if (p / "manifest.json").exists()]
    return sorted(found, key=lambda p: _version_key(p.name))


def manifest(release: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((release / "manifest.json").read_text("utf-8"))
    return loaded


# -- what a release recorded stays true ------------------------------------------------------


def test_release_0_1_0_is_recorded() -> None:
    assert [p.name for p in releases()][:1] == ["0.1.0"]


@pytest.mark.parametrize("release", releases(), ids=lambda p: p.name)
def test_released_schema_files_are_frozen(release: Path) -> None:
    """Every schema file of a release is still here, byte for byte; new files may follow."""
    shipped = {Path(f.path).name: f.checksum for f in installer.schema_files()}
    recorded = manifest(release)["schema"]
    assert isinstance(recorded, dict)
    changed = sorted(name for name, checksum in recorded.items() if shipped.get(name) != checksum)
    assert changed == [], (
        f"released schema files of {release.name} were edited or removed: {changed}."
        " A released migration never changes: put the change in a new sql/schema file"
    )
    newer = sorted(set(shipped) - set(recorded))
    assert all(name > max(recorded) for name in newer), (
        f"new schema files must sort after {release.name}'s last one ({max(recorded)}): {newer}"
    )


@pytest.mark.parametrize("release", releases(), ids=lambda p: p.name)
def test_a_release_install_script_is_never_rewritten(release: Path) -> None:
    recorded = manifest(release)
    script = (release / str(recorded["install_script"])).read_bytes()
    assert hashlib.sha256(script).hexdigest() == recorded["install_script_sha256"]


def test_the_package_version_follows_the_last_release() -> None:
    """A version that was released ships exactly what was released; otherwise it is newer."""
    last = releases()[-1]
    version = litellm_db.__version__
    if version == last.name:
        recorded = manifest(last)
        assert installer.api_checksum() == recorded["api_checksum"], (
            f"the SQL API changed since release {version}: set python/litellm_db/_version.py"
            " to the next version (e.g. 0.2.0.dev0)")
        assert {Path(f.path).name for f in installer.schema_files()} == set(
            recorded["schema"])  # type: ignore[arg-type]
    else:
        assert _version_key(version) > _version_key(last.name), (version, last.name)


# -- the upgrade from the previous release -----------------------------------------------------


def install_release(dsn: str, release: Path) -> None:
    """Install ``release`` from its recorded script, as its installer did."""
    script = (release / str(manifest(release)["install_script"])).read_text("utf-8")
    with psycopg.connect(dsn, autocommit=True) as conn, conn.transaction():
        for name, value in installer.PINNED_SETTINGS.items():
            conn.execute("select pg_catalog.set_config(%s, %s, true)", (name, value))
        conn.execute(script.encode())
        dbname = sql.Identifier(conn.info.dbname)
        conn.execute(sql.SQL("alter database {} set search_path = \"$user\", litellm, public")
                     .format(dbname))


def ledger_activity(conn: psycopg.Connection) -> None:
    """Holds, settlements, a release, a refund and an adjustment, as the previous release's API."""
    conn.execute("select * from litellm.add_user_credits(user_id => 'upgrade-u1', amount => 500,"
                 " transaction_type => 'purchase', payment_method => 'stripe',"
                 " idempotency_key => 'upgrade-buy-1')")
    for n in range(3):
        conn.execute("select * from litellm.reserve_credits(user_id => 'upgrade-u1',"
                     " amount => 40, request_id => %s)", (f"upgrade-req-{n}",))
    conn.execute("select * from litellm.settle_reservation(user_id => 'upgrade-u1',"
                 " request_id => 'upgrade-req-0', actual_cost => 12.5, provider => 'openai',"
                 " model => 'gpt-4o-mini', prompt_tokens => 100, completion_tokens => 20)")
    conn.execute("select * from litellm.release_reservation(user_id => 'upgrade-u1',"
                 " request_id => 'upgrade-req-1')")
    debit = conn.execute("select transaction_id from litellm.debit_user_credits("
                         "user_id => 'upgrade-u1', cost => 7.25, request_id => 'upgrade-debit')"
                         ).fetchone()
    assert debit is not None and debit[0] is not None
    conn.execute("select * from litellm.refund_transaction(transaction_id => %s,"
                 " reason => 'provider error', idempotency_key => 'upgrade-refund', amount => 2)",
                 (debit[0],))
    conn.execute("select * from litellm.adjust_credits(user_id => 'upgrade-u1', amount => -3,"
                 " reason => 'goodwill correction', idempotency_key => 'upgrade-adjust')")


def table_columns(conn: psycopg.Connection) -> dict[str, list[str]]:
    """Every table holding rows in the package's schemas (partitions, not their parents)."""
    rows = conn.execute(
        """
        select pg_catalog.format('%I.%I', n.nspname, c.relname),
               array_agg(pg_catalog.quote_ident(a.attname) order by a.attnum)
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        join pg_catalog.pg_attribute as a on a.attrelid = c.oid
        where n.nspname in ('litellm', 'litellm_archive') and c.relkind = 'r'
          and a.attnum > 0 and not a.attisdropped
        group by 1 order by 1
        """
    ).fetchall()
    return dict(rows)


def table_digests(conn: psycopg.Connection, columns: dict[str, list[str]]) -> dict[str, str]:
    """Per table: row count and an md5 of its rows (the given columns), in a stable order."""
    digests = {}
    for table, cols in columns.items():
        if table == "litellm.schema_migrations":
            continue  # the upgrade records itself there
        row = sql.SQL("row({})::text").format(sql.SQL(", ").join(map(sql.SQL, cols)))
        found = conn.execute(sql.SQL(
            "select count(*) || ':' || coalesce(md5(string_agg(r, e'\\n' order by r)), '')"
            " from (select {} as r from {}) as t"
        ).format(row, sql.SQL(table))).fetchone()
        assert found is not None
        digests[table] = found[0]
    return digests


ROUTINES_AND_VIEWS = """
    select 'routine ' || p.oid::pg_catalog.regprocedure::text
    from pg_catalog.pg_proc as p where p.pronamespace = 'litellm'::pg_catalog.regnamespace
    union all
    select 'view ' || c.oid::pg_catalog.regclass::text
    from pg_catalog.pg_class as c
    where c.relnamespace = 'litellm'::pg_catalog.regnamespace and c.relkind in ('v', 'm')
    order by 1
"""


def package_routines_and_views(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        conn.execute("set search_path = pg_catalog")
        return {name for (name,) in conn.execute(ROUTINES_AND_VIEWS)}


@pytest.fixture
def scratch_db(pg_server: PgServer) -> Iterator[str]:
    name = pg_server.create_database()
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)


@pytest.mark.slow
@pytest.mark.parametrize("previous", releases(), ids=lambda p: p.name)
def test_upgrade_from_a_release_keeps_data_and_equals_a_fresh_install(
    pg_server: PgServer, empty_db: str, scratch_db: str, previous: Path
) -> None:
    """Every recorded release, with data, upgrades to this tree without a row changed."""
    install_release(empty_db, previous)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        summary = demo.load_demo_data(conn)
        assert summary.usage_rows_added > 0 and summary.debits_ok > 0
        ledger_activity(conn)
        assert conn.execute("select count(*) from litellm.verify_ledger()").fetchone() == (0,)
        columns = table_columns(conn)
        before = table_digests(conn, columns)
        filled = [table for table, digest in before.items() if not digest.startswith("0:")]
        # The money and usage tables have rows to lose.
        assert {"litellm.user_credits", "litellm.credit_transactions", "litellm.credit_lots",
                "litellm.credit_allocations", "litellm.credit_holds",
                "litellm.llm_usage_summary", "litellm.provider_health"} <= set(filled)
        assert any(table.startswith("litellm.llm_usage_log_p") for table in filled)

    with psycopg.connect(empty_db, autocommit=True) as conn:
        result = litellm_db.install(conn)
    assert result.warnings == [] or all("public" in w for w in result.warnings), result.warnings

    with psycopg.connect(empty_db, autocommit=True) as conn:
        assert table_digests(conn, columns) == before, "the upgrade changed existing rows"
        assert conn.execute("select * from litellm.verify_ledger()").fetchall() == []

    # A fresh install of this tree, with the partitions the demo's dates asked for.
    with psycopg.connect(scratch_db, autocommit=True) as conn:
        litellm_db.install(conn)
        conn.execute("select from litellm.ensure_usage_log_partitions(months_behind => 1)")
    left_over = package_routines_and_views(empty_db) - package_routines_and_views(scratch_db)
    assert left_over == set(), "the upgrade left objects this release does not define"
    assert dump(pg_server, empty_db, "--schema-only") == dump(pg_server, scratch_db,
                                                              "--schema-only")


@pytest.mark.parametrize("previous", releases(), ids=lambda p: p.name)
def test_a_release_installs_what_its_manifest_says(empty_db: str, previous: Path) -> None:
    recorded = manifest(previous)
    install_release(empty_db, previous)
    with psycopg.connect(empty_db) as conn:
        rows = dict(conn.execute("select version, checksum from litellm.schema_migrations"
                                 " where kind = 'schema'").fetchall())
        api = conn.execute("select checksum, package_version from litellm.schema_migrations"
                           " where kind = 'api'").fetchall()
    schema = recorded["schema"]
    assert isinstance(schema, dict)
    assert rows == {name[:4]: checksum for name, checksum in schema.items()}
    assert api == [(recorded["api_checksum"], previous.name)]


# -- what the installer removes -------------------------------------------------------------

LEFTOVERS = """
    create function litellm.old_helper(x integer) returns integer
    language sql immutable set search_path = pg_catalog, pg_temp return x;
    create function litellm.get_user_balance(user_id text, verbose boolean) returns integer
    language sql stable set search_path = pg_catalog, pg_temp return 1;
    create procedure litellm.old_job() language sql begin atomic select 1; end;
    create view litellm.old_overview as select litellm.old_helper(1) as one;
    -- the API is applied again when its recorded checksum differs
    update litellm.schema_migrations set checksum = 'an earlier release' where kind = 'api';
"""


def test_the_installer_drops_functions_and_views_the_release_does_not_define(db: str) -> None:
    before = package_routines_and_views(db)
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(LEFTOVERS)
        result = litellm_db.install(conn)
    assert result.api_applied
    assert sorted(result.removed) == [
        "function litellm.get_user_balance(text,boolean)",
        "function litellm.old_helper(integer)",
        "procedure litellm.old_job()",
        "view litellm.old_overview",
    ]
    assert package_routines_and_views(db) == before


def test_the_installer_refuses_to_drop_what_others_depend_on(db: str) -> None:
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute(LEFTOVERS)
        conn.execute("create view public.uses_old as select litellm.old_helper(2) as two")
        with pytest.raises(InstallError, match=r"litellm\.old_helper\(integer\).*no longer"
                           r" defines.*view public\.uses_old depends on"):
            litellm_db.install(conn)
        # Nothing was changed: the leftovers and the old API record are still there.
        assert conn.execute("select to_regprocedure('litellm.old_job()') is not null"
                            ).fetchone() == (True,)
        assert conn.execute("select checksum from litellm.schema_migrations where kind = 'api'"
                            ).fetchall() == [("an earlier release",)]


# -- the schema snapshot ---------------------------------------------------------------------

# pg_dump's header of each entry: "-- Name: x; Type: TABLE; Schema: litellm; Owner: -".
_ENTRY = re.compile(r"^-- Name: (?P<name>.*); Type: (?P<type>[A-Z ]+); Schema: ", re.M)
# Made by the package's code, not its schema: function bodies (sql/functions), and the
# usage log's monthly partitions, created for the months around the day of the install.
_LEFT_OUT_TYPES = {"FUNCTION", "PROCEDURE", "AGGREGATE", "ACL", "DEFAULT ACL"}
_PARTITION = re.compile(r"_p\d{6}(?!\d)")
_KIND_ORDER = {kind: rank for rank, kinds in enumerate([
    ["SCHEMA"], ["TYPE", "DOMAIN"], ["TABLE", "SEQUENCE", "VIEW"], ["SEQUENCE OWNED BY"],
    ["TABLE ATTACH"], ["DEFAULT"], ["CONSTRAINT"], ["INDEX"], ["INDEX ATTACH"], ["TRIGGER"],
    ["FK CONSTRAINT"], ["POLICY"], ["ROW SECURITY"],
]) for kind in kinds}


def schema_snapshot(pg_server: PgServer, dsn: str) -> str:
    """The package schema of ``dsn``'s database as pg_dump writes it, without run-specific parts."""
    text = dump(pg_server, dsn, "--schema-only", "--no-privileges", entry_headers=True)
    starts = [m.start() for m in _ENTRY.finditer(text)]
    # An object with the comments pg_dump writes after it is one block.
    blocks: list[tuple[str, str, list[str]]] = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        entry = text[start:end]
        header = _ENTRY.match(entry)
        assert header is not None
        kind, name = header["type"], header["name"]
        if kind in _LEFT_OUT_TYPES or (kind == "COMMENT" and name.startswith("FUNCTION ")):
            continue
        if _PARTITION.search(name):
            continue
        body = "\n".join(line for line in entry.splitlines()
                         if line.strip() and not line.startswith("--"))
        part = f"-- {kind.lower()} {name}\n{body}\n"
        if kind == "COMMENT" and blocks:
            blocks[-1][2].append(part)
        else:
            blocks.append((kind, name, [part]))
    # pg_dump puts a table after the functions its defaults or checks call, so
    # adding a helper would move tables about: the snapshot orders by kind, then name.
    blocks.sort(key=lambda b: (_KIND_ORDER.get(b[0], len(_KIND_ORDER)), b[1]))
    kept = [part for _, _, parts in blocks for part in parts]
    return (
        "-- The litellm schema of a fresh install of litellm-db: tables, types, views, indexes,\n"
        "-- triggers, policies and comments (functions are in sql/functions; grants in\n"
        "-- sql/grants.sql). Generated from pg_dump --schema-only; do not edit: regenerate\n"
        f"-- it with {REGENERATE}.\n\n" + "\n".join(kept)
    )


def test_the_schema_snapshot_is_current(pg_server: PgServer, db: str) -> None:
    generated = schema_snapshot(pg_server, db)
    if os.environ.get("LITELLM_DB_UPDATE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(generated, encoding="utf-8")
    current = SNAPSHOT.read_text("utf-8") if SNAPSHOT.exists() else ""
    assert current == generated, (
        f"sql/schema.snapshot.sql is stale: regenerate it with {REGENERATE}"
    )

