"""Drawing expression graphs: DOT source (no program needed) and pictures through Graphviz.

``to_dot(root)`` returns a ``graphviz.Digraph``: each value is a box showing its name, data
and gradient; each operation is its own small node between its operands and its result;
``a + a`` draws two edges. The source is deterministic (nodes are numbered in
topological order, never by ``id()``), so the same graph gives byte-identical DOT text in
any process. ``render(root, "graph.png")`` runs the ``dot`` program to make a picture.

>>> from tinygrad_scalar import Value
>>> x = Value(2.0, label="x")
>>> print(to_dot(x * x).source)  # doctest: +ELLIPSIS
digraph tinygrad_scalar {
...
	n0 [label="{x | data 2 | grad 0}" color="#762a83" fillcolor="#e7d4e8" shape=record style=filled]
	n1 [label="{t1 | data 4 | grad 0}" ... peripheries=2 ...]
	n1op [label="*" ...]
	n1op -> n1
	n0 -> n1op
	n0 -> n1op
}

Options (all keyword-only): ``rankdir`` (``"LR"`` or ``"TB"``...), ``grad_flow`` (label each
edge with its local derivative and what it adds to the gradient, pen width growing with
that amount, values filled blue or red by the sign and size of their gradient),
``params`` (values to colour as parameters; labels such as ``w1``, ``b`` or ``L0.N3.w1``
count as parameters anyway), ``clusters`` (a box per neuron and per layer, from
parameter labels ``L<i>.N<j>.w<k>``), ``collapse_sums`` (draw each chain of ``+`` as one
sum node), ``focus`` and ``radius`` (draw only the values within ``radius`` edges of
``focus``), ``highlight`` (a value to outline), ``swept`` (the operations whose gradient
has already been passed on: edges into the others are drawn dotted, as in a film of the
backward sweep), ``legend``, ``title`` and ``max_nodes``.
"""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

from ..core.value import Value
from ..see.adjoint import names_in_order, short, sweep_steps

if TYPE_CHECKING:  # pragma: no cover
    import graphviz

__all__ = ["FORMATS", "ROLES", "GraphvizNotFound", "roles", "to_dot", "picture_format", "render",
           "render_steps"]

FORMATS = ("png", "svg", "pdf")
ROLES = ("output", "parameter", "input", "constant", "operation")

_PARAM = re.compile(r"(?:^|\.)(?:w\d*|b\d*)$")
_NEURON = re.compile(r"^(?:(L\d+)\.)?(N\d+)\.(?:w\d+|b)$")
_ACTIVATIONS = ("tanh", "relu", "sigmoid", "exp", "abs", "log")

# role -> (border, fill)
_STYLE = {
    "output": ("#b35806", "#fee391"),
    "parameter": ("#1b7837", "#d9f0d3"),
    "input": ("#762a83", "#e7d4e8"),
    "constant": ("#888888", "#f0f0f0"),
    "operation": ("#333333", "#ffffff"),
}
_POSITIVE, _NEGATIVE, _ZERO = "#2166ac", "#b2182b", "#999999"
_HIGHLIGHT = "#ff7f00"


class GraphvizNotFound(RuntimeError):
    """The ``dot`` program of the system package ``graphviz`` is not installed."""


def _graphviz() -> Any:
    try:
        import graphviz
    except ImportError:
        raise ImportError("drawing graphs needs the Python package graphviz: "
                          "pip install graphviz (and the system package graphviz "
                          "for the dot program)") from None
    return graphviz


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
    return _roles(root.topological_order(), _values(params, "roles", "params"))


def _roles(order: Sequence[Value], params: Optional[Iterable[Value]]) -> Dict[Value, str]:
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


def _values(xs: Optional[Iterable[Value]], where: str, name: str) -> Optional[List[Value]]:
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


def _escape(text: str) -> str:
    """Escape the characters that mean something inside a DOT record label."""
    return re.sub(r'([\\{}|<>"])', r"\\\1", text)


