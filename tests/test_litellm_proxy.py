"""A real LiteLLM proxy (``litellm --config``) with the logger, driven over HTTP by the ``openai``
client: every answer the proxy serves is charged, durably, exactly once.

One proxy and one PostgreSQL cluster of its own serve the whole module (the cluster is
restarted by one test, the proxy stopped with SIGTERM by the last). The models answer with
``mock_response`` (offline, LiteLLM's bundled price list): a plain one, an alias of a dearer
model, a group whose first deployment always fails (the router retries it on the other), a
model that only answers through a fallback, and a slow one. Authentication is a
``custom_auth`` function, as in docs/litellm.md: each key names a user, team and
organisation, without LiteLLM's own database.

After each test: the served answers and the usage rows match one to one by response id, every
one with a journal entry; ``verify_ledger()`` is empty; no balance is below zero; no hold is
left open.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

# Before LiteLLM is imported anywhere: its bundled cost map, never the network.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import psycopg
import pytest

import litellm_db
from litellm_db.testing import PgServer, find_bindir, pg_ctl_start, start_cluster, stop_cluster

openai = pytest.importorskip("openai")
pytest.importorskip("litellm.proxy.proxy_server", reason="needs litellm[proxy]")

pytestmark = pytest.mark.slow

MASTER_KEY = "sk-test-master"
KEYS = {  # key: (user, team, organisation), as the custom_auth function below maps them
    "sk-alice": ("px-alice", "px-team", "px-org"),
    "sk-bob": ("px-bob", None, None),
    "sk-carol": ("px-carol", None, None),
    "sk-poor": ("px-poor", None, None),
    "sk-flow": ("px-flow", None, None),
    "sk-restart": ("px-restart", None, None),
    "sk-term": ("px-term", None, None),
    "sk-teamed": ("px-teamed", "px-small-team", None),
    "sk-nobody": (None, None, None),
}
MESSAGES = [{"role": "user", "content": "Say hello"}]

CONFIG = """\
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: sk-not-used
      mock_response: "Hello from the mock"
  - model_name: smart
    litellm_params:
      model: openai/gpt-4
      api_key: sk-not-used
      mock_response: "A considered answer"
  - model_name: flaky
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-not-used
      api_base: http://127.0.0.1:9/v1
  - model_name: flaky
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: sk-not-used
      mock_response: "Answered on the second try"
  - model_name: broken
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-not-used
      api_base: http://127.0.0.1:9/v1
  - model_name: down
    litellm_params:
      model: openai/gpt-4o
      api_key: sk-not-used
      api_base: http://127.0.0.1:9/v1
  - model_name: slow
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: sk-not-used
      mock_response: "Worth the wait"
      mock_delay: 2
litellm_settings:
  callbacks: litellm_db.litellm_logger.proxy_handler
router_settings:
  num_retries: 3
  retry_after: 0
  allowed_fails: 1000
  fallbacks: [{"broken": ["gpt-4o-mini"]}, {"flaky": ["gpt-4o-mini"]}]
general_settings:
  master_key: sk-test-master
  custom_auth: auth.user_api_key_auth
