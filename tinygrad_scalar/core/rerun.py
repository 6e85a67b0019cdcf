"""Build once, feed many: run an already built graph again at new numbers.

A graph is built eagerly, each operation computing its number as it goes. ``forward``
runs the same graph again: it writes the fed numbers into the leaves, then recomputes
every operation node in topological order with its primitive's forward (the registry
entry, as when it was built). No node is made; ``backward()`` afterwards works as usual,
its rules reading the new numbers (relu's branch, ``**`` by a ``Value``, ...).

>>> from tinygrad_scalar import Value
>>> x = Value.placeholder("x")
>>> w = Value(3.0, label="w")
>>> y = (w * x).relu() + x
>>> y.forward(feed={x: 2.0})
8.0
>>> y.forward(feed={x: -1.0})        # the relu switches off: the same nodes, new numbers
-1.0

What a re-run keeps from the first run, so it equals rebuilding only where these did not
depend on the numbers:

* constants: the ``2`` of ``2 * x``, the exponent of ``x ** 3``, anything computed from
  ``.data`` by Python and passed back in as a plain number (a *decision* such as
  ``if x.data > 0:`` is frozen into the graph, and no re-run can see it; a comparison
  such as ``if y > 0:`` on a number computed from a placeholder not yet fed raises, see
  ``refuse_unfed``, and ``bool(v)`` always does);
* piecewise-constant results (``step``, ``sign`` of a ``Value`` are plain numbers);
* random choices made while building (dropout masks).

Checks are those of building: a result that is not finite from finite operands raises
``OverflowError`` or ``DomainError`` (``AnomalyError`` inside ``detect_anomaly()``), a log
of a negative number raises ``DomainError``, NaN already in the graph propagates. Grad
modes change nothing here: a re-run records nothing, so ``no_grad`` has nothing to
switch off.
"""

from __future__ import annotations

import weakref
from typing import Any, Iterator, List, Mapping, Optional, Tuple

from . import graph, modes
from .checks import finite
from .primitive import nonfinite_result

__all__ = ["PLACEHOLDER", "forward", "steps", "describe", "refuse_unfed"]

PLACEHOLDER = graph.PLACEHOLDER
_CONST = graph.CONST

# root -> (operation nodes under it but the root, leaves but the root): parents before
# children. The root itself is kept out, so that the cache never keeps its key alive.
_ORDERS: "weakref.WeakKeyDictionary[Any, Tuple[list, list]]" = weakref.WeakKeyDictionary()


def _order(root: Any) -> Tuple[list, list]:
    """Operation nodes and fed-able leaves under ``root`` (cached: the structure is fixed)."""
    known = _ORDERS.get(root)
    if known is None:
        topo = graph.topological(root)[:-1]
        known = ([n for n in topo if n._fn is not None],
                 [n for n in topo if n._fn is None and n._b is not _CONST])
        _ORDERS[root] = known
    return known


def describe(p: Any) -> str:
    """A parent in an error message: its label and number, or the number (and 'constant').

    >>> from tinygrad_scalar import Value
    >>> describe(Value(2.0, label="x")), describe((Value(1.0) * 3).parents[1])
    ('x = 2', '3 (constant)')
    """
    if p.label:
        return f"{p.label} = {p.data:.6g}"
    return f"{p.data:.6g}" + (" (constant)" if p.is_constant else "")


def refuse_unfed(node: Any, op: str) -> None:
    """Refuse a comparison on a number computed from a placeholder not yet fed.

    While the graph is built on placeholders, their numbers are NaN: a Python decision on
    one (``if y > 0:``) would silently take the ``False`` branch, and freeze it into the
    graph for every later feed. A NaN that comes from elsewhere passes (NaN compares
    false, as floats do).

    >>> from tinygrad_scalar import Value
    >>> x = Value.placeholder("x")
    >>> (x * 2.0) > 0
    Traceback (most recent call last):
    ...
    ValueError: >: compares a number computed from placeholder 'x', which has not been fed ...
    """
    unfed = [n.label for n in graph.topological(node)
             if n._fn is None and n._b is PLACEHOLDER and n.data != n.data]
    if unfed:
        raise ValueError(f"{op}: compares a number computed from placeholder {unfed[0]!r}, "
                         f"which has not been fed (it is NaN while the graph is built); a "
                         f"decision in Python on it would be frozen into the graph for every "
                         f"feed. Use relu, abs or another operation instead, or decide after "
                         f"forward(feed=...)")


