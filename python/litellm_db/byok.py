"""Bring your own key: users' provider API keys, Fernet-encrypted before they reach the database.

The database stores only Fernet ciphertext (a check constraint and the SQL API
refuse anything else); encryption and decryption happen here, with the key(s)
from the environment::

    LITELLM_ENCRYPTION_KEY=<fernet key>[,<older key>,...]   # seed 000's name
    BYOK_ENCRYPTION_KEY=<fernet key>[,...]                  # seed 001's name, also read

The first key is the **primary**: everything is encrypted with it. Later keys
only decrypt (:class:`cryptography.fernet.MultiFernet`). When both variables
are set, ``LITELLM_ENCRYPTION_KEY`` gives the primary and the keys of
``BYOK_ENCRYPTION_KEY`` are added as older keys. Generate a key with
``litellm-db keys generate`` (or ``Fernet.generate_key()``).

Each stored row records the fingerprint of the key that encrypted it
(:func:`key_id`; never the key), so rotating is: put a new key first, keep the
old ones after it, run ``litellm-db keys rotate`` (:meth:`BYOKManager.rotate_keys`),
then drop the old keys from the variable.

Seed 001's API, synchronous and asynchronous::

    keys = BYOKManager(Client.connect())  # or AsyncBYOKManager(await AsyncClient.connect())
    keys.store_user_api_key("user-1", "openai", "sk-proj-...", {"label": "work"})
    keys.get_user_api_key("user-1", "openai")      # the plaintext key, or None
    keys.list_user_providers("user-1")             # masked: KeyInfo(key_hint="sk-proj-...abcd")
    keys.toggle_provider("user-1", "openai", False)
    keys.get_all_user_keys("user-1")               # {"anthropic": "sk-ant-...", ...}
    keys.delete_user_api_key("user-1", "openai")
    keys.validate_api_key("user-1", "openai", "sk-proj-...")  # format check, no network
    keys.rotate_keys()                             # re-encrypt under the primary key

Provider names are passed to the database as given: the SQL folds aliases
(``together_ai`` -> ``together``, table ``litellm.provider_aliases``) for every
key function, so Python and SQL callers find each other's keys. Each method
both managers have is defined once, as a plan (:mod:`litellm_db.plan`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from . import calls
from .calls import DEFAULT, Call, Default, KeyInfo
from .client import AsyncClient, Client
from .errors import DecryptionError, EncryptionKeyError, InvalidApiKeyError
from .plan import Atomic, Plan, Work, async_method, sync_method

__all__ = [
    "KEY_ENV_VARS",
    "AsyncBYOKManager",
    "BYOKManager",
    "KeyInfo",
    "KeyRing",
    "RotationReport",
    "check_api_key",
    "key_hint",
    "key_id",
]

#: Environment variables holding the Fernet key(s), in order of precedence.
KEY_ENV_VARS = ("LITELLM_ENCRYPTION_KEY", "BYOK_ENCRYPTION_KEY")
_KEY_ID_PREFIX = b"litellm-db:fernet-key-id:"

R = TypeVar("R")


def key_id(key: bytes | str) -> str:
    """The fingerprint stored with each row: 16 hex digits of a SHA-256 of the key.

    It names a key without revealing it (the key is 256 random bits).
    """
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(_KEY_ID_PREFIX + raw.strip()).hexdigest()[:16]


class KeyRing:
    """The configured Fernet keys: encrypt with the primary, decrypt with any."""

    def __init__(self, keys: Sequence[bytes | str]) -> None:
        if not keys:
            raise EncryptionKeyError(
                "no BYOK encryption key: set LITELLM_ENCRYPTION_KEY (or BYOK_ENCRYPTION_KEY) to a"
                " Fernet key; generate one with `litellm-db keys generate`"
            )
        fernets: list[Fernet] = []
        ids: list[str] = []
        for position, key in enumerate(keys, start=1):
            raw = key.encode() if isinstance(key, str) else key
            try:
                fernets.append(Fernet(raw.strip()))
            except (ValueError, TypeError) as exc:
                raise EncryptionKeyError(
                    f"BYOK encryption key #{position} is not a Fernet key (32 url-safe"
                    " base64-encoded bytes, 44 characters); generate one with"
                    " `litellm-db keys generate`"
                ) from exc
            ident = key_id(raw)
            if ident not in ids:
                ids.append(ident)
        self._fernets = fernets
        self._multi = MultiFernet(fernets)
        self.key_ids: tuple[str, ...] = tuple(ids)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KeyRing:
        """Keys from LITELLM_ENCRYPTION_KEY, then BYOK_ENCRYPTION_KEY (comma-separated)."""
        source = os.environ if env is None else env
        keys: list[str] = []
        for var in KEY_ENV_VARS:
            for part in source.get(var, "").split(","):
                if part.strip() and part.strip() not in keys:
                    keys.append(part.strip())
        return cls(keys)

    @staticmethod
    def generate_key() -> str:
        """A new random Fernet key (urlsafe base64 text)."""
        return Fernet.generate_key().decode()

    @property
    def primary_key_id(self) -> str:
        return self.key_ids[0]

    def encrypt(self, plaintext: str) -> str:
        """A Fernet token of ``plaintext`` under the primary key."""
        return self._fernets[0].encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The plaintext of a token made with any configured key; DecryptionError otherwise."""
        try:
            return self._multi.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionError(
                "a stored key cannot be decrypted with any configured encryption key; add the"
                " key it was encrypted with after the primary in LITELLM_ENCRYPTION_KEY"
            ) from exc

    def rotate(self, token: str) -> str:
        """The same plaintext re-encrypted under the primary key (the token's time is kept)."""
        try:
            return self._multi.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionError("token cannot be decrypted with any configured key") from exc


