"""litellm_db.Client against a real database: results, errors by SQLSTATE, transactions."""

from __future__ import annotations

import dataclasses
import inspect
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from litellm_db import calls, errors
from litellm_db.client import (
    AsyncClient,
    Balance,
    Client,
    CreditResult,
    DebitResult,
    async_method,
    sync_method,
    to_amount,
)
from repo import REPO


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


def test_the_statement_of_a_split_account(client: Client, conn: psycopg.Connection) -> None:
    """account_statement: the account's entries in id order without the transfers between its
    slots, each with the running balance of the whole account."""
    client.add_user_credits("py-slots", 40, "purchase")
    client.debit_user_credits("py-slots", 1, "openai", "gpt-4")
    client.set_account_slots("py-slots", 4)
    for cost, request in ((4, "s-1"), (30, "s-2"), (1, "s-3")):
        conn.execute("select litellm._charge_slots(%s, %s, %s)", ("py-slots", cost, request))
    rows = client.account_statement("py-slots")
    assert all(isinstance(r, calls.AccountStatementEntry) for r in rows)
    assert [r.transaction_type for r in rows] == ["purchase", "usage", "usage", "usage", "usage"]
    assert [r.account_balance for r in rows] == [40, 39, 35, 5, 4]
    assert [r.transaction_id for r in rows] == sorted(r.transaction_id for r in rows)
    assert len({r.slot for r in rows}) > 1  # the charges were journalled on different slots
    assert client.account_statement("py-slots", max_rows=2) == rows[:2]
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert client.account_statement("py-slots", from_time=tomorrow) == []
    with pytest.raises(errors.InvalidTimeRangeError):
        client.account_statement("py-slots", from_time=datetime.now(UTC),
                                 to_time=datetime.now(UTC) - timedelta(seconds=1))
    with pytest.raises(errors.InvalidRowLimitError):
        client.account_statement("py-slots", max_rows=0)


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


# -- the API surface: both clients, every builder, the catalog ---------------------------------

BUILDERS = {
    name: fn for name, fn in vars(calls).items()
    if inspect.isfunction(fn) and fn.__module__ == calls.__name__ and not name.startswith("_")
    and inspect.signature(fn).return_annotation.startswith("Call[")
}


def test_both_clients_have_a_method_for_every_builder() -> None:
    assert len(BUILDERS) >= 20
    for name in BUILDERS:
        assert isinstance(Client.__dict__.get(name), sync_method), f"Client.{name}"
        assert isinstance(AsyncClient.__dict__.get(name), async_method), f"AsyncClient.{name}"
    sync_names = {n for n, v in Client.__dict__.items() if isinstance(v, sync_method)}
    async_names = {n for n, v in AsyncClient.__dict__.items() if isinstance(v, async_method)}
    assert sync_names == async_names == {*BUILDERS, "charge"}  # charge: a plan of one debit


CATALOG = """
select p.proname,
       coalesce(array(select a.n from unnest(p.proargnames, coalesce(p.proargmodes, array_fill(
           'i'::"char", array[coalesce(cardinality(p.proargnames), 0)]))) as a (n, m)
           where a.m in ('i', 'b')),
           '{}') as inputs,
       p.pronargdefaults,
       coalesce(nullif(array(select a.n from unnest(p.proargnames, p.proargmodes) as a (n, m)
                             where a.m in ('o', 't', 'b')), '{}'),
                array(select a.attname::text from pg_type as t
                      join pg_attribute as a on a.attrelid = t.typrelid
                      where t.oid = p.prorettype and a.attnum > 0 and not a.attisdropped)
       ) as outputs,
       p.prorettype::regtype::text as returns
from pg_proc as p
where p.pronamespace = 'litellm'::regnamespace and p.proname !~ '^_'
  and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype
"""


def _catalog(conn: psycopg.Connection) -> dict[str, tuple[list[str], int, list[str], str]]:
    return {name: (inputs, defaults, outputs, returns)
            for name, inputs, defaults, outputs, returns in conn.execute(CATALOG).fetchall()}


def test_every_public_sql_function_has_a_client_method(conn: psycopg.Connection) -> None:
    """One method per function: a new SQL function needs a builder in litellm_db/calls.py."""
    missing = sorted(set(_catalog(conn)) - set(BUILDERS))
    assert missing == [], "add builders (and client methods) for these SQL functions"


