"""Backpropagation written out: node names, the adjoint program, and Alpha's sweep step by step.

``listing(root)`` prints a graph as the straight-line program it is: the forward pass with
one named temporary per operation, then the backward pass as the matching
``g_x += local * g_out`` lines, in the order ``Value.backward`` runs them.

>>> from tinygrad_scalar import Value
>>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
>>> print(listing(x * w + x))
# forward
x = 2.0
w = -3.0
t1 = x * w        # -6
t2 = t1 + x       # -4
# backward (every g_ starts at 0)
g_t2 = 1.0
g_t1 += g_t2      # 1
g_x += g_t2       # 1
g_x += w * g_t1   # -3
g_w += x * g_t1   # 2

``trace_backward(root)`` runs that same sweep on the graph and records each step.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, NamedTuple, Optional, Sequence, TextIO, Tuple

from ..core import rerun
from ..core.primitive import Primitive
from ..core.value import Value
from ..derive.symbols import Sym, expression
from .names import _identifier, _number, names_in_order, node_names, short  # noqa: F401

__all__ = ["node_names", "names_in_order", "listing", "BackwardStep", "trace_backward", "format_steps",
           "sweep_steps", "short", "ForwardStep", "trace_forward"]


def _paren(text: str) -> str:
    """Wrap ``text`` in parentheses when it has a ``+`` or ``-`` outside any parentheses."""
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and c in "+-" and text[i - 1:i] == " ":
            return f"({text})"
    return text


def _symbols(n: Value, names: Dict[Value, str]) -> Tuple[Sym, List[Sym]]:
    calls: Dict[str, object] = {}
    return (Sym(names[n], mode="text", calls=calls),
            [Sym(names[p], mode="text", calls=calls) for p in n.parents])


def _forward(n: Value, names: Dict[Value, str]) -> str:
    """The operation as text: its registry entry's forward written on the names."""
    p = n.primitive
    _, args = _symbols(n, names)
    if p.kind == "nary":
        if callable(p.code):
            terms = p.code(*[a.code for a in args])
            if isinstance(terms, list):
                return " + ".join(terms)
        return expression(Primitive.__call__(p, args))
    if p.kind == "scaled":
        return expression(p(args[0], n._b))
    return expression(p(*args))


def _locals(n: Value, names: Dict[Value, str]) -> List[Optional[str]]:
    """Each local derivative as an expression in the names: the entry's rule written on
    the names (``None`` where the rule needs the numbers themselves)."""
    p = n.primitive
    out, args = _symbols(n, names)
    try:
        if p.kind == "nary":
            local = p.rule(out, args)
        elif p.kind == "scaled":
            local = p.rule(out, args[0], n._b)
        else:
            local = p.rule(out, *args)
        return [expression(d) for d in local]
    except Exception:
        return [None] * len(args)


def _backward_line(target: str, local: Optional[str], value: float, child: str,
                   op: str) -> Tuple[str, str]:
    if local is None:
        return f"g_{target} += {_number(value)} * g_{child}", f"{op}'({target}) = {short(value)}"
    if local == "1.0":
        return f"g_{target} += g_{child}", ""
    if local.startswith("1.0 / "):
        return f"g_{target} += g_{child} / {local[6:]}", ""
    return f"g_{target} += {_paren(local)} * g_{child}", ""


def listing(root: Value) -> str:
    """The forward pass as straight-line code, then the backward pass as ``g_x += ...`` lines.

    Inputs and parameters come first as assignments; each operation gets a temporary
    (its label where it has one). The backward lines follow Alpha's order (reverse
    topological, parents in operand order); constants get no gradient line. Each line
    ends with a comment giving the value it computes or adds. Pure: no ``.grad`` changes.
    """
    if not isinstance(root, Value):
        raise TypeError(f"listing: root must be a Value, got {type(root).__name__}")
    order = root.topological_order()
    names = names_in_order(order)
    fwd: List[Tuple[str, str]] = []
    for n in order:
        if n.is_constant:
            continue
        if n.is_leaf:
            fwd.append((f"{names[n]} = {_number(n.data).strip('()')}", ""))
        else:
            fwd.append((f"{names[n]} = {_forward(n, names)}", short(n.data)))
    bwd: List[Tuple[str, str]] = [(f"g_{names[root]} = 1.0", "")]
    adjoint: Dict[Value, float] = {root: 1.0}  # the gradients, kept here: .grad is untouched
    for n in reversed(order):
        if n.is_leaf:
            continue
        g = adjoint.get(n, 0.0)
        for p, local, d in zip(n.parents, _locals(n, names), n.local_grads()):
            adjoint[p] = adjoint.get(p, 0.0) + d * g
            if p.is_constant:
                continue
            code, note = _backward_line(names[p], local, d, names[n], n.op)
            bwd.append((code, f"{note}; adds {short(d * g)}" if note else short(d * g)))
    width = max(len(code) for code, _ in fwd + bwd) + 3
    lines = ["# forward"] + [_line(c, note, width) for c, note in fwd]
    lines += ["# backward (every g_ starts at 0)"] + [_line(c, note, width) for c, note in bwd]
    return "\n".join(lines)


def _line(code: str, note: str, width: int) -> str:
    return f"{code.ljust(width)}# {note}" if note else code


