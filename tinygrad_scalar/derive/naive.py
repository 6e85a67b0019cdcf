"""Beta: the chain rule as a plain recursive function, one variable at a time.

``grad(out, x)`` computes d out / d x as ``sum_i local_i * grad(parent_i, x)``, reading the
same local-derivative rules as ``Value.backward`` (Alpha). It shares no work between
paths, so on a graph with shared sub-expressions it makes one call per *path* rather than
per node: exponential where Alpha is linear. ``cost(out, x)`` counts those calls ahead of
time, in linear time, and ``grad`` refuses graphs whose cost exceeds its budget.

>>> from tinygrad_scalar import Value
>>> x = Value(3.0, label="x")
>>> y = (x + x) * x
>>> grad(y, x), cost(y, x)
(12.0, 5)

It never touches ``.grad``: it is a pure function of the graph.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any, Dict, Optional

from ..core import graph
from ..core.sweep import local_floats
from ..core.value import Value

__all__ = ["grad", "cost", "DEFAULT_MAX_CALLS"]

DEFAULT_MAX_CALLS = 10_000_000


def cost(out: Value, x: Value) -> int:
    """How many recursive calls ``grad(out, x)`` will make (computed in linear time).

    A call on ``x`` itself or on a leaf ends there; any other node makes one call for
    itself plus the calls of each parent, once per edge.

    >>> from tinygrad_scalar import Value
    >>> a = Value(1.0)
    >>> b = a * a        # 1 + 2 calls
    >>> c = b * b        # 1 + 2 * 3 calls
    >>> cost(c, a)
    7
    """
    _check(out, x)
    calls: Dict[Value, int] = {}
    for n in out.topological_order():
        if n is x or n.is_leaf:
            calls[n] = 1
        else:
            calls[n] = 1 + sum(calls[p] for p in n.parents)
    return calls[out]


def grad(out: Value, x: Value, max_calls: int = DEFAULT_MAX_CALLS) -> float:
    """d out / d x by the recursive chain rule (Beta); leaves every ``.grad`` untouched.

    Raises ``ValueError`` when the graph would need more than ``max_calls`` recursive
    calls (the message gives ``cost(out, x)``), or is deeper than the recursion limit.

    >>> from tinygrad_scalar import Value
    >>> a, b = Value(-4.0), Value(2.0)
    >>> grad(a * b + b ** 3, b)
    8.0
    """
    if not isinstance(max_calls, int) or isinstance(max_calls, bool) or max_calls < 1:
        raise ValueError(f"grad: max_calls must be a positive int, got {max_calls!r}")
    calls = cost(out, x)
    if calls > max_calls:
        raise ValueError(f"grad: the recursive chain rule needs {calls:,} calls on this graph, "
                         f"more than max_calls={max_calls:,}; use backward() (Alpha) instead")
    deep = graph.depth(out, _parents)
    room = sys.getrecursionlimit() - _stack_depth() - 50
    if deep > room:
        raise ValueError(f"grad: the graph is {deep:,} operations deep, deeper than the "
                         f"recursion allows here ({room:,}); use backward() (Alpha) instead")
    try:
        return _grad(out, x)
    except RecursionError:
        raise ValueError(f"grad: the graph is {deep:,} operations deep, too deep for the "
                         f"recursive chain rule; use backward() (Alpha) instead") from None


def _grad(node: Value, x: Value) -> float:
    """The chain rule, recursively: d node / d x = sum_i local_i * d parent_i / d x."""
    if node is x:
        return 1.0
    if node._fn is None:
        return 0.0
    total = 0.0
    for parent, local in zip(node.parents, local_floats(node)):
        total += local * _grad(parent, x)
    return total


def _check(out: object, x: object) -> None:
    if not isinstance(out, Value):
        raise TypeError(f"grad: out must be a Value, got {type(out).__name__}")
    if not isinstance(x, Value):
        raise TypeError(f"grad: x must be a Value, got {type(x).__name__}")


def _parents(n: Value) -> tuple[Any, ...]:
    return n.parents


def _stack_depth() -> int:
    frame: Optional[FrameType] = sys._getframe()
    d = 0
    while frame is not None:
        frame, d = frame.f_back, d + 1
    return d
