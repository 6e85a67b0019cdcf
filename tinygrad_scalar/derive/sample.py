"""Per-sample programs: trace one sample's loss once, then run it over any batch.

A training step whose loss is a mean of per-sample terms (every built-in loss) needs the
graph of *one* sample only: ``term = loss_term(model(x), t)``, with the sample's inputs
``x`` and its target encoding ``t`` as inputs of the program (not constants). That graph
is traced once per shape and written as a loop over the rows of a batch that adds up the
terms and every parameter's gradient: shuffled batches, any batch size and a short last
batch all reuse it. The same statements are rendered as Python here and as C by
``derive.cgen``; both read the rules of the registry (``core.calculus``) through
``derive.codegen`` and nothing else.

>>> from tinygrad_scalar import Value
>>> w = Value(2.0)
>>> def term(x, t):
...     h = w * x[0]
...     return (h + t[0]).tanh(), [h]
>>> prog = trace_sample(term, [0.5], [0.0])
>>> run = PythonBatch(prog)
>>> total, outs, grads = run([[0.5], [1.0]], [[0.0], [0.25]], [2.0], [0.0], 1.0)
>>> round(total, 6), outs, [round(g, 6) for g in grads]
(1.73962, [[1.0], [2.0]], [0.253452])
"""

from __future__ import annotations

import builtins
from typing import Any, Callable, Dict, List, Sequence, Tuple

from ..core import graph, modes
from ..core.value import Value
from .codegen import Stmt, _backward, _names_line, _Writer, python_lines

__all__ = ["SampleProgram", "trace_sample", "write_sample", "PythonBatch"]

SampleFn = Callable[[List[Value], List[Value]], Tuple[Value, Sequence[Value]]]


class SampleProgram:
    """One traced sample: the term ``root``, the model's ``outputs``, the input leaves
    (``n_x`` inputs, then ``n_t`` target numbers) and the parameters it reads."""

    __slots__ = ("root", "leaves", "outputs", "n_x", "n_t", "params")

    def __init__(self, root: Value, leaves: List[Value], outputs: List[Value], n_x: int,
                 n_t: int, params: List[Value]) -> None:
        self.root, self.leaves, self.outputs = root, leaves, outputs
        self.n_x, self.n_t, self.params = n_x, n_t, params


def trace_sample(fn: SampleFn, x: Sequence[float], t: Sequence[float]) -> SampleProgram:
    """Run ``fn(x_leaves, t_leaves) -> (term, outputs)`` once on new leaves holding ``x``
    and ``t``, and keep its graph. ``TraceError`` when ``fn`` looks at a number."""
    from .compiled import TraceError, _traced_class  # compiled imports this module

    reads: List[str] = []
    cls = _traced_class(reads)
    with modes.tracing(cls):
        xs = [cls(float(v)) for v in x]
        ts = [cls(float(v)) for v in t]
        root, outs = fn(xs, ts)
    if reads:
        raise TraceError("compile: the model or loss looked at a number while being traced "
                         f"({'; '.join(reads)}); compiled code cannot repeat its decisions")
    outs = [outs] if isinstance(outs, Value) else list(outs)
    if not isinstance(root, Value) or not all(isinstance(o, Value) for o in outs):
        raise TypeError("compile: the per-sample function must return a Value and a list of "
                        f"Values, got {type(root).__name__}")
    given = set(xs + ts)
    params = [n for n in graph.topological_order(root, graph.parents)
              if n._fn is None and not n.is_constant and n not in given]
    return SampleProgram(root, xs + ts, outs, len(xs), len(ts), params)


class Written:
    """The statements of one sample, in Python or C expressions, and the names they use."""

    forward: List[Stmt]
    backward: List[Stmt]
    root: str
    outputs: List[str]
    grads: List[str]
    params: List[Value]
    temps: List[str]
    calls: Dict[str, Any]
    operations: int

    def __init__(self, **kw: Any) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


