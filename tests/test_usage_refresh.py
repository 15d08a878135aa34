"""refresh_usage_summary() outside READ COMMITTED is refused, not silently lossy."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import IsolationLevel

from litellm_db import errors


@pytest.mark.parametrize("level", [IsolationLevel.REPEATABLE_READ, IsolationLevel.SERIALIZABLE])
def test_refresh_refuses_snapshot_isolation(db: str, level: IsolationLevel) -> None:
    """It waits for the old queue slot's writers; an older snapshot would miss their rows."""
    with psycopg.connect(db) as conn:
        conn.isolation_level = level
        conn.execute("insert into litellm.llm_usage_log (user_id, provider, model)"
                     " values ('rr', 'openai', 'gpt-4')")
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("select litellm.refresh_usage_summary()")
        assert caught.value.diag.sqlstate == "LD310"
        assert issubclass(errors.error_class("LD310"), errors.RefusedError)
        conn.rollback()
        conn.isolation_level = IsolationLevel.READ_COMMITTED
        conn.execute("insert into litellm.llm_usage_log (user_id, provider, model)"
                     " values ('rr', 'openai', 'gpt-4')")
        assert conn.execute("select litellm.refresh_usage_summary()").fetchone() == (1,)
