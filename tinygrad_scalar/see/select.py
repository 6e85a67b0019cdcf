"""What a drawing shows: the role of each node, chains of ``+`` drawn as one sum, the part
of a graph around one node, and the neuron each node belongs to.

``choose(order, ...)`` returns a ``View``: the nodes to draw in topological order, the
terms each operation is drawn with, and the edges that lead out of the picture.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Set, Tuple

from ..core.value import Value
from .names import check_labels

__all__ = ["ROLES", "roles", "View", "choose", "clusters_of"]

ROLES = ("output", "parameter", "input", "constant", "operation")

_PARAM = re.compile(r"(?:^|\.)(?:w\d*|b\d*)$")
_NEURON = re.compile(r"^(?:(L\d+)\.)?(N\d+)\.(?:w\d+|b)$")
_ACTIVATIONS = ("tanh", "relu", "sigmoid", "exp", "abs", "log")

Inputs = List[Tuple[Value, float]]


def roles(root: Value, params: Optional[Iterable[Value]] = None) -> Dict[Value, str]:
    """The role of every node under ``root``: one of ``ROLES``.

    ``root`` is the output; a leaf is a parameter when it is in ``params`` or its label
    looks like a model parameter (``w``, ``w1``, ``b``, ``L0.N3.w1``...); a leaf made from a
    plain number is a constant; other leaves are inputs; the rest are operations.

    >>> x, w = Value(1.0, label="x"), Value(2.0, label="w")
    >>> y = 3 * x * w
    >>> [roles(y)[v] for v in (x, w, y)]
    ['input', 'parameter', 'output']
    """
    if not isinstance(root, Value):
        raise TypeError(f"roles: root must be a Value, got {type(root).__name__}")
    return role_of(root.topological_order(), values(params, "roles", "params"))


def role_of(order: Sequence[Value], params: Optional[Iterable[Value]]) -> Dict[Value, str]:
    """``roles`` for a graph already in topological order (its output last)."""
    check_labels(order)
    root = order[-1]
    chosen = set(params) if params is not None else set()
    out: Dict[Value, str] = {}
    for n in order:
        if n is root:
            out[n] = "output"
        elif not n.is_leaf:
            out[n] = "operation"
        elif n.is_constant:
            out[n] = "constant"
        elif n in chosen or _PARAM.search(n.label):
            out[n] = "parameter"
        else:
            out[n] = "input"
    return out


def values(xs: Optional[Iterable[Value]], where: str, name: str) -> Optional[List[Value]]:
    """``xs`` as a list of Values (or None); ``TypeError`` naming the argument otherwise."""
    if xs is None:
        return None
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise TypeError(f"{where}: {name} must be a list of Values, got {type(xs).__name__}")
    out = list(xs)
    for x in out:
        if not isinstance(x, Value):
            raise TypeError(f"{where}: {name} must hold Values, got {type(x).__name__}")
    return out


class View(NamedTuple):
    """The part of a graph a drawing shows.

    ``nodes``: the values drawn, in topological order; ``shown``: the same as a set;
    ``inputs``: for each drawn operation, its terms ``(parent, local derivative)`` (a
    collapsed sum lists the terms of its whole chain); ``sums``: the operations drawn as
    one sum; ``unseen_uses``: for a drawn value, how many drawn-out uses it has.
    """

    nodes: List[Value]
    shown: Set[Value]
    inputs: Dict[Value, Inputs]
    sums: Set[Value]
    unseen_uses: Dict[Value, int]


def choose(order: List[Value], collapse_sums: bool, focus: Optional[Value],
           radius: int) -> View:
    """The nodes of ``order`` (a topological order, output last) that a drawing shows."""
    root = order[-1]
    absorbed: Set[Value] = set()
    sums: Dict[Value, Inputs] = {}
    if collapse_sums:
        absorbed, sums = _collapse(order, _users(order), root, focus)
    nodes = [n for n in order if n not in absorbed]
    shown = set(nodes)
    unseen_uses: Dict[Value, int] = {}
    if focus is not None:
        links = {n: [p for p, _ in sums[n]] if n in sums else n.parents for n in nodes}
        shown = _neighbourhood(focus, radius, nodes, links)
        for n in nodes:
            if n not in shown:
                for p in links[n]:
                    if p in shown:
                        unseen_uses[p] = unseen_uses.get(p, 0) + 1
        nodes = [n for n in nodes if n in shown]
    inputs: Dict[Value, Inputs] = {
        n: sums[n] if n in sums else list(zip(n.parents, n.local_grads()))
        for n in nodes if not n.is_leaf}
    return View(nodes, shown, inputs, set(sums), unseen_uses)


def _users(order: Sequence[Value]) -> Dict[Value, List[Value]]:
    users: Dict[Value, List[Value]] = {n: [] for n in order}
    for n in order:
        for p in n.parents:
            users[p].append(n)
    return users


def _collapse(order: List[Value], users: Dict[Value, List[Value]], root: Value,
              keep: Optional[Value]) -> Tuple[Set[Value], Dict[Value, Inputs]]:
    """Find chains of ``+``: the nodes absorbed into a sum, and each chain head's terms.

    A ``+`` (or ``sum``) node is absorbed when it has no label and its only use is by
    another ``+`` or ``sum``; the first node up the chain that is not absorbed is drawn as
    one sum of all the chain's terms.
    """
    absorbed = {n for n in order
                if n.op in ("+", "sum") and len(users[n]) == 1 and not n.label
                and n is not root and n is not keep and users[n][0].op in ("+", "sum")}
    terms: Dict[Value, Inputs] = {}
    for n in order:
        if n in absorbed or not any(p in absorbed for p in n.parents):
            continue
        found: Inputs = []
        stack = list(zip(n.parents, n.local_grads()))[::-1]
        while stack:
            p, d = stack.pop()
            if p in absorbed:
                stack += [(q, d * dq) for q, dq in zip(p.parents, p.local_grads())][::-1]
            else:
                found.append((p, d))
        terms[n] = found
    return absorbed, terms


def _neighbourhood(focus: Value, radius: int, nodes: Sequence[Value],
                   links: Dict[Value, Sequence[Value]]) -> Set[Value]:
    """The nodes within ``radius`` edges of ``focus``, edges taken in either direction."""
    around: Dict[Value, List[Value]] = {n: [] for n in nodes}
    for n in nodes:
        for p in links[n]:
            around[n].append(p)
            around[p].append(n)
    seen = {focus: 0}
    queue = deque([focus])
    while queue:
        n = queue.popleft()
        if seen[n] == radius:
            continue
        for m in around[n]:
            if m not in seen:
                seen[m] = seen[n] + 1
                queue.append(m)
    return set(seen)


def clusters_of(nodes: Sequence[Value], role: Dict[Value, str],
                inputs: Dict[Value, Inputs]) -> Dict[Value, Tuple[str, str]]:
    """(layer, neuron) of each node that belongs to a neuron, from parameter labels."""
    where: Dict[Value, Tuple[str, str]] = {}
    for n in nodes:
        if n.is_leaf:
            m = _NEURON.match(n.label) if role[n] == "parameter" else None
            if m:
                layer = m.group(1) or ""
                where[n] = (layer, f"{layer}.{m.group(2)}" if layer else m.group(2))
            continue
        ps = [p for p, _ in inputs[n]]
        keys = {where[p] for p in ps if p.is_leaf and p in where}
        if len(keys) == 1:
            where[n] = keys.pop()  # a weighted sum: reads this neuron's parameters
            continue
        if keys:
            continue
        ops = {where.get(p) for p in ps if not p.is_leaf}
        if len(ops) != 1 or None in ops or any(p.is_constant for p in ps):
            continue
        if len(ps) == 1 and n.op not in _ACTIVATIONS:
            continue
        where[n] = ops.pop()  # a partial sum or the activation of that neuron
    return where


def wants_clusters(nodes: Sequence[Value], role: Dict[Value, str]) -> bool:
    """True when some drawn parameter has a neuron-style label (``L0.N3.w1``)."""
    return any(role[n] == "parameter" and _NEURON.match(n.label) for n in nodes)