def write_sample(prog: SampleProgram, mode: str = "code") -> Written:
    """The forward and the gradient-adding backward statements of ``prog`` (``mode``
    "code" for Python, "c" for C; ``SymbolError`` when an operation has no C form)."""
    from .compiled import TraceError

    names = ("P[{}]", "G[{}]") if mode == "c" else ("p{}", "g_p{}")  # C: read the arrays
    w = _Writer(prog.root, prog.leaves, mode=mode, accumulate=True, param_names=names)
    for p in prog.params:  # the parameters first, in the program's order
        w.leaf(p)
    fwd = w.forward(graph.topological_order(prog.root, graph.parents))
    bwd, grads = _backward(w, graph.topological(prog.root))
    missing = [o for o in prog.outputs if o not in w.names]
    if missing:
        raise TraceError("compile: a model output is not part of the loss's graph")
    temps = sorted({s[1] for s in _flat(fwd + bwd)} - set(grads), key=_order)
    return Written(forward=fwd, backward=bwd, root=w.names[prog.root],
                   outputs=[w.names[o] for o in prog.outputs], grads=grads,
                   params=w.params, temps=temps, calls=w.calls, operations=w.count)


def _flat(stmts: List[Stmt]) -> List[Stmt]:
    out: List[Stmt] = []
    for s in stmts:
        out += _flat(s[2]) + _flat(s[3]) if s[0] == "if" else [s]
    return out


def _order(name: str) -> Tuple[str, int]:
    head = name.rstrip("0123456789")
    return head, int(name[len(head):] or 0)


def python_source(prog: SampleProgram, name: str = "batch"
                  ) -> Tuple[str, Dict[str, Any], List[Value]]:
    """Python source of ``name(X, T, p, G, seed) -> (sum of terms, outputs, gradients)``:
    each parameter's gradient starts from ``G`` and adds ``seed`` times each row's."""
    wr = write_sample(prog, "code")
    n = prog.n_x
    src = [f"def {name}(X, T, p, G, seed):",
           f"    '''One traced sample ({wr.operations:,} operations, {len(wr.params):,} "
           f"parameters) run over every row of a batch.'''"]
    if wr.params:
        src += _names_line([f"p{i}" for i in range(len(wr.params))], "p")
    if wr.params:
        src += _names_line(wr.grads, "G")
    src += ["    total = 0.0", "    outs = []", "    keep = outs.append",
            "    for x, t in zip(X, T):"]
    if n:
        src += _names_line([f"x{i}" for i in range(n)], "x", "        ")
    if prog.n_t:
        src += _names_line([f"x{n + i}" for i in range(prog.n_t)], "t", "        ")
    src += python_lines(wr.forward, "        ") + python_lines(wr.backward, "        ")
    src += [f"        total += {wr.root}", f"        keep([{', '.join(wr.outputs)}])",
            f"    return total, outs, [{', '.join(wr.grads)}]"]
    return "\n".join(src) + "\n", {"inf": float("inf"), "nan": float("nan"), **wr.calls}, \
        wr.params


class PythonBatch:
    """``prog`` as a Python function: ``run(X, T, P, G, seed) -> (sum of the terms, each
    row's outputs, each parameter's gradient: ``G`` plus ``seed`` times the sum over the
    rows)``; nothing is kept in ``linecache``, and dropping this object frees the code."""

    def __init__(self, prog: SampleProgram) -> None:
        source, namespace, self.params = python_source(prog)
        self.source = source
        exec(builtins.compile(source, "<compiled batch>", "exec"), namespace)  # our own code
        self.run = namespace["batch"]

    def __call__(self, X: Sequence[Sequence[float]], T: Sequence[Sequence[float]],
                 P: Sequence[float], G: Sequence[float], seed: float
                 ) -> Tuple[float, List[List[float]], List[float]]:
        return self.run(X, T, P, G, seed)
