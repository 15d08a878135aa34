"""One mechanism for the synchronous and asynchronous twins: define once, run either way.

A method of the package is defined once, without I/O, as **work**: either one
:class:`~litellm_db.calls.Call` (most methods: one SQL function) or a **plan**,
a generator that yields the steps to run and receives each step's result::

    def get_user_api_key(self, user_id: str, provider: str) -> Plan[str | None]:
        row = yield calls.get_user_api_key(user_id, provider)
        return None if row is None else self.keyring.decrypt(row.encrypted_api_key)

A step is a :class:`~litellm_db.calls.Call`; :class:`Try` (run it in a
savepoint and throw its :class:`~litellm_db.errors.LiteLLMDBError` back into
the plan, which may catch it); :class:`Probe` (the same, but the savepoint is
rolled back: the database answers what the call would do and keeps nothing);
or :class:`Atomic` (run a piece of work in its own transaction -- a savepoint
inside one). The two drivers, :func:`run_sync`
and :func:`run_async` (``Client.run`` and ``AsyncClient.run`` call them), are
the only code that knows about I/O; :class:`sync_method` and
:class:`async_method` turn a definition into a method of a synchronous or an
asynchronous class. ``Client``/``AsyncClient`` (one ``Call`` per method,
:mod:`litellm_db.calls`), the BYOK managers (:mod:`litellm_db.byok`), the
LiteLLM logger and proxy hooks (:mod:`litellm_db.litellm_logger`) and any
integration that needs several statements in one transaction (``run_sync(client,
Atomic(plan))``) share this one mechanism.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    ParamSpec,
    TypeAlias,
    TypeVar,
    cast,
    overload,
)

import psycopg

from .calls import Call
from .errors import LiteLLMDBError

if TYPE_CHECKING:
    from .client import AsyncClient, Client

__all__ = ["Atomic", "Plan", "Probe", "Step", "Try", "Work", "async_method", "run_async",
           "run_sync", "sync_method"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Try:
    """A step whose failure the plan handles: the call runs in a savepoint (so a transaction
    around the plan stays usable) and its error is thrown back into the plan."""

    call: Call[Any]


@dataclass(frozen=True, slots=True)
class Probe:
    """A step that asks what a call would do and keeps nothing: the call runs in a savepoint
    that is rolled back; its result, or its error thrown back into the plan, is the step's."""

    call: Call[Any]


@dataclass(frozen=True, slots=True)
class Atomic(Generic[T]):
    """A step that runs a piece of work (a Call or a plan) in its own transaction, committed
    when it ends (a savepoint when a transaction is already open); its result is the step's."""

    work: Work[T]


Step: TypeAlias = "Call[Any] | Try | Probe | Atomic[Any]"
Plan: TypeAlias = Generator[Step, Any, R]
"""A generator of steps: each ``yield`` gives a step and receives its result; the plan's
``return`` value is the method's."""
Work: TypeAlias = "Call[R] | Plan[R] | Atomic[R]"
"""What a method definition returns and ``client.run`` takes: one Call, a plan, or either
wrapped in :class:`Atomic` (one transaction)."""


# -- the drivers ---------------------------------------------------------------------------------


def run_sync(client: Client, work: Work[R]) -> R:
    """Run ``work`` on a synchronous client: a Call at once, a plan step by step."""
    if isinstance(work, Call):
        return client.run(work)
    if isinstance(work, Atomic):
        with client.transaction() as tx:
            return run_sync(tx, work.work)
    plan = work
    reply: Any = None
    error: LiteLLMDBError | None = None
    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(reply)
        except StopIteration as done:
            return cast(R, done.value)
        error = None
        if isinstance(step, Call):
            reply = client.run(step)
        elif isinstance(step, Try | Probe):
            try:
                with client.transaction() as savepoint:
                    reply = savepoint.run(step.call)
                    if isinstance(step, Probe):
                        raise psycopg.Rollback()
            except LiteLLMDBError as exc:
                error = exc
        else:
            reply = run_sync(client, step)