class BackwardStep(NamedTuple):
    """One step of Alpha's sweep: a node hands its gradient to its parents."""

    index: int
    node: Value
    name: str
    op: str
    grad: float
    parents: Tuple[str, ...]
    local: Tuple[float, ...]
    before: Tuple[float, ...]
    after: Tuple[float, ...]

    def __str__(self) -> str:
        head = f"step {self.index}: {self.name} ({self.op}, grad {short(self.grad)})"
        parts = [f"{p}: {short(b)} -> {short(a)} (+= {short(d)} * {short(self.grad)})"
                 for p, d, b, a in zip(self.parents, self.local, self.before, self.after)]
        return head + "\n    " + "\n    ".join(parts)


def sweep_steps(root: Value) -> Iterator[BackwardStep]:
    """Run Alpha's sweep on ``root``'s graph one node at a time, yielding after each step.

    It does exactly what ``root.backward()`` does (intermediate gradients restart from
    zero, leaves accumulate), so after the last step every ``.grad`` is as backward
    leaves it. Each step is yielded once its parents' gradients have been updated. The
    argument is checked at the call, before the first step is asked for.
    """
    if not isinstance(root, Value):
        raise TypeError(f"sweep_steps: root must be a Value, got {type(root).__name__}")
    return _sweep_steps(root)


def _sweep_steps(root: Value) -> Iterator[BackwardStep]:
    order = root.topological_order()
    names = names_in_order(order)
    for n in order:
        if not n.is_leaf:
            n.grad = 0.0
    root.grad = root.grad + 1.0 if root.is_leaf else 1.0
    index = 0
    for n in reversed(order):
        if n.is_leaf:
            continue
        ps = n.parents
        local = n.local_grads()
        before = tuple(p.grad for p in ps)
        g = n.grad
        for p, d in zip(ps, local):
            p.grad += d * g
        index += 1
        yield BackwardStep(index, n, names[n], n.op, g, tuple(names[p] for p in ps),
                           tuple(local), before, tuple(p.grad for p in ps))


def trace_backward(root: Value, file: Optional[TextIO] = None) -> List[BackwardStep]:
    """Run Alpha's sweep on ``root`` and return its steps (printing them to ``file`` if given).

    Gradients end as ``root.backward()`` leaves them.

    >>> a, b = Value(3.0, label="a"), Value(4.0, label="b")
    >>> steps = trace_backward(a * b + a)
    >>> print(format_steps(steps))
    step 1: t2 (+, grad 1)
        t1: 0 -> 1 (+= 1 * 1)
        a: 0 -> 1 (+= 1 * 1)
    step 2: t1 (*, grad 1)
        a: 1 -> 5 (+= 4 * 1)
        b: 0 -> 3 (+= 3 * 1)
    >>> a.grad, b.grad
    (5.0, 3.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace_backward: root must be a Value, got {type(root).__name__}")
    if file is not None and not callable(getattr(file, "write", None)):
        raise TypeError(f"trace_backward: file must be a text file (with write), "
                        f"got {type(file).__name__}")
    steps: List[BackwardStep] = []
    for step in sweep_steps(root):
        steps.append(step)
        if file is not None:
            print(step, file=file)
    return steps


class ForwardStep(NamedTuple):
    """One step of a forward run: a node computed from its parents' numbers."""

    index: int
    node: Value
    name: str
    op: str
    value: float
    parents: Tuple[str, ...]
    inputs: Tuple[float, ...]

    def __str__(self) -> str:
        head = f"step {self.index}: {self.name} ({self.op}, value {short(self.value)})"
        parts = [f"{p}: {short(x)}" for p, x in zip(self.parents, self.inputs)]
        return head + "\n    " + "\n    ".join(parts)


def trace_forward(root: Value, feed: Optional[Mapping[Value, Any]] = None,
                  file: Optional[TextIO] = None) -> List[ForwardStep]:
    """Run ``root.forward(feed)`` one node at a time; return the steps (printing them to
    ``file`` if given), in ``trace_backward``'s format and with the same node names.

    >>> x = Value.placeholder("x")
    >>> w = Value(3.0, label="w")
    >>> y = w * x + x
    >>> steps = trace_forward(y, feed={x: 2.0})
    >>> print(format_steps(steps))
    step 1: t1 (*, value 6)
        w: 3
        x: 2
    step 2: t2 (+, value 8)
        t1: 6
        x: 2
    >>> y.data
    8.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace_forward: root must be a Value, got {type(root).__name__}")
    if file is not None and not callable(getattr(file, "write", None)):
        raise TypeError(f"trace_forward: file must be a text file (with write), "
                        f"got {type(file).__name__}")
    names = names_in_order(root.topological_order())  # type: ignore[arg-type]
    out: List[ForwardStep] = []
    for n in rerun.steps(root, feed, Value):
        ps = n.parents
        out.append(ForwardStep(len(out) + 1, n, names[n], n.op, n.data,
                               tuple(names[p] for p in ps), tuple(p.data for p in ps)))
        if file is not None:
            print(out[-1], file=file)
    return out


def format_steps(steps: Sequence[Any]) -> str:
    """The steps (of ``trace_backward`` or ``trace_forward``) as text, one block per step."""
    if not isinstance(steps, (list, tuple)) or not all(
            isinstance(s, (BackwardStep, ForwardStep)) for s in steps):
        raise TypeError("format_steps: steps must be a list of BackwardStep or ForwardStep "
                        "(as trace_backward and trace_forward return)")
    return "\n".join(str(s) for s in steps)
