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
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from . import calls
from .calls import DEFAULT, Call, Default, KeyInfo
from .client import AsyncClient, Client
from .errors import DecryptionError, EncryptionKeyError, InvalidApiKeyError

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

P = ParamSpec("P")
X = TypeVar("X")
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
_ALIASES = {
    "hf": "huggingface", "hugging_face": "huggingface", "hugging-face": "huggingface",
    "together_ai": "together", "togetherai": "together", "together-ai": "together",
    "fireworks_ai": "fireworks", "fireworks-ai": "fireworks", "fireworksai": "fireworks",
    "deep_infra": "deepinfra", "open_router": "openrouter", "azure_openai": "azure",
}
_GENERIC = re.compile(r"[\x21-\x7e]{8,512}")
_HINT_PREFIX = re.compile(
    r"^((?:sk-(?:ant|or|proj|svcacct|admin)-(?:[a-z]+\d+-|v\d+-)?)|sk-|gsk_|hf_|tgp_v\d+_|fw_)"
)


def canonical_provider(provider: str) -> str:
    """The provider name as stored: trimmed, lower case, common aliases folded."""
    name = provider.strip().lower()
    return _ALIASES.get(name, name)


def check_api_key(provider: str, api_key: str) -> str:
    """The key stripped of surrounding whitespace; InvalidApiKeyError when its format is wrong.

    Providers with a documented key format are checked strictly; others only
    for a plausible token (8-512 printable characters, no spaces). Nothing is
    sent to the provider.
    """
    key = api_key.strip() if isinstance(api_key, str) else ""
    fmt = _FORMATS.get(canonical_provider(provider))
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
    """Everything but I/O, shared by the synchronous and asynchronous managers."""

    def __init__(self, keyring: KeyRing | None = None) -> None:
        self.keyring = keyring if keyring is not None else KeyRing.from_env()

    def validate_api_key(self, user_id: str | None, provider: str, api_key: str) -> bool:
        """Whether ``api_key`` has ``provider``'s format (seed 001's signature; no network call)."""
        try:
            check_api_key(provider, api_key)
        except InvalidApiKeyError:
            return False
        return True

    # Builders: (self, arguments) -> Call; finishers: (self, result) -> return value.

    def _store(self, user_id: str, provider: str, api_key: str,
               metadata: Mapping[str, Any] | Default | None = DEFAULT,
               key_name: str | Default | None = DEFAULT,
               enabled: bool = True) -> Call[calls.StoredKey]:
        key = check_api_key(provider, api_key)
        return calls.store_user_api_key(
            user_id, canonical_provider(provider), self.keyring.encrypt(key),
            key_hint=key_hint(key), key_name=key_name,
            encryption_key_id=self.keyring.primary_key_id, metadata=metadata, enabled=enabled,
        )

    def _get(self, user_id: str, provider: str) -> Call[calls.EncryptedKey | None]:
        return calls.get_user_api_key(user_id, canonical_provider(provider))

    def _decrypt_one(self, row: calls.EncryptedKey | None) -> str | None:
        return None if row is None else self.keyring.decrypt(row.encrypted_api_key)

    def _get_all(self, user_id: str) -> Call[list[calls.ProviderEncryptedKey]]:
        return calls.get_user_api_keys(user_id)

    def _decrypt_all(self, rows: list[calls.ProviderEncryptedKey]) -> dict[str, str]:
        return {row.provider: self.keyring.decrypt(row.encrypted_api_key) for row in rows}

    def _delete(self, user_id: str, provider: str) -> Call[bool]:
        return calls.delete_user_api_key(user_id, canonical_provider(provider))

    def _toggle(self, user_id: str, provider: str, enabled: bool) -> Call[bool]:
        return calls.set_user_api_key_enabled(user_id, canonical_provider(provider), enabled)

    def _list(self, user_id: str) -> Call[list[KeyInfo]]:
        return calls.list_user_api_keys(user_id)


def _same(_core: _Core, value: X) -> X:
    return value


def _method_signature(build: Callable[..., Any], finish: Callable[..., Any]) -> inspect.Signature:
    """The builder's parameters without ``self``, returning what the finisher returns."""
    signature = inspect.signature(build)
    returns = str(inspect.signature(finish).return_annotation)
    if returns == "X":  # the finisher passes the result through
        returns = str(signature.return_annotation)
        if returns.startswith("Call[") and returns.endswith("]"):
            returns = returns[5:-1]
    return signature.replace(parameters=list(signature.parameters.values())[1:],
                             return_annotation=returns)


class _SyncOp(Generic[P, X, R]):
    """A manager method: build a Call, run it on the manager's Client, finish the result."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[X]],
                 finish: Callable[[Any, X], R], doc: str) -> None:
        self._build, self._finish, self.__doc__ = build, finish, doc
        self._signature = _method_signature(build, finish)

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _SyncOp[P, X, R]: ...
    @overload
    def __get__(self, obj: BYOKManager, owner: type) -> Callable[P, R]: ...

    def __get__(self, obj: BYOKManager | None, owner: type) -> Any:
        if obj is None:
            return self
        build, finish, run = self._build, self._finish, obj.client.run

        @functools.wraps(build)
        def method(*args: P.args, **kwargs: P.kwargs) -> R:
            return finish(obj, run(build(obj, *args, **kwargs)))

        method.__doc__ = self.__doc__
        method.__dict__["__signature__"] = self._signature
        obj.__dict__[self._name] = method  # bound once per manager
        return method


class _AsyncOp(Generic[P, X, R]):
    """The same, awaiting the manager's AsyncClient."""

    def __init__(self, build: Callable[Concatenate[Any, P], Call[X]],
                 finish: Callable[[Any, X], R], doc: str) -> None:
        self._build, self._finish, self.__doc__ = build, finish, doc
        self._signature = _method_signature(build, finish)

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type) -> _AsyncOp[P, X, R]: ...
    @overload
    def __get__(self, obj: AsyncBYOKManager, owner: type) -> Callable[P, Awaitable[R]]: ...

    def __get__(self, obj: AsyncBYOKManager | None, owner: type) -> Any:
        if obj is None:
            return self
        build, finish, run = self._build, self._finish, obj.client.run

        @functools.wraps(build)
        async def method(*args: P.args, **kwargs: P.kwargs) -> R:
            return finish(obj, await run(build(obj, *args, **kwargs)))

        method.__doc__ = self.__doc__
        method.__dict__["__signature__"] = self._signature
        obj.__dict__[self._name] = method  # bound once per manager
        return method


