"""Names of the nodes of a graph, shared by listings, traces and drawings.

Every node gets one name: a labelled node its label made into an identifier, an
unlabelled operation ``t1``, ``t2``... in topological order, an unlabelled input ``v1``,
``v2``..., and a constant its value. ``short`` writes a number for pictures and comments.

>>> from tinygrad_scalar import Value
>>> a = Value(1.0, label="L0.N3.w1")
>>> sorted(node_names(a * 2 + a).values())
['2.0', 'L0_N3_w1', 't1', 't2']
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any, Dict, Sequence

from ..core.primitive import REGISTRY
from ..core.value import Value

__all__ = ["short", "node_names", "names_in_order", "check_labels"]

def _number(x: float) -> str:
    """A float as Python source that reads back exactly; negatives in parentheses."""
    text = repr(float(x) + 0.0)  # + 0.0 turns -0.0 into 0.0
    return f"({text})" if text.startswith("-") else text


def short(x: float) -> str:
    """A float in 4 significant digits for pictures and comments (``-0`` shown as ``0``).

    >>> short(2 / 3), short(-0.0), short(12345678)
    ('0.6667', '0', '1.235e+07')
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"short: x must be a number, got {type(x).__name__}")
    if isinstance(x, int):
        x = float(x) if abs(x) < 2 ** 1023 else (math.inf if x > 0 else -math.inf)
    return f"{x + 0.0:.4g}"


def _identifier(label: str) -> str:
    name = re.sub(r"\W", "_", label)
    if not name or name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or name in REGISTRY or name.startswith("g_"):  # an operation's name
        name = "v_" + name
    return name


def check_labels(order: Sequence[Value]) -> None:
    """``TypeError`` naming the node and its ``label`` when a label is not a str.

    ``Value(label=...)`` checks its label, but ``v.label = 5`` is a plain assignment;
    drawings and listings call this before they read any label.

    >>> v = Value(1.0)
    >>> v.label = 5
    >>> check_labels([v])
    Traceback (most recent call last):
    ...
    TypeError: node label must be a str: Value(data=1, grad=0), an input, has label = 5 (int)
    """
    for n in order:
        label = n.label
        if not isinstance(label, str):
            kind = ("a constant" if n.is_constant else "an input" if n.is_leaf
                    else f"the result of {n.op!r}")
            raise TypeError(f"node label must be a str: Value(data={n.data:.6g}, "
                            f"grad={n.grad:.6g}), {kind}, has label = {label!r:.60} "
                            f"({type(label).__name__})")


def node_names(root: Value) -> Dict[Value, str]:
    """A name for every node under ``root``, shared by listings, traces and drawings.

    A labelled node gets its label made into an identifier (``L0.N3.w1`` becomes
    ``L0_N3_w1``; clashes get ``_2``, ``_3``...); an unlabelled operation gets ``t1``,
    ``t2``... in topological order, an unlabelled input ``v1``, ``v2``..., and a constant
    its value.

    >>> a = Value(1.0, label="a")
    >>> sorted(node_names(a * 2 + a).values())
    ['2.0', 'a', 't1', 't2']
    """
    if not isinstance(root, Value):
        raise TypeError(f"node_names: root must be a Value, got {type(root).__name__}")
    return names_in_order(root.topological_order())


def names_in_order(order: Sequence[Value]) -> Dict[Value, str]:
    """``node_names`` for a graph already in topological order (saves sorting it again)."""
    if not isinstance(order, (list, tuple)) or not all(isinstance(n, Value) for n in order):
        raise TypeError("names_in_order: order must be a list of Values in topological "
                        "order (such as root.topological_order())")
    check_labels(order)
    taken = {_identifier(n.label) for n in order if n.label and not n.is_constant}
    names: Dict[Value, str] = {}
    used: set[Any] = set()
    counters = {"t": 0, "v": 0}
    for n in order:
        if n.is_constant and not n.label:
            names[n] = _number(n.data)
            continue
        if n.label:
            base = name = _identifier(n.label)
            k = 1
            while name in used:
                k += 1
                name = f"{base}_{k}"
        else:
            prefix = "v" if n.is_leaf else "t"
            while True:
                counters[prefix] += 1
                name = f"{prefix}{counters[prefix]}"
                if name not in taken and name not in used:
                    break
        used.add(name)
        names[n] = name
    return names
