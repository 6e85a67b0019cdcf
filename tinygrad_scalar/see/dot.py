"""DOT text of a graph: ``to_dot(root)`` builds a ``graphviz.Digraph`` (no program needed).

Each value is a box showing its name, data and gradient; each operation is its own small
node between its operands and its result; ``a + a`` draws two edges. Nodes are numbered
in topological order, never by ``id()``, so the same graph gives byte-identical DOT text
in any process. See ``tinygrad_scalar.see.viz`` for the options.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, NamedTuple, Optional, Tuple, Union

from ..core.primitive import REGISTRY
from ..core.value import Value
from .names import names_in_order, short
from .select import ROLES, View, choose, clusters_of, refuse_if_too_big, role_of, values, wants_clusters

if TYPE_CHECKING:  # pragma: no cover
    import graphviz

__all__ = ["to_dot"]

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


def graphviz_module() -> Any:
    """The Python package ``graphviz``; ``ImportError`` saying what to install without it."""
    try:
        import graphviz
    except ImportError:
        raise ImportError("drawing graphs needs the Python package graphviz: "
                          "pip install graphviz (and the system package graphviz "
                          "for the dot program)") from None
    return graphviz


def to_dot(root: Value, *, rankdir: str = "LR", grad_flow: bool = False,
           params: Optional[Iterable[Value]] = None, clusters: Union[bool, str] = "auto",
           collapse_sums: bool = False, focus: Optional[Value] = None, radius: int = 2,
           highlight: Optional[Value] = None, swept: Optional[Iterable[Value]] = None,
           legend: bool = False,
           title: Optional[str] = None, max_nodes: int = 500) -> "graphviz.Digraph":
    """The graph under ``root`` as a ``graphviz.Digraph`` (see ``tinygrad_scalar.viz``).

    Needs the Python package ``graphviz`` but not the ``dot`` program. The result shows
    inline in Jupyter (as SVG, when ``dot`` is installed).

    >>> a = Value(3.0, label="a")
    >>> g = to_dot(a + a, grad_flow=True)
    >>> g.source.count("n0 -> n1op")
    2
    """
    gv = graphviz_module()
    _check_options(root, rankdir, clusters, radius, max_nodes, title)
    params = values(params, "to_dot", "params")
    swept = values(swept, "to_dot", "swept")
    order = root.topological_order()
    index = {n: i for i, n in enumerate(order)}
    for what, v in (("focus", focus), ("highlight", highlight)):
        if v is not None and v not in index:
            raise ValueError(f"to_dot: {what} {v!r} is not a node of this graph")
    names = names_in_order(order)
    role = role_of(order, params)
    view = choose(order, collapse_sums, focus, radius)
    refuse_if_too_big(order, view, max_nodes, collapse_sums, focus, radius)
    where: Dict[Value, Tuple[str, str]] = {}
    if clusters is True or (clusters == "auto" and wants_clusters(view.nodes, role)):
        where = clusters_of(view.nodes, role, view.inputs)
    paint = _Paint(index, names, role, view, grad_flow, highlight,
                   None if swept is None else set(swept), *_largest(view))
    dot = _drawing(gv, rankdir, title)
    _draw_values(dot, paint, where)
    _draw_edges(dot, paint)
    if legend:
        _legend(dot, grad_flow)
    return dot


def _check_options(root: Value, rankdir: str, clusters: Union[bool, str], radius: int,
                   max_nodes: int, title: Optional[str]) -> None:
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


class _Paint(NamedTuple):
    """Everything the drawing steps read: numbering, names, roles, the view and styles."""

    index: Dict[Value, int]  # type: ignore[assignment]  # a field; hides tuple.index
    names: Dict[Value, str]
    role: Dict[Value, str]
    view: View
    grad_flow: bool
    highlight: Optional[Value]
    passed: Optional[set[Any]]
    g_max: float
    c_max: float


def _largest(view: View) -> Tuple[float, float]:
    """The largest |gradient| of a drawn value, and the largest |contribution| of an edge."""
    nodes, inputs = view.nodes, view.inputs
    g_max = max((abs(n.grad) for n in nodes if not n.is_constant), default=0.0)
    flows = [abs(d * n.grad) for n in nodes if not n.is_leaf for _, d in inputs[n]]
    return g_max, max(flows, default=0.0)


def _drawing(gv: Any, rankdir: str, title: Optional[str]) -> Any:
    dot = _drawing_class(gv)("tinygrad_scalar")
    dot.attr("graph", rankdir=rankdir, fontname="Helvetica", nodesep="0.25", ranksep="0.35")
    if title:
        dot.attr("graph", label=title, labelloc="t", fontsize="14")
    dot.attr("node", fontname="Helvetica", fontsize="10")
    dot.attr("edge", fontname="Helvetica", fontsize="8", arrowsize="0.6")
    return dot


def _draw_values(dot: Any, paint: _Paint, where: Dict[Value, Tuple[str, str]]) -> None:
    """Each value (and its operation) at top level, or in its neuron's and layer's box."""
    groups: Dict[Tuple[str, str], List[Value]] = {}
    for n in paint.view.nodes:
        if n in where:
            groups.setdefault(where[n], []).append(n)
        else:
            _value(dot, paint, n)
    layers: Dict[str, List[Tuple[str, str]]] = {}
    for key in sorted(groups, key=_natural):
        layers.setdefault(key[0], []).append(key)
    for layer, keys in layers.items():
        if layer:
            with dot.subgraph(name=f"cluster_{layer}") as box:
                box.attr(label=f"layer {layer[1:]}", style="rounded", color="#bbbbbb",
                         fontsize="11")
                _neurons(box, paint, keys, groups)
        else:
            _neurons(dot, paint, keys, groups)


def _natural(key: Tuple[str, str]) -> List[object]:
    """Sort ``("L10", "L10.N2")`` after ``("L2", ...)``: numbers compare as numbers."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", key[1])]


