"""Crossing a soft threshold sends one NOTIFY on litellm_budget_alerts, when the charge commits."""

from __future__ import annotations

import json

import psycopg

CHANNEL = "litellm_budget_alerts"


def charge(conn: psycopg.Connection, user: str, amount: str) -> bool:
    with conn.transaction():
        row = conn.execute(
            "select ok from litellm._apply_budgets(%s, null, 'gpt-4', %s::numeric, 'charge')",
            (user, amount),
        ).fetchone()
    assert row is not None
    return bool(row[0])


def test_threshold_crossing_notifies_once_with_the_documented_payload(
    conn: psycopg.Connection, db: str
) -> None:
    conn.execute("select litellm.create_organization('n-org')")
    conn.execute("select litellm.create_team('n-team', 'n-org')")
    conn.execute("select litellm.add_team_member('n-user', 'n-team')")
    budget_id = conn.execute(
        "select budget_id from litellm.set_budget('team', 10, team_id => 'n-team',"
        " soft_thresholds => '{0.5,0.9}')"
    ).fetchone()[0]  # type: ignore[index]

    with psycopg.connect(db, autocommit=True) as listener:
        listener.execute(f"listen {CHANNEL}")
        assert charge(conn, "n-user", "4")
        assert list(listener.notifies(timeout=0.5)) == [], "below the threshold: no notification"

        # A crossing that rolls back sends nothing and records nothing.
        try:
            with conn.transaction():
                conn.execute("select litellm._apply_budgets('n-user', null, null, 2, 'charge')")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert list(listener.notifies(timeout=0.5)) == []

        assert charge(conn, "n-user", "2")
        got = list(listener.notifies(timeout=2, stop_after=1))
        assert len(got) == 1 and got[0].channel == CHANNEL
        payload = json.loads(got[0].payload)
        alert_id = conn.execute("select alert_id from litellm.budget_alerts").fetchone()[0]  # type: ignore[index]
        assert payload == {
            "alert_id": alert_id,
            "budget_id": budget_id,
            "level": "team",
            "user_id": None,
            "team_id": "n-team",
            "organization_id": None,
            "model": None,
            "period": "monthly",
            "period_start": payload["period_start"],
            "threshold": 0.5,
            "hard_limit": 10.0,
            "spent": 6.0,
            "charged_user_id": "n-user",
            "charged_team_id": "n-team",
            "created_at": payload["created_at"],
        }
        assert payload["period_start"].endswith("-01")

        # Dropping below and crossing again in the period: no second notification.
        conn.execute("select * from litellm._apply_budgets('n-user', null, null, 2, 'refund')")
        assert charge(conn, "n-user", "2")
        assert list(listener.notifies(timeout=0.5)) == []

        # Past the next threshold: its own notification, once.
        assert charge(conn, "n-user", "3.5")
        got = list(listener.notifies(timeout=2, stop_after=1))
        assert [json.loads(n.payload)["threshold"] for n in got] == [0.9]
        assert list(listener.notifies(timeout=0.5)) == []
