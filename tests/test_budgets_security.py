"""Hardening rules for the whole package, and the roles of docs/security.md used for real.

* every ``security definer`` in sql/functions says why, in a comment next to it;
* no PL/pgSQL body builds dynamic SQL from text: each EXECUTE runs
  ``format('<literal template>', ...)``, so values reach the statement only as
  quoted identifiers/literals (%I, %L) or USING parameters;
* the package installs and works with a non-superuser owner role
  (``options=-c role=litellm_owner``), and an end user's login sees only its rows.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

import litellm_db
from litellm_db.testing import PgServer
from repo import REPO

FUNCTION = re.compile(r"create\s+or\s+replace\s+function\s+([\w.]+)\s*\(", re.I)
WHY = re.compile(r"--\s*(?:security\s+)?definer\s*:", re.I)


def test_every_security_definer_says_why() -> None:
    missing = []
    for path in sorted((REPO / "sql" / "functions").rglob("*.sql")):
        text = path.read_text()
        starts = [m.start() for m in FUNCTION.finditer(text)] + [len(text)]
        for begin, end in itertools.pairwise(starts):
            header = text[begin:end].split("$$", 1)[0].split("begin atomic", 1)[0]
            if not re.search(r"\bsecurity\s+definer\b", header, re.I):
                continue
            before = text[max(0, text.rfind("\n\n", 0, begin)):begin]
            if not (WHY.search(header) or WHY.search(before)):
                name = FUNCTION.match(text, begin)
                missing.append(f"{path.name}: {name.group(1) if name else begin}")
    assert missing == [], "SECURITY DEFINER without a '-- definer: why' comment"


def _code_outside_literals(src: str) -> list[tuple[int, str]]:
    """(offset, code) pieces of a PL/pgSQL body outside comments and string literals."""
    pieces, i, start, n = [], 0, 0, len(src)
    while i < n:
        if src.startswith("--", i):
            pieces.append((start, src[start:i]))
            i = src.find("\n", i)
            i = n if i < 0 else i
            start = i
        elif src[i] == "$" and (tag := re.match(r"\$[A-Za-z_]*\$", src[i:])) is not None:
            pieces.append((start, src[start:i]))
            close = src.find(tag.group(0), i + len(tag.group(0)))
            i = n if close < 0 else close + len(tag.group(0))
            start = i
        elif src[i] == "'":
            pieces.append((start, src[start:i]))
            i += 1
            while i < n and not (src[i] == "'" and not src.startswith("''", i)):
                i += 2 if src.startswith("''", i) else 1
            i += 1
            start = i
        else:
            i += 1
    pieces.append((start, src[start:]))
    return pieces


def dynamic_sql_findings(name: str, src: str) -> list[str]:
    findings = []
    for offset, code in _code_outside_literals(src):
        for m in re.finditer(r"\bexecute\b(?!\s+(?:function|procedure)\b)", code, re.I):
            rest = src[offset + m.end():]
            if not re.match(r"\s*format\s*\(\s*('|\$[A-Za-z_]*\$)", rest, re.I):
                findings.append(f"{name}: EXECUTE {rest.strip()[:60]!r}")
    return findings


def test_dynamic_sql_rule_catches_concatenation() -> None:
    bad = "begin execute 'select * from ' || tbl; end"
    assert dynamic_sql_findings("f", bad)
    assert dynamic_sql_findings("f", "begin execute v_sql using x; end")
    good = "begin execute format('drop table litellm.%I', v_name); -- execute this\nend"
    assert dynamic_sql_findings("f", good) == []
    assert dynamic_sql_findings("f", "begin execute format($q$select %L$q$, x); end") == []
    assert dynamic_sql_findings("f", "begin x := $q$ execute it $q$; end") == []
    assert dynamic_sql_findings("f", "begin perform 'execute ' || x; end") == []


def test_no_function_builds_dynamic_sql_from_text(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "select p.oid::regprocedure::text, p.prosrc from pg_proc as p"
        " join pg_language as l on l.oid = p.prolang"
        " where p.pronamespace = 'litellm'::regnamespace and l.lanname = 'plpgsql'"
    ).fetchall()
    assert rows
    findings = [f for name, src in rows for f in dynamic_sql_findings(name, src)]
    assert findings == [], "EXECUTE of text that is not format('<literal>', ...)"


@pytest.fixture
def owner_setup(pg_server: PgServer, template_db: str) -> Iterator[dict[str, str]]:
    """An empty database, and login roles in litellm_owner, litellm_app and litellm_end_user."""
    with pg_server.admin() as admin:
        row = admin.execute(
            "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"
        ).fetchone()
        if not (row and row[0]):
            pytest.skip("needs a role that may create roles")
    suffix = uuid.uuid4().hex[:10]
    roles = {
        "deployer": ("litellm_owner", f"litellm_deployer_{suffix}"),
        "app": ("litellm_app", f"litellm_gateway_{suffix}"),
        "end_user": ("litellm_end_user", f"litellm_portal_{suffix}"),
    }
    password = f"pw-{suffix}"
    name = pg_server.create_database()
    try:
        with pg_server.admin() as admin:
            for group, login in roles.values():
                admin.execute(sql.SQL("create role {} login password {} in role {}").format(
                    sql.Identifier(login), sql.Literal(password), sql.Identifier(group)))
            admin.execute(sql.SQL("grant create on database {} to litellm_owner").format(
                sql.Identifier(name)))
        yield {"dsn": pg_server.dsn(name), "password": password,
               **{key: login for key, (_, login) in roles.items()}}
    finally:
        pg_server.drop_database(name)
        with pg_server.admin() as admin:
            for _, login in roles.values():
                admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(login)))


def test_install_and_use_with_a_non_superuser_owner(owner_setup: dict[str, str]) -> None:
    s = owner_setup
    with psycopg.connect(s["dsn"], user=s["deployer"], password=s["password"],
                         options="-c role=litellm_owner", autocommit=True) as deployer:
        result = litellm_db.install(deployer)
        assert result.schema_applied
        owners = deployer.execute(
            "select distinct pg_get_userbyid(c.relowner) from pg_class as c"
            " where c.relnamespace = 'litellm'::regnamespace"
            " union select distinct pg_get_userbyid(p.proowner) from pg_proc as p"
            " where p.pronamespace = 'litellm'::regnamespace"
        ).fetchall()
        assert owners == [("litellm_owner",)], "every object belongs to the owner role"

    with psycopg.connect(s["dsn"], user=s["app"], password=s["password"], autocommit=True) as app:
        for user in ("portal-a", "portal-b"):
            app.execute("select litellm.add_user_credits(%s, 10::numeric)", (user,))
            row = app.execute(
                "select success from litellm.debit_user_credits(%s, 1::numeric, 'openai', 'gpt-4')",
                (user,),
            ).fetchone()
            assert row == (True,), "the API works with SECURITY DEFINER owned by a non-superuser"
        app.execute("select litellm.create_team('portal-team')")
        app.execute("select litellm.add_team_member('portal-a', 'portal-team')")
        app.execute("select litellm.set_budget('team', 5::numeric, team_id => 'portal-team')")
        token = app.execute("select litellm.issue_end_user_token('portal-a')").fetchone()
        assert token is not None, "the application issues end-user tokens"

    with psycopg.connect(s["dsn"], user=s["end_user"], password=s["password"],
                         options="-c litellm.user_id=portal-b", autocommit=True) as portal:
        portal.execute("select set_config('litellm.end_user_token', %s, false)", token)
        assert portal.execute(
            "select user_id, credits_remaining from litellm.user_credits"
        ).fetchall() == [("portal-a", 9)]
        assert portal.execute(
            "select distinct user_id from litellm.credit_transactions"
        ).fetchall() == [("portal-a",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            portal.execute("select * from litellm.get_user_balance('portal-b')")

    with psycopg.connect(s["dsn"], user=s["end_user"], password=s["password"],
                         autocommit=True) as unset:
        setting = unset.execute("select current_setting('litellm.end_user_token', true)").fetchone()
        assert setting == (None,)
        assert unset.execute(
            "select count(*) from litellm.user_credits union all"
            " select count(*) from litellm.llm_usage_log"
        ).fetchall() == [(0,), (0,)], "without an end-user token an end user sees nothing"
