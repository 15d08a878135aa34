"""End-user identity is proven, not claimed (docs/security.md#end-user-tokens).

Real logins: one in ``litellm_app`` (issues tokens), one in ``litellm_end_user`` (the portal:
any SQL it likes, as a hostile end user would send), one with no package role. Whatever the
end user sets, calls, forges or replays, it sees only the rows of the user a valid,
unexpired token from this database names, and never a key's ciphertext.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import pytest
import test_hostile_temp_objects as hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from litellm_db import DEFAULT, Default, errors
from litellm_db.client import Client
from litellm_db.testing import PgServer, clone_template

A, B = "idn-a", "idn-b.with.dots"
FERNET = "gAAAAA" + "x" * 94


@dataclass
class Site:
    server: PgServer
    dsn: str
    logins: dict[str, str]

    def connect(self, who: str, **kwargs: Any) -> psycopg.Connection[Any]:
        if who == "owner":
            return psycopg.connect(self.dsn, autocommit=True, **kwargs)
        return psycopg.connect(self.dsn, user=self.logins[who], password="x", autocommit=True,
                               **kwargs)

    def token(self, user_id: str, valid_for: timedelta | Default | None = DEFAULT) -> str:
        with self.connect("app") as app:
            return Client(app).issue_end_user_token(user_id, valid_for=valid_for)


@pytest.fixture
def site(pg_server: PgServer, template_db: str) -> Iterator[Site]:
    suffix = uuid.uuid4().hex[:8]
    logins = {"app": f"idn_gateway_{suffix}", "portal": f"idn_portal_{suffix}",
              "nobody": f"idn_nobody_{suffix}"}
    groups = {"app": "litellm_app", "portal": "litellm_end_user", "nobody": None}
    name = clone_template(pg_server, template_db)
    try:
        with pg_server.admin() as admin:
            for who, login in logins.items():
                admin.execute(sql.SQL("create role {} login password 'x'").format(
                    sql.Identifier(login)))
                if groups[who]:
                    admin.execute(sql.SQL("grant {} to {}").format(
                        sql.Identifier(str(groups[who])), sql.Identifier(login)))
        s = Site(pg_server, pg_server.dsn(name), logins)
        with s.connect("app") as app:
            client = Client(app)
            for user, credits in ((A, 10), (B, 20)):
                client.add_user_credits(user, credits)
                client.debit_user_credits(user, 1, provider="openai", model="gpt-4")
                app.execute("insert into litellm.llm_usage_log (user_id, provider, model)"
                            " values (%s, 'openai', 'gpt-4')", (user,))
        with s.connect("owner") as owner:
            owner.execute("insert into litellm.user_provider_keys (user_id, provider,"
                          " encrypted_api_key, key_hint) values (%s, 'openai', %s, 'sk-...a'),"
                          " (%s, 'openai', %s, 'sk-...b')", (A, FERNET, B, FERNET))
            owner.execute("analyze")
        yield s
    finally:
        pg_server.drop_database(name)
        with pg_server.admin() as admin:
            for login in logins.values():
                admin.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(login)))


TABLES = ("user_credits", "credit_transactions", "llm_usage_log", "user_provider_keys")


def visible_users(conn: psycopg.Connection[Any]) -> set[str]:
    """Every user id the connection can see in the four per-user tables."""
    return {u for table in TABLES for (u,) in conn.execute(
        sql.SQL("select distinct user_id from litellm.{}").format(sql.Identifier(table)))}


def set_token(conn: psycopg.Connection[Any], token: str) -> None:
    conn.execute("select set_config('litellm.end_user_token', %s, false)", (token,))


def sqlstate_of(conn: psycopg.Connection[Any]) -> str | None:
    """The SQLSTATE a read of the account raises, None when it does not."""
    try:
        conn.execute("select * from litellm.user_credits").fetchall()
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


# -- the token decides, nothing else -------------------------------------------------------


def test_a_token_shows_its_user_and_no_other(site: Site) -> None:
    with site.connect("portal") as portal:
        assert visible_users(portal) == set(), "no token, no rows"
        set_token(portal, site.token(A))
        assert visible_users(portal) == {A}
        set_token(portal, site.token(B))
        assert visible_users(portal) == {B}, "a user id with dots is one user, not a prefix"


@pytest.mark.parametrize("setting", [
    "set litellm.user_id = '{b}'",
    "select set_config('litellm.user_id', '{b}', false)",
    "set litellm.end_user_id = '{b}'",
    "set litellm.end_user_token = '{b}'",
    "set application_name = '{b}'",
])
def test_no_setting_names_another_user(site: Site, setting: str) -> None:
    with site.connect("portal") as portal:
        with contextlib.suppress(psycopg.Error):
            portal.execute(setting.format(b=B))
        try:
            seen = visible_users(portal)
        except psycopg.Error as exc:
            assert exc.sqlstate == "LD330", exc  # a user id is not a token
            return
        assert B not in seen and seen == set()
        set_token(portal, site.token(A))
        assert visible_users(portal) == {A}, "with A's token, the old setting does not matter"


def test_connect_options_name_nobody(site: Site) -> None:
    with site.connect("portal", options=f"-c litellm.user_id={B}") as portal:
        assert visible_users(portal) == set()


@pytest.mark.parametrize("statement", [
    "set role litellm_app",
    "set role litellm_analyst",
    "set role {owner}",
    "set session authorization {owner}",
    "set row_security = off",
])
def test_role_settings_do_not_widen_the_view(site: Site, statement: str) -> None:
    with site.connect("owner") as owner:
        row = owner.execute("select current_user").fetchone()
        assert row is not None
    with site.connect("portal") as portal:
        set_token(portal, site.token(A))
        try:
            portal.execute(statement.format(owner=row[0]))
        except psycopg.errors.InsufficientPrivilege:
            return
        # row_security = off is accepted as a setting, but a query it would change fails.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            visible_users(portal)


# -- every function the end user may call --------------------------------------------------


def test_every_function_the_end_user_may_execute_names_only_its_own_user(site: Site) -> None:
    with site.connect("portal") as portal:
        functions = [f for (f,) in portal.execute(
            "select p.oid::regprocedure::text from pg_proc as p"
            " where p.pronamespace = 'litellm'::regnamespace"
            " and has_function_privilege(p.oid, 'execute') order by 1")]
        assert [f.removeprefix("litellm.") for f in functions] == ["current_end_user_id()"]
        portal.execute("select set_config('litellm.user_id', %s, false)", (B,))
        for function in functions:
            assert portal.execute(f"select {function}").fetchone() == (None,)
        set_token(portal, site.token(A))
        for function in functions:
            assert portal.execute(f"select {function}").fetchone() == (A,)


def test_the_end_user_cannot_issue_rotate_or_read_the_keys(site: Site) -> None:
    for who in ("portal", "nobody"):
        with site.connect(who) as conn:
            for statement in ("select litellm.issue_end_user_token('idn-b.with.dots')",
                              "select litellm.rotate_end_user_token_key()",
                              "select * from litellm.end_user_token_keys"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)
    with site.connect("app") as app:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("select * from litellm.end_user_token_keys")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute("select litellm.rotate_end_user_token_key()")


def test_a_token_is_no_use_without_the_end_user_role(site: Site) -> None:
    with site.connect("nobody") as nobody:
        set_token(nobody, site.token(A))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            nobody.execute("select * from litellm.user_credits")


# -- forged, tampered, swapped, expired ------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, key_id: str, payload: dict[str, Any]) -> str:
    body = f"{key_id}.{b64url(json.dumps(payload).encode())}"
    return f"{body}.{b64url(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def signing_key(site: Site) -> tuple[str, bytes]:
    """The current key id and the HMAC key K itself (the table keeps K xor ipad)."""
    with site.connect("owner") as owner:
        row = owner.execute("select key_id, inner_key from litellm.end_user_token_keys"
                            " where retired_at is null").fetchone()
    assert row is not None
    return str(row[0]), bytes(b ^ 0x36 for b in row[1])


def test_tokens_are_standard_hmac_sha256(site: Site) -> None:
    token = site.token(A)
    key_id, key = signing_key(site)
    kid, payload, mac = token.split(".")
    assert kid == key_id
    assert hmac.compare_digest(
        unb64url(mac), hmac.new(key, f"{kid}.{payload}".encode(), hashlib.sha256).digest())
    claims = json.loads(unb64url(payload))
    assert claims["u"] == A and claims["e"] > time.time()
    # Whoever holds the key can prove anyone: that is why only the owner may read it.
    with site.connect("portal") as portal:
        set_token(portal, sign(key, key_id, {"e": time.time() + 60, "u": B}))
        assert visible_users(portal) == {B}


def test_forged_tampered_and_swapped_tokens_are_refused(site: Site) -> None:
    a, b = site.token(A), site.token(B)
    key_id, _ = signing_key(site)
    kid, a_payload, a_mac = a.split(".")
    _, b_payload, b_mac = b.split(".")
    claims = json.loads(unb64url(a_payload))

    def edited(**changes: object) -> str:
        return f"{kid}.{b64url(json.dumps({**claims, **changes}).encode())}.{a_mac}"

    attempts = {
        "forged with another key": sign(secrets.token_bytes(64), key_id,
                                        {"e": time.time() + 60, "u": B}),
        "B's payload, A's signature": f"{kid}.{b_payload}.{a_mac}",
        "A's payload, B's signature": f"{kid}.{a_payload}.{b_mac}",
        "A's payload edited to B": edited(u=B),
        "A's expiry pushed back": edited(e=9e12),
        "another key id": f"{int(kid) + 1}.{a_payload}.{a_mac}",
        "signature padded": f"{a}=",
        "not a token": "garbage",
        "too long": "1." + "A" * 5000 + "." + a_mac,
    }
    with site.connect("portal") as portal:
        for name, token in attempts.items():
            set_token(portal, token)
            code = sqlstate_of(portal)
            assert code in ("LD330", "LD331"), name
            assert errors.error_class(code) is errors.EndUserTokenError
            with pytest.raises(psycopg.Error) as info:
                portal.execute("select litellm.current_end_user_id()")
            assert info.value.sqlstate == code, name
        set_token(portal, "")
        assert visible_users(portal) == set()


def test_an_expired_token_is_refused(site: Site) -> None:
    token = site.token(B, valid_for=timedelta(seconds=1))
    with site.connect("portal") as portal:
        set_token(portal, token)
        assert visible_users(portal) == {B}
        time.sleep(1.2)
        assert sqlstate_of(portal) == "LD332"
        assert errors.error_class("LD332") is errors.EndUserTokenExpiredError


def test_issuing_checks_its_arguments(site: Site) -> None:
    with site.connect("app") as app:
        client = Client(app)
        with pytest.raises(errors.InvalidTokenValidityError):
            client.issue_end_user_token(A, valid_for=timedelta(days=2))
        with pytest.raises(errors.InvalidTokenValidityError):
            client.issue_end_user_token(A, valid_for=timedelta(0))
        with pytest.raises(errors.InvalidUserIdError):
            client.issue_end_user_token("")


def test_rotation_keeps_or_revokes_issued_tokens(site: Site) -> None:
    before = site.token(A)
    with site.connect("owner") as owner:
        owner.execute("select litellm.rotate_end_user_token_key()")
    with site.connect("portal") as portal:
        set_token(portal, before)
        assert visible_users(portal) == {A}, "a token outlives a rotation until it expires"
        with site.connect("owner") as owner:
            owner.execute("select litellm.rotate_end_user_token_key(revoke_issued => true)")
        assert sqlstate_of(portal) == "LD331"
        set_token(portal, site.token(A))
        assert visible_users(portal) == {A}


# -- nothing else to read or infer -----------------------------------------------------------


def test_the_ciphertext_of_a_key_is_not_selectable(site: Site) -> None:
    with site.connect("portal") as portal:
        set_token(portal, site.token(A))
        for query in ("select encrypted_api_key from litellm.user_provider_keys",
                      "select * from litellm.user_provider_keys",
                      "select count(*) from litellm.user_provider_keys"
                      " where encrypted_api_key like 'gAAAAA%'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                portal.execute(query)
        assert portal.execute(
            "select user_id, provider, key_hint from litellm.user_provider_keys"
        ).fetchall() == [(A, "openai", "sk-...a")]


def test_no_statistics_or_leaky_functions_reveal_other_rows(site: Site) -> None:
    with site.connect("portal") as portal:
        set_token(portal, site.token(A))
        assert portal.execute(
            "select count(*) from pg_stats where schemaname = 'litellm'").fetchone() == (0,), \
            "column statistics of tables under row-level security are hidden"
        notices: list[str] = []
        portal.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        portal.execute(
            "create function pg_temp.peek(u text, c numeric) returns boolean language plpgsql"
            " cost 0.0001 as $$ begin raise notice 'saw % %', u, c; return true; end $$")
        rows = portal.execute("select user_id from litellm.user_credits"
                              " where pg_temp.peek(user_id, credits_remaining)").fetchall()
        assert rows == [(A,)]
        assert notices and all(B not in n for n in notices), notices


def test_a_token_bound_as_a_parameter_is_not_shown_to_other_sessions(site: Site) -> None:
    """Sessions of one login see each other's last query in pg_stat_activity: bind the token."""
    token = site.token(B)
    with site.connect("portal") as bob, site.connect("portal") as mallory:
        set_token(bob, token)
        pid = bob.info.backend_pid
        row = mallory.execute("select query from pg_stat_activity where pid = %s", (pid,)
                              ).fetchone()
        assert row is not None and "set_config" in row[0] and token not in row[0]
        bob.execute(sql.SQL("set litellm.end_user_token = {}").format(sql.Literal(token)))
        row = mallory.execute("select query from pg_stat_activity where pid = %s", (pid,)
                              ).fetchone()
        assert row is not None and token in row[0], \
            "a SET with the token as a literal is visible: docs/security.md says to bind it"