def test_builders_match_the_sql_signatures(conn: psycopg.Connection) -> None:
    catalog = _catalog(conn)
    for name, build in BUILDERS.items():
        if name not in catalog:
            continue  # a function of a newer release; the call fails with 42883 meanwhile
        inputs, defaults, outputs, _ = catalog[name]
        params = list(inspect.signature(build).parameters.values())
        assert [p.name for p in params] == inputs, name
        required = [p.name for p in params if p.default is inspect.Parameter.empty]
        assert required == inputs[: len(inputs) - defaults], f"{name}: required arguments"
        restated = [p.name for p in params
                    if p.name not in required and p.default is not calls.DEFAULT]
        assert restated == [], f"{name}: Python restates the SQL default of {restated}"
        call = build(*[[] if "Sequence" in str(p.annotation) else "1"
                       for p in params if p.name in required])
        if call.row_type is not None:
            fields = {f.name for f in dataclasses.fields(call.row_type) if
                      f.default is dataclasses.MISSING}
            assert fields <= set(outputs), f"{name}: {sorted(fields - set(outputs))}"
            assert call.shape in ("one", "optional", "many"), name
        else:
            assert call.shape in ("scalar", "column"), name


# -- exceptions: every documented SQLSTATE -----------------------------------------------------

DOCUMENTED = re.findall(r"^\|\s*`(LD\d{3})`\s*\|[^|]*\|[^|]*\|\s*`(\w+)`\s*\|\s*$",
                        (REPO / "docs" / "errors.md").read_text(), re.M)


def test_docs_list_codes_with_classes() -> None:
    assert len(DOCUMENTED) >= 20


@pytest.mark.parametrize(("code", "documented"), DOCUMENTED, ids=[c for c, _ in DOCUMENTED])
def test_every_documented_sqlstate_raises_its_class(
    conn: psycopg.Connection, code: str, documented: str,
) -> None:
    """The SQLSTATE, raised by the server and read by the driver, becomes the documented class
    (or a more specific subclass of it), with the server's message, detail and hint."""
    with pytest.raises(psycopg.Error) as raw:
        conn.execute(
            f"do $$ begin raise exception using errcode = '{code}', message = 'm {code}',"
            " detail = 'd', hint = 'h'; end $$"
        )
    err = errors.translate(raw.value)
    base = getattr(errors, documented)
    assert isinstance(err, base)
    assert code in type(err).codes, f"{code} has no class of its own"
    assert (err.sqlstate, str(err), err.detail, err.hint) == (code, f"m {code}", "d", "h")


def test_an_undocumented_code_falls_back_to_its_class() -> None:
    assert errors.error_class("LD099") is errors.InvalidInputError
    assert errors.error_class("LD299") is errors.NotFoundError
    assert errors.error_class("LD399") is errors.RefusedError
    assert errors.error_class("LD999") is errors.IntegrityError
    assert errors.error_class("23505") is errors.DatabaseError
    assert errors.error_class(None) is errors.DatabaseError


def test_charge_raises_a_class_per_refusal() -> None:
    assert type(errors.charge_error("monthly_cap_exceeded", "m")) is errors.CapExceededError
    assert type(errors.charge_error("budget_exceeded", "m")) is errors.BudgetExceededError
    assert type(errors.charge_error("unknown_user", "m")) is errors.UnknownAccountError
    err = errors.charge_error("insufficient_credits", None)
    assert type(err) is errors.InsufficientCreditsError and err.status_code == 402


def test_server_errors_keep_the_psycopg_error_as_cause(client: Client) -> None:
    with pytest.raises(errors.NotFoundError) as info:
        client.settle_reservation("nobody", "no-such-hold", 1)
    assert isinstance(info.value, errors.UnknownReservationError)
    assert isinstance(info.value.__cause__, psycopg.Error)


# -- arguments and results ---------------------------------------------------------------------


def test_an_argument_left_out_is_not_sent() -> None:
    call = calls.debit_user_credits("u", 1, request_id=calls.DEFAULT)
    assert call.args == {"user_id": "u", "cost": Decimal(1)}
    assert call.query == (b"select * from litellm.debit_user_credits(user_id => %(user_id)s,"
                          b" cost => %(cost)s)")
    assert call.query is calls.debit_user_credits("v", 2).query  # built once


