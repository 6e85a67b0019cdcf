"""What a drawing shows: the role of each node, chains of ``+`` drawn as one sum, the part
of a graph around one node, and the neuron each node belongs to.

``choose(order, ...)`` returns a ``View``: the nodes to draw in topological order, the
terms each operation is drawn with, and the edges that lead out of the picture.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple, cast

from ..core.primitive import REGISTRY
from ..core.value import Value
from .names import check_labels

__all__ = ["ROLES", "roles", "View", "choose", "clusters_of", "TooBig", "refuse_if_too_big",
           "within"]

ROLES = ("output", "parameter", "input", "constant", "operation")

_PARAM = re.compile(r"(?:^|\.)(?:w\d*|b\d*)$")
_NEURON = re.compile(r"^(?:(L\d+)\.)?(N\d+)\.(?:w\d+|b)$")

Inputs = List[Tuple[Value, float]]


def roles(root: Value, params: Optional[Iterable[Value]] = None) -> Dict[Value, str]:
    """The role of every node under ``root``: one of ``ROLES``.

    ``root`` is the output; a leaf is a parameter when it is in ``params`` or, when
    ``params`` is not given, when its label looks like a model parameter (``w``, ``w1``,
    ``b``, ``L0.N3.w1``...); a leaf made from a
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
        elif n in chosen if params is not None else _PARAM.search(n.label):  # given, or guessed
            out[n] = "parameter"
        else:
            out[n] = "input"
    return out


def values(xs: Optional[Iterable[Value]], where: str, name: str) -> Optional[List[Value]]:
    """``xs`` (a list of Values, or a dict whose values are Values) as a list of Values (or
    None); ``TypeError`` naming the argument otherwise."""
    if xs is None:
        return None
    if isinstance(xs, Mapping):  # {name: Value}, as dict(model.named_parameters()) gives
        xs = xs.values()
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise TypeError(f"{where}: {name} must be a list of Values, got {type(xs).__name__}")
    out = list(xs)
    for x in out:
        if not isinstance(x, Value):
            raise TypeError(f"{where}: {name} must hold Values, got {type(x).__name__}")
    return out


#: with collapse_sums, an operation of more than WIDE terms is drawn by its first SHOWN
#: terms (pairs of a dot) and a count of the others
WIDE, SHOWN = 10, 3
#: with focus, at most FAN inputs and FAN uses of each node are followed, and at most
#: 2 * FAN edges drawn into one node
FAN = 5
#: a drawing may have at most this many edges per node allowed by max_nodes
EDGES_PER_NODE = 4
#: a way out suggested by a refusal draws at most this many values on one path, so that
#: the picture is shown at full size (dot shrinks pictures wider than 32,767 pixels)
MAX_DEPTH = 40


class View(NamedTuple):
    """The part of a graph a drawing shows.

    ``nodes``: the values drawn, in topological order; ``shown``: the same as a set;
    ``inputs``: for each drawn operation, all its terms ``(parent, local derivative)`` (a
    collapsed sum lists the terms of its whole chain); ``edges``: the terms drawn as
    edges (the others are counted on a stub); ``sums``: the operations drawn as one sum;
    ``unseen_uses``: for a drawn value, how many uses are left out of the picture;
    ``distance``: with ``focus``, each drawn value's distance from it (empty otherwise).
    """

    nodes: List[Value]
    shown: Set[Value]
    inputs: Dict[Value, Inputs]
    edges: Dict[Value, Inputs]
    sums: Set[Value]
    unseen_uses: Dict[Value, int]
    distance: Dict[Value, int]