# -- planted objects: verifying a token never runs the end user's code as the owner ----------

attackers = hostile.attackers  # the fixture: a login in each package role, public writable

def test_token_verification_ignores_planted_temp_objects(
    attackers: dict[str, hostile.Attacker],
) -> None:
    """Every path of current_end_user_id() (valid, malformed, forged, expired token), run by
    the policies as the owner, with the end user's domains, views, operators and public
    functions planted (tests/test_hostile_temp_objects.py)."""
    attacker = attackers["litellm_end_user"]
    with psycopg.connect(attacker.dsn, autocommit=True) as admin:
        good = admin.execute("select litellm.issue_end_user_token('hostile-user')").fetchone()
        expired = admin.execute("select litellm._sign_end_user_token('hostile-user',"
                                " now() - interval '1 second')").fetchone()
    assert good is not None and expired is not None
    kid, payload, mac = good[0].split(".")
    tokens = [good[0], expired[0], "garbage", f"{kid}.{payload}.{mac[::-1]}",
              f"{int(kid) + 1}.{payload}.{mac}", ""]
    reads = ["select * from litellm.user_credits", "select * from litellm.credit_transactions",
             "select * from litellm.llm_usage_log",
             "select user_id, provider from litellm.user_provider_keys",
             "select litellm.current_end_user_id()"]
    with attacker.connect(autocommit=True) as conn:
        hostile.plant(conn)
        for token in tokens:
            for statement in reads:
                setting = f"select set_config('litellm.end_user_token', {sql.quote(token)}, false)"
                hostile.attempt(conn, setting, procedure=True)
                hostile.attempt(conn, statement, procedure=True)
        assert hostile.hits(conn) == 0, "planted code ran as the owner"
        conn.execute("select set_config('litellm.end_user_token', %s, false)", (good[0],))
        assert conn.execute("select distinct user_id from litellm.user_credits").fetchall() \
            == [("hostile-user",)], "the planted objects do not change who the token proves"