async def run_async(client: AsyncClient, work: Work[R]) -> R:
    """Run ``work`` on an asynchronous client; the same steps as :func:`run_sync`."""
    if isinstance(work, Call):
        return await client.run(work)
    if isinstance(work, Atomic):
        async with client.transaction() as tx:
            return await run_async(tx, work.work)
    plan = work
    reply: Any = None
    error: LiteLLMDBError | None = None
    while True:
        try:
            step = plan.throw(error) if error is not None else plan.send(reply)
        except StopIteration as done:
            return cast(R, done.value)
        error = None
        if isinstance(step, Call):
            reply = await client.run(step)
        elif isinstance(step, Try | Probe):
            try:
                async with client.transaction() as savepoint:
                    reply = await savepoint.run(step.call)
                    if isinstance(step, Probe):
                        raise psycopg.Rollback()
            except LiteLLMDBError as exc:
                error = exc
        else:
            reply = await run_async(client, step)


# -- definitions as methods ------------------------------------------------------------------------


def _shown(annotation: object, wrap: str) -> object:
    """``Call[X]`` / ``Plan[X]`` as the method returns it: ``X`` or ``Awaitable[X]``."""
    shown = str(annotation)
    for kind in ("Call[", "Plan["):
        if shown.startswith(kind) and shown.endswith("]"):
            return wrap.format(shown[len(kind):-1])
    return annotation


class _Method(Generic[P, R]):
    """What the two method kinds share: the definition, its signature and documentation."""

    _wrap = "{}"

    def __init__(self, define: Callable[P, Work[R]], *, takes_self: bool = False) -> None:
        self._define = define
        self._takes_self = takes_self
        functools.update_wrapper(cast(Any, self), define)
        signature = inspect.signature(define)
        params = list(signature.parameters.values())[1 if takes_self else 0:]
        self.__signature__ = signature.replace(
            parameters=params, return_annotation=_shown(signature.return_annotation, self._wrap))

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def _bind(self, obj: Any) -> Callable[..., Work[R]]:
        define = self._define
        return functools.partial(define, obj) if self._takes_self else define

    def _publish(self, obj: Any, method: Callable[..., Any]) -> None:
        functools.update_wrapper(method, self._define)
        method.__dict__["__signature__"] = self.__signature__
        obj.__dict__[self._name] = method  # bound once per instance: later lookups find it


class sync_method(_Method[P, R]):
    """A method of a synchronous class (``Client``, ``BYOKManager``) made from a definition.

    ``Client.f = sync_method(calls.f)``: the definition gets the method's
    arguments. ``BYOKManager.f = sync_method.of(_Core.f)``: the definition is a
    method itself and gets the instance first. Either way the work it returns
    runs on the instance's ``run`` (the client, or the manager's client).
    """

    @classmethod
    def of(cls, define: Callable[Concatenate[Any, P], Work[R]]) -> sync_method[P, R]:
        """A method whose definition takes the instance first (``self``)."""
        return cls(cast("Callable[P, Work[R]]", define), takes_self=True)

    def __call__(self, obj: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        """``Client.f(client, ...)``, like a plain method called on the class."""
        return cast(R, obj.run(self._bind(obj)(*args, **kwargs)))

    @overload
    def __get__(self, obj: None, owner: type) -> sync_method[P, R]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Callable[P, R]: ...

    def __get__(self, obj: object | None, owner: type) -> Any:
        if obj is None:
            return self
        define, run = self._bind(obj), cast(Any, obj).run

        def method(*args: P.args, **kwargs: P.kwargs) -> R:
            return cast(R, run(define(*args, **kwargs)))

        self._publish(obj, method)
        return method


class async_method(_Method[P, R]):
    """The same for an asynchronous class (``AsyncClient``, ``AsyncBYOKManager``): the method
    returns an awaitable."""

    _wrap = "Awaitable[{}]"

    @classmethod
    def of(cls, define: Callable[Concatenate[Any, P], Work[R]]) -> async_method[P, R]:
        """A method whose definition takes the instance first (``self``)."""
        return cls(cast("Callable[P, Work[R]]", define), takes_self=True)

    def __call__(self, obj: Any, /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[R]:
        """``AsyncClient.f(client, ...)``, like a plain method called on the class."""
        return cast("Awaitable[R]", obj.run(self._bind(obj)(*args, **kwargs)))

    @overload
    def __get__(self, obj: None, owner: type) -> async_method[P, R]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Callable[P, Awaitable[R]]: ...

    def __get__(self, obj: object | None, owner: type) -> Any:
        if obj is None:
            return self
        define, run = self._bind(obj), cast(Any, obj).run

        def method(*args: P.args, **kwargs: P.kwargs) -> Awaitable[R]:
            return cast("Awaitable[R]", run(define(*args, **kwargs)))

        self._publish(obj, method)
        return method
