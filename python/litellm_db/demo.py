"""A realistic demo data set, loaded through the SQL API only.

Eight users on different tiers buy seed 000's credit packages with Stripe,
receive welcome bonuses, and make a few hundred LLM calls across providers,
models and power levels over the last 20 days. Some calls fail at the
provider (rate limits, timeouts) and one user runs out of credits, so the
journal, the usage log, the daily summary and the provider health table all
have something to show.

Every credit movement goes through ``add_user_credits`` / ``debit_user_credits``
with stable charge ids, idempotency keys and request ids, so loading the data
twice changes nothing: the second load's calls come back ``replayed``, and usage
log rows whose request id is already logged are skipped. The data set is
generated from a fixed seed; only its timestamps follow the clock.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from .errors import LiteLLMDBError, translate

SEED = 20251020
DAYS = 20
MICRO = Decimal("0.000001")
CENT = Decimal("0.01")
REQUEST_PREFIX = "req_demo_"
SOURCE = "litellm-db demo"


@dataclass(frozen=True)
class _Model:
    provider: str
    model: str
    usd_in: Decimal  # USD per million prompt tokens
    usd_out: Decimal  # USD per million completion tokens
    latency_ms: int  # typical latency


def _m(provider: str, model: str, usd_in: str, usd_out: str, latency_ms: int) -> _Model:
    return _Model(provider, model, Decimal(usd_in), Decimal(usd_out), latency_ms)


# Which models each power level routes to (seed 000's provider lists).
MODELS: dict[str, tuple[_Model, ...]] = {
    "eco": (
        _m("openrouter", "mistralai/mixtral-8x7b-instruct", "0.24", "0.24", 1400),
        _m("together", "meta-llama/Llama-3.1-70B-Instruct-Turbo", "0.88", "0.88", 1100),
        _m("deepinfra", "meta-llama/Meta-Llama-3.1-8B-Instruct", "0.03", "0.05", 900),
        _m("deepinfra", "Qwen/Qwen2.5-72B-Instruct", "0.35", "0.40", 1600),
    ),
    "balanced": (
        _m("openai", "gpt-4o-mini", "0.15", "0.60", 800),
        _m("openai", "gpt-4o", "2.50", "10.00", 1300),
        _m("anthropic", "claude-3-5-haiku", "0.80", "4.00", 1000),
        _m("openrouter", "mistralai/mixtral-8x7b-instruct", "0.24", "0.24", 1400),
    ),
    "precision": (
        _m("anthropic", "claude-3-5-sonnet", "3.00", "15.00", 1700),
        _m("openai", "gpt-4o", "2.50", "10.00", 1300),
    ),
}

# Chance that a call fails at the provider, and how.
PROVIDER_FAILURES: dict[str, tuple[float, str]] = {
    "openai": (0.02, "rate_limit"),
    "anthropic": (0.03, "rate_limit"),
    "openrouter": (0.07, "rate_limit"),
    "together": (0.04, "timeout"),
    "deepinfra": (0.16, "timeout"),
}
ERROR_MESSAGES = {
    "rate_limit": "429 Too Many Requests: rate limit reached for requests",
    "timeout": "Request timed out after 30000 ms",
}


@dataclass(frozen=True)
class _DemoUser:
    user_id: str
    tier: str
    packages: tuple[int, ...]
    welcome: Decimal
    calls: int
    levels: tuple[int, int, int]  # weights of eco, balanced, precision
    promo: Decimal | None = None


USERS: tuple[_DemoUser, ...] = (
    _DemoUser("demo-alice", "enterprise", (4,), Decimal(100), 70, (1, 3, 4)),
    _DemoUser("demo-bob", "professional", (3,), Decimal(50), 55, (2, 5, 2), Decimal(25)),
    _DemoUser("demo-carol", "starter", (2, 1), Decimal(25), 45, (3, 5, 1)),
    _DemoUser("demo-dave", "starter", (1,), Decimal(25), 30, (4, 3, 0)),
    _DemoUser("demo-erin", "professional", (2, 2), Decimal(50), 45, (2, 4, 3)),
    _DemoUser("demo-frank", "free", (), Decimal(20), 30, (6, 2, 0)),
    _DemoUser("demo-grace", "enterprise", (4, 3), Decimal(100), 50, (1, 4, 4)),
    # A trial user with a tiny balance: most of her calls are refused.
    _DemoUser("demo-tina", "free", (), Decimal("1.5"), 25, (0, 2, 3)),
)
LEVELS = ("eco", "balanced", "precision")


@dataclass(frozen=True)
class _Call:
    user: _DemoUser
    request_id: str
    age: timedelta  # how long before "now" the call happened
    power_level: str
    model: _Model
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    provider_error: str | None


@dataclass(frozen=True)
class UserBalance:
    user_id: str
    tier: str
    credits_remaining: Decimal
    total_purchased: Decimal
    total_granted: Decimal
    total_spent: Decimal


@dataclass(frozen=True)
class ProviderSpend:
    provider: str
    requests: int
    cost: Decimal


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`load_demo_data` made (the same numbers on every load)."""

    users: tuple[UserBalance, ...]
    purchases: int
    grants: int
    debits_ok: int
    debits_failed: int
    provider_errors: int
    usage_rows_added: int
    usage_rows_present: int
    replayed: int
    providers_checked: int
    spend_by_provider: tuple[ProviderSpend, ...] = field(default_factory=tuple)

    @property
    def credit_operations(self) -> int:
        return self.purchases + self.grants + self.debits_ok

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: amounts as strings, so nothing passes through a float."""
        return {
            "users": [
                {"user_id": u.user_id, "tier": u.tier,
                 "credits_remaining": str(u.credits_remaining),
                 "total_purchased": str(u.total_purchased),
                 "total_granted": str(u.total_granted), "total_spent": str(u.total_spent)}
                for u in self.users
            ],
            "purchases": self.purchases,
            "grants": self.grants,
            "debits_ok": self.debits_ok,
            "debits_failed": self.debits_failed,
            "provider_errors": self.provider_errors,
            "usage_rows_added": self.usage_rows_added,
            "usage_rows_present": self.usage_rows_present,
            "replayed": self.replayed,
            "providers_checked": self.providers_checked,
            "spend_by_provider": [
                {"provider": p.provider, "requests": p.requests, "cost": str(p.cost)}
                for p in self.spend_by_provider
            ],
        }

    def format(self) -> str:
        """A short readable report."""
        calls = self.debits_ok + self.debits_failed + self.provider_errors
        lines = [
            f"Demo data: {len(self.users)} users, {self.purchases} Stripe purchases,"
            f" {self.grants} bonus/promo grants, {calls} LLM calls"
            f" ({self.debits_ok} charged, {self.debits_failed} refused for insufficient credits,"
            f" {self.provider_errors} provider errors).",
        ]
        if self.usage_rows_present and not self.usage_rows_added:
            lines.append(
                f"Already loaded: {self.replayed} credit operations replayed without charging"
                f" again, {self.usage_rows_present} usage rows kept."
            )
        else:
            lines.append(
                f"Added {self.usage_rows_added} usage log rows over the last {DAYS} days"
                + (f" ({self.replayed} credit operations were already there)."
                   if self.replayed else ".")
            )
        lines.append("")
        lines.append(f"  {'user':<12} {'tier':<13} {'balance':>16} {'spent':>13}")
        for u in self.users:
            lines.append(
                f"  {u.user_id:<12} {u.tier:<13} {u.credits_remaining:>16} {u.total_spent:>13}"
            )
        lines.append("")
        lines.append("  Spend by provider (llm_usage_summary):")
        lines.append(f"  {'provider':<12} {'requests':>9} {'credits':>14}")
        for p in self.spend_by_provider:
            lines.append(f"  {p.provider:<12} {p.requests:>9} {p.cost:>14}")
        return "\n".join(lines)


def _micro(value: Decimal) -> Decimal:
    return value.quantize(MICRO, rounding=ROUND_HALF_UP)


def _plan(rng: random.Random) -> list[_Call]:
    calls: list[_Call] = []
    for user in USERS:
        for i in range(1, user.calls + 1):
            level = rng.choices(LEVELS, weights=user.levels)[0]
            model = rng.choice(MODELS[level])
            prompt = rng.randint(120, 4000)
            completion = rng.randint(30, 1500)
            age = timedelta(seconds=rng.randint(60, DAYS * 86400))
            chance, kind = PROVIDER_FAILURES[model.provider]
            failed = rng.random() < chance
            latency = (30000 if failed and kind == "timeout"
                       else int(model.latency_ms * rng.uniform(0.55, 1.9)))
            short = user.user_id.removeprefix("demo-")
            calls.append(_Call(
                user=user, request_id=f"{REQUEST_PREFIX}{short}_{i:04d}", age=age,
                power_level=level, model=model, prompt_tokens=prompt,
                completion_tokens=completion, latency_ms=latency,
                provider_error=kind if failed else None,
            ))
    calls.sort(key=lambda c: (-c.age, c.request_id))  # oldest first
    return calls


def _cost(call: _Call, multipliers: dict[str, Decimal], markups: dict[str, Decimal],
          credits_per_usd: Decimal) -> tuple[Decimal, Decimal]:
    """(cost in USD at the provider, cost in credits charged to the user)."""
    usd = _micro((call.prompt_tokens * call.model.usd_in
                  + call.completion_tokens * call.model.usd_out) / Decimal(1_000_000))
    credits = _micro(usd * credits_per_usd * multipliers[call.power_level]
                     * (1 + markups[call.user.tier]))
    return usd, credits


def load_demo_data(conn: psycopg.Connection, *, seed: int = SEED) -> DemoSummary:
    """Load the demo data set into an installed database, in one transaction.

    Safe to repeat: nothing is charged, credited or logged twice.
    """
    try:
        with conn.transaction():
            return _load(conn, seed)
    except psycopg.Error as exc:
        raise translate(exc) from exc


def _load(conn: psycopg.Connection, seed: int) -> DemoSummary:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    multipliers: dict[str, Decimal] = dict(conn.execute(
        "select power_level, cost_multiplier from litellm.power_levels"
    ).fetchall())
    markups: dict[str, Decimal] = dict(
        conn.execute("select tier, markup from litellm.tiers").fetchall())
    # The conversion rate is the database's (pricing_settings), never a copy here.
    rate = conn.execute("select credits_per_usd from litellm.pricing_settings").fetchone()
    if rate is None:
        raise LiteLLMDBError("the demo needs the conversion rate in litellm.pricing_settings")
    credits_per_usd = Decimal(rate[0])
    packages = {pid: (name, credits) for pid, name, credits in conn.execute(
        "select package_id, name, credits from litellm.credit_packages"
    )}
    missing = [lv for lv in LEVELS if lv not in multipliers]
    missing += [u.tier for u in USERS if u.tier not in markups]
    missing += [str(p) for u in USERS for p in u.packages if p not in packages]
    if missing:
        raise LiteLLMDBError(
            "the demo needs seed 000's catalogue rows (power levels, tiers, packages);"
            f" missing: {', '.join(sorted(set(missing)))}"
        )

    replayed = purchases = grants = 0
    for user in USERS:
        short = user.user_id.removeprefix("demo-")
        replayed += _credit(conn, user.user_id, user.welcome, "bonus", "trial",
                            description="Welcome bonus", key=f"demo-welcome-{short}")
        grants += 1
        if user.promo is not None:
            replayed += _credit(conn, user.user_id, user.promo, "promo", "promo",
                                description="Referral promotion", key=f"demo-promo-{short}")
            grants += 1
        for n, package_id in enumerate(user.packages, start=1):
            name, credits = packages[package_id]
            replayed += _credit(conn, user.user_id, credits, "purchase", "stripe",
                                charge=f"ch_demo_{short}_{n}", package_id=package_id,
                                description=name)
            purchases += 1
        # An admin step: tiers are account settings, not journal entries.
        conn.execute(
            "update litellm.user_credits set tier = %s where user_id = %s and tier <> %s",
            (user.tier, user.user_id, user.tier),
        )

    calls = _plan(rng)
    user_ids = [u.user_id for u in USERS]
    logged = {row[0] for row in conn.execute(
        "select request_id from litellm.llm_usage_log"
        " where user_id = any(%s) and request_id like %s",
        (user_ids, REQUEST_PREFIX + "%"),
    )}
    rows: list[tuple[Any, ...]] = []
    debits_ok = debits_failed = provider_errors = 0
    for call in calls:
        usd, credits = _cost(call, multipliers, markups, credits_per_usd)
        created_at = now - call.age
        m = call.model
        if call.provider_error:
            provider_errors += 1
            rows.append(_log_row(call, created_at, prompt=call.prompt_tokens, completion=0,
                                 credits=Decimal(0), usd=Decimal(0), success=False,
                                 error_type=call.provider_error,
                                 error_message=ERROR_MESSAGES[call.provider_error]))
            continue
        result = conn.execute(
            "select success, transaction_id, error_code, error_message, replayed"
            " from litellm.debit_user_credits(user_id => %s, cost => %s, provider => %s,"
            " model => %s, prompt_tokens => %s, completion_tokens => %s,"
            " power_level => %s, metadata => %s)",
            (call.user.user_id, credits, m.provider, m.model, call.prompt_tokens,
             call.completion_tokens, call.power_level,
             Jsonb({"request_id": call.request_id, "source": SOURCE,
                    "endpoint": "/v1/chat/completions"})),
        ).fetchone()
        assert result is not None
        success, transaction_id, error_code, error_message, was_replayed = result
        replayed += bool(was_replayed)
        if success:
            debits_ok += 1
            rows.append(_log_row(call, created_at, prompt=call.prompt_tokens,
                                 completion=call.completion_tokens, credits=credits, usd=usd,
                                 success=True, error_type=None, error_message=None,
                                 transaction_id=transaction_id))
        else:
            debits_failed += 1
            rows.append(_log_row(call, created_at, prompt=0, completion=0, credits=Decimal(0),
                                 usd=Decimal(0), success=False,
                                 error_type=error_code,
                                 error_message=error_message,
                                 latency_ms=3 + call.latency_ms % 20))

    new_rows = [r for r in rows if r[_REQUEST_ID] not in logged]
    if new_rows:
        # The calls reach back into last month: give it its own partition too.
        conn.execute("select from litellm.ensure_usage_log_partitions(months_behind => 1)")
        with conn.cursor() as cur:
            cur.executemany(
                "insert into litellm.llm_usage_log (user_id, provider, model, power_level,"
                " prompt_tokens, completion_tokens, total_tokens, cost_credits, cost_usd,"
                " success, latency_ms, request_id, error_type, error_message, created_at,"
                " transaction_id, request_metadata)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                new_rows,
            )
    providers = _provider_health(conn, calls)
    conn.execute("select litellm.refresh_usage_summary()")
    return DemoSummary(
        users=tuple(_balances(conn, user_ids)),
        purchases=purchases,
        grants=grants,
        debits_ok=debits_ok,
        debits_failed=debits_failed,
        provider_errors=provider_errors,
        usage_rows_added=len(new_rows),
        usage_rows_present=len(rows) - len(new_rows),
        replayed=replayed,
        providers_checked=providers,
        spend_by_provider=tuple(_spend(conn, user_ids)),
    )


def _credit(conn: psycopg.Connection, user_id: str, amount: Decimal, transaction_type: str,
            payment_method: str, *, description: str, key: str | None = None,
            charge: str | None = None, package_id: int | None = None) -> int:
    """One add_user_credits call; returns 1 when it was a replay."""
    row = conn.execute(
        "select replayed from litellm.add_user_credits(user_id => %s, amount => %s,"
        " transaction_type => %s, payment_method => %s, stripe_transaction_id => %s,"
        " package_id => %s, description => %s, metadata => %s, idempotency_key => %s)",
        (user_id, amount, transaction_type, payment_method, charge, package_id, description,
         Jsonb({"source": SOURCE}), key),
    ).fetchone()
    assert row is not None
    return int(bool(row[0]))


_REQUEST_ID = 11  # position of request_id in a _log_row tuple


def _log_row(call: _Call, created_at: datetime, *, prompt: int, completion: int,
             credits: Decimal, usd: Decimal, success: bool, error_type: str | None,
             error_message: str | None, latency_ms: int | None = None,
             transaction_id: int | None = None) -> tuple[Any, ...]:
    m = call.model
    return (
        call.user.user_id, m.provider, m.model, call.power_level, prompt, completion,
        prompt + completion, credits, usd, success,
        call.latency_ms if latency_ms is None else latency_ms,
        call.request_id, error_type, error_message, created_at, transaction_id,
        Jsonb({"source": SOURCE, "endpoint": "/v1/chat/completions"}),
    )


def _provider_health(conn: psycopg.Connection, calls: Sequence[_Call]) -> int:
    """Upsert provider_health from the demo's calls (seed 000's statement)."""
    totals: dict[str, list[int]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    last_error: dict[str, str] = {}
    for call in calls:
        if call.provider_error:
            failures[call.model.provider] += 1
            last_error[call.model.provider] = ERROR_MESSAGES[call.provider_error]
        else:
            totals[call.model.provider].append(call.latency_ms)
    for provider in sorted(set(totals) | set(failures)):
        ok = totals[provider]
        count = len(ok) + failures[provider]
        rate = (Decimal(100) * len(ok) / count).quantize(CENT, rounding=ROUND_HALF_UP)
        latency = round(sum(ok) / len(ok)) if ok else None
        status = "healthy" if rate >= 95 else "degraded" if rate >= 80 else "down"
        conn.execute(
            "insert into litellm.provider_health"
            " (provider, status, avg_latency_ms, success_rate, error_count, last_error)"
            " values (%s, %s, %s, %s, %s, %s)"
            " on conflict (provider) do update set status = excluded.status,"
            " avg_latency_ms = excluded.avg_latency_ms, success_rate = excluded.success_rate,"
            " error_count = excluded.error_count, last_error = excluded.last_error,"
            " last_check = now()",
            (provider, status, latency, rate, failures[provider], last_error.get(provider)),
        )
    return len(set(totals) | set(failures))


def _balances(conn: psycopg.Connection, user_ids: list[str]) -> list[UserBalance]:
    out = []
    with conn.cursor(row_factory=dict_row) as cur:
        for user_id in user_ids:
            row = cur.execute(
                "select user_id, tier, credits_remaining, total_purchased, total_granted,"
                " total_spent from litellm.get_user_balance(%s)", (user_id,),
            ).fetchone()
            if row is not None:
                out.append(UserBalance(**row))
    return out


def _spend(conn: psycopg.Connection, user_ids: list[str]) -> list[ProviderSpend]:
    rows = conn.execute(
        "select provider, sum(request_count)::bigint, coalesce(sum(total_cost), 0)"
        " from litellm.llm_usage_summary where user_id = any(%s)"
        " group by provider order by 3 desc, provider",
        (user_ids,),
    ).fetchall()
    return [ProviderSpend(p, int(n or 0), Decimal(c)) for p, n, c in rows]
