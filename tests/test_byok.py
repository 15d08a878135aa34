"""Bring your own key: Fernet in the client, ciphertext in the database, rotation that survives
an interruption."""

from __future__ import annotations

import psycopg
import pytest
from cryptography.fernet import Fernet

from litellm_db import errors
from litellm_db.byok import (
    AsyncBYOKManager,
    BYOKManager,
    KeyRing,
    RotationReport,
    check_api_key,
    key_hint,
    key_id,
)
from litellm_db.client import AsyncClient, Client

OPENAI = "sk-proj-" + "A1b2C3d4" * 5 + "wxyz"
ANTHROPIC = "sk-ant-api03-" + "Zy9" * 15 + "-Q_AA"
GROQ = "gsk_" + "abc123XYZ" * 6


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing([Fernet.generate_key()])


@pytest.fixture
def manager(conn: psycopg.Connection, ring: KeyRing) -> BYOKManager:
    return BYOKManager(Client(conn), ring)


# -- the encryption key(s) ---------------------------------------------------------------------


def test_keys_come_from_litellm_encryption_key_first() -> None:
    a, b, c = (Fernet.generate_key().decode() for _ in range(3))
    ring = KeyRing.from_env({"LITELLM_ENCRYPTION_KEY": f"{a}, {b}", "BYOK_ENCRYPTION_KEY": c})
    assert ring.key_ids == (key_id(a), key_id(b), key_id(c))
    assert ring.primary_key_id == key_id(a)
    assert KeyRing.from_env({"BYOK_ENCRYPTION_KEY": c}).primary_key_id == key_id(c)


def test_a_missing_key_says_what_to_set() -> None:
    with pytest.raises(errors.EncryptionKeyError, match="LITELLM_ENCRYPTION_KEY"):
        KeyRing.from_env({})
    with pytest.raises(errors.EncryptionKeyError, match="LITELLM_ENCRYPTION_KEY"):
        KeyRing.from_env({"LITELLM_ENCRYPTION_KEY": " , "})


def test_a_malformed_key_is_named_by_position_never_shown() -> None:
    good = Fernet.generate_key().decode()
    with pytest.raises(errors.EncryptionKeyError) as info:
        KeyRing.from_env({"LITELLM_ENCRYPTION_KEY": f"{good},not-a-fernet-key-secret"})
    assert "#2" in str(info.value) and "not-a-fernet-key-secret" not in str(info.value)
    assert "keys generate" in str(info.value)


def test_key_id_is_a_fingerprint_not_the_key() -> None:
    key = Fernet.generate_key()
    assert len(key_id(key)) == 16 and key_id(key) == key_id(key.decode())
    assert key_id(key) not in key.decode() and key_id(key) != key_id(Fernet.generate_key())


def test_an_old_key_decrypts_and_the_primary_encrypts() -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    token = KeyRing([old]).encrypt("secret")
    ring = KeyRing([new, old])
    assert ring.decrypt(token) == "secret"
    assert Fernet(new).decrypt(ring.rotate(token).encode()) == b"secret"
    with pytest.raises(errors.DecryptionError):
        KeyRing([new]).decrypt(token)


# -- provider formats --------------------------------------------------------------------------


@pytest.mark.parametrize(("provider", "key"), [
    ("openai", OPENAI),
    ("openai", "sk-" + "a" * 48),
    ("OpenAI", "  " + OPENAI + "\n"),
    ("anthropic", ANTHROPIC),
    ("openrouter", "sk-or-v1-" + "0123456789abcdef" * 4),
    ("groq", GROQ),
    ("huggingface", "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz1234"),
    ("hf", "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz1234"),
    ("together", "0123456789abcdef" * 4),
    ("together_ai", "tgp_v1_" + "x" * 40),
    ("fireworks", "fw_" + "3ZkAbc" * 5),
    ("deepinfra", "AbCdEfGhIjKlMnOpQrStUvWxYz123456"),
    ("mistral", "any-plausible-token-1234"),
])
def test_valid_keys_pass(provider: str, key: str) -> None:
    assert check_api_key(provider, key) == key.strip()
    assert BYOKManager.validate_api_key(None, "u", provider, key)  # type: ignore[arg-type]