def test_none_is_sent_as_null() -> None:
    call = calls.debit_user_credits("u", 1, metadata=None, request_id=None)
    assert call.args == {"user_id": "u", "cost": Decimal(1), "metadata": None,
                         "request_id": None}
    assert calls.set_budget("user", 1, soft_thresholds=None).args["soft_thresholds"] is None
    assert calls.record_llm_call("u", "p", "m", cost=None).args["cost"] is None


def test_null_reaches_the_sql_function_and_a_left_out_argument_gets_its_default(
    client: Client,
) -> None:
    """``top_models``: max_rows left out is the SQL default (5 rows), NULL is every row."""
    client.add_user_credits("py-null", 100, "bonus")
    for i in range(7):
        client.record_llm_call("py-null", "openai", f"model-{i}", 10, 10, cost=i + 1)
    client.refresh_usage_summary()
    assert len(client.top_models()) == 5
    assert len(client.top_models(max_rows=None)) == 7
    assert len(client.top_models(max_rows=2)) == 2
    with pytest.raises(errors.InvalidInputError):  # NULL where the SQL refuses it: sent, refused
        client.add_user_credits("py-null", 1, transaction_type=None)


def test_a_result_of_the_wrong_shape_raises_a_package_error() -> None:
    """No row where one is promised: a LiteLLMDBError (and a LookupError), never a bare one."""
    assert calls.get_user_balance("u").result([]) is None  # optional: no row is None
    with pytest.raises(errors.UnexpectedResultError, match="returned 0 rows") as caught:
        calls.add_user_credits("u", 1).result([])
    assert isinstance(caught.value, LookupError)


def test_a_column_the_client_does_not_know_is_ignored(conn: psycopg.Connection) -> None:
    """A newer database may add result columns; an older client keeps working."""
    conn.execute("create function pg_temp.x() returns table (transaction_id bigint, extra text,"
                 " credits_remaining numeric, amount_credited numeric, replayed boolean)"
                 " language sql as $$ select 1::bigint, 'new', 2::numeric, 3::numeric, false $$")
    with conn.cursor(row_factory=calls.Call.one("x", CreditResult).row_factory) as cur:
        row = cur.execute("select * from pg_temp.x()").fetchone()
    assert row == CreditResult(1, Decimal(2), Decimal(3), False)


def test_methods_show_the_builders_signature() -> None:
    assert str(inspect.signature(Client.get_user_balance)) == "(user_id: 'str') -> 'Balance | None'"
    assert str(inspect.signature(AsyncClient.get_user_balance)) == \
        "(user_id: 'str') -> 'Awaitable[Balance | None]'"
    assert Client.get_user_balance.__doc__ == calls.get_user_balance.__doc__


def test_a_method_called_on_the_class_takes_the_client(client: Client) -> None:
    assert Client.get_user_balance(client, "nobody") is None


# -- every method against a real database ------------------------------------------------------
# The scenario is data: (method, arguments from the results so far, check). The sync
# test runs it with Client, tests/test_async_client.py with AsyncClient.

Ctx = dict[str, Any]
Arguments = Callable[[Ctx], tuple[tuple[Any, ...], dict[str, Any]]]
Step = tuple[str, Arguments, Callable[[Any, Ctx], None]]
FERNET = "gAAAAA" + "x" * 94
KEY_ID = "0123456789abcdef"


def _args(*args: Any, **kwargs: Any) -> Arguments:
    return lambda ctx: (args, kwargs)


def _check(predicate: Callable[[Any], bool]) -> Callable[[Any, Ctx], None]:
    def check(result: Any, ctx: Ctx) -> None:
        assert predicate(result), result
    return check


def _keep(name: str, predicate: Callable[[Any], bool] = lambda r: True
          ) -> Callable[[Any, Ctx], None]:
    def check(result: Any, ctx: Ctx) -> None:
        assert predicate(result), result
        ctx[name] = result
    return check


TODAY = datetime.now(UTC).date()