"""

AUTH = f'''\
from fastapi import HTTPException, Request
from litellm.proxy._types import LitellmUserRoles, UserAPIKeyAuth

KEYS = {KEYS!r}


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    if api_key == {MASTER_KEY!r}:
        return UserAPIKeyAuth(api_key=api_key, user_role=LitellmUserRoles.PROXY_ADMIN,
                              user_id="default_user_id")
    if api_key not in KEYS:
        raise HTTPException(status_code=401, detail="unknown key")
    user, team, org = KEYS[api_key]
    return UserAPIKeyAuth(api_key=api_key, user_id=user, team_id=team, org_id=org)
'''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Proxy:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    served: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Every answer a client received: response id -> (user, when)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, key: str, **options: Any) -> Any:
        return openai.OpenAI(base_url=self.url, api_key=key, max_retries=0, timeout=60,
                             **options)

    def chat(self, key: str, model: str = "gpt-4o-mini", *, stream: bool = False,
             **extra: Any) -> str:
        """One chat completion; returns its text and remembers its response id as served."""
        client = self.client(key)
        user = KEYS.get(key, (extra.get("user"),))[0] or extra.get("user")
        if stream:
            parts, rid = [], None
            for chunk in client.chat.completions.create(model=model, messages=MESSAGES,
                                                        stream=True, **extra):
                rid = chunk.id
                if chunk.choices and chunk.choices[0].delta.content:
                    parts.append(chunk.choices[0].delta.content)
                if chunk.choices and chunk.choices[0].finish_reason:
                    self.record(rid, user)  # the answer is complete: served
            return "".join(parts)
        response = client.chat.completions.create(model=model, messages=MESSAGES, **extra)
        self.record(response.id, user)
        return response.choices[0].message.content or ""

    def record(self, response_id: str, user: str) -> None:
        with self.lock:
            self.served[response_id] = (user, datetime.now(UTC))


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgServer]:
    if os.environ.get("LITELLM_DB_TEST_DSN"):
        pytest.skip("needs a server this module starts and restarts: unset LITELLM_DB_TEST_DSN")
    bindir = find_bindir()
    assert bindir is not None, "PostgreSQL server binaries are required"
    root = Path(tempfile.mkdtemp(prefix="litellm-db-proxy-"))
    server = start_cluster(bindir, root)
    try:
        yield server
    finally:
        stop_cluster(server, "immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def dsn(cluster: PgServer) -> str:
    name = cluster.create_database()
    with psycopg.connect(cluster.dsn(name), autocommit=True) as conn:
        litellm_db.install(conn)
        conn.execute("create role px_gateway login in role litellm_app")
    return psycopg.conninfo.make_conninfo(cluster.dsn(name), user="px_gateway")


def admin(dsn: str) -> psycopg.Connection:
    return psycopg.connect(dsn, user="postgres", autocommit=True)


@pytest.fixture(scope="module")
def proxy(dsn: str) -> Iterator[Proxy]:
    work = Path(tempfile.mkdtemp(prefix="litellm-db-proxy-conf-"))
    (work / "config.yaml").write_text(CONFIG)
    (work / "auth.py").write_text(AUTH)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL",) and not k.startswith(("POSTGRES_", "PG"))}
    env.update(LITELLM_DB_DSN=dsn, LITELLM_LOCAL_MODEL_COST_MAP="True",
               PYTHONPATH=os.pathsep.join([str(work), env.get("PYTHONPATH", "")]),
               LITELLM_LOG="ERROR", NO_DOCS="True")
    log = work / "proxy.log"
    litellm_bin = Path(sys.executable).parent / "litellm"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(litellm_bin), "--config", "config.yaml", "--host", "127.0.0.1",
             "--port", str(port), "--num_workers", "1"],
            cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    import httpx

    while True:
        if process.poll() is not None:
            pytest.fail(f"the proxy exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/health/liveliness", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the proxy did not start:\n{log.read_text()[-4000:]}")
        time.sleep(0.5)
    running = Proxy(url, process, log)
    try:
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def fund(dsn: str, user: str, credits: Decimal | int | str) -> None:
    with admin(dsn) as conn:
        conn.execute("select litellm.add_user_credits(%s, %s)", (user, Decimal(credits)))


def rows(dsn: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    with admin(dsn) as conn:
        return conn.execute(query, args or None).fetchall()


def check_books(dsn: str, proxy: Proxy, since: Any) -> None:
    """Since ``since``: charges == served answers (by response id); the books balance."""
    usage = rows(dsn, """
        select response_metadata ->> 'response_id', user_id, transaction_id, cost_credits
        from litellm.llm_usage_log where success and created_at >= %s""", since)
    charged = {rid: (user, tx, cost) for rid, user, tx, cost in usage}
    assert len(charged) == len(usage), "two usage rows for one answer"
    with proxy.lock:
        served = {rid: user for rid, (user, at) in proxy.served.items() if at >= since}
    assert set(charged) == set(served), (
        f"served but not charged: {sorted(set(served) - set(charged))};"
        f" charged but not served: {sorted(set(charged) - set(served))}")
    for rid, user in served.items():
        owner, tx, cost = charged[rid]
        assert owner == user and tx is not None and cost > 0, (rid, owner, tx, cost)
    journal = rows(dsn, """
        select count(*) from litellm.credit_transactions
        where transaction_type = 'usage' and created_at >= %s""", since)[0][0]
    assert journal == len(served)
    assert rows(dsn, "select * from litellm.verify_ledger()") == []
    assert rows(dsn, "select user_id from litellm.user_credits where credits_remaining < 0"
                " or credits_held < 0") == []
    assert rows(dsn, "select user_id, request_id from litellm.credit_holds"
                " where status = 'held'") == []


@pytest.fixture
def books(dsn: str, proxy: Proxy) -> Iterator[None]:
    since = rows(dsn, "select clock_timestamp()")[0][0]
    yield
    deadline = time.monotonic() + 10  # a failure hook may still be releasing
    while rows(dsn, "select 1 from litellm.credit_holds where status = 'held'"):
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check_books(dsn, proxy, since)


def balance(dsn: str, user: str) -> tuple[Decimal, Decimal]:
    row = rows(dsn, "select credits_remaining, credits_held from litellm.get_user_balance(%s)",
               user)
    return row[0]


# -- answers and charges ----------------------------------------------------------------------


def test_every_answer_is_charged_once(dsn: str, proxy: Proxy, books: None) -> None:
    fund(dsn, "px-alice", 100)
    assert proxy.chat("sk-alice") == "Hello from the mock"
    assert proxy.chat("sk-alice", stream=True) == "Hello from the mock"
    assert proxy.chat("sk-alice", "smart") == "A considered answer"
    assert proxy.chat("sk-alice", "smart", stream=True) == "A considered answer"
    usage = rows(dsn, """
        select model, provider, team_id, organization_id, cost_usd, cost_credits,
               litellm.usd_to_credits(cost_usd)
        from litellm.llm_usage_log where user_id = 'px-alice' order by created_at""")
    # The model the provider served, without its provider prefix; the key's team and org.
    assert [r[:4] for r in usage] == [("gpt-4o-mini", "openai", "px-team", "px-org")] * 2 + \
        [("gpt-4", "openai", "px-team", "px-org")] * 2
    # LiteLLM's dollars converted by the database's rate.
    assert all(r[5] == r[6] > 0 for r in usage)
    remaining, held = balance(dsn, "px-alice")
    assert held == 0 and remaining == 100 - sum(r[5] for r in usage)


def test_a_router_retry_is_one_charge_and_no_failure(dsn: str, proxy: Proxy,
                                                     books: None) -> None:
    """flaky's first deployment always fails; the router retries, on the other one or through
    its fallback. broken only answers through its fallback; down never answers. The failure
    events of the failed attempts release nothing and log nothing; a request that finally
    fails logs one failure and releases its hold."""
    fund(dsn, "px-bob", 100)
    answers = {"Answered on the second try", "Hello from the mock"}
    for _ in range(4):
        assert proxy.chat("sk-bob", "flaky") in answers
    assert proxy.chat("sk-bob", "broken") == "Hello from the mock"
    assert proxy.chat("sk-bob", "flaky", stream=True) in answers
    assert rows(dsn, "select count(*) from litellm.llm_usage_log where user_id = 'px-bob'"
                " and not success") == [(0,)]
    with pytest.raises(openai.InternalServerError):
        proxy.chat("sk-bob", "down")
    assert rows(dsn, "select count(*), count(distinct request_id), count(*) filter (where"
                " not success and transaction_id is null) from litellm.llm_usage_log"
                " where user_id = 'px-bob'") == [(7, 7, 1)]
    assert balance(dsn, "px-bob")[1] == 0


def test_a_reused_client_call_id_is_a_new_charge(dsn: str, proxy: Proxy, books: None) -> None:
    fund(dsn, "px-carol", 100)
    same = str(uuid.uuid4())
    for _ in range(3):
        proxy.chat("sk-carol", extra_headers={"x-litellm-call-id": same})
    found = rows(dsn, """select count(*), count(transaction_id),
                                count(distinct response_metadata ->> 'client_call_id')
                         from litellm.llm_usage_log where user_id = 'px-carol'""")
    assert found == [(3, 3, 1)]


def test_a_request_nobody_pays_for_is_refused(dsn: str, proxy: Proxy, books: None) -> None:
    with pytest.raises(openai.PermissionDeniedError, match="no one to charge"):
        proxy.chat("sk-nobody")
    # The master key without a user field is refused too (LiteLLM's default_user_id pays nothing).
    with pytest.raises(openai.PermissionDeniedError):
        proxy.chat(MASTER_KEY)
    # With one, the master key speaks for that user.
    fund(dsn, "px-backend-user", 10)
    client = proxy.client(MASTER_KEY)
    response = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES,
                                              user="px-backend-user")
    proxy.record(response.id, "px-backend-user")


def test_the_hold_prices_the_deployment_behind_an_alias(dsn: str, proxy: Proxy,
                                                       books: None) -> None:
    """smart is gpt-4: its hold is gpt-4's worst case, so a user who could pay the alias's
    fallback estimate but not gpt-4's output is refused before the model is called; and five
    concurrent calls on credits for fewer are never charged less than they cost."""
    fund(dsn, "px-poor", "0.05")
    with pytest.raises(openai.APIStatusError) as refused:
        proxy.chat("sk-poor", "smart", max_tokens=1000)
    assert refused.value.status_code == 402
    assert "litellm-db:" in refused.value.message
    assert balance(dsn, "px-poor") == (Decimal("0.05"), 0)
    # max_tokens bounds the hold: enough credits for 20 tokens of gpt-4 each, for a few calls.
    fund(dsn, "px-flow", "0.2")
    with ThreadPoolExecutor(5) as pool:
        outcomes = list(pool.map(_try(lambda: proxy.chat("sk-flow", "smart", max_tokens=20)),
                                 range(5)))
    answered = [o for o in outcomes if o == "A considered answer"]
    assert answered and all(o in ("A considered answer", 402) for o in outcomes), outcomes
    usage = rows(dsn, "select cost_credits, litellm.usd_to_credits(cost_usd)"
                 " from litellm.llm_usage_log where user_id = 'px-flow'")
    assert len(usage) == len(answered)
    assert all(charged == cost for charged, cost in usage)  # each charged in full


def _try(call: Callable[[], str]) -> Callable[[int], str | int]:
    def attempt(_: int) -> str | int:
        try:
            return call()
        except openai.APIStatusError as exc:
            return exc.status_code
        except openai.APIConnectionError:
            return "no answer"
    return attempt


def test_request_metadata_keeps_the_clients_own_fields_only(dsn: str, proxy: Proxy,
                                                           books: None) -> None:
    fund(dsn, "px-alice", 10)
    proxy.chat("sk-alice", extra_body={"metadata": {"ticket": "T-1", "tags_count": 2}})
    meta = rows(dsn, "select request_metadata from litellm.llm_usage_log"
                " where user_id = 'px-alice' order by created_at desc limit 1")[0][0]
    assert meta == {"ticket": "T-1", "tags_count": 2}
    stored = rows(dsn, "select request_metadata::text || response_metadata::text"
                  " from litellm.llm_usage_log")
    for (text,) in stored:
        assert "127.0.0.1" not in text and "OpenAI/Python" not in text


def test_a_team_budget_is_enforced_on_the_proxy(dsn: str, proxy: Proxy, books: None) -> None:
    fund(dsn, "px-teamed", 100)
    with admin(dsn) as conn:
        conn.execute("select litellm.create_team('px-small-team')")
        conn.execute("select litellm.add_team_member('px-teamed', 'px-small-team')")
        conn.execute("select litellm.set_budget('team', 0.001, team_id => 'px-small-team')")
    with pytest.raises(openai.APIStatusError) as refused:
        proxy.chat("sk-teamed", "smart", max_tokens=100)
    assert refused.value.status_code == 402 and "litellm-db:" in refused.value.message
    assert balance(dsn, "px-teamed") == (100, 0)


# -- the database goes away -------------------------------------------------------------------


def test_a_database_outage_is_503_and_nothing_is_served_unbilled(
    dsn: str, proxy: Proxy, cluster: PgServer, books: None,
) -> None:
    fund(dsn, "px-restart", 100)
    proxy.chat("sk-restart")  # the pool has connections, which the restart breaks
    outcomes: list[str | int] = []

    def call() -> str | int:
        return _try(lambda: proxy.chat("sk-restart", "slow"))(0)

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(call) for _ in range(6)]
        time.sleep(0.7)  # the slow calls hold credits and wait on the model
        stop_cluster(cluster, "fast")
        down = _try(lambda: proxy.chat("sk-restart"))(0)
        pg_ctl_start(cluster)
        outcomes = [f.result(60) for f in futures]
    assert down == 503, down
    assert all(o in ("Worth the wait", 503) for o in outcomes), outcomes
    # Back up: every request is served and charged; no raw PostgreSQL message reaches anyone.
    for _ in range(8):
        assert proxy.chat("sk-restart") == "Hello from the mock"
    # Holds taken before the restart whose calls were not served lapse at their ttl: release
    # them now so the books can be checked (what the ttl does later).
    with admin(dsn) as conn:
        for (request_id,) in conn.execute(
                "select request_id from litellm.credit_holds"
                " where status = 'held' and user_id = 'px-restart'").fetchall():
            conn.execute("select litellm.release_reservation('px-restart', %s)", (request_id,))


def test_503_says_when_to_retry(dsn: str, proxy: Proxy, cluster: PgServer) -> None:
    fund(dsn, "px-carol", 10)
    stop_cluster(cluster, "fast")
    try:
        client = proxy.client("sk-carol")
        with pytest.raises(openai.APIStatusError) as down:
            client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    finally:
        pg_ctl_start(cluster)
    assert down.value.status_code == 503
    assert down.value.response.headers.get("retry-after") == "2"
    assert "billing is unavailable" in down.value.message
    assert "terminating" not in down.value.message and "connection" not in down.value.message


# -- the proxy stops ----------------------------------------------------------------------------


def test_sigterm_with_calls_in_flight(dsn: str, proxy: Proxy, books: None) -> None:
    """The last test: SIGTERM the proxy while slow calls are in flight. Each call the proxy
    answered is charged; none is left as a hold."""
    fund(dsn, "px-term", 100)
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(_try(lambda: proxy.chat("sk-term", "slow")), i)
                   for i in range(8)]
        time.sleep(1.2)  # accepted and waiting on the model (2 s)
        proxy.process.send_signal(signal.SIGTERM)
        outcomes = [f.result(60) for f in futures]
        proxy.process.wait(60)
    answered = [o for o in outcomes if o == "Worth the wait"]
    assert answered, outcomes  # uvicorn drains the requests it accepted
    assert rows(dsn, "select count(*) from litellm.llm_usage_log where user_id = 'px-term'"
                " and transaction_id is not null") == [(len(answered),)]
