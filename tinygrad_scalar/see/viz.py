"""Drawing expression graphs: DOT source (no program needed) and pictures through Graphviz.

The public face of three modules: ``select`` (what a drawing shows), ``dot`` (the DOT
text) and ``render`` (running Graphviz's ``dot`` program and writing files).

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

from .dot import to_dot
from .render import FORMATS, GraphvizNotFound, picture_format, render, render_steps
from .select import ROLES, roles

__all__ = ["FORMATS", "ROLES", "GraphvizNotFound", "roles", "to_dot", "picture_format", "render",
           "render_steps"]