# -- provider key formats ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Format:
    name: str
    prefixes: tuple[str, ...]
    """The key must start with one of these (empty: any)."""
    pattern: str
    """What follows the prefix."""
    not_prefixes: tuple[tuple[str, str], ...] = ()
    """Prefixes of other providers' keys, with the provider's name, refused for this one."""


_TOKEN = r"[A-Za-z0-9_\-]"
# Documented prefixes: OpenAI sk- (sk-proj-, sk-svcacct-, sk-admin-), Anthropic sk-ant-,
# OpenRouter sk-or- (sk-or-v1-), Groq gsk_, Hugging Face hf_. Together (tgp_v1_ or 64 hex),
# Fireworks (fw_ or older unprefixed keys) and DeepInfra do not document one stable
# format: they get the lenient generic check.
_FORMATS: dict[str, _Format] = {
    "openai": _Format("OpenAI", ("sk-",), _TOKEN + r"{20,}",
                      (("sk-ant-", "Anthropic"), ("sk-or-", "OpenRouter"))),
    "anthropic": _Format("Anthropic", ("sk-ant-",), _TOKEN + r"{20,}"),
    "openrouter": _Format("OpenRouter", ("sk-or-",), _TOKEN + r"{20,}"),
    "groq": _Format("Groq", ("gsk_",), r"[A-Za-z0-9]{20,}"),
    "huggingface": _Format("Hugging Face", ("hf_",), r"[A-Za-z0-9]{20,}"),
    "together": _Format("Together AI", (), r"[A-Za-z0-9_\-.]{20,}"),
    "fireworks": _Format("Fireworks AI", (), r"[A-Za-z0-9_\-.]{20,}"),
    "deepinfra": _Format("DeepInfra", (), r"[A-Za-z0-9_\-.]{20,}"),
}
_GENERIC = re.compile(r"[\x21-\x7e]{8,512}")
_HINT_PREFIX = re.compile(
    r"^((?:sk-(?:ant|or|proj|svcacct|admin)-(?:[a-z]+\d+-|v\d+-)?)|sk-|gsk_|hf_|tgp_v\d+_|fw_)"
)


def check_api_key(provider: str, api_key: str) -> str:
    """The key stripped of surrounding whitespace; InvalidApiKeyError when its format is wrong.

    Providers with a documented key format are checked strictly; others only
    for a plausible token (8-512 printable characters, no spaces). Nothing is
    sent to the provider. ``provider`` is taken as spelled: the strict formats
    are named by the providers' canonical names (``openai``, ``huggingface``,
    ...); another spelling (``hf``) gets the lenient check. The managers pass
    the canonical name the database gives (``canonical_provider``), so its
    aliases have one home, the SQL.
    """
    key = api_key.strip() if isinstance(api_key, str) else ""
    fmt = _FORMATS.get(provider)
    if not key or not _GENERIC.fullmatch(key):
        raise InvalidApiKeyError(
            f"the {provider} API key is empty, too short, too long or contains spaces"
        )
    if fmt is None:
        return key
    for prefix, other in fmt.not_prefixes:
        if key.startswith(prefix):
            raise InvalidApiKeyError(f"this looks like an {other} key, not an {fmt.name} key")
    rest = key
    if fmt.prefixes:
        start = next((p for p in fmt.prefixes if key.startswith(p)), None)
        if start is None:
            raise InvalidApiKeyError(
                f"an {fmt.name} API key starts with {' or '.join(fmt.prefixes)}"
            )
        rest = key[len(start):]
    if not re.fullmatch(fmt.pattern, rest):
        raise InvalidApiKeyError(f"this is not an {fmt.name} API key: wrong length or characters")
    return key


