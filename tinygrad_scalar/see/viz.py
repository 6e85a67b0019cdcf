"""Drawing expression graphs: DOT source (no program needed) and pictures through Graphviz.

The public face of four modules: ``select`` (what a drawing shows), ``dot`` (the DOT
text), ``dot_program`` (Graphviz's ``dot`` program, run within bounds of time and memory)
and ``render`` (pictures written to files).

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
sum node, and an operation of more than 10 terms, such as a loss summed over a batch or a
wide neuron, by its first 3 terms, or pairs of a ``dot``, and a count of the others),
``focus`` and ``radius`` (draw only the values within ``radius`` edges of ``focus``,
following at most 5 inputs and 5 uses of each value: radius 2 draws at most 111),
``highlight`` (a value to outline), ``swept`` (the operations whose gradient has already
been passed on: edges into the others are drawn dotted, as in a film of the backward
sweep), ``legend``, ``title`` and ``max_nodes``.

Big graphs. A drawing of more than ``max_nodes`` values (500 by default), or of more than
4 edges per value allowed, is refused before any picture is made, by a ``ValueError``
that says which of ``collapse_sums=True`` or ``focus=..., radius=...`` draws it within the
budget. ``render`` also stops the ``dot`` program after ``timeout`` seconds (60 by
default) and, on Linux, lets it use at most 2 GiB of memory (``DotError``).

``to_html(root, "graph.html")`` writes one self-contained page (see ``see.html``) where the
backward sweep plays step by step on the drawing, beside its listings.
"""

from __future__ import annotations

from .dot import to_dot
from .dot_program import DotError, GraphvizNotFound
from .html import to_html
from .render import FORMATS, picture_format, render, render_steps
from .select import ROLES, roles

__all__ = ["FORMATS", "ROLES", "GraphvizNotFound", "DotError", "roles", "to_dot", "picture_format",
           "render", "render_steps", "to_html"]
