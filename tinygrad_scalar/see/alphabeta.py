"""Alpha versus Beta, with numbers: what sorting the graph buys, and why the chain rule works.

``compare(out, wrt)`` differentiates ``out`` both ways — Alpha (``Value.backward``: one
topological sweep) and Beta (``naive.grad``: the recursive chain rule, one variable at a
time) — and returns a table of their work, their time and their largest disagreement.

``explain(out, x)`` lists the paths from ``out`` down to ``x``, each with the product of the
local derivatives along it: the gradient is exactly the sum over all paths. Beta walks
every path; Alpha adds them up node by node, which is why it stays linear.

>>> from tinygrad_scalar import Value
>>> x = Value(3.0, label="x")
>>> y = x * x
>>> print(explain(y, x))
d t1 / d x = sum over 2 paths of the product of local derivatives along each:
  t1 <-*- x   3 = 3
  t1 <-*- x   3 = 3
  sum = 6 (gradient 6)
"""

from __future__ import annotations

import statistics
import time
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from ..core import graph
from ..core.value import Value
from ..derive import naive
from .names import check_labels, node_names, short

__all__ = ["Comparison", "VariableRow", "compare", "Path", "Explanation", "explain", "adjoints"]


def adjoints(out: Value) -> Dict[Value, float]:
    """d out / d node for every node under ``out``, leaving every ``.grad`` untouched.

    The same reverse sweep as ``backward`` (Alpha), kept in a dict.

    >>> a = Value(2.0)
    >>> adjoints(a * a + a)[a]
    5.0
    """
    if not isinstance(out, Value):
        raise TypeError(f"adjoints: out must be a Value, got {type(out).__name__}")
    order = out.topological_order()
    adj: Dict[Value, float] = {n: 0.0 for n in order}
    adj[out] = 1.0
    for n in reversed(order):
        g = adj[n]
        for p, d in zip(n.parents, n.local_grads()):
            adj[p] += d * g
    return adj


class VariableRow(NamedTuple):
    """One variable's line in a comparison."""

    name: str
    alpha: float
    beta: Optional[float]
    paths: int
    beta_calls: int


class Comparison(NamedTuple):
    """Alpha's and Beta's work on one graph; ``str()`` gives the printed table.

    Times are medians over ``repeats`` runs, in seconds; ``beta_seconds``, ``beta`` of
    each row and ``max_difference`` are ``None`` when Beta was too expensive to run.
    """

    nodes: int
    edges: int
    paths: int
    alpha_locals: int
    alpha_seconds: float
    beta_calls: int
    beta_seconds: Optional[float]
    max_difference: Optional[float]
    rows: Tuple[VariableRow, ...]

    def __repr__(self) -> str:  # the table, also at a REPL's prompt (no print needed)
        return str(self)

    def __str__(self) -> str:
        beta_time = "skipped" if self.beta_seconds is None else _ms(self.beta_seconds)
        diff = "-" if self.max_difference is None else f"{self.max_difference:.3g}"
        head = [
            (f"graph: {self.nodes:,} nodes, {self.edges:,} edges, {self.paths:,} paths "
             f"to {len(self.rows)} variable{'s' if len(self.rows) != 1 else ''}"),
            "",
            f"{'':24}{'Alpha (backward)':>20}{'Beta (naive.grad)':>20}",
            (f"{'work':24}{f'{self.alpha_locals:,} local derivs':>20}"
             f"{f'{self.beta_calls:,} calls':>20}"),
            f"{'time':24}{_ms(self.alpha_seconds):>20}{beta_time:>20}",
            f"{'largest |Alpha - Beta|':24}{diff:>20}",
            "",
            f"{'variable':12}{'Alpha grad':>14}{'Beta grad':>14}{'paths':>12}{'Beta calls':>14}",
        ]
        for r in self.rows:
            beta = "-" if r.beta is None else f"{r.beta:.6g}"
            head.append(f"{r.name:12}{r.alpha:>14.6g}{beta:>14}{r.paths:>12,}"
                        f"{r.beta_calls:>14,}")
        return "\n".join(head)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms"


