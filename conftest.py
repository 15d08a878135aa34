"""Test harness: the package's pytest plugin (litellm_db.testing), plus what this repository adds.

The plugin gives each session a throwaway PostgreSQL (``LITELLM_DB_TEST_DSN``, else
the system's binaries, else testcontainers) and a template database with the
package installed; every test gets a fresh copy (``db``, ``conn``). Here the
template also gets pgTAP, plpgsql_check and the pgTAP fixtures, which
``tests/test_pgtap.py`` runs each ``sql/tests/**/*.test.sql`` file against, one
pytest item per file. The linters among the quality gates start in the background
with the session (``early_command``, below).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

if TYPE_CHECKING:
    from litellm_db.testing import TemplateSetup

pytest_plugins = ["litellm_db.testing", "pytester"]

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT / "sql" / "tests" / "fixtures.sql"


@pytest.fixture(scope="session")
def litellm_db_template_extensions() -> Sequence[str]:
    """pgTAP and plpgsql_check, which the pgTAP files and the quality gates use."""
    return ("pgtap", "plpgsql_check")


@pytest.fixture(scope="session")
def litellm_db_template_setup() -> TemplateSetup:
    """The pgTAP files' shared fixtures (a test-only schema)."""

    def setup(conn: psycopg.Connection[Any]) -> None:
        conn.execute(FIXTURES.read_text().encode())

    return setup


# -- commands started with the session ------------------------------------------------------
# The linters among the quality gates (sqlfluff, mypy) spend minutes of CPU and need no
# database. A test marked ``@pytest.mark.early_command(argv, timeout=...)`` has its command
# started as soon as the collection ends, at the lowest CPU priority (it takes only what the
# other tests leave idle: their sleeps, lock timeouts, proxy and browser start-ups), and gets
# the finished process from the ``early_command`` fixture, waiting at most ``timeout`` seconds
# from when the test itself starts. A test the run does not select starts nothing.

EARLY = pytest.StashKey[dict[str, "EarlyCommand"]]()


class EarlyCommand:
    """A command running in the background for one test; its output goes to temporary files."""

    def __init__(self, argv: Sequence[str], cwd: Path, timeout: float) -> None:
        self.argv = list(argv)
        self.timeout = timeout
        self.folder = Path(tempfile.mkdtemp(prefix="litellm-db-early-"))
        with (self.folder / "stdout").open("w") as out, (self.folder / "stderr").open("w") as err:
            self.proc = subprocess.Popen(
                self.argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                preexec_fn=lambda: os.nice(19),
            )

    def result(self) -> subprocess.CompletedProcess[str]:
        """Wait for the command (at most ``timeout`` s from now) and return what it did."""
        with contextlib.suppress(OSError):  # now the test waits for it: back to normal priority
            os.setpriority(os.PRIO_PROCESS, self.proc.pid, 0)
        try:
            returncode = self.proc.wait(timeout=self.timeout)
            return subprocess.CompletedProcess(
                self.argv, returncode, (self.folder / "stdout").read_text(),
                (self.folder / "stderr").read_text())
        finally:
            self.stop()

    def stop(self) -> None:
        """Kill the command if it still runs (a session that ends early), remove its output."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def pytest_collection_finish(session: pytest.Session) -> None:
    started: dict[str, EarlyCommand] = {}
    for item in [] if session.config.option.collectonly else session.items:
        marker = item.get_closest_marker("early_command")
        if marker is not None:
            started[item.nodeid] = EarlyCommand(
                marker.args[0], Path(marker.kwargs.get("cwd", ROOT)),
                float(marker.kwargs.get("timeout", 600)))
    session.config.stash[EARLY] = started


def pytest_sessionfinish(session: pytest.Session) -> None:
    for command in session.config.stash.get(EARLY, {}).values():
        command.stop()


@pytest.fixture
def early_command(request: pytest.FixtureRequest) -> subprocess.CompletedProcess[str]:
    """The finished process of this test's ``early_command`` marker."""
    marker = request.node.get_closest_marker("early_command")
    assert marker is not None, "early_command needs @pytest.mark.early_command(argv)"
    command = request.config.stash.get(EARLY, {}).get(request.node.nodeid)
    if command is None:  # not started with the session (an item collected some other way)
        command = EarlyCommand(marker.args[0], Path(marker.kwargs.get("cwd", ROOT)),
                               float(marker.kwargs.get("timeout", 600)))
    return command.result()
