"""Exceptions raised by litellm-db, chosen by the SQLSTATE the database reports.

Every SQLSTATE the SQL API raises is listed in docs/errors.md; each maps to one
class below. Errors the server raises for other reasons reach the caller as
:class:`DatabaseError` with the original psycopg exception as ``__cause__``.
"""

from __future__ import annotations

import psycopg


class LiteLLMDBError(Exception):
    """Base class of every error this package raises."""

    sqlstate: str | None = None

    def __init__(self, message: str, *, sqlstate: str | None = None, detail: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        if sqlstate is not None:
            self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint


class InvalidInputError(LiteLLMDBError):
    """An argument was rejected (LD0xx)."""


class InvalidAmountError(InvalidInputError):
    sqlstate = "LD001"


class InvalidTokenCountError(InvalidInputError):
    sqlstate = "LD002"


class UnknownPowerLevelError(InvalidInputError):
    sqlstate = "LD003"


class InvalidUserIdError(InvalidInputError):
    sqlstate = "LD004"


class InvalidTransactionTypeError(InvalidInputError):
    sqlstate = "LD005"


class UnknownPackageError(InvalidInputError):
    sqlstate = "LD006"


class InvalidArgumentError(InvalidInputError):
    sqlstate = "LD007"


class NotFoundError(LiteLLMDBError):
    """Something the call refers to does not exist (LD2xx)."""


class RefusedError(LiteLLMDBError):
    """A business rule refused the operation (LD3xx): a cap, a budget, an expired hold."""


class IntegrityError(LiteLLMDBError):
    """An operation that would break the ledger's integrity (LD9xx)."""


class IdempotencyConflictError(LiteLLMDBError):
    """A key was replayed with arguments that differ from the original (LD101)."""

    sqlstate = "LD101"


class JournalImmutableError(IntegrityError):
    """An UPDATE, DELETE or TRUNCATE of the journal was attempted (LD901)."""

    sqlstate = "LD901"


class InsufficientCreditsError(LiteLLMDBError):
    """Raised by the client's ``charge`` helpers when a debit returns success = false."""

    sqlstate = None

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        super().__init__(message)
        self.error_code = error_code


class DatabaseError(LiteLLMDBError):
    """Any other error reported by the server or the driver."""


class InstallError(LiteLLMDBError):
    """The schema could not be installed or upgraded."""


class UnsupportedServerError(InstallError):
    """The server is older than PostgreSQL 14."""


class ConnectionConfigError(LiteLLMDBError):
    """No usable connection could be made from the given settings."""


_BY_SQLSTATE: dict[str, type[LiteLLMDBError]] = {
    cls.sqlstate: cls
    for cls in (
        InvalidAmountError, InvalidTokenCountError, UnknownPowerLevelError, InvalidUserIdError,
        InvalidTransactionTypeError, UnknownPackageError, InvalidArgumentError,
        IdempotencyConflictError, JournalImmutableError,
    )
    if cls.sqlstate
}


# The hundreds digit of an LD code is its class (docs/errors.md), so a code
# without a class of its own still gets the right base class.
_BY_CLASS: dict[str, type[LiteLLMDBError]] = {
    "LD0": InvalidInputError,
    "LD1": IdempotencyConflictError,
    "LD2": NotFoundError,
    "LD3": RefusedError,
    "LD9": IntegrityError,
}


def error_class(sqlstate: str | None) -> type[LiteLLMDBError]:
    """The exception class for a SQLSTATE (DatabaseError when it is not one of ours)."""
    code = sqlstate or ""
    return _BY_SQLSTATE.get(code) or _BY_CLASS.get(code[:3], DatabaseError)


def translate(exc: psycopg.Error) -> LiteLLMDBError:
    """Build this package's exception for a psycopg error; raise it ``from exc``."""
    diag = exc.diag
    cls = error_class(diag.sqlstate)
    message = diag.message_primary or str(exc)
    err = cls(message, sqlstate=diag.sqlstate, detail=diag.message_detail, hint=diag.message_hint)
    return err
