"""A seeded database for the operators' commands (usage, top, report, metrics).

Three weeks of calls from five users over three providers, in two organisations,
three teams and two tenants, some failing; purchases, grants, debits, a hold
and two budgets; then refresh_usage_summary(), so the summaries answer.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count

import psycopg
from psycopg import sql

USERS = ("alice", "bob", "carol", "dave", "erin")
MODELS = (("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("anthropic", "claude-3-5-sonnet"),
          ("groq", "llama-3.1-70b"))
TEAMS = {"alice": ("acme", "research", "tenant-a"), "bob": ("acme", "research", "tenant-a"),
         "carol": ("acme", "support", "tenant-b"), "dave": ("globex", "ops", None),
         "erin": (None, None, None)}


def seed(conn: psycopg.Connection, days: int = 21, calls: int = 400) -> None:
    """Fill an installed database (autocommit superuser connection)."""
    rng = random.Random(16)
    now = datetime.now(UTC)
    conn.execute("select litellm.create_organization('acme', 'Acme')")
    conn.execute("select litellm.create_organization('globex', 'Globex')")
    for org, team, _tenant in {v for v in TEAMS.values() if v[0]}:
        conn.execute("select litellm.create_team(%s, %s, %s)", (team, org, team.title()))
    for user in USERS:
        conn.execute("select litellm.add_user_credits(%s, 500, 'purchase', 'stripe', %s)",
                     (user, f"ch_{user}"))
        conn.execute("select litellm.add_user_credits(%s, 50, 'bonus')", (user,))
        org, team, _tenant = TEAMS[user]
        if team:
            conn.execute("select litellm.add_team_member(%s, %s)", (user, team))
    conn.execute("select litellm.set_budget('user', 100, user_id => 'alice',"
                 " soft_thresholds => array[0.5, 0.9])")
    conn.execute("select litellm.set_budget('team', 300, team_id => 'research')")
    ids = count(1)
    rows = []
    for _ in range(calls):
        user = rng.choice(USERS)
        provider, model = rng.choice(MODELS)
        org, team, tenant = TEAMS[user]
        created = now - timedelta(days=rng.randrange(days), minutes=rng.randrange(600))
        ok = rng.random() > 0.1
        prompt, completion = rng.randrange(10, 2000), rng.randrange(0, 800) if ok else 0
        cost = (Decimal(prompt + completion) / 1000).quantize(Decimal("0.000001")) if ok else 0
        rows.append((created, user, provider, model, prompt, completion, prompt + completion,
                     cost, (Decimal(cost) / 10).quantize(Decimal("0.00000001")), ok,
                     rng.randrange(200, 3000), f"req-{next(ids)}",
                     None if ok else rng.choice(("rate_limit", "timeout")),
                     tenant, team, org))
    with conn.cursor() as cur:
        cur.executemany(
            "insert into litellm.llm_usage_log (created_at, user_id, provider, model,"
            " prompt_tokens, completion_tokens, total_tokens, cost_credits, cost_usd, success,"
            " latency_ms, request_id, error_type, tenant_id, team_id, organization_id)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    # Some real debits (journal usage entries), a live hold.
    for user in USERS[:3]:
        for i in range(3):
            conn.execute(
                "select * from litellm.debit_user_credits(%s, %s::numeric, 'openai', 'gpt-4o',"
                " 100, 50, metadata => %s::jsonb)",
                (user, "7.5", f'{{"request_id": "d-{user}-{i}"}}'))
    conn.execute("select * from litellm.reserve_credits('bob', 20::numeric, 'hold-1')")
    conn.execute("select litellm.refresh_usage_summary()")


def make_login(conn: psycopg.Connection, purpose: str) -> str:
    """A login role granted only the package's ``purpose`` role (analyst, app); returns it."""
    name = f"i16_{purpose}_login"
    exists = conn.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone()
    if not exists:
        conn.execute(sql.SQL("create role {} login").format(sql.Identifier(name)))
    group = conn.execute("select role_name from litellm.role_names where purpose = %s",
                         (purpose,)).fetchone()
    assert group is not None
    conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group[0]),
                                                  sql.Identifier(name)))
    return name
