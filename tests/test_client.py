"""litellm_db.Client against a real database: results, errors by SQLSTATE, transactions."""

from __future__ import annotations

import threading
from decimal import Decimal

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from litellm_db import errors
from litellm_db.client import Balance, Client, CreditResult, DebitResult, to_amount


@pytest.fixture
def client(conn: psycopg.Connection) -> Client:
    return Client(conn)


def test_add_debit_and_balance_round_trip(client: Client) -> None:
    credit = client.add_user_credits("py-user", 100, "bonus", "trial", description="Welcome")
    assert isinstance(credit, CreditResult)
    assert (credit.credits_remaining, credit.amount_credited, credit.replayed) == \
        (Decimal(100), Decimal(100), False)
    debit = client.debit_user_credits("py-user", 0.05, "openai", "gpt-4", 100, 200, "balanced",
                                      {"request_id": "req-py-1"})
    assert isinstance(debit, DebitResult)
    assert debit.success and debit.credits_remaining == Decimal("99.95")
    assert debit.amount_debited == Decimal("0.05")  # the float 0.05, exactly
    balance = client.get_user_balance("py-user")
    assert isinstance(balance, Balance)
    assert (balance.credits_remaining, balance.total_spent, balance.transaction_count) == \
        (Decimal("99.95"), Decimal("0.05"), 2)
    assert client.get_user_balance("nobody") is None


def test_a_replayed_debit_returns_the_original(client: Client) -> None:
    client.add_user_credits("py-replay", 10)
    first = client.debit_user_credits("py-replay", "1.5", "openai", "gpt-4", request_id="r-1")
    second = client.debit_user_credits("py-replay", "1.5", "openai", "gpt-4", request_id="r-1")
    assert second.replayed and second.transaction_id == first.transaction_id
    assert second.credits_remaining == first.credits_remaining == Decimal("8.5")


def test_failures_are_results_and_charge_raises(client: Client) -> None:
    client.add_user_credits("py-poor", 1)
    result = client.debit_user_credits("py-poor", 2)
    assert not result.success and result.error_code == "insufficient_credits"
    with pytest.raises(errors.InsufficientCreditsError) as info:
        client.charge("py-poor", 2)
    assert info.value.error_code == "insufficient_credits"
    assert client.charge("py-poor", 1).credits_remaining == 0


@pytest.mark.parametrize(
    ("call", "exc_type", "sqlstate"),
    [
        (lambda c: c.debit_user_credits("u", Decimal("NaN")), errors.InvalidAmountError, "LD001"),
        (lambda c: c.debit_user_credits("u", 1, prompt_tokens=-1), errors.InvalidTokenCountError,
         "LD002"),
        (lambda c: c.debit_user_credits("u", 1, power_level="warp"), errors.UnknownPowerLevelError,
         "LD003"),
        (lambda c: c.debit_user_credits("", 1), errors.InvalidUserIdError, "LD004"),
        (lambda c: c.add_user_credits("u", 1, "usage"), errors.InvalidTransactionTypeError,
         "LD005"),
        (lambda c: c.add_user_credits("u", 1, package_id=77), errors.UnknownPackageError, "LD006"),
        (lambda c: c.debit_user_credits("u", 1, request_id="r" * 300), errors.InvalidArgumentError,
         "LD007"),
    ],
)
def test_bad_input_raises_the_documented_exception(
    client: Client, call, exc_type: type[errors.LiteLLMDBError], sqlstate: str
) -> None:
    with pytest.raises(exc_type) as info:
        call(client)
    assert info.value.sqlstate == sqlstate
    assert isinstance(info.value.__cause__, psycopg.Error)
    assert isinstance(info.value, errors.InvalidInputError)


def test_idempotency_conflict_names_the_field(client: Client) -> None:
    client.add_user_credits("py-c", 5, stripe_transaction_id="ch_py")
    with pytest.raises(errors.IdempotencyConflictError) as info:
        client.add_user_credits("py-c", 6, stripe_transaction_id="ch_py")
    assert "amount" in str(info.value)
    assert info.value.detail and "field: amount" in info.value.detail


def test_journal_edits_map_to_journal_immutable(conn: psycopg.Connection) -> None:
    Client(conn).add_user_credits("py-j", 5)
    with pytest.raises(psycopg.Error) as raw:
        conn.execute("delete from litellm.credit_transactions")
    assert isinstance(errors.translate(raw.value), errors.JournalImmutableError)


def test_transaction_groups_calls_and_rolls_back_together(db: str) -> None:
    with psycopg.connect(db) as conn:
        client = Client(conn)
        with pytest.raises(errors.InvalidAmountError), client.transaction() as tx:
            tx.add_user_credits("py-tx", 10)
            tx.debit_user_credits("py-tx", -1)
        assert client.get_user_balance("py-tx") is None
        conn.rollback()


def test_a_pooled_client_is_safe_across_threads(db: str) -> None:
    with Client(ConnectionPool(db, min_size=2, max_size=4, open=True)) as client:
        client.add_user_credits("py-pool", 100)
        threads = [
            threading.Thread(target=lambda i=i: [
                client.debit_user_credits("py-pool", "0.5", request_id=f"p-{i}-{n}")
                for n in range(10)
            ])
            for i in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        balance = client.get_user_balance("py-pool")
        assert balance is not None and balance.credits_remaining == Decimal(80)


def test_client_connect_needs_a_dsn(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DATABASE_URL", "POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_DB",
                "POSTGRES_USER", "POSTGRES_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(errors.ConnectionConfigError):
        Client.connect()


def test_to_amount_is_exact() -> None:
    assert to_amount(0.1) == Decimal("0.1")
    assert to_amount("0.000001") == Decimal("0.000001")
    assert to_amount(3) == Decimal(3)
