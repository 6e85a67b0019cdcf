"""Backpropagation you can play with: ``to_html(root, "graph.html")`` writes one page.

The page is a single self-contained HTML file that opens offline in any browser: the
graph is laid out here by Graphviz's ``dot`` program and embedded as SVG, next to a small
script, its style sheet and the data as JSON (nothing is loaded from the network).

* a slider, step buttons and the arrow keys play Alpha's backward sweep one node at a
  time: the node being processed is outlined, gradients fill in as they become known
  and the edges just used show their contribution ``local * grad``;
* hovering over or clicking a node shows its value, gradient, local derivatives and the
  paths from the output with their products (``explain``);
* the forward and backward listings (``listing``) sit beside the graph with the current
  lines highlighted, and a panel gives Alpha's and Beta's work (``compare``).

Big graphs are drawn as ``to_dot`` draws them (``collapse_sums``, ``focus`` and
``radius``, clusters per layer) and refused beyond ``max_nodes`` with the options that
draw them. The gradients of the graph are left as they were.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Union

from ..core.files import script_json
from ..core.value import Value
from .adjoint import BackwardStep, listing, sweep_steps
from .alphabeta import compare, explain
from .dot import to_dot
from .dot_program import DOT_TIMEOUT, run_dot, seconds
from .names import names_in_order, short
from .render import save
from .select import choose, role_of, values

__all__ = ["to_html"]

#: graphs of more nodes than this get no listing on the page (it would be too long to read)
LISTING_LIMIT = 2000
#: the paths from the output are listed for as many drawn nodes as this many nodes of the
#: graph divided by its size (each list walks the whole graph a few times)
EXPLAIN_BUDGET = 60_000
#: at most this many paths are listed per node, and this many variables compared (3 in a
#: graph too big for a listing)
PATHS_SHOWN, COMPARED = 12, 12


def to_html(root: Value, path: Union[str, "os.PathLike[str]"], *,
            params: Optional[Iterable[Value]] = None, rankdir: str = "LR",
            clusters: Union[bool, str] = "auto", collapse_sums: bool = False,
            focus: Optional[Value] = None, radius: int = 2, max_nodes: int = 500,
            title: Optional[str] = None, timeout: float = DOT_TIMEOUT) -> Path:
    """Write the explorer page of ``root``'s graph to ``path`` (one offline HTML file).

    The options are ``to_dot``'s (``title`` also names the page). Needs the ``dot``
    program (system package ``graphviz``): ``GraphvizNotFound`` without it. A graph over
    the node budget is refused by a ``ValueError`` saying which of ``collapse_sums=True``
    or ``focus=..., radius=...`` draws it. The file is replaced whole or not at all.
    Every ``.grad`` is left as it was. Returns the path written.

    >>> import tempfile, pathlib
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> page = to_html((x * w).tanh(), pathlib.Path(tempfile.mkdtemp()) / "neuron.html")
    >>> text = page.read_text()
    >>> text.startswith("<!DOCTYPE html>"), "<svg" in text, "http://" in text.split("<svg")[0]
    (True, True, False)
    """
    if not isinstance(root, Value):
        raise TypeError(f"to_html: root must be a Value, got {type(root).__name__}")
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise TypeError(f"to_html: path must be a str or a path, got {type(path).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"to_html: title must be a str, got {type(title).__name__}")
    limit = seconds(timeout, "to_html")
    options: Dict[str, Any] = dict(params=values(params, "to_html", "params"),
                                   rankdir=rankdir, clusters=clusters,
                                   collapse_sums=collapse_sums, focus=focus, radius=radius,
                                   max_nodes=max_nodes)
    data, source = _sweep_and_draw(root, options)
    svg = _svg(run_dot(source, "svg", "to_html", limit))
    page = _page(title or "backpropagation, step by step", svg, data)
    out = Path(path)
    save(page.encode("utf-8"), out, "to_html")
    return out


def _sweep_and_draw(root: Value, options: Dict[str, Any]) -> "tuple[Dict[str, Any], str]":
    """The page's data and the DOT source, from one clean backward sweep; every
    ``.grad`` is put back afterwards."""
    order = root.topological_order()
    saved = [n.grad for n in order]
    try:
        # the drawing first: a graph over budget is refused before any other work
        try:
            to_dot(root, **options)
        except (TypeError, ValueError) as e:  # the same error, in this function's name
            e.args = (str(e).replace("to_dot:", "to_html:", 1),)
            raise
        for n in order:
            n.grad = 0.0
        data = _page_json(root, order, options)  # runs the sweep
        source = to_dot(root, grad_flow=True, **options).source
    finally:
        for n, g in zip(order, saved):
            n.grad = g
    return data, source


def _page_json(root: Value, order: List[Value], options: Dict[str, Any]) -> Dict[str, Any]:
    """The data the page's script reads: nodes, steps, listings and Alpha versus Beta.

    ``order`` is ``root``'s topological order, every gradient at zero: this runs the
    sweep (``sweep_steps``), keeping only the steps that touch a drawn node. ``options``
    are ``to_dot``'s. Numbers shown are strings written by ``short``; exact ones
    (``grad``) are Python's ``repr`` of the float.
    """
    names: Dict[Any, str] = names_in_order(order)
    index = {n: i for i, n in enumerate(order)}
    view = choose(order, bool(options.get("collapse_sums")), options.get("focus"),
                  int(options.get("radius", 2)))
    role = role_of(order, options.get("params"))
    drawn = [n for n in order if n in view.shown]
    lines = _listing_lines(root, order)
    steps = _steps(sweep_steps(root), index, view.shown, lines["bwdOf"],
                   sum(1 for n in order if not n.is_leaf))
    nodes: Dict[str, Dict[str, Any]] = {}
    paths = _paths(root, order, drawn)
    for n in drawn:
        i = index[n]
        nodes[f"n{i}"] = {
            "name": names[n], "role": role[n], "op": n.op or "", "data": short(n.data),
            "grad": repr(n.grad + 0.0), "gradText": short(n.grad),
            "constant": n.is_constant, "fwd": lines["fwdOf"].get(i),
            "locals": [[names[p], short(d)] for p, d in zip(n.parents, n.local_grads())],
            "paths": paths.get(n)}
    return {"nodes": nodes, "root": f"n{index[root]}", "rootName": names[root],
            "total": len(order), "drawn": len(drawn),
            "steps": steps,
            "forward": lines["forward"], "backward": lines["backward"],
            "rootLine": lines["rootLine"], "listingNote": lines["note"],
            "compare": _compare(root, drawn, len(order))}


def _paths(root: Value, order: List[Value], drawn: List[Value]) -> Dict[Value, str]:
    """``explain``'s text for the drawn nodes, while ``EXPLAIN_BUDGET`` lasts: the
    variables first, then the operations from the output down."""
    position = {n: i for i, n in enumerate(drawn)}  # drawn is in topological order
    chosen = sorted((n for n in drawn if not n.is_constant),
                    key=lambda n: (not n.is_leaf, 0 if n.is_leaf else -position[n]))
    out = {}
    for n in chosen[:max(1, EXPLAIN_BUDGET // len(order))]:
        out[n] = str(explain(root, n, limit=PATHS_SHOWN))
    return out


def _steps(steps: Iterable[BackwardStep], index: Dict[Value, int], shown: "set[Value]",
           bwd_of: Dict[int, List[int]], count: int) -> List[Dict[str, Any]]:
    """The steps (of ``count``) that touch a drawn node, each with the gradients it sets."""
    out = []
    for s in steps:
        n = s.node
        parents = n.parents
        if n not in shown and not any(p in shown for p in parents):
            continue
        i = index[n]
        out.append({
            "k": s.index, "of": count, "node": f"n{i}" if n in shown else None,
            "name": s.name, "op": s.op, "grad": short(s.grad), "lines": bwd_of.get(i, []),
            "updates": [[f"n{index[p]}" if p in shown else None, name, short(d), short(b),
                         short(a), repr(a + 0.0)]
                        for p, name, d, b, a in zip(parents, s.parents, s.local, s.before,
                                                    s.after)]})
    return out


def _listing_lines(root: Value, order: List[Value]) -> Dict[str, Any]:
    """The listing split into forward and backward lines, and which lines each node has."""
    empty: Dict[str, Any] = {"forward": [], "backward": [], "fwdOf": {}, "bwdOf": {},
                             "rootLine": None, "note": ""}
    if len(order) > LISTING_LIMIT:
        empty["note"] = (f"listing left out: the graph has {len(order):,} nodes, more than "
                         f"{LISTING_LIMIT:,}")
        return empty
    text = listing(root).split("\n")
    split = text.index("# backward (every g_ starts at 0)")
    forward, backward = text[1:split], text[split + 1:]
    fwd_of: Dict[int, int] = {}
    k = 0
    for i, n in enumerate(order):
        if not n.is_constant:
            fwd_of[i] = k
            k += 1
    bwd_of: Dict[int, List[int]] = {}
    line = 1  # line 0 is g_root = 1.0
    for i in range(len(order) - 1, -1, -1):
        n = order[i]
        if n.is_leaf:
            continue
        count = sum(1 for p in n.parents if not p.is_constant)
        bwd_of[i] = list(range(line, line + count))
        line += count
    assert k == len(forward) and line == len(backward), "listing and page disagree"
    return {"forward": forward, "backward": backward, "fwdOf": fwd_of, "bwdOf": bwd_of,
            "rootLine": 0, "note": ""}


def _compare(root: Value, drawn: List[Value], total: int) -> Optional[Dict[str, Any]]:
    """``compare``'s counts for the drawn variables (at most ``COMPARED``), or None."""
    top = COMPARED if total <= LISTING_LIMIT else 3
    xs = [n for n in drawn if n.is_leaf and not n.is_constant][:top]
    if not xs or root.is_leaf:
        return None
    c = compare(root, xs, repeats=1, max_calls=200_000)
    return {"nodes": c.nodes, "edges": c.edges, "paths": c.paths,
            "alphaLocals": c.alpha_locals, "betaCalls": c.beta_calls,
            "betaSkipped": c.beta_seconds is None,
            "maxDifference": None if c.max_difference is None else f"{c.max_difference:.3g}",
            "rows": [[r.name, short(r.alpha), None if r.beta is None else short(r.beta),
                      r.paths, r.beta_calls] for r in c.rows],
            "text": str(c)}


def _svg(picture: bytes) -> str:
    """``dot``'s SVG made ready to sit inside HTML: no XML prolog, no comments."""
    text = picture.decode("utf-8")
    text = text[text.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def _asset(name: str) -> str:
    """The text of one of the page's files (``assets/explorer.js``...), shipped with the
    package."""
    from importlib import resources

    return resources.files("tinygrad_scalar.see").joinpath("assets").joinpath(name).read_text("utf-8")


def _page(title: str, svg: str, data: Dict[str, Any]) -> str:
    return _asset("explorer.html").format(
        title=html.escape(title), css=_asset("explorer.css"), svg=svg,
        data=script_json(data), js=_asset("explorer.js"))