def _blend(color: str, t: float) -> str:
    """``color`` mixed into white, ``t`` in [0, 1] (0 is white)."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * t) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


Inputs = List[Tuple[Value, float]]


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


def _clusters(nodes: Sequence[Value], role: Dict[Value, str],
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


def to_dot(root: Value, *, rankdir: str = "LR", grad_flow: bool = False,
           params: Optional[Iterable[Value]] = None, clusters: Union[bool, str] = "auto",
           collapse_sums: bool = False, focus: Optional[Value] = None, radius: int = 2,
           highlight: Optional[Value] = None, swept: Optional[Iterable[Value]] = None,
           legend: bool = False,
           title: Optional[str] = None, max_nodes: int = 2000) -> "graphviz.Digraph":
    """The graph under ``root`` as a ``graphviz.Digraph`` (see the module's docstring).

    Needs the Python package ``graphviz`` but not the ``dot`` program. The result shows
    inline in Jupyter (as SVG, when ``dot`` is installed).

    >>> a = Value(3.0, label="a")
    >>> g = to_dot(a + a, grad_flow=True)
    >>> g.source.count("n0 -> n1op")
    2
    """
    gv = _graphviz()
    if not isinstance(root, Value):
        raise TypeError(f"to_dot: root must be a Value, got {type(root).__name__}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"to_dot: rankdir must be one of LR, RL, TB, BT; got {rankdir!r}")
    if clusters not in (True, False, "auto"):
        raise ValueError(f"to_dot: clusters must be True, False or 'auto'; got {clusters!r}")
    if isinstance(radius, bool) or not isinstance(radius, int) or radius < 0:
        raise ValueError(f"to_dot: radius must be an int >= 0, got {radius!r}")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"to_dot: max_nodes must be a positive int, got {max_nodes!r:.60}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"to_dot: title must be a str, got {type(title).__name__}")
    params = _values(params, "to_dot", "params")
    swept = _values(swept, "to_dot", "swept")
    order = root.topological_order()
    index = {n: i for i, n in enumerate(order)}
    for what, v in (("focus", focus), ("highlight", highlight)):
        if v is not None and v not in index:
            raise ValueError(f"to_dot: {what} {v!r} is not a node of this graph")
    names = names_in_order(order)
    role = _roles(order, params)
    passed = None if swept is None else set(swept)

    absorbed: Set[Value] = set()
    sums: Dict[Value, Inputs] = {}
    if collapse_sums:
        users: Dict[Value, List[Value]] = {n: [] for n in order}
        for n in order:
            for p in n.parents:
                users[p].append(n)
        absorbed, sums = _collapse(order, users, root, focus)
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
    if len(nodes) > max_nodes:
        raise ValueError(f"to_dot: {len(nodes):,} nodes to draw, more than max_nodes="
                         f"{max_nodes:,}; draw a part with focus=..., radius=..., pass "
                         f"collapse_sums=True, or raise max_nodes")

    where: Dict[Value, Tuple[str, str]] = {}
    if clusters is True or (clusters == "auto" and any(
            role[n] == "parameter" and _NEURON.match(n.label) for n in nodes)):
        where = _clusters(nodes, role, {n: inputs[n] for n in nodes if not n.is_leaf})

    g_max = max((abs(n.grad) for n in nodes if not n.is_constant), default=0.0)
    flows = [abs(d * n.grad) for n in nodes if not n.is_leaf for _, d in inputs[n]]
    c_max = max(flows, default=0.0)

    dot = _drawing_class(gv)("tinygrad_scalar")
    dot.attr("graph", rankdir=rankdir, fontname="Helvetica", nodesep="0.25", ranksep="0.35")
    if title:
        dot.attr("graph", label=title, labelloc="t", fontsize="14")
    dot.attr("node", fontname="Helvetica", fontsize="10")
    dot.attr("edge", fontname="Helvetica", fontsize="8", arrowsize="0.6")

    groups: Dict[Tuple[str, str], List[Value]] = {}
    loose: List[Value] = []
    for n in nodes:
        (groups.setdefault(where[n], []) if n in where else loose).append(n)

    def emit(graph: Any, n: Value) -> None:
        i = index[n]
        attrs = _value_style(n, names[n], role[n], grad_flow, g_max)
        if n is highlight:
            attrs.update(color=_HIGHLIGHT, penwidth="3")
        graph.node(f"n{i}", **attrs)
        if not n.is_leaf:
            k = len(inputs[n])
            symbol = f"sum of {k}" if n in sums else _op_symbol(n)
            graph.node(f"n{i}op", label=symbol, shape="ellipse", margin="0.02,0.01",
                       fontsize="9", height="0.3",
                       **({"color": _HIGHLIGHT, "penwidth": "3"} if n is highlight else {}))
            graph.edge(f"n{i}op", f"n{i}")

    for n in loose:
        emit(dot, n)
    layers: Dict[str, List[Tuple[str, str]]] = {}
    for key in sorted(groups, key=_natural):
        layers.setdefault(key[0], []).append(key)
    for layer, keys in layers.items():
        if layer:
            with dot.subgraph(name=f"cluster_{layer}") as box:
                box.attr(label=f"layer {layer[1:]}", style="rounded", color="#bbbbbb",
                         fontsize="11")
                _neurons(box, keys, groups, emit)
        else:
            _neurons(dot, keys, groups, emit)

    for n in nodes:
        if n.is_leaf:
            continue
        hidden = 0
        for p, d in inputs[n]:
            if p not in shown:
                hidden += 1
                continue
            attrs: Dict[str, str] = {}
            if passed is not None and n not in passed:
                attrs = {"color": _ZERO, "style": "dotted"}
            elif grad_flow:
                c = d * n.grad
                attrs = {"label": f"local {short(d)}\\nadds {short(c)}",
                         "color": _POSITIVE if c > 0 else _NEGATIVE if c < 0 else _ZERO,
                         "penwidth": f"{1.0 + 4.0 * abs(c) / c_max if c_max else 1.0:.2f}"}
            dot.edge(f"n{index[p]}", f"n{index[n]}op", **attrs)
        if hidden:
            _stub(dot, f"n{index[n]}in", f"{hidden} more", f"n{index[n]}in", f"n{index[n]}op")
    for n in nodes:
        if n in unseen_uses:
            i = index[n]
            _stub(dot, f"n{i}out", f"{unseen_uses[n]} more", f"n{i}", f"n{i}out")
    if legend:
        _legend(dot, grad_flow)
    return dot


def _natural(key: Tuple[str, str]) -> List[object]:
    """Sort ``("L10", "L10.N2")`` after ``("L2", ...)``: numbers compare as numbers."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key[1])]


def _neurons(graph: Any, keys: List[Tuple[str, str]], groups: Dict[Tuple[str, str], List[Value]],
             emit: Any) -> None:
    for key in keys:
        with graph.subgraph(name=f"cluster_{key[1].replace('.', '_')}") as box:
            box.attr(label=f"neuron {key[1]}", style="rounded,dashed", color="#999999",
                     fontsize="9")
            for n in groups[key]:
                emit(box, n)


def _stub(dot: Any, name: str, label: str, tail: str, head: str) -> None:
    dot.node(name, label=label, shape="plaintext", fontsize="8", fontcolor="#777777")
    dot.edge(tail, head, style="dashed", color="#aaaaaa")


def _op_symbol(n: Value) -> str:
    if n.op == "**":
        return f"** {short(float(n._b))}"  # the exponent is a plain number, kept in _b
    return n.op


def _value_style(n: Value, name: str, role: str, grad_flow: bool, g_max: float) -> Dict[str, str]:
    border, fill = _STYLE[role]
    if n.is_constant:
        return {"label": short(n.data), "shape": "box", "style": "rounded,filled",
                "color": border, "fillcolor": fill, "fontsize": "9", "height": "0.3"}
    label = n.label or name
    attrs = {"label": f"{{{_escape(label)} | data {short(n.data)} | grad {short(n.grad)}}}",
             "shape": "record", "style": "filled", "color": border, "fillcolor": fill}
    if grad_flow:
        g = n.grad
        t = 0.0 if g == 0.0 or g_max == 0.0 else 0.15 + 0.6 * abs(g) / g_max
        attrs["fillcolor"] = _blend(_POSITIVE if g > 0 else _NEGATIVE, t)
        if role != "operation":
            attrs["penwidth"] = "2"
    if role == "output":
        attrs["peripheries"] = "2"
    return attrs


def _legend(dot: Any, grad_flow: bool) -> None:
    cells = []
    for role in ROLES[:4]:
        border, fill = _STYLE[role]
        cells.append(f'<td bgcolor="{"#ffffff" if grad_flow else fill}" color="{border}" '
                     f'border="2">{role}</td>')
    rows = "<tr>" + "".join(cells) + "</tr>"
    if grad_flow:
        rows += (f'<tr><td colspan="2" bgcolor="{_blend(_POSITIVE, 0.5)}">grad &gt; 0</td>'
                 f'<td colspan="2" bgcolor="{_blend(_NEGATIVE, 0.5)}">grad &lt; 0</td></tr>')
    dot.node("legend", label=f'<<table border="0" cellspacing="3">{rows}</table>>',
             shape="plaintext", fontsize="9")


_DRAWING: List[Any] = []


def _drawing_class(gv: Any) -> Any:
    """A ``graphviz.Digraph`` that shows as SVG in Jupyter, or as DOT text without ``dot``."""
    if _DRAWING:
        return _DRAWING[0]

    class Drawing(gv.Digraph):  # type: ignore[misc, name-defined]
        """A graph drawing; in Jupyter it displays inline as SVG."""

        def _repr_svg_(self) -> Optional[str]:
            try:
                return self.pipe(format="svg", encoding="utf-8")
            except gv.ExecutableNotFound:
                return None

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                              **kwargs: Any) -> Dict[str, str]:
            svg = self._repr_svg_()
            if svg is None:
                return {"text/plain": "(install the system package graphviz to see this "
                                      "picture; its DOT source follows)\n" + self.source}
            return {"image/svg+xml": svg}

    _DRAWING.append(Drawing)
    return Drawing