@pytest.mark.parametrize(("provider", "key", "reason"), [
    ("openai", "pk-" + "a" * 40, "starts with sk-"),
    ("openai", ANTHROPIC, "Anthropic"),
    ("openai", "sk-or-v1-" + "a" * 64, "OpenRouter"),
    ("openai", "sk-short", "too short|wrong length"),
    ("anthropic", OPENAI, "starts with sk-ant-"),
    ("openrouter", OPENAI, "starts with sk-or-"),
    ("groq", OPENAI, "starts with gsk_"),
    ("groq", "gsk_" + "a-b" * 10, "wrong length or characters"),
    ("huggingface", "hf-" + "a" * 30, "starts with hf_"),
    ("together", "short", "too short"),
    ("deepinfra", "has a space in the middle of it", "spaces"),
    ("openai", "", "empty"),
])
def test_malformed_keys_are_refused(provider: str, key: str, reason: str) -> None:
    with pytest.raises(errors.InvalidApiKeyError, match=reason):
        check_api_key(provider, key)


def test_hints_show_the_prefix_and_four_characters() -> None:
    assert key_hint(OPENAI) == "sk-proj-...wxyz"
    assert key_hint(ANTHROPIC) == "sk-ant-api03-...Q_AA"
    assert key_hint(GROQ) == "gsk_..." + GROQ[-4:]
    assert key_hint("0123456789abcdef" * 4) == "...cdef"
    assert key_hint("shortkey12") == "..."  # too short to show any of it


# -- the manager against a real database -------------------------------------------------------


def test_store_get_list_toggle_delete(manager: BYOKManager, conn: psycopg.Connection) -> None:
    stored = manager.store_user_api_key("byok-py", "OpenAI", OPENAI, {"label": "work"},
                                        key_name="Work key")
    assert stored.created
    manager.store_user_api_key("byok-py", "anthropic", ANTHROPIC)
    assert manager.get_user_api_key("byok-py", "openai") == OPENAI
    assert manager.get_all_user_keys("byok-py") == {"openai": OPENAI, "anthropic": ANTHROPIC}
    listed = {k.provider: k for k in manager.list_user_providers("byok-py")}
    assert listed["openai"].key_hint == "sk-proj-...wxyz"
    assert listed["openai"].key_name == "Work key"
    assert listed["openai"].metadata == {"label": "work"}
    assert listed["openai"].encryption_key_id == manager.keyring.primary_key_id
    assert manager.toggle_provider("byok-py", "openai", False)
    assert manager.get_user_api_key("byok-py", "openai") is None
    assert manager.get_all_user_keys("byok-py") == {"anthropic": ANTHROPIC}
    assert manager.toggle_provider("byok-py", "openai", True)
    assert manager.delete_user_api_key("byok-py", "openai")
    assert not manager.delete_user_api_key("byok-py", "openai")
    assert not manager.toggle_provider("byok-py", "openai", True)
    assert manager.get_user_api_key("byok-py", "openai") is None
    assert manager.get_user_api_key("nobody", "openai") is None


def test_the_database_never_sees_the_plaintext(manager: BYOKManager,
                                               conn: psycopg.Connection) -> None:
    manager.store_user_api_key("byok-secret", "groq", GROQ)
    dump = conn.execute("select row_to_json(k)::text from litellm.user_provider_keys as k"
                        " where user_id = 'byok-secret'").fetchone()
    assert dump is not None
    assert GROQ not in dump[0] and GROQ[4:20] not in dump[0]
    assert '"encrypted_api_key":"gAAAAA' in dump[0]


def test_a_malformed_key_is_refused_before_the_database(manager: BYOKManager,
                                                        conn: psycopg.Connection) -> None:
    with pytest.raises(errors.InvalidApiKeyError):
        manager.store_user_api_key("byok-bad", "openai", ANTHROPIC)
    assert conn.execute("select count(*) from litellm.user_provider_keys").fetchone() == (0,)


def test_replacing_a_key_keeps_one_row(manager: BYOKManager) -> None:
    manager.store_user_api_key("byok-rep", "openai", OPENAI)
    again = manager.store_user_api_key("byok-rep", "openai", "sk-" + "b" * 48)
    assert not again.created
    assert manager.get_user_api_key("byok-rep", "openai") == "sk-" + "b" * 48


def test_a_key_under_an_unknown_key_is_an_error(conn: psycopg.Connection, ring: KeyRing) -> None:
    BYOKManager(Client(conn), ring).store_user_api_key("byok-lost", "openai", OPENAI)
    other = BYOKManager(Client(conn), KeyRing([Fernet.generate_key()]))
    with pytest.raises(errors.DecryptionError, match="LITELLM_ENCRYPTION_KEY"):
        other.get_user_api_key("byok-lost", "openai")


HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz1234"


def test_a_key_stored_under_one_spelling_is_found_under_the_other(
    manager: BYOKManager, conn: psycopg.Connection,
) -> None:
    """Aliases live in the SQL (provider_aliases): Python passes names through untouched, so
    Python and SQL callers find each other's keys under any spelling."""
    manager.store_user_api_key("byok-alias", "hf", HF)
    stored = conn.execute("select provider from litellm.user_provider_keys"
                          " where user_id = 'byok-alias'").fetchall()
    assert stored == [("huggingface",)]
    for spelling in ("huggingface", "hugging_face"):  # SQL finds Python's key
        row = conn.execute("select encrypted_api_key from litellm.get_user_api_key("
                           "'byok-alias', %s)", (spelling,)).fetchone()
        assert row is not None and manager.keyring.decrypt(row[0]) == HF, spelling
    token = manager.keyring.encrypt("tgp_v1_" + "x" * 40)
    conn.execute("select litellm.store_user_api_key('byok-alias', 'together_ai', %s)", (token,))
    for spelling in ("together", "together_ai"):  # Python finds SQL's
        assert manager.get_user_api_key("byok-alias", spelling) == "tgp_v1_" + "x" * 40
    assert manager.get_all_user_keys("byok-alias") == {
        "huggingface": HF, "together": "tgp_v1_" + "x" * 40}
    assert manager.toggle_provider("byok-alias", "Hugging_Face", False)
    assert manager.delete_user_api_key("byok-alias", "TOGETHERAI")


def test_an_alias_gets_its_providers_key_format(manager: BYOKManager) -> None:
    """The format checked is the canonical provider's, which the database names."""
    with pytest.raises(errors.InvalidApiKeyError, match="starts with hf_"):
        manager.store_user_api_key("byok-alias-bad", "hugging-face", OPENAI)


async def test_the_async_manager_has_the_same_methods(db: str, ring: KeyRing) -> None:
    async with await psycopg.AsyncConnection.connect(db, autocommit=True) as conn:
        keys = AsyncBYOKManager(AsyncClient(conn), ring)
        assert (await keys.store_user_api_key("byok-async", "groq", GROQ)).created
        assert await keys.get_user_api_key("byok-async", "groq") == GROQ
        assert await keys.get_all_user_keys("byok-async") == {"groq": GROQ}
        assert [k.key_hint for k in await keys.list_user_providers("byok-async")] == \
            ["gsk_..." + GROQ[-4:]]
        assert await keys.toggle_provider("byok-async", "groq", False)
        assert await keys.get_user_api_key("byok-async", "groq") is None
        assert await keys.delete_user_api_key("byok-async", "groq")
        assert keys.validate_api_key("byok-async", "groq", GROQ)


# -- rotation ----------------------------------------------------------------------------------


def _seed_keys(conn: psycopg.Connection, key: bytes, n: int) -> dict[tuple[str, str], str]:
    """n keys stored through the manager under ``key``, and one the seed's way (no key id)."""
    manager = BYOKManager(Client(conn), KeyRing([key]))
    plaintexts: dict[tuple[str, str], str] = {}
    for i in range(n):
        api_key = f"sk-{i:04d}" + "k" * 40
        manager.store_user_api_key(f"rot-{i:03d}", "openai", api_key)
        plaintexts[(f"rot-{i:03d}", "openai")] = api_key
    token = Fernet(key).encrypt(b"sk-seed-" + b"s" * 40).decode()
    conn.execute("select litellm.add_user_credits('rot-seed', 1, 'bonus')")
    conn.execute("insert into litellm.user_provider_keys (user_id, provider, encrypted_api_key)"
                 " values ('rot-seed', 'openai', %s)", (token,))
    plaintexts[("rot-seed", "openai")] = "sk-seed-" + "s" * 40
    return plaintexts


def _all_decrypt(conn: psycopg.Connection, ring: KeyRing,
                 plaintexts: dict[tuple[str, str], str]) -> None:
    rows = conn.execute("select user_id, provider, encrypted_api_key"
                        " from litellm.user_provider_keys").fetchall()
    assert {(u, p): ring.decrypt(t) for u, p, t in rows} == plaintexts


