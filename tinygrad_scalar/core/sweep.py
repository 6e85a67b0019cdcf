"""Alpha's reverse sweep, on floats and on nodes, reading each node's rule.

A node's rule is called with the node's own kind of arguments (see ``core.primitive``):
``rule(out, a)``, ``rule(out, a, k)``, ``rule(out, a, b)`` or ``rule(out, xs)``. The float
sweep passes ``.data`` numbers; ``grad_values`` passes the nodes themselves, so the same
rule builds the gradient as a graph that can be differentiated again.
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import Any, Dict, List, Sequence, Tuple

from . import graph, modes
from .primitive import REGISTRY

__all__ = ["run", "check", "local_floats", "local_nodes", "grad_values"]


def _zero_skip() -> frozenset[Any]:
    """Rules that never raise: a node with one of them and a zero gradient adds nothing."""
    return frozenset(p.rule for p in REGISTRY.values() if not p.raises)


def local_floats(n: Any) -> Tuple[float, ...]:
    """The rule of node ``n`` on floats: d n / d parent for each parent, in order."""
    fn = n._fn
    if fn is None:
        return ()
    a, b = n._a, n._b
    if type(a) is tuple:
        return tuple(fn(n.data, [p.data for p in a]))
    if b is None:
        return tuple(fn(n.data, a.data))
    if type(b) is float:
        return tuple(fn(n.data, a.data, b))
    return tuple(fn(n.data, a.data, b.data))


def local_nodes(n: Any) -> Tuple[Any, ...]:
    """The rule of node ``n`` on the nodes themselves: local derivatives as graphs."""
    fn, a, b = n._fn, n._a, n._b
    if type(a) is tuple:
        return tuple(fn(n, list(a)))
    if b is None:
        return tuple(fn(n, a))
    return tuple(fn(n, a, b))  # b is a parent, or the plain-number constant of ``a ** k``


def run(topo: List[Any]) -> None:
    """Alpha's reverse sweep: parent.grad += local * node.grad, children before parents.

    A node whose gradient is exactly zero (behind a ReLU that is off, say) adds nothing to
    its parents, so its rule is not even called, unless the rule can raise an error (the
    powers), which it then still does. Inside ``detect_anomaly()`` every gradient added is
    checked instead.
    """
    if modes.ACTIVE and modes.state().anomaly:
        return _run_checked(topo)
    skip = _SKIP[0] if _SKIP[1] == len(REGISTRY) else _refresh_skip()
    _sweep(topo, skip)
    return None


def _sweep(topo: List[Any], skip: frozenset[Any]) -> None:
    n: Any = None
    V = type(topo[-1]) if topo else None  # the class of the nodes (Value)
    try:
        for n in reversed(topo):
            fn = n._fn
            if fn is None:
                continue
            g = n.grad
            if g == 0.0 and fn in skip:
                continue
            a = n._a
            b = n._b
            if type(b) is V:  # the commonest: a binary operation
                da, db = fn(n.data, a.data, b.data)
                a.grad += da * g
                b.grad += db * g
            elif type(a) is tuple:
                for p, d in zip(a, fn(n.data, [p.data for p in a])):
                    p.grad += d * g
            elif b is None:
                a.grad += fn(n.data, a.data)[0] * g
            elif type(b) is float:
                a.grad += fn(n.data, a.data, b)[0] * g
            else:  # a binary operation over nodes of another class
                da, db = fn(n.data, a.data, b.data)
                a.grad += da * g
                b.grad += db * g
    except OverflowError:  # Python's own, from a rule's arithmetic: name the operation
        shown = ", ".join(f"{p.data:.6g}" for p in graph.parents(n))
        raise OverflowError(f"backward: the derivative of operation {n.op!r} at ({shown}) "
                            f"overflowed, too large for a float") from None


_GRAD = attrgetter("grad")
_SKIP: list[Any] = [frozenset(), -1]  # (rules that never raise, registry size it was made at)


def _refresh_skip() -> frozenset[Any]:
    _SKIP[0], _SKIP[1] = _zero_skip(), len(REGISTRY)
    return _SKIP[0]


def check(topo: List[Any]) -> None:
    """The overflow rule for gradients: after a sweep over finite numbers, an infinite or
    NaN gradient in the graph raises ``OverflowError`` (one pass over the operation nodes,
    no cost per edge; a rule whose own arithmetic overflows raises in ``run``). NaN
    already in the graph's numbers passes through, as in the forward pass."""
    total = sum(map(_GRAD, topo))
    if total - total == 0.0:
        return
    for n in topo:
        if n.data - n.data != 0.0 or any(p.data - p.data != 0.0 for p in graph.parents(n)):
            return  # a NaN or an infinity among the numbers: it propagates
    bad = next(n for n in reversed(topo) if n.grad - n.grad != 0.0)
    raise OverflowError(f"backward: the gradient of {bad!r:.60} (operation {bad.op!r}) "
                        f"overflowed although every value was finite; run it inside "
                        f"detect_anomaly() to see where")


def _run_checked(topo: List[Any]) -> None:
    """``run`` that checks every gradient it adds (the slow path of ``detect_anomaly``)."""
    for n in reversed(topo):
        if n._fn is None:
            continue
        g = n.grad
        for p, d in zip(graph.parents(n), local_floats(n)):
            p.grad += d * g
            if not math.isfinite(p.grad):
                name = f" {n.label!r}" if n.label else ""
                who = f"{p.label} = {p.data:.6g}" if p.label else f"{p.data:.6g}"
                raise modes.AnomalyError(
                    f"detect_anomaly: backward through operation {n.op!r}{name} gave gradient "
                    f"{p.grad} for its input {who} (local derivative {d:.6g}, "
                    f"incoming gradient {g:.6g})")


def grad_values(root: Any, wrt: Sequence[Any]) -> List[Any]:
    """d root / d w for each ``w`` in ``wrt``, built as nodes (slow path, pure).

    The same reverse sweep as ``run``, calling each rule on the nodes themselves, so every
    gradient is a graph over the original nodes. Only nodes on a path from ``root`` to some
    ``w`` are visited; no ``.grad`` is touched. A gradient that does not depend on any node
    comes back as a plain float.
    """
    topo = graph.topological(root)
    targets = set(wrt)
    live = set()
    for n in topo:  # nodes from which some target can be reached
        if n in targets or any(p in live for p in graph.parents(n)):
            live.add(n)
    grads: Dict[Any, Any] = {root: 1.0}
    for n in reversed(topo):
        if n not in live or n._fn is None or n not in grads:
            continue
        g = grads[n] if n in targets else grads.pop(n)
        for p, d in zip(graph.parents(n), local_nodes(n)):
            if p not in live:
                continue
            if type(d) is float or type(d) is int:
                if d == 0.0:
                    continue
                term = g if d == 1.0 else g * d
            else:
                term = d if (type(g) is float and g == 1.0) else g * d
            old = grads.get(p)
            grads[p] = term if old is None else old + term
    return [grads.get(w, 0.0) for w in wrt]