def _neurons(graph: Any, paint: _Paint, keys: List[Tuple[str, str]],
             groups: Dict[Tuple[str, str], List[Value]]) -> None:
    for key in keys:
        with graph.subgraph(name=f"cluster_{key[1].replace('.', '_')}") as box:
            box.attr(label=f"neuron {key[1]}", style="rounded,dashed", color="#999999",
                     fontsize="9")
            for n in groups[key]:
                _value(box, paint, n)


def _value(graph: Any, paint: _Paint, n: Value) -> None:
    """One value's box and, for an operation, its operation node and the edge between."""
    i = paint.index[n]
    attrs = _value_style(n, paint.names[n], paint.role[n], paint.grad_flow, paint.g_max)
    if n is paint.highlight:
        attrs.update(color=_HIGHLIGHT, penwidth="3")
    graph.node(f"n{i}", **attrs)
    if not n.is_leaf:
        k = len(paint.view.inputs[n])
        symbol = f"sum of {k}" if n in paint.view.sums else _op_symbol(n)
        graph.node(f"n{i}op", label=symbol, shape="ellipse", margin="0.02,0.01",
                   fontsize="9", height="0.3",
                   **({"color": _HIGHLIGHT, "penwidth": "3"} if n is paint.highlight else {}))
        graph.edge(f"n{i}op", f"n{i}")


def _draw_edges(dot: Any, paint: _Paint) -> None:
    """An edge per term, stubs for the terms and the uses left out of the picture."""
    view, index = paint.view, paint.index
    for n in view.nodes:
        if n.is_leaf:
            continue
        for p, d in view.edges[n]:
            dot.edge(f"n{index[p]}", f"n{index[n]}op", **_edge_style(paint, n, d))
        hidden = len(view.inputs[n]) - len(view.edges[n])
        if hidden:
            _stub(dot, f"n{index[n]}in", f"{hidden} more", f"n{index[n]}in", f"n{index[n]}op")
    for n in view.nodes:
        if n in view.unseen_uses:
            i = index[n]
            _stub(dot, f"n{i}out", f"{view.unseen_uses[n]} more", f"n{i}", f"n{i}out")


def _edge_style(paint: _Paint, n: Value, d: float) -> Dict[str, str]:
    if paint.passed is not None and n not in paint.passed:
        return {"color": _ZERO, "style": "dotted"}
    if not paint.grad_flow:
        return {}
    c, c_max = d * n.grad, paint.c_max
    return {"label": f"local {short(d)}\\nadds {short(c)}",
            "color": _POSITIVE if c > 0 else _NEGATIVE if c < 0 else _ZERO,
            "penwidth": f"{1.0 + 4.0 * abs(c) / c_max if c_max else 1.0:.2f}"}


def _stub(dot: Any, name: str, label: str, tail: str, head: str) -> None:
    dot.node(name, label=label, shape="plaintext", fontsize="8", fontcolor="#777777")
    dot.edge(tail, head, style="dashed", color="#aaaaaa")


def _op_symbol(n: Value) -> str:
    """The operation's name; with its plain-number constant for a scaled one (``** 2``)."""
    entry = REGISTRY.get(n.op)
    if entry is not None and entry.kind == "scaled":
        return f"{n.op} {short(float(n._b))}"  # the constant is a plain number, kept in _b
    return n.op


def _escape(text: str) -> str:
    """Escape the characters that mean something inside a DOT record label."""
    return re.sub(r'([\\{}|<>"])', r"\\\1", text)


def _blend(color: str, t: float) -> str:
    """``color`` mixed into white, ``t`` in [0, 1] (0 is white)."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * t) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


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

    class Drawing(gv.Digraph):  # type: ignore[misc]  # graphviz has no type information
        """A graph drawing; in Jupyter it displays inline as SVG."""

        def _repr_svg_(self) -> Optional[str]:
            return self._repr_mimebundle_().get("image/svg+xml")

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None,
                              **kwargs: Any) -> Dict[str, str]:
            from .dot_program import DotError, GraphvizNotFound, run_dot

            try:
                return {"image/svg+xml": run_dot(self.source, "svg", "to_dot").decode("utf-8")}
            except GraphvizNotFound:
                why = "install the system package graphviz to see this picture"
            except DotError as e:
                why = str(e)
            return {"text/plain": f"({why}; its DOT source follows)\n" + self.source}

    _DRAWING.append(Drawing)
    return Drawing