def key_hint(api_key: str) -> str:
    """A masked form for display, such as ``sk-proj-...abcd``: the format prefix, 4 characters."""
    key = api_key.strip()
    match = _HINT_PREFIX.match(key)
    prefix = match.group(1)[:20] if match else ""
    tail = key[-4:] if len(key) >= 16 else ""
    return f"{prefix}...{tail}"


# -- the managers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationReport:
    """What :meth:`BYOKManager.rotate_keys` did."""

    primary_key_id: str
    total: int
    """Keys not under the primary key when the rotation started."""
    rotated: int = 0
    changed: int = 0
    """Keys replaced by their user while the rotation ran (left as the user stored them)."""
    undecryptable: tuple[tuple[int, str, str], ...] = ()
    """(row id, user id, provider) of keys no configured key decrypts; left untouched."""
    batches: int = 0
    remaining: int = 0
    """Keys still not under the primary key afterwards (the undecryptable ones, or new writes)."""

    @property
    def complete(self) -> bool:
        return self.remaining == 0


class _Core:
    """Everything but I/O, shared by the synchronous and asynchronous managers: each method
    both managers have is defined once here, as a plan (:mod:`litellm_db.plan`)."""

    def __init__(self, keyring: KeyRing | None = None) -> None:
        self.keyring = keyring if keyring is not None else KeyRing.from_env()

    def validate_api_key(self, user_id: str | None, provider: str, api_key: str) -> bool:
        """Whether ``api_key`` has ``provider``'s format (seed 001's signature; no network call,
        no database: ``provider`` is taken as spelled, see :func:`check_api_key`)."""
        try:
            check_api_key(provider, api_key)
        except InvalidApiKeyError:
            return False
        return True

    def _store(self, user_id: str, provider: str, api_key: str,
               metadata: Mapping[str, Any] | Default | None = DEFAULT,
               key_name: str | Default | None = DEFAULT,
               enabled: bool | Default | None = DEFAULT) -> Plan[calls.StoredKey]:
        """Check the key's format, encrypt it under the primary key and store it (replacing the
        user's key for that provider). Returns the stored row's id and whether it was new;
        raises InvalidApiKeyError for a malformed key. The format checked is the one of the
        provider's canonical name, which the database gives (``canonical_provider``)."""
        canonical: str | None = yield calls.canonical_provider(provider)
        key = check_api_key(provider if canonical is None else canonical, api_key)
        stored: calls.StoredKey = yield calls.store_user_api_key(
            user_id, provider, self.keyring.encrypt(key), key_hint=key_hint(key),
            key_name=key_name, encryption_key_id=self.keyring.primary_key_id, metadata=metadata,
            enabled=enabled,
        )
        return stored

    def _get(self, user_id: str, provider: str) -> Plan[str | None]:
        """The user's plaintext key for a provider, or None (no key, or disabled)."""
        row: calls.EncryptedKey | None = yield calls.get_user_api_key(user_id, provider)
        return None if row is None else self.keyring.decrypt(row.encrypted_api_key)

    def _get_all(self, user_id: str) -> Plan[dict[str, str]]:
        """Every enabled key of the user, decrypted: {provider: api_key}."""
        rows: list[calls.ProviderEncryptedKey] = yield calls.get_user_api_keys(user_id)
        return {row.provider: self.keyring.decrypt(row.encrypted_api_key) for row in rows}

    def _delete(self, user_id: str, provider: str) -> Call[bool]:
        """Delete the user's key for a provider; False when there was none."""
        return calls.delete_user_api_key(user_id, provider)

    def _toggle(self, user_id: str, provider: str, enabled: bool) -> Call[bool]:
        """Enable or disable the user's key for a provider; False when there is none."""
        return calls.set_user_api_key_enabled(user_id, provider, enabled)

    def _list(self, user_id: str) -> Call[list[KeyInfo]]:
        """The user's stored keys for display (KeyInfo: provider, masked key_hint, enabled,
        dates)."""
        return calls.list_user_api_keys(user_id)

    def _rotate_keys(
        self, *, batch_size: int | Default = DEFAULT,
        progress: Callable[[int], None] | None = None,
        on_batch: Callable[[RotationReport], None] | None = None,
    ) -> Plan[RotationReport]:
        """Re-encrypt every stored key not under the primary key, ``batch_size`` rows at a time
        (the database's default when left out, see docs/api.md).

        Each batch is one transaction: read the rows, re-encrypt them here,
        write them back compare-and-set on the old ciphertext (a key its user
        replaced meanwhile is left alone). An interruption loses nothing: the
        committed batches are done, the rest still decrypt with the old keys,
        and running it again carries on. ``progress(n)`` is called with the
        number of rows each batch handled, ``on_batch(report)`` after each
        commit. Keys no configured key decrypts are skipped and reported.
        """
        primary = self.keyring.primary_key_id
        total: int = yield calls.count_user_api_keys_to_rotate(primary)
        report = RotationReport(primary_key_id=primary, total=total)
        after = 0
        while True:
            batch: _Batch | None = yield Atomic(self._rotate_batch(primary, after, batch_size))
            if batch is None:
                break
            after = batch.last_id
            report = RotationReport(
                primary_key_id=primary, total=total, rotated=report.rotated + batch.rotated,
                changed=report.changed + batch.changed,
                undecryptable=report.undecryptable + batch.undecryptable,
                batches=report.batches + 1,
            )
            if progress is not None:
                progress(batch.rows)
            if on_batch is not None:
                on_batch(report)
        remaining: int = yield calls.count_user_api_keys_to_rotate(primary)
        return replace(report, remaining=remaining)

    def _rotate_batch(self, primary: str, after: int,
                      batch_size: int | Default) -> Plan[_Batch | None]:
        """One batch of :meth:`_rotate_keys` (run as one transaction); None when none is left."""
        rows: list[calls.KeyToRotate] = yield calls.list_user_api_keys_to_rotate(
            primary, after_id=after, batch_size=batch_size)
        if not rows:
            return None
        ids: list[int] = []
        old: list[str] = []
        new: list[str] = []
        bad: list[tuple[int, str, str]] = []
        for row in rows:
            try:
                token = self.keyring.rotate(row.encrypted_api_key)
            except DecryptionError:
                bad.append((row.id, row.user_id, row.provider))
                continue
            ids.append(row.id)
            old.append(row.encrypted_api_key)
            new.append(token)
        done: list[int] = []
        if ids:
            done = yield calls.rotate_user_api_keys(ids, old, new, primary)
        return _Batch(last_id=rows[-1].id, rows=len(rows), rotated=len(done),
                      changed=len(ids) - len(done), undecryptable=tuple(bad))