def choose(order: List[Value], collapse_sums: bool, focus: Optional[Value],
           radius: int) -> View:
    """The nodes of ``order`` (a topological order, output last) that a drawing shows.

    Everything, by default; with ``collapse_sums``, chains of ``+`` as one sum and wide
    operations by their first terms, keeping what those terms reach from the output; with
    ``focus``, the nodes within ``radius`` edges of it (following at most ``FAN`` inputs
    and ``FAN`` uses of each node).
    """
    root = order[-1]
    absorbed: Set[Value] = set()
    sums: Dict[Value, Inputs] = {}
    if collapse_sums:
        absorbed, sums = _collapse(order, _users(order), root, focus)
    nodes = [n for n in order if n not in absorbed]
    terms: Dict[Value, Inputs] = {
        n: sums[n] if n in sums else list(zip(n.parents, n.local_grads()))
        for n in nodes if not n.is_leaf}
    if focus is not None:
        return _around(focus, radius, nodes, terms, set(sums))
    if collapse_sums:
        return _summary(root, nodes, terms, set(sums))
    return View(nodes, set(nodes), terms, terms, set(sums), {}, {})


def _around(focus: Value, radius: int, nodes: List[Value], terms: Dict[Value, Inputs],
            sums: Set[Value]) -> View:
    """The view of the nodes around ``focus``, with stubs for what leads out of it."""
    links = {n: [p for p, _ in terms[n]] if n in terms else [] for n in nodes}
    seen = _neighbourhood(focus, radius, nodes, links)
    unseen_uses: Dict[Value, int] = {}
    for n in nodes:
        if n not in seen:
            for p in links[n]:
                if p in seen:
                    unseen_uses[p] = unseen_uses.get(p, 0) + 1
    drawn = [n for n in nodes if n in seen]
    inputs = {n: terms[n] for n in drawn if not n.is_leaf}
    edges = {n: [(p, d) for p, d in ts if p in seen][:2 * FAN] for n, ts in inputs.items()}
    return View(drawn, set(seen), inputs, edges, sums, unseen_uses, seen)


def _summary(root: Value, nodes: List[Value], terms: Dict[Value, Inputs],
             sums: Set[Value]) -> View:
    """Wide operations by their first terms; the nodes those terms reach from ``root``."""
    edges = {n: ts if len(ts) <= WIDE else [ts[i] for i in _first_terms(n, len(ts), n in sums)]
             for n, ts in terms.items()}
    reached = {root}
    stack = [root]
    while stack:
        for p, _ in edges.get(stack.pop(), ()):
            if p not in reached:
                reached.add(p)
                stack.append(p)
    drawn = [n for n in nodes if n in reached]
    inputs = {n: terms[n] for n in drawn if not n.is_leaf}
    return View(drawn, reached, inputs, {n: edges[n] for n in inputs}, sums, {}, {})


def _first_terms(n: Value, k: int, chain: bool) -> List[int]:
    """Positions of the terms a wide operation is drawn with: the first ``SHOWN``, or for
    a dot (parents ``w..., x..., bias``) the first ``SHOWN`` pairs and the bias."""
    if n.op != "dot" or chain:
        return list(range(SHOWN))
    half = k // 2
    return (list(range(SHOWN)) + [half + i for i in range(SHOWN)]
            + ([2 * half] if k % 2 else []))


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
                   links: Dict[Value, List[Value]]) -> Dict[Value, int]:
    """The nodes within ``radius`` edges of ``focus`` (edges taken in either direction)
    and their distances, following at most ``FAN`` new inputs and ``FAN`` new uses of
    each node, so that radius 2 reaches at most 111 nodes."""
    users: Dict[Value, List[Value]] = {n: [] for n in nodes}
    for n in nodes:
        for p in links[n]:
            users[p].append(n)
    seen = {focus: 0}
    queue = deque([focus])
    while queue:
        n = queue.popleft()
        if seen[n] == radius:
            continue
        for group in (links[n], users[n]):
            added = 0
            for m in group:
                if added == FAN:
                    break
                if m not in seen:
                    seen[m] = seen[n] + 1
                    queue.append(m)
                    added += 1
    return seen


def within(radius: int) -> int:
    """The most nodes ``focus`` with this radius draws: 1 + 2F + (2F)^2 + ..."""
    return sum((2 * FAN) ** i for i in range(radius + 1))


