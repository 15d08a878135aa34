"""Keys a SQL caller stored under a provider alias before provider_aliases existed move to the
canonical name on upgrade (migration 0100), the newest key winning where a user had several
spellings of one provider."""

from __future__ import annotations

import psycopg
from test_upgrade import install_release, releases

import litellm_db

FIRST = releases()[0]  # 0.1.0: the key functions took provider names as spelled


def _token(letter: str) -> str:
    return "gAAAAA" + letter * 94


def test_keys_under_an_alias_move_to_the_canonical_name(empty_db: str) -> None:
    install_release(empty_db, FIRST)
    with psycopg.connect(empty_db, autocommit=True) as conn:
        store = ("select litellm.store_user_api_key(user_id => %s, provider => %s,"
                 " encrypted_api_key => %s)")
        conn.execute(store, ("alias-a", "together", _token("a")))
        conn.execute(store, ("alias-a", "together_ai", _token("b")))  # stored last: kept
        conn.execute(store, ("alias-b", "together_ai", _token("c")))
        conn.execute(store, ("alias-b", "hf", _token("d")))
        conn.execute(store, ("alias-b", "openai", _token("e")))
        conn.execute(store, ("alias-c", "hugging_face", _token("f")))
        conn.execute(store, ("alias-c", "hf", _token("g")))  # stored last: kept
        conn.execute("update litellm.user_provider_keys set updated_at = created_at"
                     " + (id || ' seconds')::interval")  # one statement's now(): order by id

    with psycopg.connect(empty_db, autocommit=True) as conn:
        litellm_db.install(conn)
        stored = conn.execute("select user_id, provider, encrypted_api_key"
                              " from litellm.user_provider_keys order by 1, 2").fetchall()
        assert stored == [
            ("alias-a", "together", _token("b")),
            ("alias-b", "huggingface", _token("d")),
            ("alias-b", "openai", _token("e")),
            ("alias-b", "together", _token("c")),
            ("alias-c", "huggingface", _token("g")),
        ]
        found = conn.execute("select encrypted_api_key from litellm.get_user_api_key("
                             "'alias-a', 'togetherai')").fetchall()
        assert found == [(_token("b"),)]
