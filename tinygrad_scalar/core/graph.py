"""Walks over expression graphs: topological order, cycle check, trace and statistics.

Everything here works on *any* node objects, given a function ``parents(node)`` that
returns the node's parents as a tuple in operand order. The module imports nothing of the
package, so every other layer can use it. Nothing here recurses: a chain of a million
nodes is walked at Python's default recursion limit.

>>> kids = {"c": ("a", "b"), "b": ("a",), "a": ()}
>>> topological_order("c", kids.__getitem__)
['a', 'b', 'c']
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Dict, Hashable, List, NamedTuple, Sequence, Tuple, TypeVar

from .primitive import REGISTRY

N = TypeVar("N", bound=Hashable)
Parents = Callable[[N], Sequence[N]]

__all__ = ["topological_order", "trace", "count_paths", "depth", "GraphStats", "stats"]


def topological_order(root: N, parents: Parents) -> List[N]:
    """Return every node reachable from ``root``, each after all of its parents.

    The walk is an iterative depth-first search: each node appears once (shared
    sub-expressions are not repeated) and ``root`` comes last. A cycle raises
    ``ValueError`` (expression graphs built by operators never have one).

    >>> topological_order(3, lambda n: (n - 1,) if n else ())
    [0, 1, 2, 3]
    """
    order: List[N] = []
    done: set = set()
    on_path: set = set()
    stack: List[Tuple[N, int]] = [(root, 0)]
    while stack:
        node, i = stack.pop()
        if i == 0:
            if node in done:
                continue
            on_path.add(node)
        ps = parents(node)
        while i < len(ps) and ps[i] in done:
            i += 1
        if i < len(ps):
            child = ps[i]
            if child in on_path:
                raise ValueError(f"topological_order: the graph has a cycle through {child!r}")
            stack.append((node, i + 1))
            stack.append((child, 0))
        else:
            on_path.discard(node)
            done.add(node)
            order.append(node)
    return order


def trace(root: N, parents: Parents) -> Tuple[List[N], List[Tuple[N, N]]]:
    """Return ``(nodes, edges)`` of the graph under ``root`` in topological order.

    Each edge is ``(parent, child)``; an operand used twice (``a + a``) gives two edges.

    >>> trace("c", {"c": ("a", "a"), "a": ()}.__getitem__)
    (['a', 'c'], [('a', 'c'), ('a', 'c')])
    """
    nodes = topological_order(root, parents)
    edges = [(p, n) for n in nodes for p in parents(n)]
    return nodes, edges


def count_paths(root: N, target: N, parents: Parents) -> int:
    """Number of distinct paths from ``root`` down to ``target`` (linear time).

    >>> g = {"d": ("c", "c"), "c": ("b", "b"), "b": ("a", "a"), "a": ()}
    >>> count_paths("d", "a", g.__getitem__)
    8
    """
    paths: Dict[N, int] = {}
    for node in topological_order(root, parents):
        paths[node] = 1 if node == target else sum(paths[p] for p in parents(node))
    return paths[root]


def depth(root: N, parents: Parents) -> int:
    """Length (in edges) of the longest path from ``root`` down to a leaf.

    >>> depth(5, lambda n: (n - 1,) if n else ())
    5
    """
    longest: Dict[N, int] = {}
    for node in topological_order(root, parents):
        ps = parents(node)
        longest[node] = 1 + max(longest[p] for p in ps) if ps else 0
    return longest[root]


class GraphStats(NamedTuple):
    """Size of an expression graph: nodes, edges, leaves and longest path."""

    nodes: int
    edges: int
    leaves: int
    depth: int


def stats(root: N, parents: Parents) -> GraphStats:
    """Count nodes, edges, leaves and the depth of the graph under ``root``.

    >>> stats("c", {"c": ("a", "b"), "b": ("a",), "a": ()}.__getitem__)
    GraphStats(nodes=3, edges=3, leaves=1, depth=2)
    """
    nodes, edges = trace(root, parents)
    leaves = sum(1 for n in nodes if not parents(n))
    return GraphStats(len(nodes), len(edges), leaves, depth(root, parents))


# ---------------------------------------------------------------------- expression nodes
# The functions below read the storage of ``core.value.Value`` nodes (``_a``, ``_b``,
# ``_fn``; see that module) without importing it, so that the sweep and the walks sit
# below the class.

CONST = type("Constant", (), {"__repr__": lambda self: "CONST", "__reduce__": lambda self: "CONST"})()
"""Marks, in ``_b``, a leaf made from a plain number by an operator (the 2 in ``2 * x``)."""

PLACEHOLDER = type("Placeholder", (), {"__repr__": lambda self: "PLACEHOLDER",
                                       "__reduce__": lambda self: "PLACEHOLDER"})()
"""Marks, in ``_b``, a leaf made by ``Value.placeholder``: an input to be fed later."""


def is_real(x: object) -> bool:
    """True for a real number (int, float, NumPy's), never a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def parents(n: Any) -> tuple:
    """The parents of an expression node, in operand order (``()`` for a leaf)."""
    a = n._a
    if a is None:
        return ()
    if type(a) is tuple:
        return a
    b = n._b
    return (a,) if b is None or type(b) is float else (a, b)


def topological(root: Any, for_backward: bool = False) -> list:
    """Every node under ``root``, parents before children, ``root`` last (iteratively).

    ``for_backward`` leaves out the leaves (the sweep has nothing to do for them) and sets
    every other node's ``.grad`` to 0 on the way; the order of the others is unchanged.
    """
    order: list = []
    seen: set = set()
    add = seen.add
    stack: list = [root]  # nodes to visit; _EMIT above a node means "its parents are done"
    push, pop, emit, emit_next = stack.append, stack.pop, order.append, _EMIT
    while stack:
        n = pop()
        if n is emit_next:
            n = pop()
            if for_backward:
                n.grad = 0.0
            emit(n)
            continue
        if n in seen:
            continue
        add(n)
        a = n._a
        if a is None:
            emit(n)
            continue
        push(n)
        push(emit_next)
        if for_backward:  # the same walk, without stepping onto leaves
            if type(a) is tuple:
                for p in a:
                    if p._fn is not None and p not in seen:
                        push(p)
            else:
                b = n._b
                if b is not None and type(b) is not float and b._fn is not None and b not in seen:
                    push(b)
                if a._fn is not None and a not in seen:
                    push(a)
        elif type(a) is tuple:
            for p in a:
                if p not in seen:
                    push(p)
        else:
            b = n._b
            if b is not None and type(b) is not float and b not in seen:
                push(b)
            if a not in seen:
                push(a)
    return order


_EMIT = object()


def reduce(root: Any) -> tuple:
    """``__reduce__`` for a node: its whole graph as a flat table, so that ``pickle`` and
    ``copy.deepcopy`` never recurse (a chain of a million operations copies fine).

    Leaves are kept as objects (so a parameter shared by two pickled graphs stays one
    object); operation nodes are rebuilt from the table by ``rebuild``.
    """
    if root._fn is None:
        return (_leaf, (type(root), root.data, root.grad, root.label, root._b is CONST,
                        root._b is PLACEHOLDER))
    order = topological(root)
    index = {n: i for i, n in enumerate(order)}
    table = []
    for n in order:
        if n._fn is None:
            table.append(n)
        else:
            b = n._b
            kind = ("nary" if type(n._a) is tuple else "const" if type(b) is float
                    else "unary" if b is None else "binary")
            ps = [index[p] for p in parents(n)]
            table.append((n.data, n.grad, n.label, n._fn.primitive.name, kind, ps, b
                          if kind == "const" else None))
    return (rebuild, (type(root), table))


def _leaf(cls: type, data: float, grad: float, label: str, constant: bool,
          placeholder: bool = False) -> Any:
    v = object.__new__(cls)
    v.data, v.grad, v.label = data, grad, label
    v._a, v._b, v._fn = None, CONST if constant else PLACEHOLDER if placeholder else None, None
    return v


def rebuild(cls: type, table: list) -> Any:
    """The inverse of ``reduce``: the graph rebuilt, its root returned."""
    nodes: list = []
    for row in table:
        if not isinstance(row, tuple):
            nodes.append(row)
            continue
        data, grad, label, op, kind, ps, k = row
        if op not in REGISTRY:
            raise ValueError(f"unpickling a Value: unknown operation {op!r} (register it "
                             f"before loading)")
        v = object.__new__(cls)
        v.data, v.grad, v.label, v._fn = data, grad, label, REGISTRY[op].rule
        got = [nodes[i] for i in ps]
        if kind == "nary":
            v._a, v._b = tuple(got), None
        else:
            v._a = got[0]
            v._b = k if kind == "const" else (got[1] if kind == "binary" else None)
        nodes.append(v)
    return nodes[-1]
