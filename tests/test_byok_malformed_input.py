"""Property tests of the BYOK functions with malformed input (see tests/test_malformed_input.py).

The BYOK functions' entries live here, next to the other BYOK tests; they are added to
test_malformed_input.ARGUMENTS (so its every-public-function check counts them) and get
the same property test: every call succeeds (and the ledger still verifies) or raises a
SQLSTATE its COMMENT documents, having written nothing.
"""

from __future__ import annotations

from typing import Any

import test_malformed_input as base
from hypothesis import strategies as st
from psycopg.types.json import Jsonb
from test_malformed_input import prepared  # noqa: F401 - the fixture the property tests use

FERNET = "gAAAAA" + "k" * 94
KEY_ID = "0123456789abcdef"
PROVIDER = st.one_of(st.sampled_from([None, "", " OpenAI ", "open ai", "x" * 64, "-x"]),
                     base.TEXT)
TOKEN = st.one_of(
    st.sampled_from([None, "", "sk-plaintext-key-0123456789", "gAAAAA", "gAAAAA" + "=" * 100,
                     "gAAAAA" + "k" * 20000, FERNET]),
    base.TEXT,
)
KEY_IDS = st.one_of(st.sampled_from([None, "", "0123456789ABCDEF", "0123456789abcde", KEY_ID]),
                    base.TEXT)
BOOLEAN = st.sampled_from([None, True, False])
BATCH = st.one_of(st.sampled_from([None, -1, 0, 10_001, 2**31 - 1]), st.integers(-5, 20_000))


def _not_all_null(values: list[Any]) -> bool:
    return not values or any(v is not None for v in values)


IDS = st.lists(st.one_of(st.none(), st.integers(-(2**40), 2**40)), max_size=4).filter(
    _not_all_null)
TOKENS = st.lists(TOKEN, max_size=4).filter(_not_all_null)

BYOK_ARGUMENTS: dict[str, dict[str, tuple[Any, st.SearchStrategy[Any]]]] = {
    "store_user_api_key": {
        "user_id": (base.KNOWN_USER, base.USER), "provider": ("openai", PROVIDER),
        "encrypted_api_key": (FERNET, TOKEN), "key_hint": ("sk-...abcd", base.TEXT),
        "key_name": (None, base.TEXT), "encryption_key_id": (KEY_ID, KEY_IDS),
        "metadata": (Jsonb({}), base.JSON), "enabled": (True, BOOLEAN),
    },
    "canonical_provider": {"provider": ("together_ai", PROVIDER)},
    "get_user_api_key": {"user_id": (base.KNOWN_USER, base.USER), "provider": ("openai", PROVIDER)},
    "get_user_api_keys": {"user_id": (base.KNOWN_USER, base.USER)},
    "list_user_api_keys": {"user_id": (base.KNOWN_USER, base.USER)},
    "set_user_api_key_enabled": {
        "user_id": (base.KNOWN_USER, base.USER), "provider": ("openai", PROVIDER),
        "enabled": (False, BOOLEAN),
    },
    "delete_user_api_key": {
        "user_id": (base.KNOWN_USER, base.USER), "provider": ("openai", PROVIDER),
    },
    "count_user_api_keys_to_rotate": {"current_key_id": (KEY_ID, KEY_IDS)},
    "list_user_api_keys_to_rotate": {
        "current_key_id": (KEY_ID, KEY_IDS), "after_id": (0, base.ID), "batch_size": (10, BATCH),
    },
    "rotate_user_api_keys": {
        "ids": ([1], IDS), "old_encrypted_api_keys": ([FERNET], TOKENS),
        "new_encrypted_api_keys": ([FERNET], TOKENS), "current_key_id": (KEY_ID, KEY_IDS),
    },
}

base.ARGUMENTS.update(BYOK_ARGUMENTS)

for _name in BYOK_ARGUMENTS:
    globals()[f"test_malformed_input_{_name}"] = base.property_test(_name)