# (builder, finisher, docstring) of each method both managers have.
_OPS: dict[str, tuple[Callable[..., Call[Any]], Callable[[Any, Any], Any], str]] = {
    "store_user_api_key": (
        _Core._store, _same,
        "Check the key's format, encrypt it under the primary key and store it (replacing the"
        " user's key for that provider). Returns the stored row's id and whether it was new;"
        " raises InvalidApiKeyError for a malformed key.",
    ),
    "get_user_api_key": (
        _Core._get, _Core._decrypt_one,
        "The user's plaintext key for a provider, or None (no key, or disabled).",
    ),
    "get_all_user_keys": (
        _Core._get_all, _Core._decrypt_all,
        "Every enabled key of the user, decrypted: {provider: api_key}.",
    ),
    "delete_user_api_key": (
        _Core._delete, _same, "Delete the user's key for a provider; False when there was none.",
    ),
    "toggle_provider": (
        _Core._toggle, _same,
        "Enable or disable the user's key for a provider; False when there is none.",
    ),
    "list_user_providers": (
        _Core._list, _same,
        "The user's stored keys for display (KeyInfo: provider, masked key_hint, enabled, dates).",
    ),
}


class BYOKManager(_Core):
    """Seed 001's BYOKManager over a synchronous :class:`~litellm_db.client.Client`."""

    def __init__(self, client: Client, keyring: KeyRing | None = None) -> None:
        super().__init__(keyring)
        self.client = client

    store_user_api_key = _SyncOp(*_OPS["store_user_api_key"])
    get_user_api_key = _SyncOp(*_OPS["get_user_api_key"])
    get_all_user_keys = _SyncOp(*_OPS["get_all_user_keys"])
    delete_user_api_key = _SyncOp(*_OPS["delete_user_api_key"])
    toggle_provider = _SyncOp(*_OPS["toggle_provider"])
    list_user_providers = _SyncOp(*_OPS["list_user_providers"])

    def rotate_keys(
        self, *, batch_size: int = 100, progress: Callable[[int], None] | None = None,
        on_batch: Callable[[RotationReport], None] | None = None,
    ) -> RotationReport:
        """Re-encrypt every stored key not under the primary key, ``batch_size`` rows at a time.

        Each batch is one transaction: read the rows, re-encrypt them here,
        write them back compare-and-set on the old ciphertext (a key its user
        replaced meanwhile is left alone). An interruption loses nothing: the
        committed batches are done, the rest still decrypt with the old keys,
        and running it again carries on. ``progress(n)`` is called with the
        number of rows each batch handled, ``on_batch(report)`` after each
        commit. Keys no configured key decrypts are skipped and reported.
        """
        ring = self.keyring
        primary = ring.primary_key_id
        total = self.client.count_user_api_keys_to_rotate(primary)
        report = RotationReport(primary_key_id=primary, total=total)
        after = 0
        while True:
            with self.client.transaction() as tx:
                rows = tx.list_user_api_keys_to_rotate(primary, after_id=after,
                                                       batch_size=batch_size)
                if not rows:
                    break
                ids: list[int] = []
                old: list[str] = []
                new: list[str] = []
                bad: list[tuple[int, str, str]] = []
                for row in rows:
                    try:
                        token = ring.rotate(row.encrypted_api_key)
                    except DecryptionError:
                        bad.append((row.id, row.user_id, row.provider))
                        continue
                    ids.append(row.id)
                    old.append(row.encrypted_api_key)
                    new.append(token)
                done = tx.rotate_user_api_keys(ids, old, new, primary) if ids else []
                after = rows[-1].id
            report = RotationReport(
                primary_key_id=primary, total=total, rotated=report.rotated + len(done),
                changed=report.changed + len(ids) - len(done),
                undecryptable=report.undecryptable + tuple(bad), batches=report.batches + 1,
            )
            if progress is not None:
                progress(len(rows))
            if on_batch is not None:
                on_batch(report)
        remaining = self.client.count_user_api_keys_to_rotate(primary)
        return replace(report, remaining=remaining)


class AsyncBYOKManager(_Core):
    """Seed 001's BYOKManager (async, as in the seed) over an :class:`.AsyncClient`."""

    def __init__(self, client: AsyncClient, keyring: KeyRing | None = None) -> None:
        super().__init__(keyring)
        self.client = client

    store_user_api_key = _AsyncOp(*_OPS["store_user_api_key"])
    get_user_api_key = _AsyncOp(*_OPS["get_user_api_key"])
    get_all_user_keys = _AsyncOp(*_OPS["get_all_user_keys"])
    delete_user_api_key = _AsyncOp(*_OPS["delete_user_api_key"])
    toggle_provider = _AsyncOp(*_OPS["toggle_provider"])
    list_user_providers = _AsyncOp(*_OPS["list_user_providers"])