def _pipe(dot: Any, fmt: str, where: str) -> bytes:
    gv = _graphviz()
    try:
        return dot.pipe(format=fmt)
    except gv.ExecutableNotFound:
        raise GraphvizNotFound(f"{where}: the Graphviz program 'dot' was not found; install the "
                               f"system package graphviz (apt install graphviz, brew install "
                               f"graphviz, or see https://graphviz.org/download/)") from None
    except gv.CalledProcessError as e:
        raise RuntimeError(f"{where}: dot failed: "
                           f"{(e.stderr or b'').decode(errors='replace')}") from None


def picture_format(path: Union[str, Path], where: str = "render") -> str:
    """The picture format named by ``path``'s extension; ``ValueError`` if not supported.

    >>> picture_format("graph.SVG")
    'svg'
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise TypeError(f"{where}: path must be a str or a path, got {type(path).__name__}")
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{where}: cannot tell the picture format from {str(path)!r}; "
                         f"use one of the extensions {', '.join('.' + f for f in FORMATS)}")
    return fmt


def render(root: Value, path: Union[str, Path], **options: Any) -> Path:
    """Draw ``root``'s graph into ``path``; the format comes from its extension.

    Takes the options of ``to_dot``. Needs the ``dot`` program (system package
    ``graphviz``); raises ``GraphvizNotFound`` without it, and ``ValueError`` for an
    extension other than .png, .svg or .pdf. Returns the path written.
    """
    fmt = picture_format(path, "render")
    path = Path(path)
    data = _pipe(to_dot(root, **options), fmt, "render")
    path.write_bytes(data)
    return path


def render_steps(root: Value, folder: Union[str, Path], fmt: str = "png",
                 max_steps: int = 200, zero_grad: bool = True, **options: Any) -> List[Path]:
    """Run Alpha's sweep on ``root`` and draw the graph after every step (a film strip).

    Writes ``step_001.<fmt>``, ``step_002.<fmt>``... into ``folder`` (created if needed),
    each outlining the node that just passed its gradient to its parents; edges of the
    nodes not reached yet are dotted. With ``zero_grad`` (the default) every gradient
    starts from zero, so the film shows one clean backward pass; gradients end as
    ``root.backward()`` leaves them. ``grad_flow`` is on unless given; other options go
    to ``to_dot``. Returns the paths written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"render_steps: fmt must be one of {', '.join(FORMATS)}; got {fmt!r:.60}")
    if not isinstance(root, Value):
        raise TypeError(f"render_steps: root must be a Value, got {type(root).__name__}")
    if not isinstance(folder, (str, os.PathLike)) or isinstance(os.fspath(folder), bytes):
        raise TypeError(f"render_steps: folder must be a str or a path, "
                        f"got {type(folder).__name__}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"render_steps: max_steps must be a positive int, got {max_steps!r:.60}")
    count = sum(1 for n in root.topological_order() if not n.is_leaf)
    if count > max_steps:
        raise ValueError(f"render_steps: {count:,} steps, more than max_steps={max_steps:,}")
    options.setdefault("grad_flow", True)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if zero_grad:
        root.zero_grad()
    paths: List[Path] = []
    done: List[Value] = []
    for step in sweep_steps(root):
        done.append(step.node)
        title = (f"step {step.index} of {count}: {step.name} ({step.op}) passes grad "
                 f"{short(step.grad)} to {', '.join(step.parents)}")
        dot = to_dot(root, highlight=step.node, swept=done, title=title, **options)
        path = folder / f"step_{step.index:03d}.{fmt}"
        path.write_bytes(_pipe(dot, fmt, "render_steps"))
        paths.append(path)
    return paths