def _median_time(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def compare(out: Value, wrt: Union[Value, Sequence[Value]], repeats: int = 3,
            max_calls: int = 1_000_000) -> Comparison:
    """Differentiate ``out`` with respect to ``wrt`` by Alpha and by Beta and compare.

    Alpha's work is its number of local derivatives (one per edge of the graph); Beta's
    is its number of recursive calls (``naive.cost``, one per path prefix). Beta is
    skipped (its columns ``None``) when it would need more than ``max_calls`` calls in
    all. Every ``.grad`` is restored afterwards.

    >>> x = Value(0.5, label="x")
    >>> y = x
    >>> for _ in range(3):
    ...     y = y * y          # each step doubles the paths to x
    >>> c = compare(y, x)
    >>> c.nodes, c.edges, c.paths, c.alpha_locals, c.beta_calls, c.max_difference
    (4, 6, 8, 6, 15, 0.0)
    """
    if not isinstance(out, Value):
        raise TypeError(f"compare: out must be a Value, got {type(out).__name__}")
    if not isinstance(wrt, (Value, list, tuple)):
        raise TypeError(f"compare: wrt must be a Value or a list of Values, "
                        f"got {type(wrt).__name__}")
    xs = [wrt] if isinstance(wrt, Value) else list(wrt)
    if not xs:
        raise ValueError("compare: wrt must name at least one Value")
    for x in xs:
        if not isinstance(x, Value):
            raise TypeError(f"compare: wrt must hold Values, got {type(x).__name__}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"compare: repeats must be a positive int, got {repeats!r:.60}")
    if isinstance(max_calls, bool) or not isinstance(max_calls, int) or max_calls < 0:
        raise ValueError(f"compare: max_calls must be an int >= 0, got {max_calls!r:.60}")
    check_labels(xs)
    order = out.topological_order()
    saved = [n.grad for n in order]
    names = node_names(out)
    edges = sum(len(n.parents) for n in order)
    paths = [graph.count_paths(out, x, _parents) if x in names else 0 for x in xs]
    calls = [naive.cost(out, x) for x in xs]

    def alpha() -> None:
        for n in order:
            n.grad = 0.0
        out.backward()

    try:
        alpha_seconds = _median_time(alpha, repeats)
        alpha_grads = [x.grad if x in names else 0.0 for x in xs]
    finally:
        for n, g in zip(order, saved):
            n.grad = g
    beta_grads: List[Optional[float]] = [None] * len(xs)
    beta_seconds: Optional[float] = None
    if sum(calls) <= max_calls:
        def beta() -> None:
            for i, x in enumerate(xs):
                beta_grads[i] = naive.grad(out, x, max_calls=max(calls[i], 1))
        beta_seconds = _median_time(beta, repeats)
    diff = None
    if beta_seconds is not None:
        diff = max(abs(a - b) for a, b in zip(alpha_grads, beta_grads))  # type: ignore[operator]
    rows = tuple(VariableRow(names.get(x, x.label or "?"), a, b, p, c)
                 for x, a, b, p, c in zip(xs, alpha_grads, beta_grads, paths, calls))
    return Comparison(len(order), edges, sum(paths), edges, alpha_seconds, sum(calls),
                      beta_seconds, diff, rows)


def _parents(n: Value) -> Tuple[Value, ...]:
    return n.parents


class Path(NamedTuple):
    """One path from the output down to the variable: the nodes and each edge's local."""

    nodes: Tuple[Value, ...]
    local: Tuple[float, ...]
    product: float


class Explanation(NamedTuple):
    """The paths from ``out`` to ``x`` and their sum; ``str()`` prints them."""

    out_name: str
    x_name: str
    paths: Tuple[Path, ...]
    total_paths: int
    listed_sum: float
    gradient: float
    names: Dict[Value, str]

    def __repr__(self) -> str:  # the paths, also at a REPL's prompt (no print needed)
        return str(self)

    def __str__(self) -> str:
        lines = [(f"d {self.out_name} / d {self.x_name} = sum over {self.total_paths:,} "
                  f"path{'s' if self.total_paths != 1 else ''} of the product of local "
                  f"derivatives along each:")]
        for p in self.paths:
            steps = [self.names[p.nodes[0]]]
            for child, parent in zip(p.nodes, p.nodes[1:]):
                steps.append(f"<-{child.op}- {self.names[parent]}")
            factors = " * ".join(short(d) for d in p.local) or "1"
            lines.append(f"  {' '.join(steps)}   {factors} = {short(p.product)}")
        rest = self.total_paths - len(self.paths)
        if rest:
            lines.append(f"  ... and {rest:,} more path{'s' if rest != 1 else ''} "
                         f"(listed ones sum to {short(self.listed_sum)})")
            lines.append(f"  sum over all paths = gradient = {short(self.gradient)}")
        else:
            lines.append(f"  sum = {short(self.listed_sum)} (gradient {short(self.gradient)})")
        return "\n".join(lines)


def explain(out: Value, x: Value, limit: Optional[int] = 20) -> Explanation:
    """The paths from ``out`` to ``x`` (at most ``limit`` of them listed; ``None``: all).

    Each path carries the local derivative of every edge along it and their product;
    when every path is listed, ``listed_sum`` equals the gradient (up to rounding). When
    ``out`` does not depend on ``x`` there is no path and the gradient is 0.
    ``gradient`` comes from one reverse sweep (``adjoints``), so it is exact even when
    there are too many paths to list. Touches no ``.grad``.
    """
    if not isinstance(out, Value) or not isinstance(x, Value):
        raise TypeError("explain: out and x must be Values, got "
                        f"{type(out).__name__} and {type(x).__name__}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 0):
        raise ValueError(f"explain: limit must be an int >= 0 or None, got {limit!r}")
    check_labels([x])
    names = node_names(out)
    if x not in names:  # out does not depend on x: no path, gradient 0 (as Beta says)
        return Explanation(names[out], x.label or "x", (), 0, 0.0, 0.0, names)
    total = graph.count_paths(out, x, _parents)
    adj = adjoints(out)
    paths = tuple(_walk(out, x, total if limit is None else min(limit, total)))
    listed = sum(p.product for p in paths)
    return Explanation(names[out], names[x], paths, total, listed, adj[x], names)


def _walk(out: Value, x: Value, limit: int) -> Iterable[Path]:
    """Depth-first over paths to ``x`` (operand order), without recursion."""
    if limit == 0:
        return
    reaches = _reaches(out, x)
    found = 0
    stack: List[Tuple[Tuple[Value, ...], Tuple[float, ...]]] = [((out,), ())]
    while stack:
        nodes, local = stack.pop()
        n = nodes[-1]
        if n is x:
            product = 1.0
            for d in local:
                product *= d
            yield Path(nodes, local, product)
            found += 1
            if found == limit:
                return
            continue
        nexts = [(nodes + (p,), local + (d,))
                 for p, d in zip(n.parents, n.local_grads()) if reaches[p]]
        stack += nexts[::-1]


def _reaches(out: Value, x: Value) -> Dict[Value, bool]:
    ok: Dict[Value, bool] = {}
    for n in out.topological_order():
        ok[n] = n is x or any(ok[p] for p in n.parents)
    return ok
