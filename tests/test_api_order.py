"""The API files are applied in the order of what they use, not of their names.

PostgreSQL binds the names in a ``begin atomic`` or SQL-language body, a view or
a top-level statement when it creates or runs them, and a PL/pgSQL body at its
first call. The installer orders the files by the first kind of reference only.
"""

from __future__ import annotations

import re

import pytest

from litellm_db import installer
from litellm_db.errors import InstallError
from litellm_db.installer import SqlFile, _bound_references, _in_dependency_order

ATOMIC_USER = """
create or replace function litellm.a_user()
returns integer
language sql
begin atomic
    select litellm.z_helper();
end;
"""
HELPER = """
create or replace function litellm.z_helper()
returns integer
language sql
immutable
begin atomic
    select 1;
end;
"""
PLPGSQL_USER = """
create or replace function litellm.b_late()
returns integer
language plpgsql
as $$
begin
    return litellm.a_user();
end
$$;
"""


def _paths(files: list[SqlFile]) -> list[str]:
    return [f.path for f in files]


def test_a_file_comes_after_what_its_atomic_body_binds() -> None:
    files = [SqlFile("functions/a/user.sql", ATOMIC_USER),
             SqlFile("functions/z/helper.sql", HELPER)]
    assert _paths(_in_dependency_order(files)) == ["functions/z/helper.sql", "functions/a/user.sql"]


def test_plpgsql_bodies_impose_no_order() -> None:
    defines, needs = _bound_references(PLPGSQL_USER)
    assert defines == {"b_late"} and needs == set()
    files = [SqlFile("functions/b/late.sql", PLPGSQL_USER),
             SqlFile("functions/c/x.sql", ATOMIC_USER),
             SqlFile("functions/d/h.sql", HELPER)]
    assert _paths(_in_dependency_order(files)) == [
        "functions/b/late.sql", "functions/d/h.sql", "functions/c/x.sql"]


def test_comments_do_not_count_as_references() -> None:
    text = "-- uses litellm.z_helper() one day\n" + PLPGSQL_USER
    assert _bound_references(text)[1] == set()


def test_a_cycle_is_refused_with_its_files() -> None:
    one = ATOMIC_USER.replace("z_helper", "two_fn").replace("a_user", "one_fn")
    two = ATOMIC_USER.replace("z_helper", "one_fn").replace("a_user", "two_fn")
    files = [SqlFile("functions/x/one.sql", one), SqlFile("functions/x/two.sql", two)]
    named = re.escape("sql/functions/x/one.sql, sql/functions/x/two.sql")
    with pytest.raises(InstallError, match=named):
        _in_dependency_order(files)


def test_the_shipped_order_puts_every_binding_first() -> None:
    files = installer.api_files()
    assert files[-1].path == "grants.sql"
    seen: set[str] = set()
    defined_in = {name: f.path for f in files for name in _bound_references(f.text)[0]}
    for f in files[:-1]:
        for name in _bound_references(f.text)[1]:
            if name in defined_in:
                assert defined_in[name] in seen, f"{f.path} binds {name} before {defined_in[name]}"
        seen.add(f.path)
    # The area folders are read whole: every file on disk is applied.
    on_disk = sorted(p for p, _ in installer._read_dir("functions") + installer._read_dir("views"))
    assert sorted(_paths(files[:-1])) == on_disk
    assert any(p.startswith("functions/ledger/") for p in on_disk)
