"""Python restates no SQL default: an argument left out gets the database's default.

The SQL functions' DEFAULTs are the one home of every default (docs/api.md
lists them). A Python keyword that reaches a SQL argument defaults to
``DEFAULT`` (left out of the call), a command-line option to nothing (left out
too), and their documentation says "the database's default" rather than a
number. tests/test_client.py checks the client's builders against the catalog;
this checks every other function and method of the package, and every option
of ``litellm-db``. A default Python keeps on purpose is listed below with why.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

import litellm_db
from litellm_db import calls, cli

# (module.qualname, parameter) -> why the Python default is not the SQL one restated.
KEPT_PARAMETERS = {
    ("litellm_db.analytics.top", "max_rows"):
        "`litellm-db top` shows ten rows; usage_between's own default is every row",
    ("litellm_db.analytics.usage", "group_by"):
        "the table's columns follow the grouping the command asks for",
    ("litellm_db.analytics.transactions", "max_rows"):
        "reads the journal table itself; no SQL function takes it",
    ("litellm_db.pricing_import.import_litellm_prices", "batch_size"):
        "prices per INSERT of the import, a Python batching choice; no SQL function takes it",
}

# (command, option dest) -> why the option has a default of its own.
KEPT_OPTIONS = {
    ("credit", "transaction_type"):
        "the command grants credits unless told otherwise (add_user_credits' default: purchase)",
    ("usage", "by"): "the table's columns follow the grouping the command asks for",
    ("usage", "default_days"): "the command's period; usage_between takes dates, not days",
    ("top", "limit"): "the command shows ten rows; usage_between's own default is every row",
    ("top", "default_days"): "the command's period; usage_between takes dates, not days",
    ("transactions", "limit"): "reads the journal table itself; no SQL function takes it",
    ("report", "default_days"): "the report's period; usage_between takes dates, not days",
    ("usage", "days"): "the command's period (default_days), said in its help",
    ("top", "days"): "the command's period (default_days), said in its help",
    ("report", "days"): "the report's period (default_days), said in its help",
    ("schedule", "action"): "the subcommand run when none is named",
    ("schedule", "set"): "an empty list of overrides",
}

DEFAULTED_ARGUMENTS = """
select distinct a.name
from pg_proc as p,
     unnest(p.proargnames[p.pronargs - p.pronargdefaults + 1:p.pronargs]) as a (name)
where p.pronamespace = 'litellm'::regnamespace and p.proname !~ '^_' and p.pronargdefaults > 0
  and p.proargmodes is null
union
select distinct a.name
from pg_proc as p,
     lateral (select array_agg(n order by i) as inputs
              from unnest(p.proargnames, p.proargmodes) with ordinality as x (n, m, i)
              where x.m in ('i', 'b')) as ins,
     unnest(ins.inputs[cardinality(ins.inputs) - p.pronargdefaults + 1:]) as a (name)
where p.pronamespace = 'litellm'::regnamespace and p.proname !~ '^_' and p.pronargdefaults > 0
  and p.proargmodes is not null
"""


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(litellm_db.__path__, "litellm_db."):
        yield importlib.import_module(info.name)


def _functions() -> Iterator[tuple[str, Any]]:
    """Every function and method defined in the package, by its qualified name."""
    seen: set[int] = set()
    for module in _modules():
        for value in vars(module).values():
            members = [value]
            if inspect.isclass(value) and value.__module__ == module.__name__:
                members = [getattr(m, "__func__", m) for m in vars(value).values()]
            for fn in members:
                if (inspect.isfunction(fn) and fn.__module__ == module.__name__
                        and id(fn) not in seen):
                    seen.add(id(fn))
                    yield f"{module.__name__}.{fn.__qualname__}", fn


def _kept_value(value: Any) -> bool:
    """Defaults that cannot restate a SQL value: left out, NULL, flags, empties, callables,
    a dataclass field's default factory."""
    return (value is calls.DEFAULT or value is None or isinstance(value, bool)
            or value in ((), [], {}, "") or callable(value)
            or type(value).__name__ == "_HAS_DEFAULT_FACTORY_CLASS")


def test_python_keywords_leave_sql_defaults_to_the_database(conn: psycopg.Connection) -> None:
    defaulted = {name for (name,) in conn.execute(DEFAULTED_ARGUMENTS).fetchall()}
    assert {"max_rows", "days", "ttl", "batch_size"} <= defaulted
    restated = []
    for name, fn in _functions():
        for param in inspect.signature(fn).parameters.values():
            if (param.default is inspect.Parameter.empty or _kept_value(param.default)
                    or param.name not in defaulted or (name, param.name) in KEPT_PARAMETERS):
                continue
            restated.append(f"{name}({param.name}={param.default!r})")
    assert restated == [], "use DEFAULT: the SQL function's default applies"


def _options(parser: argparse.ArgumentParser, path: str = "") -> Iterator[
        tuple[str, str, Any, str]]:
    """(command, dest, default, help) of every option and parser default of ``litellm-db``."""
    for dest, default in parser._defaults.items():
        yield path, dest, default, ""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{path} {name}".strip())
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield path, action.dest, action.default, action.help or ""


def test_command_options_leave_sql_defaults_to_the_database() -> None:
    options = list(_options(cli.build_parser()))
    assert any(command == "health" and dest == "window" for command, dest, _, _ in options)
    restated = [f"{command} {dest}={default!r}" for command, dest, default, _ in options
                if default not in (None, False, argparse.SUPPRESS)
                and (command, dest) not in KEPT_OPTIONS]
    assert restated == [], "leave the option's default to the database (None -> DEFAULT)"
    numbers = [f"{command} {dest}: {text}" for command, dest, default, text in options
               if default is None and re.search(r"default:? \d", text)
               and (command, dest) not in KEPT_OPTIONS]
    assert numbers == [], "say 'the database's default (see docs/api.md)', not its value"


@pytest.mark.parametrize("key", sorted(KEPT_OPTIONS))
def test_each_kept_option_exists(key: tuple[str, str]) -> None:
    """The list above names real options (a renamed option must not keep its exemption)."""
    assert key in {(c, d) for c, d, _, _ in _options(cli.build_parser())}
