"""What ``import litellm_db`` offers: the clients, their result rows, the errors, DEFAULT."""

from __future__ import annotations

import dataclasses
import inspect

import litellm_db
from litellm_db import calls, errors


def test_the_clients_rows_and_errors_import_from_the_package() -> None:
    from litellm_db import DEFAULT, AsyncClient, Balance, Client, DebitResult, LiteLLMDBError

    assert (Client, AsyncClient) == (litellm_db.client.Client, litellm_db.client.AsyncClient)
    assert (Balance, DebitResult, DEFAULT) == (calls.Balance, calls.DebitResult, calls.DEFAULT)
    assert LiteLLMDBError is errors.LiteLLMDBError


def test_every_row_type_and_error_class_is_exported() -> None:
    rows = {n for n, o in vars(calls).items() if inspect.isclass(o)
            and dataclasses.is_dataclass(o) and o.__module__ == calls.__name__ and n != "Call"}
    errs = {n for n, o in vars(errors).items() if inspect.isclass(o)
            and issubclass(o, errors.LiteLLMDBError) and o.__module__ == errors.__name__}
    exported = set(litellm_db.__all__)
    assert rows - exported == set(), "export these result rows from litellm_db/__init__.py"
    assert errs - exported == set(), "export these errors from litellm_db/__init__.py"
    for name in exported:
        assert hasattr(litellm_db, name), name


def test_default_is_one_value_shown_as_its_name() -> None:
    assert repr(calls.DEFAULT) == "DEFAULT"
    assert calls.Default(calls.DEFAULT.value) is calls.DEFAULT
