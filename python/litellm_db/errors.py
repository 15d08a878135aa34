"""Exceptions raised by litellm-db, chosen by the SQLSTATE the database reports.

Every SQLSTATE the SQL API raises is listed in docs/errors.md and maps to a
class below (``codes`` names the SQLSTATEs a class stands for). A code without
a class of its own gets its class's base, by the hundreds digit: ``LD0xx``
:class:`InvalidInputError`, ``LD1xx`` :class:`IdempotencyConflictError`,
``LD2xx`` :class:`NotFoundError`, ``LD3xx`` :class:`RefusedError`, ``LD9xx``
:class:`IntegrityError`. Errors the server raises for other reasons reach the
caller as :class:`DatabaseError`. The original psycopg exception is always the
``__cause__``; ``sqlstate``, ``detail`` and ``hint`` are copied from it.
"""

from __future__ import annotations

from typing import ClassVar

import psycopg


class LiteLLMDBError(Exception):
    """Base class of every error this package raises."""

    sqlstate: str | None = None
    codes: ClassVar[tuple[str, ...]] = ()
    """The SQLSTATEs this class is raised for (empty for the bases and Python-side errors)."""

    def __init__(self, message: str, *, sqlstate: str | None = None, detail: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        if sqlstate is not None:
            self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint


# -- the classes of codes ----------------------------------------------------------------------


class InvalidInputError(LiteLLMDBError):
    """An argument was rejected (LD0xx)."""


class IdempotencyConflictError(LiteLLMDBError):
    """A key was replayed with arguments that differ from the original (LD101)."""

    sqlstate = "LD101"
    codes = ("LD101",)


class NotFoundError(LiteLLMDBError):
    """Something the call refers to does not exist (LD2xx)."""


class RefusedError(LiteLLMDBError):
    """A business rule refused the operation (LD3xx): a cap, a budget, an expired hold."""


class IntegrityError(LiteLLMDBError):
    """An operation that would break the ledger's integrity (LD9xx)."""


# -- invalid input (LD0xx) ---------------------------------------------------------------------


class InvalidAmountError(InvalidInputError):
    """An amount or cost is NULL, NaN, infinite, negative, too precise or too large (LD001)."""

    sqlstate = "LD001"
    codes = ("LD001",)


class InvalidTokenCountError(InvalidInputError):
    """A token count is negative or too large (LD002)."""

    sqlstate = "LD002"
    codes = ("LD002",)


class UnknownPowerLevelError(InvalidInputError):
    """``power_level`` is not a row of ``litellm.power_levels`` (LD003)."""

    sqlstate = "LD003"
    codes = ("LD003",)


class InvalidUserIdError(InvalidInputError):
    """``user_id`` is NULL, blank or longer than 255 characters (LD004)."""

    sqlstate = "LD004"
    codes = ("LD004",)


class InvalidTransactionTypeError(InvalidInputError):
    """``add_user_credits`` got a type other than purchase, bonus, trial or promo (LD005)."""

    sqlstate = "LD005"
    codes = ("LD005",)


class CreditLimitError(InvalidInputError):
    """Crediting would take an account's purchased and granted credits to 10^14 or more (LD070)."""

    sqlstate = "LD070"
    codes = ("LD070",)


class InvalidSlotCountError(InvalidInputError):
    """``set_account_slots`` got a slot count NULL or outside 1 to 64 (LD080)."""

    sqlstate = "LD080"
    codes = ("LD080",)


class InvalidTimeRangeError(InvalidInputError):
    """``account_statement`` got a ``to_time`` before its ``from_time`` (LD082)."""

    sqlstate = "LD082"
    codes = ("LD082",)


class UnknownPackageError(InvalidInputError):
    """``package_id`` is not a row of ``litellm.credit_packages`` (LD006)."""

    sqlstate = "LD006"
    codes = ("LD006",)


class InvalidArgumentError(InvalidInputError):
    """A text argument is too long, or metadata is not a small JSON object (LD007)."""

    sqlstate = "LD007"
    codes = ("LD007",)


class InvalidExpiryError(InvalidInputError):
    """``expires_at`` is not in the future (LD008)."""

    sqlstate = "LD008"
    codes = ("LD008",)


class InvalidHoldTtlError(InvalidInputError):
    """A reservation's ``ttl`` is NULL, not positive, or over 7 days (LD010)."""

    sqlstate = "LD010"
    codes = ("LD010",)


class InvalidRowLimitError(InvalidInputError):
    """A listing or report got ``max_rows`` below 1; NULL (None) means every row (LD009)."""

    sqlstate = "LD009"
    codes = ("LD009",)


class CostRequiredError(InvalidInputError):
    """``record_llm_call`` got no cost and the database cannot price the call (LD020)."""

    sqlstate = "LD020"
    codes = ("LD020",)


class InvalidUsageArgumentError(InvalidInputError):
    """A usage or analytics argument is missing or out of range (LD021)."""

    sqlstate = "LD021"
    codes = ("LD021",)


class InvalidHealthReportError(InvalidInputError):
    """A provider health report or window is out of range (LD030)."""

    sqlstate = "LD030"
    codes = ("LD030",)


class MissingNameError(InvalidInputError):
    """A required provider, model or charge id is NULL or blank (LD031)."""

    sqlstate = "LD031"
    codes = ("LD031",)


class InvalidEffectiveTimeError(InvalidInputError):
    """A price's ``effective_from`` is NULL or infinite (LD032)."""

    sqlstate = "LD032"
    codes = ("LD032",)


class InvalidPriceSourceError(InvalidInputError):
    """A price's ``source`` is not manual, litellm or default (LD033)."""

    sqlstate = "LD033"
    codes = ("LD033",)


class InvalidProviderError(InvalidInputError):
    """A BYOK provider name is NULL or malformed (LD040)."""

    sqlstate = "LD040"
    codes = ("LD040",)


class NotEncryptedError(InvalidInputError):
    """A value stored as a BYOK key is not a Fernet token: a plaintext key is refused (LD041)."""

    sqlstate = "LD041"
    codes = ("LD041",)


class InvalidKeyIdError(InvalidInputError):
    """An encryption key fingerprint is malformed or missing (LD042)."""

    sqlstate = "LD042"
    codes = ("LD042",)


class InvalidBatchSizeError(InvalidInputError):
    """A key rotation batch size is outside 1..10000 (LD043)."""

    sqlstate = "LD043"
    codes = ("LD043",)


class RotationArgumentsError(InvalidInputError):
    """The arrays given to ``rotate_user_api_keys`` differ in length (LD044)."""

    sqlstate = "LD044"
    codes = ("LD044",)


class InvalidBudgetOperationError(InvalidInputError):
    """An internal budget operation got a bad kind or bad tags (LD050)."""

    sqlstate = "LD050"
    codes = ("LD050",)


class InvalidBudgetLevelError(InvalidInputError):
    """A budget level other than user, membership, team or organization, or ids it does not
    take (LD051)."""

    sqlstate = "LD051"
    codes = ("LD051",)


class InvalidBudgetPeriodError(InvalidInputError):
    """A budget period other than daily, weekly, monthly or none (LD052)."""

    sqlstate = "LD052"
    codes = ("LD052",)


class InvalidThresholdsError(InvalidInputError):
    """Soft thresholds that are not fractions in (0, 1] (LD053)."""

    sqlstate = "LD053"
    codes = ("LD053",)


class IdRequiredError(InvalidInputError):
    """An organisation id, team id (or a budget's model) is NULL or blank (LD054)."""

    sqlstate = "LD054"
    codes = ("LD054",)


class UnknownRoleError(InvalidInputError):
    """A team role other than owner, admin, member or viewer (LD055)."""

    sqlstate = "LD055"
    codes = ("LD055",)


class InvalidListingArgumentError(InvalidInputError):
    """A budget listing's days or subject is out of range or missing (LD056)."""

    sqlstate = "LD056"
    codes = ("LD056",)


class InvalidBudgetSharesError(InvalidInputError):
    """A budget's number of shares is NULL or outside 1..64 (LD071)."""

    sqlstate = "LD071"
    codes = ("LD071",)


class UnknownBudgetError(NotFoundError):
    """No budget with that budget_id (LD072)."""

    sqlstate = "LD072"
    codes = ("LD072",)


class InvalidSamplingWindowError(InvalidInputError):
    """``busy_accounts`` got samples outside 1 to 600 or seconds outside 0 to 60 (LD057)."""

    sqlstate = "LD057"
    codes = ("LD057",)


class PowerLevelInUseError(InvalidInputError):
    """Deleting, renaming or truncating a power level that journal entries name (LD058)."""

    sqlstate = "LD058"
    codes = ("LD058",)


class PowerLevelChangeIsolationError(InvalidInputError):
    """A power level deleted, renamed or truncated outside a read committed transaction
    (LD059)."""

    sqlstate = "LD059"
    codes = ("LD059",)


class InvalidTokenValidityError(InvalidInputError):
    """``issue_end_user_token`` got a validity that is NULL, not positive, or over a day (LD060)."""

    sqlstate = "LD060"
    codes = ("LD060",)


# -- not found (LD2xx) -------------------------------------------------------------------------


class UnknownReservationError(NotFoundError):
    """No hold with that request id for that user (LD201)."""

    sqlstate = "LD201"
    codes = ("LD201",)


class UnknownTransactionError(NotFoundError):
    """The journal entry does not exist (LD202)."""

    sqlstate = "LD202"
    codes = ("LD202",)


class UnknownUserError(NotFoundError):
    """The user has no account (LD203 from adjust_credits, LD221 from set_user_tier, LD081 from
    set_account_slots)."""

    codes = ("LD203", "LD221", "LD081")


class UnknownOrganizationError(NotFoundError):
    """The organisation does not exist (LD250)."""

    sqlstate = "LD250"
    codes = ("LD250",)


class UnknownTeamError(NotFoundError):
    """The team does not exist (LD251)."""

    sqlstate = "LD251"
    codes = ("LD251",)


class NotAMemberError(NotFoundError):
    """A membership budget for a user who is not in the team (LD252)."""

    sqlstate = "LD252"
    codes = ("LD252",)


class UnknownTierError(NotFoundError):
    """``tier`` is not a row of ``litellm.tiers`` (LD220)."""

    sqlstate = "LD220"
    codes = ("LD220",)


class NoPriceError(NotFoundError):
    """No price in force for the model and no fallback, or no conversion rate (LD222)."""

    sqlstate = "LD222"
    codes = ("LD222",)


# -- refused by a business rule (LD3xx) --------------------------------------------------------


class NotEnoughAvailableError(RefusedError):
    """A negative adjustment would take the available balance below zero (LD301)."""

    sqlstate = "LD301"
    codes = ("LD301",)


class ReservationExpiredError(RefusedError):
    """Settling a hold past its expiry (LD302)."""

    sqlstate = "LD302"
    codes = ("LD302",)


class ReservationReleasedError(RefusedError):
    """Settling a hold that was released (LD303)."""

    sqlstate = "LD303"
    codes = ("LD303",)


class ReservationSettledError(RefusedError):
    """Releasing a hold that was already settled (LD304)."""

    sqlstate = "LD304"
    codes = ("LD304",)


class NotRefundableError(RefusedError):
    """Refunding a journal entry that is not usage (LD305)."""

    sqlstate = "LD305"
    codes = ("LD305",)


class RefundTooLargeError(RefusedError):
    """A refund exceeds what is left to refund of the entry (LD306)."""

    sqlstate = "LD306"
    codes = ("LD306",)


class WrongIsolationLevelError(RefusedError):
    """The function needs READ COMMITTED: ``refresh_usage_summary`` (LD310), or not REPEATABLE
    READ: ``set_model_price`` (LD323)."""

    codes = ("LD310", "LD323")


class PackageRetiredError(RefusedError):
    """Buying a package that is no longer sold (LD320)."""

    sqlstate = "LD320"
    codes = ("LD320",)


class PriceInPastError(RefusedError):
    """A price change before now for a model that already has prices (LD321)."""

    sqlstate = "LD321"
    codes = ("LD321",)


class PriceAlreadyInForceError(RefusedError):
    """Another price of the model is already in force from that instant (LD322)."""

    sqlstate = "LD322"
    codes = ("LD322",)


class UsageGroupingError(RefusedError):
    """``usage_between``: an unknown grouping, or a user with a team, organisation or tenant
    (LD360)."""

    sqlstate = "LD360"
    codes = ("LD360",)


class UnknownMaintenanceJobError(RefusedError):
    """``run_maintenance`` of a job that is not in ``maintenance_jobs`` (LD361)."""

    sqlstate = "LD361"
    codes = ("LD361",)


class InvalidDateRangeError(RefusedError):
    """``usage_between`` or ``credit_flow_daily``: a NULL date, an end before the start, or a
    range of 36600 days or more (LD362)."""

    sqlstate = "LD362"
    codes = ("LD362",)


class ProviderAliasError(RefusedError):
    """The owner's change of ``provider_aliases`` was refused: some users have keys under both
    names (LD390), or the alias would chain aliases (LD391)."""

    codes = ("LD390", "LD391")


class BusyError(RefusedError):
    """Busy, retry: the call waited longer than its bound (5 s) for a lock another transaction
    held, and gave up with nothing written (PostgreSQL's lock_not_available, 55P03). Retrying is
    safe; if it keeps failing, a long-running transaction holds the same account, budget or key."""

    sqlstate = "55P03"
    codes = ("55P03",)


class EndUserTokenError(RefusedError):
    """Row-level security refused the session's end-user token (``litellm.end_user_token``):
    it is not a token (LD330) or its signature is not valid (LD331: tampered, forged, or signed
    with a key since rotated out). Such a session sees no rows until it sets a valid token."""

    codes: ClassVar[tuple[str, ...]] = ("LD330", "LD331")


class EndUserTokenExpiredError(EndUserTokenError):
    """The session's end-user token has expired (LD332): ask the application for a new one."""

    sqlstate = "LD332"
    codes = ("LD332",)


# -- integrity (LD9xx) -------------------------------------------------------------------------


class JournalImmutableError(IntegrityError):
    """An UPDATE, DELETE or TRUNCATE of the journal was attempted (LD901)."""

    sqlstate = "LD901"
    codes = ("LD901",)


class LedgerRowKeptError(IntegrityError):
    """A DELETE or TRUNCATE of accounts, slots, lots or holds, which the journal names (LD903)."""

    sqlstate = "LD903"
    codes = ("LD903",)


class LotsDisagreeError(IntegrityError):
    """The credit lots could not cover a charge or refund: the ledger is inconsistent (LD902)."""

    sqlstate = "LD902"
    codes = ("LD902",)


# -- business outcomes the client turns into exceptions (no SQLSTATE) --------------------------


class InsufficientCreditsError(LiteLLMDBError):
    """Raised by the client's ``charge`` helpers when a debit returns success = false.

    ``error_code`` is the debit's: ``insufficient_credits``, ``unknown_user``, or a
    business rule's code (a cap, a budget); subclasses name the common ones. In a
    LiteLLM proxy it answers HTTP 402 (``status_code``).
    """

    sqlstate = None
    status_code = 402

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message


class CapExceededError(InsufficientCreditsError):
    """A charge failed because it would pass a monthly spending cap."""


class BudgetExceededError(InsufficientCreditsError):
    """A charge failed because it would pass a user, team or organisation budget."""


class UnknownAccountError(InsufficientCreditsError):
    """A charge failed because the user has no account (no credits were ever added)."""


#: A refused charge's ``error_code`` -> the class the ``charge`` helpers raise: exactly the
#: refusal reasons the SQL functions return (tests/test_refusal_reasons.py reads them from the
#: installed functions and checks both directions). A code a newer database returns that is
#: not here gets the base class, InsufficientCreditsError.
REFUSAL_CLASSES: dict[str, type[InsufficientCreditsError]] = {
    "insufficient_credits": InsufficientCreditsError,
    "monthly_cap_exceeded": CapExceededError,
    "budget_exceeded": BudgetExceededError,
    "unknown_user": UnknownAccountError,
}


def charge_error(error_code: str | None, message: str | None) -> InsufficientCreditsError:
    """The exception for a debit that returned ``success = false``."""
    cls = REFUSAL_CLASSES.get(error_code or "", InsufficientCreditsError)
    return cls(message or f"debit failed: {error_code or 'unknown reason'}",
               error_code=error_code)


# -- Python-side errors ------------------------------------------------------------------------


class DatabaseError(LiteLLMDBError):
    """Any other error reported by the server or the driver."""


class InstallError(LiteLLMDBError):
    """The schema could not be installed or upgraded."""


class NotInstalledError(InstallError):
    """The database lacks a function this command or method needs: run ``litellm-db migrate``."""


class UnsupportedServerError(InstallError):
    """The server is older than PostgreSQL 14."""


class InvalidRoleNameError(InstallError, ValueError):
    """A role name given to the installer cannot name one of the package's roles.

    Not a lowercase identifier that needs no quoting, longer than 63 bytes,
    reserved (``pg_...``, ``public``), the same as another of the four, or a role
    that would defeat its purpose (a superuser, the installing role). Raised
    before anything is written.
    """


class RoleNamesChangedError(InstallError):
    """The installer was asked for role names other than the ones the database records.

    Nothing was changed; pass ``change_roles=True`` (``--change-roles``) to move the
    database's privileges to the new roles.
    """


class UnsafeDatabaseError(InstallError):
    """The database is set up so that someone other than the installer could steer the install.

    A package schema (``litellm``, ``litellm_archive``) or an object in it that
    belongs to a role the installer does not trust, a trigger, policy or rule on
    a package table that the package did not create, or a role chosen for every
    session by the database's settings. Raised before anything is written.
    """


class UnexpectedResultError(LiteLLMDBError, LookupError):
    """A function returned a result the client cannot read as its method's (no row where one is
    promised): the connected database's API differs from this version of the package."""


class ConnectionConfigError(LiteLLMDBError):
    """No usable connection could be made from the given settings."""


class EncryptionKeyError(LiteLLMDBError):
    """The BYOK encryption key is missing or malformed (LITELLM_ENCRYPTION_KEY, BYOK_...)."""


class DecryptionError(LiteLLMDBError):
    """A stored key cannot be decrypted with any configured encryption key."""


class InvalidApiKeyError(InvalidInputError):
    """A provider API key does not have the provider's format (checked before storing)."""


def _subclasses(cls: type[LiteLLMDBError]) -> list[type[LiteLLMDBError]]:
    found: list[type[LiteLLMDBError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


_BY_SQLSTATE: dict[str, type[LiteLLMDBError]] = {
    code: cls for cls in _subclasses(LiteLLMDBError) for code in cls.codes
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
    return cls(message, sqlstate=diag.sqlstate, detail=diag.message_detail, hint=diag.message_hint)