def _feed(root: Any, feed: Optional[Mapping[Any, Any]], node_type: type, where: str) -> None:
    """Check the whole feed first, then write its numbers into the leaves."""
    if feed is None:
        return
    if not isinstance(feed, Mapping):
        raise TypeError(f"{where}: feed must be a dict {{leaf: number}}, got {type(feed).__name__}")
    leaves = set(_order(root)[1])
    leaves.add(root)
    numbers = []
    for key, x in feed.items():
        if not isinstance(key, node_type):
            raise TypeError(f"{where}: feed keys must be Values (placeholders or other "
                            f"leaves), got {type(key).__name__} ({key!r:.40})")
        leaf: Any = key
        if leaf._fn is not None:
            raise ValueError(f"{where}: only a leaf can be fed; {leaf!r:.60} is the result "
                             f"of {leaf.op!r}")
        if leaf.is_constant:
            raise ValueError(f"{where}: {leaf!r:.60} is a constant of the graph, not an input")
        if leaf not in leaves:
            raise ValueError(f"{where}: {leaf!r:.60} is not a leaf of this graph")
        name = f"the value fed to {leaf.label!r}" if leaf.label else "a fed value"
        numbers.append((leaf, finite(x, where, name)))
    for leaf, x in numbers:
        leaf.data = x


def _check_leaves(root: Any, where: str) -> None:
    for leaf in _order(root)[1] + ([root] if root._fn is None else []):
        x = leaf.data
        if type(x) is not float:
            if not graph.is_real(x):
                raise TypeError(f"{where}: the .data of {leaf!r:.60} is {x!r:.40} "
                                f"({type(x).__name__}), not a number; set it to a float")
            leaf.data = float(x)
        elif x != x and leaf._b is PLACEHOLDER:
            raise ValueError(f"{where}: placeholder {leaf.label!r} has no value: feed it, "
                             f"forward(feed={{{leaf.label}: ...}})")


def _compute(n: Any) -> float:
    """Recompute one operation node from its parents' numbers, with building's checks."""
    p = n._fn.primitive
    a, b = n._a, n._b
    if type(a) is tuple:
        inputs = [q.data for q in a]
        out = p.run_forward(inputs)
    elif b is None:
        inputs = [a.data]
        out = p.run_forward(inputs[0])
    elif type(b) is float:
        inputs = [a.data, b]
        out = p.run_forward(a.data, b)
    else:
        inputs = [a.data, b.data]
        out = p.run_forward(inputs[0], inputs[1])
    if out - out != 0.0:
        if modes.ACTIVE and modes.state().anomaly:
            shown = ", ".join(describe(q) for q in graph.parents(n))
            raise modes.AnomalyError(f"detect_anomaly: operation {p.name!r} gave {out} "
                                     f"from inputs ({shown})")
        nonfinite_result(p.name, out, inputs)  # raises unless an operand is not finite
    n.data = out
    return out


def forward(root: Any, feed: Optional[Mapping[Any, Any]], node_type: type) -> float:
    """Feed ``feed`` into the leaves, recompute every node under ``root``; its number.

    >>> from tinygrad_scalar import Value
    >>> x = Value(1.0)
    >>> forward(x * x + 1.0, {x: 3.0}, Value)
    10.0
    """
    _feed(root, feed, node_type, "forward")
    _check_leaves(root, "forward")
    for n in _order(root)[0]:
        _compute(n)
    if root._fn is not None:
        _compute(root)
    return root.data


def steps(root: Any, feed: Optional[Mapping[Any, Any]], node_type: type,
          where: str = "trace_forward") -> Iterator[Any]:
    """``forward``, one node at a time: yields each operation node once it is computed.

    The feed and the leaves are checked at the call, before the first node is asked for.

    >>> from tinygrad_scalar import Value
    >>> x = Value(1.0)
    >>> [(n.op, n.data) for n in steps((x * 2.0).exp().log(), {x: 1.5}, Value)]
    [('*', 3.0), ('exp', 20.085536923187668), ('log', 3.0)]
    """
    _feed(root, feed, node_type, where)
    _check_leaves(root, where)
    nodes: List[Any] = list(_order(root)[0]) + ([root] if root._fn is not None else [])
    return _steps(nodes)


def _steps(nodes: List[Any]) -> Iterator[Any]:
    for n in nodes:
        _compute(n)
        yield n