class TooBig(ValueError):
    """A drawing over its budget. Besides the message: ``what`` (how it is over),
    ``collapsed`` (the nodes ``collapse_sums=True`` would draw when that fits, else None)
    and ``radius`` (a radius that fits with the focus given, or with any focus)."""

    def __init__(self, what: str, hints: List[str], collapsed: Optional[int],
                 radius: int) -> None:
        super().__init__(f"to_dot: {what}; {' or '.join(hints)}")
        self.what, self.collapsed, self.radius = what, collapsed, radius


def _size(view: View) -> Tuple[int, int]:
    return len(view.nodes), sum(len(es) for es in view.edges.values())


def _fits(nodes: int, edges: int, max_nodes: int) -> bool:
    return nodes <= max_nodes and edges <= EDGES_PER_NODE * max_nodes


def refuse_if_too_big(order: List[Value], view: View, max_nodes: int, collapse_sums: bool,
                      focus: Optional[Value], radius: int) -> None:
    """``TooBig`` (a ``ValueError``) when ``view`` has more than ``max_nodes`` nodes or
    ``EDGES_PER_NODE`` edges per node allowed; the message says what to pass instead, and
    each suggestion fits (computed here, or bounded by ``within``)."""
    nodes, edges = _size(view)
    if _fits(nodes, edges, max_nodes):
        return
    if nodes > max_nodes:
        what = f"{nodes:,} nodes to draw, more than max_nodes={max_nodes:,}"
    else:
        what = (f"{edges:,} edges to draw, more than {EDGES_PER_NODE} per node allowed "
                f"(max_nodes={max_nodes:,})")
    collapsed = None
    if focus is not None:
        r = _largest_radius(view, radius - 1, max_nodes)
        count = sum(1 for d in view.distance.values() if d <= r)
        raise TooBig(what, [f"use radius={r} (it draws {count:,} nodes)"], None, r)
    hints = []
    if not collapse_sums:
        summary = choose(order, True, None, radius)
        if _fits(*_size(summary), max_nodes) and depth(summary) <= MAX_DEPTH:
            collapsed = len(summary.nodes)
            hints.append(f"pass collapse_sums=True (it draws {collapsed:,} nodes: wide sums "
                         f"by their first {SHOWN} terms)")
    r = max(k for k in range(3) if k == 0 or _fits(within(k), 2 * FAN * within(k), max_nodes))
    hints.append(f"draw the part around one value with focus=VALUE, radius={r} "
                 f"(at most {within(r):,} nodes)")
    raise TooBig(what, hints, collapsed, r)


def _largest_radius(view: View, top: int, max_nodes: int) -> int:
    """The largest radius up to ``top`` (and at most 2, so that the picture stays small)
    whose drawing around the same focus fits: the nodes within a smaller radius are the
    same, so their distances answer for every radius."""
    distance, inputs = view.distance, view.inputs
    for r in range(min(top, 2), 0, -1):
        nodes = [n for n in view.nodes if distance[n] <= r]
        edges = sum(min(2 * FAN, sum(1 for p, _ in inputs[n] if distance.get(p, r + 1) <= r))
                    for n in nodes if not n.is_leaf)
        if _fits(len(nodes), edges, max_nodes):
            return r
    return 0  # the focus alone


def depth(view: View) -> int:
    """The most values on one path of the drawing: how many columns ``dot`` lays out."""
    longest: Dict[Value, int] = {}
    for n in view.nodes:
        longest[n] = 1 + max((longest[p] for p, _ in view.edges.get(n, ())), default=0)
    return max(longest.values(), default=0)


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
        if len(ps) == 1 and not _activation(n):
            continue
        where[n] = cast(Tuple[str, str], ops.pop())  # a partial sum or the activation of that neuron
    return where


def _activation(n: Value) -> bool:
    """True for a one-input operation of the rule registry (tanh, relu, exp, ...), which
    belongs to the neuron of its input; ``x ** k`` does not."""
    entry = REGISTRY.get(n.op)
    return entry is not None and entry.kind == "unary"


def wants_clusters(nodes: Sequence[Value], role: Dict[Value, str]) -> bool:
    """True when some drawn parameter has a neuron-style label (``L0.N3.w1``)."""
    return any(role[n] == "parameter" and _NEURON.match(n.label) for n in nodes)
