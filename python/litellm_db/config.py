"""Connection settings: which database to use, and connecting with one-line errors.

Order of precedence (seed 000's variable names):

1. an explicit DSN argument (``--dsn``);
2. ``DATABASE_URL``;
3. ``POSTGRES_HOST`` / ``POSTGRES_PORT`` / ``POSTGRES_DB`` / ``POSTGRES_USER`` /
   ``POSTGRES_PASSWORD`` -- any one of them set (non-empty) counts as configured,
   and libpq's defaults fill in the rest;
4. nothing: :func:`resolve_dsn` returns ``None`` and the command line falls back
   to the embedded server (:mod:`litellm_db.embedded`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import conninfo

from .errors import ConnectionConfigError

#: ``POSTGRES_*`` variable -> libpq keyword.
POSTGRES_ENV: dict[str, str] = {
    "POSTGRES_HOST": "host",
    "POSTGRES_PORT": "port",
    "POSTGRES_DB": "dbname",
    "POSTGRES_USER": "user",
    "POSTGRES_PASSWORD": "password",
}

DEFAULT_CONNECT_TIMEOUT = 10
MASK = "***"

# Passwords in a connection string that may not parse: URI userinfo
# (scheme://user:password@) and key=value / query parameters (password=...).
_URI_PASSWORD = re.compile(r"(?P<pre>[a-z][a-z0-9+.-]*://[^:/?#@\s]*:)(?P<pw>[^@/?#\s]*)(?=@)",
                           re.IGNORECASE)
_KV_PASSWORD = re.compile(
    r"(?P<pre>(?:^|[\s?&])password\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'|[^\s&]*)", re.IGNORECASE
)
_AUTH_FAILURES = (
    "password authentication failed",
    "authentication failed",
    "no password supplied",
    "role \"",
    "pg_hba.conf",
    "permission denied for database",
)


def resolve_dsn(dsn: str | None = None, env: Mapping[str, str] = os.environ) -> str | None:
    """The connection string to use, or None to mean "start the embedded server"."""
    if dsn is not None and dsn.strip():
        return dsn.strip()
    url = env.get("DATABASE_URL", "").strip()
    if url:
        return url
    params = {kw: env[var] for var, kw in POSTGRES_ENV.items() if env.get(var, "").strip()}
    if params:
        return conninfo.make_conninfo(**params)
    return None


def describe_source(dsn: str | None, env: Mapping[str, str] = os.environ) -> str:
    """Where :func:`resolve_dsn` found the settings, for messages."""
    if dsn is not None and dsn.strip():
        return "--dsn"
    if env.get("DATABASE_URL", "").strip():
        return "DATABASE_URL"
    names = [var for var in POSTGRES_ENV if env.get(var, "").strip()]
    return ", ".join(names) if names else "embedded"


def mask_dsn(dsn: str) -> str:
    """The connection string with every password replaced by ``***``.

    Works on strings that do not parse, so it is safe in error messages.
    """
    masked = _URI_PASSWORD.sub(lambda m: m.group("pre") + MASK if m.group("pw") else m.group(0),
                               dsn)
    return _KV_PASSWORD.sub(lambda m: m.group("pre") + MASK, masked)


def _secrets(dsn: str) -> list[str]:
    found = [m.group("pw") for m in _URI_PASSWORD.finditer(dsn)]
    found += [m.group("pw").strip("'") for m in _KV_PASSWORD.finditer(dsn)]
    with contextlib.suppress(psycopg.Error):
        found.append(conninfo.conninfo_to_dict(dsn).get("password") or "")
    return sorted({s for s in found if s}, key=len, reverse=True)


def scrub(text: str, dsn: str) -> str:
    """``text`` with any password taken from ``dsn`` replaced by ``***``."""
    for secret in _secrets(dsn):
        text = text.replace(secret, MASK)
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def server_address(params: Mapping[str, object]) -> str:
    """``host:port`` (or the socket directory) that libpq will try, for messages."""
    host = str(params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST") or "")
    port = str(params.get("port") or os.environ.get("PGPORT") or "5432")
    if not host:
        host = "the local socket"
    return f"{host}:{port}"


def _reason(message: str) -> str:
    """The useful part of a libpq connection error: what follows the last 'failed:'."""
    first = message.strip().splitlines()[0] if message.strip() else message
    if "failed: " in first:
        first = first.rsplit("failed: ", 1)[1]
    return _one_line(first.replace("FATAL:", "")).strip()


def connect(dsn: str, *, autocommit: bool = True,
            connect_timeout: int = DEFAULT_CONNECT_TIMEOUT) -> psycopg.Connection:
    """Open a connection, turning every failure into a one-line ConnectionConfigError.

    ``connect_timeout`` applies unless the DSN sets its own. Passwords never
    appear in the messages.
    """
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except psycopg.Error as exc:
        raise ConnectionConfigError(
            f"invalid connection string: {scrub(_one_line(str(exc)), dsn)}"
        ) from exc
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = connect_timeout
    address = server_address(params)
    try:
        return psycopg.connect(dsn, autocommit=autocommit, **extra)
    except psycopg.OperationalError as exc:
        message = str(exc)
        reason = scrub(_reason(message), dsn)
        lowered = message.lower()
        if any(marker in lowered for marker in _AUTH_FAILURES):
            raise ConnectionConfigError(
                f"PostgreSQL at {address} refused the login: {reason}"
            ) from exc
        if "database \"" in lowered and "does not exist" in lowered:
            raise ConnectionConfigError(
                f"PostgreSQL at {address}: {reason} (create it first, e.g. with createdb)"
            ) from exc
        raise ConnectionConfigError(f"cannot reach PostgreSQL at {address}: {reason}") from exc
    except psycopg.Error as exc:
        raise ConnectionConfigError(
            f"cannot connect to PostgreSQL at {address}: {scrub(_one_line(str(exc)), dsn)}"
        ) from exc