@dataclass(frozen=True)
class _Batch:
    """What one rotation batch did."""

    last_id: int
    rows: int
    rotated: int
    changed: int
    undecryptable: tuple[tuple[int, str, str], ...]


class BYOKManager(_Core):
    """Seed 001's BYOKManager over a synchronous :class:`~litellm_db.client.Client`."""

    def __init__(self, client: Client, keyring: KeyRing | None = None) -> None:
        super().__init__(keyring)
        self.client = client

    def run(self, work: Work[R]) -> R:
        """Run a Call or a plan on the manager's client."""
        return self.client.run(work)

    store_user_api_key = sync_method.of(_Core._store)
    get_user_api_key = sync_method.of(_Core._get)
    get_all_user_keys = sync_method.of(_Core._get_all)
    delete_user_api_key = sync_method.of(_Core._delete)
    toggle_provider = sync_method.of(_Core._toggle)
    list_user_providers = sync_method.of(_Core._list)
    rotate_keys = sync_method.of(_Core._rotate_keys)


class AsyncBYOKManager(_Core):
    """Seed 001's BYOKManager (async, as in the seed) over an :class:`.AsyncClient`."""

    def __init__(self, client: AsyncClient, keyring: KeyRing | None = None) -> None:
        super().__init__(keyring)
        self.client = client

    def run(self, work: Work[R]) -> Awaitable[R]:
        """Run a Call or a plan on the manager's client."""
        return self.client.run(work)

    store_user_api_key = async_method.of(_Core._store)
    get_user_api_key = async_method.of(_Core._get)
    get_all_user_keys = async_method.of(_Core._get_all)
    delete_user_api_key = async_method.of(_Core._delete)
    toggle_provider = async_method.of(_Core._toggle)
    list_user_providers = async_method.of(_Core._list)
    rotate_keys = async_method.of(_Core._rotate_keys)
