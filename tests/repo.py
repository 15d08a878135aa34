"""Where this repository's files are, for the tests that read them."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SQL_TESTS = REPO / "sql" / "tests"
