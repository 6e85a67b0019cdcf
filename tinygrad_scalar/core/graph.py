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

from typing import Callable, Dict, Hashable, List, NamedTuple, Sequence, Tuple, TypeVar

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