def test_rotation_re_encrypts_everything_under_the_primary(conn: psycopg.Connection) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    plaintexts = _seed_keys(conn, old, 7)
    rotating = BYOKManager(Client(conn), KeyRing([new, old]))
    seen: list[int] = []
    report = rotating.rotate_keys(batch_size=3, progress=seen.append)
    assert (report.total, report.rotated, report.batches, report.remaining) == (8, 8, 3, 0)
    assert report.complete and seen == [3, 3, 2]
    # The old key can go: the new one alone decrypts every stored key.
    _all_decrypt(conn, KeyRing([new]), plaintexts)
    ids = conn.execute("select distinct encryption_key_id from litellm.user_provider_keys")
    assert ids.fetchall() == [(key_id(new),)]
    assert rotating.rotate_keys().batches == 0  # nothing left to do


async def test_the_async_manager_rotates_the_same_way(conn: psycopg.Connection, db: str) -> None:
    """rotate_keys is one plan (litellm_db.plan): the async manager runs it as the sync one."""
    old, new = Fernet.generate_key(), Fernet.generate_key()
    plaintexts = _seed_keys(conn, old, 4)
    seen: list[int] = []
    async with await psycopg.AsyncConnection.connect(db, autocommit=True) as aconn:
        rotating = AsyncBYOKManager(AsyncClient(aconn), KeyRing([new, old]))
        report = await rotating.rotate_keys(batch_size=3, progress=seen.append)
    assert (report.total, report.rotated, report.batches, report.remaining) == (5, 5, 2, 0)
    assert seen == [3, 2]
    _all_decrypt(conn, KeyRing([new]), plaintexts)


def test_rotation_interrupted_halfway_then_resumed_loses_nothing(
    conn: psycopg.Connection,
) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    plaintexts = _seed_keys(conn, old, 9)
    both = KeyRing([new, old])

    class Stop(Exception):
        pass

    def stop_after_two(report: RotationReport) -> None:
        if report.batches == 2:
            raise Stop

    with pytest.raises(Stop):
        BYOKManager(Client(conn), both).rotate_keys(batch_size=2, on_batch=stop_after_two)
    # Interrupted: two batches committed, the rest still under the old key; all readable.
    assert Client(conn).count_user_api_keys_to_rotate(key_id(new)) == 10 - 4
    _all_decrypt(conn, both, plaintexts)

    report = BYOKManager(Client(conn), both).rotate_keys(batch_size=2)
    assert (report.total, report.rotated, report.remaining) == (6, 6, 0)
    _all_decrypt(conn, KeyRing([new]), plaintexts)


def test_a_crash_inside_a_batch_rolls_that_batch_back(
    conn: psycopg.Connection, monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = Fernet.generate_key(), Fernet.generate_key()
    plaintexts = _seed_keys(conn, old, 5)
    both = KeyRing([new, old])
    real = both.rotate
    count = {"n": 0}

    def flaky(token: str) -> str:
        count["n"] += 1
        if count["n"] == 5:  # the middle of the second batch
            raise KeyboardInterrupt
        return real(token)

    monkeypatch.setattr(both, "rotate", flaky)
    with pytest.raises(KeyboardInterrupt):
        BYOKManager(Client(conn), both).rotate_keys(batch_size=3)
    assert Client(conn).count_user_api_keys_to_rotate(key_id(new)) == 6 - 3
    _all_decrypt(conn, both, plaintexts)
    monkeypatch.setattr(both, "rotate", real)
    assert BYOKManager(Client(conn), both).rotate_keys(batch_size=3).complete
    _all_decrypt(conn, KeyRing([new]), plaintexts)


def test_keys_no_configured_key_decrypts_are_reported_and_left(conn: psycopg.Connection) -> None:
    lost, old, new = Fernet.generate_key(), Fernet.generate_key(), Fernet.generate_key()
    BYOKManager(Client(conn), KeyRing([lost])).store_user_api_key("rot-lost", "groq", GROQ)
    plaintexts = _seed_keys(conn, old, 2)
    report = BYOKManager(Client(conn), KeyRing([new, old])).rotate_keys(batch_size=2)
    assert report.rotated == 3 and report.remaining == 1 and not report.complete
    assert [(u, p) for _, u, p in report.undecryptable] == [("rot-lost", "groq")]
    row = conn.execute("select encrypted_api_key from litellm.user_provider_keys"
                       " where user_id = 'rot-lost'").fetchone()
    assert row is not None and KeyRing([lost]).decrypt(row[0]) == GROQ
    _all_decrypt(conn, KeyRing([new, lost]), {**plaintexts, ("rot-lost", "groq"): GROQ})