# -- any text as the token: a documented refusal, never another error or another user ---------

TOKEN_CHARS = st.characters(blacklist_characters="\x00", codec="utf-8")


@st.composite
def token_texts(draw: st.DrawFn, valid: str) -> str:
    """Arbitrary text, or a valid token cut, extended or with characters changed."""
    kind = draw(st.sampled_from(["any", "cut", "extend", "change", "fields"]))
    if kind == "any":
        return draw(st.text(alphabet=TOKEN_CHARS, max_size=120))
    if kind == "cut":
        return valid[:draw(st.integers(0, len(valid) - 1))]
    if kind == "extend":
        return valid + draw(st.text(alphabet=TOKEN_CHARS, min_size=1, max_size=8))
    if kind == "fields":
        parts = valid.split(".")
        i = draw(st.integers(0, 2))
        parts[i] = draw(st.text(alphabet="0123456789ABCxyz-_=+/.", max_size=60))
        return ".".join(parts)
    i = draw(st.integers(0, len(valid) - 1))
    new = draw(TOKEN_CHARS.filter(lambda c: c != valid[i]))
    return valid[:i] + new + valid[i + 1:]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_token_text_is_refused_with_a_documented_code(conn: psycopg.Connection[Any],
                                                          data: st.DataObject) -> None:
    real = conn.execute("select litellm.issue_end_user_token('prop-user')").fetchone()
    assert real is not None
    text = data.draw(token_texts(real[0]))
    conn.execute("select set_config('litellm.end_user_token', %s, false)", (text,))
    try:
        proven = conn.execute("select litellm.current_end_user_id()").fetchone()
    except psycopg.Error as exc:
        assert exc.sqlstate in ("LD330", "LD331", "LD332"), (text, exc)
        return
    assert proven == ((None,) if text == "" else ("prop-user",)), text
    assert text in ("", real[0])
