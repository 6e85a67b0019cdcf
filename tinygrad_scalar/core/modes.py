"""Grad modes: ``no_grad``, ``enable_grad``, ``detect_anomaly`` (and tracing's hook).

Each mode is a context manager (also a decorator) that changes how operations make their
nodes **in the current thread (and asyncio task) only**: the state lives in a
``contextvars.ContextVar``, so an inference thread inside ``no_grad()`` never switches
gradients off for a training thread beside it.

>>> from tinygrad_scalar import Value
>>> x = Value(2.0)
>>> with no_grad():
...     y = x * x + 1
>>> y.data, y.is_leaf
(5.0, True)

Modes nest: the innermost one wins. Outside every mode nothing is looked up: ``ACTIVE``
counts the modes active anywhere, and node making (``core.value``) consults the state
only while it is non-zero, so normal mode costs one comparison per operation.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
from typing import Any, Callable, Iterator, List, NamedTuple, Optional, TypeVar, overload

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "AnomalyError",
           "State", "state", "tracing"]


class AnomalyError(FloatingPointError):
    """Raised inside ``detect_anomaly()`` by the first operation or gradient that is not finite."""


class State(NamedTuple):
    """What operations do in this thread or task right now."""

    grad: bool = True  # record graphs (False inside no_grad)
    anomaly: bool = False  # refuse non-finite results and gradients (detect_anomaly)
    node_class: Optional[type] = None  # a subclass of Value to make nodes of (tracing)


_STATE: contextvars.ContextVar[State] = contextvars.ContextVar("tinygrad_scalar_modes",
                                                                default=State())  # noqa: B039 (immutable)
_LOCK = threading.Lock()

#: how many mode blocks are open in any thread or task; node making reads the state only
#: while this is non-zero. Changed only by ``_enter`` below.
ACTIVE = 0


def state() -> State:
    """The current thread's (or task's) mode."""
    return _STATE.get()


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()`` (and not inside a nested ``enable_grad()``)."""
    return _STATE.get().grad


@contextlib.contextmanager
def _enter(**change: Any) -> Iterator[None]:
    global ACTIVE
    token = _STATE.set(_STATE.get()._replace(**change))
    with _LOCK:
        ACTIVE += 1
    try:
        yield
    finally:
        with _LOCK:
            ACTIVE -= 1
        _STATE.reset(token)


class _GradMode:
    """A grad mode usable three ways: ``with m():``, ``@m()`` and bare ``@m``."""

    _grad: bool = True

    def __new__(cls, func: Optional[Callable[..., Any]] = None) -> Any:
        if func is None:
            return super().__new__(cls)
        if not callable(func):
            raise TypeError(f"{cls.__name__}: takes no argument, or decorates a function; "
                            f"got {type(func).__name__}")
        return super().__new__(cls)(func)

    def __init__(self, func: Optional[Callable[..., Any]] = None) -> None:
        self._open: List[contextlib.AbstractContextManager[Any]] = []

    def __enter__(self) -> None:
        cm = _enter(grad=self._grad)
        cm.__enter__()
        self._open.append(cm)

    def __exit__(self, *exc: Any) -> None:
        self._open.pop().__exit__(*exc)

    @overload
    def __call__(self, func: F) -> F: ...
    @overload  # a function decorated by bare @no_grad: to a type checker, still this object
    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

    def __call__(self, func: Any) -> Any:
        if not callable(func):
            raise TypeError(f"{type(self).__name__}(): decorates a function, "
                            f"got {type(func).__name__}")
        grad_on = self._grad

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _enter(grad=grad_on):
                return func(*args, **kwargs)
        return wrapper

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class no_grad(_GradMode):  # noqa: N801 (named like a function, as in PyTorch)
    """Operations inside build no graph: every result is a fresh leaf holding the value.

    Use it for inference, where no gradient is needed: nothing keeps the intermediate
    nodes alive, so memory stays flat. It applies to the current thread only. It is also
    a decorator, with or without parentheses (``@no_grad`` or ``@no_grad()``).

    >>> from tinygrad_scalar import Value
    >>> w = Value(3.0)
    >>> with no_grad():
    ...     y = (w * 2).tanh()
    >>> y.parents, y.op
    ((), '')
    >>> @no_grad
    ... def infer(x):
    ...     return x * w
    >>> infer(2.0).is_leaf
    True
    """

    _grad = False


class enable_grad(_GradMode):  # noqa: N801 (named like a function, as in PyTorch)
    """Record graphs again inside an enclosing ``no_grad()``; also a decorator
    (``@enable_grad`` or ``@enable_grad()``).

    >>> from tinygrad_scalar import Value
    >>> x = Value(1.0)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x + x
    >>> y.op
    '+'
    """

    _grad = True


def detect_anomaly() -> contextlib.AbstractContextManager[Any]:
    """Raise ``AnomalyError`` at the first operation whose result is infinite or NaN.

    Outside it, an operation of finite operands whose result overflows already raises
    ``OverflowError``, and NaN operands pass through. Inside it, *any* non-finite result
    is refused (NaN operands too), and ``backward()`` checks every gradient it computes,
    naming the operation it came through. Slower than normal mode: use it to find where a
    computation breaks.

    >>> from tinygrad_scalar import Value
    >>> a = Value(1.0, label="a")
    >>> a.data = float("nan")              # a parameter gone bad
    >>> with detect_anomaly():
    ...     c = a * 2
    Traceback (most recent call last):
    ...
    tinygrad_scalar.core.modes.AnomalyError: detect_anomaly: operation '*' gave nan from inputs (a = nan, ...
    """
    return _enter(anomaly=True)


def tracing(node_class: type) -> contextlib.AbstractContextManager[Any]:
    """Make this thread's nodes of ``node_class`` (a ``Value`` subclass) while active.

    The hook compiled mode (``derive.compiled``) uses to notice a traced function reading
    numbers; nothing else sets it.
    """
    return _enter(node_class=node_class)
