"""Switches for the engine: ``no_grad``, ``enable_grad`` and ``detect_anomaly``.

Every operation makes its output node through one module-level function,
``engine._node``. These context managers swap that function (and, for anomaly detection,
the backward sweep ``engine._sweep``) for a variant while they are active, and put the
previous one back on exit, also when an error escapes. Outside them nothing changes, so
normal mode costs nothing.

>>> from tinygrad_scalar import Value
>>> x = Value(2.0)
>>> with no_grad():
...     y = x * x + 1
>>> y.data, y.is_leaf
(5.0, True)

The switches are process-wide (not per thread), and nest: the innermost one wins.
"""

from __future__ import annotations

import contextlib
import math
from typing import Iterator, List

from ..core import value as engine
from ..core.value import Value

__all__ = ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "AnomalyError"]

_PLAIN_NODE = engine._node
_PLAIN_SWEEP = engine._sweep
_new = object.__new__

_grad_mode: List[bool] = [True]  # a stack: the last entry is the current mode
_anomaly: List[bool] = []  # one entry per active detect_anomaly()


class AnomalyError(FloatingPointError):
    """Raised inside ``detect_anomaly()`` by the first operation or gradient that is not finite."""


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()`` (and not inside a nested ``enable_grad()``)."""
    return _grad_mode[-1]


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Operations inside build no graph: every result is a fresh leaf holding the value.

    Use it for inference, where no gradient is needed: nothing keeps the intermediate
    nodes alive, so memory stays flat and the forward pass runs faster. Also a decorator.

    >>> from tinygrad_scalar import Value
    >>> w = Value(3.0)
    >>> with no_grad():
    ...     y = (w * 2).tanh()
    >>> y.parents, y.op
    ((), '')
    """
    with _mode(_grad_mode, False):
        yield


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Record graphs again inside an enclosing ``no_grad()``.

    >>> from tinygrad_scalar import Value
    >>> x = Value(1.0)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x + x
    >>> y.op
    '+'
    """
    with _mode(_grad_mode, True):
        yield


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``AnomalyError`` at the first operation whose result is infinite or NaN.

    The message names the operation, its inputs and their labels. ``backward()`` inside
    the block also checks every gradient it computes and names the operation it came
    through. Slower than normal mode: use it to find where a computation breaks.

    >>> from tinygrad_scalar import Value
    >>> a, b = Value(1e200, label="a"), Value(1e200, label="b")
    >>> with detect_anomaly():
    ...     c = a * b
    Traceback (most recent call last):
    ...
    tinygrad_scalar.core.modes.AnomalyError: detect_anomaly: operation '*' gave inf from inputs (a = ...
    """
    with _mode(_anomaly, True):
        yield


@contextlib.contextmanager
def _mode(stack: List[bool], flag: bool) -> Iterator[None]:
    stack.append(flag)
    _install()
    try:
        yield
    finally:
        stack.pop()
        _install()


def _install() -> None:
    """Point ``engine._node`` and ``engine._sweep`` at the variant the active modes ask for."""
    grad_on, check = _grad_mode[-1], bool(_anomaly)
    if grad_on:
        engine._node = _checked_node if check else _PLAIN_NODE
    else:
        engine._node = _checked_leaf_node if check else _leaf_node
    engine._sweep = _checked_sweep if check else _PLAIN_SWEEP


# ------------------------------------------------------------------ node variants
def _leaf_node(data: float, a: object, b: object, fn: object) -> Value:
    """``no_grad``'s node: the value only, no parents and no rule (constants stay constants)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._a = None
    v._b = b if fn is None else None
    v._fn = None
    return v


def _checked_node(data: float, a: object, b: object, fn: object) -> Value:
    v = _PLAIN_NODE(data, a, b, fn)  # type: ignore[arg-type]
    if fn is not None and not math.isfinite(data):
        _complain(data, v)
    return v


def _checked_leaf_node(data: float, a: object, b: object, fn: object) -> Value:
    if fn is not None and not math.isfinite(data):
        _complain(data, _PLAIN_NODE(data, a, b, fn))  # type: ignore[arg-type]
    return _leaf_node(data, a, b, fn)


def _complain(data: float, v: Value) -> None:
    inputs = ", ".join(_describe(p) for p in v.parents)
    raise AnomalyError(f"detect_anomaly: operation {v.op!r} gave {data} from inputs ({inputs})")


def _describe(p: Value) -> str:
    if p.label:
        return f"{p.label} = {p.data:.6g}"
    return f"{p.data:.6g}" + (" (constant)" if p.is_constant else "")


def _checked_sweep(topo: List[Value]) -> None:
    """``_sweep`` that checks every gradient it adds (the slow path of ``detect_anomaly``)."""
    isfinite = math.isfinite
    for n in reversed(topo):
        fn = n._fn
        if fn is None:
            continue
        g = n.grad
        for p, d in zip(n.parents, fn(n)):
            p.grad += d * g
            if not isfinite(p.grad):
                name = f" {n.label!r}" if n.label else ""
                raise AnomalyError(
                    f"detect_anomaly: backward through operation {n.op!r}{name} gave gradient "
                    f"{p.grad} for its input {_describe(p)} (local derivative {d:.6g}, "
                    f"incoming gradient {g:.6g})")