SCENARIO: list[Step] = [
    ("add_user_credits", _args("every-user", 100, "purchase", description="start"),
     _check(lambda r: r.credits_remaining == 100 and not r.replayed)),
    ("set_user_tier", _args("every-user", "starter", "test"), _check(lambda r: r.changed)),
    ("set_account_slots", _args("every-user", 1),
     _check(lambda r: r.slots == 1 and r.credits_remaining == 100)),
    ("account_statement", _args("every-user"),
     _check(lambda r: [(e.account_balance, e.balance_after) for e in r] == [(100, 100)])),
    ("create_organization", _args("every-org", "Every Org"),
     _check(lambda r: r.organization_id == "every-org")),
    ("create_team", _args("every-team", "every-org", "Every Team"),
     _check(lambda r: r.organization_id == "every-org")),
    ("add_team_member", _args("every-user", "every-team"),
     _check(lambda r: r.role == "member" and r.is_primary)),
    ("set_budget", _args("team", 1000, team_id="every-team", soft_thresholds=["0.5"]),
     _keep("budget", lambda r: r.hard_limit == 1000 and r.soft_thresholds == [Decimal("0.5")])),
    ("set_budget_shares", lambda ctx: ((ctx["budget"].budget_id, 4), {}),
     _check(lambda r: r.shares == 4)),
    ("set_model_price", _args("every-prov", "every-model", "1.5", 3),
     _check(lambda r: r.action == "added")),
    ("get_model_price", _args("every-prov", "every-model"),
     _check(lambda r: r.prompt_per_1m == Decimal("1.5"))),
    ("calculate_cost", _args("every-prov", "every-model", 1_000_000, 0),
     _check(lambda r: isinstance(r, Decimal) and r > 0)),
    ("usd_to_credits", _args("0.0000015"), _check(lambda r: r == Decimal("0.000015"))),
    ("debit_user_credits", _args("every-user", 2, "openai", "gpt-4", 10, 20, request_id="d-1"),
     _keep("debit", lambda r: r.success and r.credits_remaining == 98)),
    ("get_user_balance", _args("every-user"),
     _check(lambda r: r.credits_remaining == 98 and r.tier == "starter")),
    # A procedure that commits: the call path (CALL, autocommit) without touching every-user.
    ("debit_user_credits_early_release", _args("no-such-user", 1, request_id="er-1"),
     _check(lambda r: not r.success and r.error_code == "unknown_user")),
    ("reserve_credits", _args("every-user", 5, "hold-1"),
     _check(lambda r: r.success and r.amount_held == 5)),
    ("settle_reservation", _args("every-user", "hold-1", 3, "openai", "gpt-4"),
     _check(lambda r: r.success and r.amount_charged == 3 and r.amount_released == 2)),
    ("reserve_credits", _args("every-user", 5, "hold-2"), _check(lambda r: r.success)),
    ("release_reservation", _args("every-user", "hold-2"), _check(lambda r: r.released)),
    ("refund_transaction", lambda ctx: ((ctx["debit"].transaction_id, "test", "refund-1"), {}),
     _check(lambda r: r.amount_refunded == 2)),
    ("adjust_credits", _args("every-user", -1, "test", "adjust-1"),
     _check(lambda r: r.credits_remaining == 96)),
    ("expire_credits", _args(), _check(lambda r: r.users_swept >= 0)),
    ("verify_ledger", _args(), _check(lambda r: r == [])),
    ("record_llm_call", _args("every-user", "openai", "gpt-4", 10, 20, cost="0.5",
                              litellm_call_id="call-1", tenant_id="t", service_name="svc",
                              operation="op", team_id="team", organization_id="org"),
     _check(lambda r: r.success and r.charged and r.amount_charged == Decimal("0.5"))),
    ("record_llm_call", _args("every-user", "openai", "gpt-4", success=False,
                              error_type="Timeout", litellm_call_id="call-2"),
     _check(lambda r: not r.charged)),
    ("refresh_usage_summary", _args(), _check(lambda r: r >= 1)),
    ("ensure_usage_log_partitions", _args(), _check(lambda r: isinstance(r, list))),
    ("usage_daily", _args("every-user"), _check(lambda r: r[0].request_count == 2)),
    ("top_models", _args(), _check(lambda r: r[0].model == "gpt-4")),
    ("top_spenders", _args(), _check(lambda r: r[0].user_id == "every-user")),
    ("provider_breakdown", _args(), _check(lambda r: r[0].provider == "openai")),
    ("failed_calls", _args(), _check(lambda r: r[0].error_type == "Timeout")),
    ("usage_by_tenant", _args(), _check(lambda r: any(x.tenant_id == "t" for x in r))),
    ("tenant_usage_daily", _args("t"), _check(lambda r: r[0].request_count == 1)),
    ("usage_by_operation", _args(), _check(lambda r: any(x.operation == "op" for x in r))),
    ("team_usage", _args(), _check(lambda r: any(x.team_id == "team" for x in r))),
    ("organization_usage", _args(), _check(lambda r: any(x.organization_id == "org" for x in r))),
    ("usage_between", _args(TODAY - timedelta(days=1), TODAY + timedelta(days=1), "user"),
     _check(lambda r: any(x.subject == "every-user" and x.request_count == 2 for x in r))),
    ("credit_flow_daily", _args(TODAY - timedelta(days=1), TODAY + timedelta(days=1), "every-user"),
     _check(lambda r: sum(d.purchased for d in r) > 0)),
    ("credit_totals", _args(), _check(lambda r: sum(t.accounts for t in r) >= 1)),
    ("run_maintenance", _args("expire_credits"), _check(lambda r: r.status == "ok")),
    ("busy_accounts", _args(0, 1), _check(lambda r: r == [])),
    ("record_provider_health", _args("every-prov", "healthy", 100, 99),
     _check(lambda r: r.status == "healthy")),
    ("refresh_provider_health", _args(dry_run=True),
     _check(lambda r: any(x.provider == "openai" for x in r))),
    ("select_providers", _args("balanced"), _check(lambda r: len(r) >= 1 and r[0].rank == 1)),
    ("purchase_credit_package", _args("every-user", 1, "stripe", "ch_every"),
     _check(lambda r: r.amount_credited == 100)),
    ("canonical_provider", _args(" Together_AI "), _check(lambda r: r == "together")),
    ("store_user_api_key", _args("every-user", "openai", FERNET, "sk-...xxxx",
                                 encryption_key_id=KEY_ID),
     _check(lambda r: r.created)),
    ("get_user_api_key", _args("every-user", "openai"),
     _check(lambda r: r.encrypted_api_key == FERNET)),
    ("get_user_api_keys", _args("every-user"), _check(lambda r: [k.provider for k in r] ==
                                                     ["openai"])),
    ("list_user_api_keys", _args("every-user"), _check(lambda r: r[0].key_hint == "sk-...xxxx")),
    ("set_user_api_key_enabled", _args("every-user", "openai", False), _check(lambda r: r)),
    ("count_user_api_keys_to_rotate", _args("fedcba9876543210"), _check(lambda r: r == 1)),
    ("list_user_api_keys_to_rotate", _args("fedcba9876543210"),
     _keep("rot", lambda r: len(r) == 1)),
    ("rotate_user_api_keys", lambda ctx: (([ctx["rot"][0].id], [FERNET], ["gAAAAA" + "y" * 94],
                                           "fedcba9876543210"), {}),
     _check(lambda r: len(r) == 1)),
    ("delete_user_api_key", _args("every-user", "openai"), _check(lambda r: r)),
    ("get_budget_status", _args("every-user"),
     _check(lambda r: [b.level for b in r] == ["team"] and r[0].hard_limit == 1000)),
    ("list_budget_alerts", _args(team_id="every-team"), _check(lambda r: r == [])),
    ("get_daily_spend", _args(team_id="every-team"), _check(lambda r: isinstance(r, list))),
    ("remove_team_member", _args("every-user", "every-team"), _check(lambda r: r is True)),
    ("issue_end_user_token", _args("every-user", timedelta(minutes=5)),
     _check(lambda r: isinstance(r, str) and r.count(".") == 2)),
    ("current_end_user_id", _args(), _check(lambda r: r is None)),  # no token in this session
    ("rotate_end_user_token_key", _args(), _check(lambda r: isinstance(r, int) and r >= 1)),
    ("archive_usage_logs", _args(), _check(lambda r: r == [])),
    ("drop_archived_usage_logs", _args(timedelta(days=3650)), _check(lambda r: r == [])),
    ("reserve_credits", _args("every-user", 5, "hold-3"), _check(lambda r: r.success)),
    ("settle_llm_call", _args("every-user", "hold-3", 1, "openai", "gpt-4", 10, 20,
                              latency_ms=5, cost_usd="0.01", response_metadata={"id": "x"}),
     _check(lambda r: r.amount_charged == 1 and r.amount_released == 4 and r.usage_log_id
            and not r.replayed)),
]


def test_the_scenario_covers_every_method() -> None:
    assert {name for name, _, _ in SCENARIO} == set(BUILDERS)


def test_every_method_against_a_real_database(client: Client) -> None:
    ctx: Ctx = {}
    for name, arguments, check in SCENARIO:
        args, kwargs = arguments(ctx)
        check(getattr(client, name)(*args, **kwargs), ctx)
