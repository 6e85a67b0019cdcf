"""Compiled mode: trace a step's graph once, then replay it as straight-line Python.

``compile(fn)`` runs ``fn`` once on ``Value`` inputs, records the graph it builds, and
writes one plain Python function that does the same forward pass and the same Alpha
backward sweep on floats: one line per operation, the operation named in a comment, no
``Value`` nodes at all. Later calls with new inputs (and new weights: parameters are read
from their ``Value`` objects on every call) run that function instead of building a graph.
The code has the shape of the adjoint listing (``tinygrad_scalar.listing``): a forward
block, then a backward block where ``g_v`` holds d(output)/d(``v``).

>>> from tinygrad_scalar import Value
>>> w = Value(2.0, label="w")
>>> f = compile(lambda x, y: (w * x + y).tanh())
>>> round(f(0.5, 0.25), 6), round(w.grad, 6)
(0.848284, 0.140207)
>>> w.grad = 0.0
>>> round(f(-0.5, 0.25), 6), round(w.grad, 6)     # new inputs, the same code
(-0.635149, -0.298293)
>>> print(f.source)
def step(x, p):
    '''Forward and backward sweep of a traced graph: 3 operations, 1 parameters.'''
    (x0, x1) = x
    (p0,) = p
    # p0 = 'w'
    # forward
    v0 = p0 * x0  # *
    v1 = v0 + x1  # +
    v2 = tanh(v1)  # tanh
    # backward
    g_v2 = 1.0
    g_v1 = (1.0 - v2 * v2) * g_v2  # tanh
    g_v0 = g_v1  # +
    g_p0 = x0 * g_v0  # *
    return v2, (g_p0,)

What a compiled function promises:

* Its result and gradients equal those of the interpreted graph (``fn(...)`` then
  ``.backward()``) to within rounding: every operation is computed by the same formula,
  in the same order.
* A call whose inputs have another shape (another length, another nesting) traces again
  and keeps both versions (up to ``max_traces``). A ReLU (or ``abs``) that switches side is
  not a new shape: the generated code keeps the branch as a conditional expression.
* ``fn`` may not *look at* the numbers while it is traced (``.data``, ``float(v)``, or a
  comparison such as ``v > 0``): a decision taken on a number would be frozen into the
  code and give wrong results later, so tracing stops with ``TraceError`` instead.
* A call that hits an arithmetic error (overflow, log of a negative number, ...) is run
  again on the interpreted graph, so it raises exactly the engine's error.
* ``compile(fn)`` sees only the arguments: if ``fn`` depends on other state that changes
  (another model in a closure), compile again; ``compile_step`` watches its model itself.
* Tracing briefly replaces the ``Value.data`` descriptor (to see who reads numbers), so
  trace from one thread at a time.

Library code that reads a number only where *any* value would give the same result (the
shift in a stable log-sum-exp, or the choice between two equal formulas) uses ``peek(v)``
instead of ``v.data``: tracing lets it pass, and the compiled code keeps the traced value.

Gradients are *added* to the ``.grad`` of every ``Value`` the step reads that is not an
input (the parameters), just like ``backward()``.
"""

from __future__ import annotations

import builtins
import linecache
import math
import sys
from collections import OrderedDict
from typing import Any, Callable, Dict, Hashable, List, Optional, Sequence, Tuple

from ..core import value as engine

from ..core import graph
from ..core.value import Value, peek
from ..nn.modules import Dropout

__all__ = ["compile", "compile_step", "Compiled", "TraceError", "OPS", "generate", "peek"]


class TraceError(ValueError):
    """The function cannot be compiled faithfully (it read a number, or used an unknown op)."""


# ---------------------------------------------------------------- code for each operation
# forward(out, args, node) -> lines computing ``out``;
# backward(out, args, g, node) -> [(parent position, expression of its gradient share)].
Forward = Callable[[str, List[str], Value], List[str]]
Backward = Callable[[str, List[str], str, Value], List[Tuple[int, str]]]


def _chain(out: str, terms: List[str], per_line: int = 16) -> List[str]:
    """``out = t0 + t1 + ...`` left to right, split over lines (the compiler nests ``+``)."""
    lines = [f"{out} = {' + '.join(terms[:per_line])}"]
    for i in range(per_line, len(terms), per_line):
        lines.append(f"{out} = {out} + {' + '.join(terms[i:i + per_line])}")
    return lines


def _dot_terms(args: List[str]) -> List[str]:
    k = len(args) // 2
    return [f"{args[i]} * {args[k + i]}" for i in range(k)] + args[2 * k:]


def _dot_back(out: str, args: List[str], g: str, n: Value) -> List[Tuple[int, str]]:
    k = len(args) // 2
    shares = [(i, f"{args[k + i]} * {g}") for i in range(k)]
    shares += [(k + i, f"{args[i]} * {g}") for i in range(k)]
    return shares + [(2 * k, g)] if len(args) % 2 else shares


def _pow_back(out: str, args: List[str], g: str, n: Value) -> List[Tuple[int, str]]:
    k = n._b
    if k == 0.0:
        return []
    return [(0, f"{k!r} * {args[0]} ** {k - 1.0!r} * {g}")]


def _pow_forward_line(out: str, args: List[str], n: Value) -> List[str]:
    k = n._b
    if k == int(k) and abs(k) < 2.0 ** 53:  # float ** integer: never complex
        return [f"{out} = {args[0]} ** {k!r}"]
    return [f"{out} = _pow_forward({args[0]}, {k!r})"]


def _pow2_back(out: str, args: List[str], g: str, n: Value) -> List[Tuple[int, str]]:
    const = n._b.is_constant
    return [(0, f"_d_pow2({args[0]}, {args[1]}, {out}, {const})[0] * {g}"),
            (1, f"_d_pow2({args[0]}, {args[1]}, {out}, {const})[1] * {g}")]


OPS: Dict[str, Tuple[Forward, Backward]] = {
    "+": (lambda o, a, n: [f"{o} = {a[0]} + {a[1]}"],
          lambda o, a, g, n: [(0, g), (1, g)]),
    "*": (lambda o, a, n: [f"{o} = {a[0]} * {a[1]}"],
          lambda o, a, g, n: [(0, f"{a[1]} * {g}"), (1, f"{a[0]} * {g}")]),
    "**": (_pow_forward_line, _pow_back),
    "pow": (lambda o, a, n: [f"{o} = _pow_forward({a[0]}, {a[1]})"], _pow2_back),
    "exp": (lambda o, a, n: [f"{o} = exp({a[0]})"],
            lambda o, a, g, n: [(0, f"{o} * {g}")]),
    "log": (lambda o, a, n: [f"{o} = log({a[0]})"],
            lambda o, a, g, n: [(0, f"1.0 / {a[0]} * {g}")]),
    "tanh": (lambda o, a, n: [f"{o} = tanh({a[0]})"],
             lambda o, a, g, n: [(0, f"(1.0 - {o} * {o}) * {g}")]),
    "sigmoid": (lambda o, a, n: [f"{o} = sigmoid({a[0]})"],
                lambda o, a, g, n: [(0, f"{o} * (1.0 - {o}) * {g}")]),
    "relu": (lambda o, a, n: [f"{o} = {a[0]} if {a[0]} > 0.0 else 0.0"],
             lambda o, a, g, n: [(0, f"{g} if {a[0]} > 0.0 else 0.0")]),
    "abs": (lambda o, a, n: [f"{o} = {a[0]} if {a[0]} >= 0.0 else -{a[0]}"],
            lambda o, a, g, n: [(0, f"{g} if {a[0]} > 0.0 else -{g} if {a[0]} < 0.0 else 0.0")]),
    "sum": (lambda o, a, n: _chain(o, a),
            lambda o, a, g, n: [(i, g) for i in range(len(a))]),
    "dot": (lambda o, a, n: _chain(o, _dot_terms(a)), _dot_back),
}
"""How each operation is written as code: its forward lines and its gradient shares.

Every formula is the engine's own (same operations, same order), so compiled and
interpreted results agree to the last bit or within a rounding.
"""


def _sigmoid(a: float) -> float:
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _d_pow2(a: float, b: float, out: float, b_is_constant: bool) -> Tuple[float, float]:
    """The engine's rule for ``a ** b`` with a ``Value`` exponent, on floats."""
    if b == 0.0:
        da = 0.0
    elif a == 0.0 and b < 1.0:
        raise ZeroDivisionError(f"pow: derivative of x ** {b} is infinite at x = 0.0")
    else:
        da = b * a ** (b - 1.0)
    if a > 0.0:
        db = out * math.log(a)
    elif b_is_constant or a == 0.0:
        db = 0.0
    else:
        raise ValueError(f"pow: the derivative with respect to the exponent is undefined "
                         f"for a negative base ({a} ** {b})")
    return da, db


_NAMESPACE = {"exp": math.exp, "log": math.log, "tanh": math.tanh, "sigmoid": _sigmoid,
              "_pow_forward": engine._pow_forward, "_d_pow2": _d_pow2,
              "inf": math.inf, "nan": math.nan}


def _parents(n: Value) -> Tuple[Value, ...]:
    return n.parents


def _literal(x: float) -> str:
    s = repr(float(x))
    return f"({s})" if s.startswith("-") else s


def _names_line(names: List[str], rhs: str, indent: str = "    ") -> List[str]:
    """``(a, b, c, ...) = rhs`` wrapped to lines of about 100 characters."""
    lines, cur = [], indent + "("
    for i, name in enumerate(names):
        piece = name + (", " if i < len(names) - 1 or len(names) == 1 else "")
        if len(cur) + len(piece) > 96:
            lines.append(cur.rstrip())
            cur = indent + " "
        cur += piece
    lines.append(cur.rstrip() + f") = {rhs}")
    return lines


def generate(root: Value, inputs: Sequence[Value],
             name: str = "step") -> Tuple[str, List[Value]]:
    """Python source of one function ``name(x, p) -> (out, grads)`` for the graph of ``root``.

    ``x`` holds the values of ``inputs`` in order; ``p`` those of the returned parameters
    (every other non-constant leaf of the graph); ``grads`` their gradients, in order.
    Constants are written as literals.

    >>> from tinygrad_scalar import Value
    >>> a, x = Value(3.0, label="a"), Value(0.5)
    >>> src, params = generate((a * x).relu(), [x])
    >>> print(src)
    def step(x, p):
        '''Forward and backward sweep of a traced graph: 2 operations, 1 parameters.'''
        (x0,) = x
        (p0,) = p
        # p0 = 'a'
        # forward
        v0 = p0 * x0  # *
        v1 = v0 if v0 > 0.0 else 0.0  # relu
        # backward
        g_v1 = 1.0
        g_v0 = g_v1 if v0 > 0.0 else 0.0  # relu
        g_p0 = x0 * g_v0  # *
        return v1, (g_p0,)
    >>> params == [a]
    True
    """
    if not isinstance(root, Value):
        raise TypeError(f"generate: root must be a Value, got {type(root).__name__}")
    if not isinstance(inputs, (list, tuple)) or not all(isinstance(v, Value) for v in inputs):
        raise TypeError(f"generate: inputs must be a list of Values, got {inputs!r:.80}")
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"generate: name must be a Python identifier, got {name!r:.80}")
    topo = engine._topological(root)  # the backward sweep's order, as in backward()
    reading = graph.topological_order(root, _parents)  # operands in order: reads naturally
    position = {v: i for i, v in enumerate(inputs)}
    names: Dict[Value, str] = {}
    needs: Dict[Value, bool] = {}
    params: List[Value] = []
    fwd: List[str] = []
    count = 0

    def leaf(n: Value) -> None:  # leaves are named where the forward code first reads them
        if n in position:
            names[n], needs[n] = f"x{position[n]}", False
        elif n.is_constant:
            names[n], needs[n] = _literal(n.data), False
        else:
            names[n], needs[n] = f"p{len(params)}", True
            params.append(n)

    for n in reading:
        fn = n._fn
        if fn is None:
            if n is root:
                leaf(n)
            continue
        for p in n.parents:
            if p not in names:
                leaf(p)
        op = getattr(fn, "op", "?")
        if op not in OPS:
            raise TraceError(f"compile: no code for operation {op!r} (known: {', '.join(OPS)})")
        out = names[n] = f"v{count}"
        count += 1
        ps = n.parents
        needs[n] = any(needs[p] for p in ps)
        lines = OPS[op][0](out, [names[p] for p in ps], n)
        fwd += [lines[0] + f"  # {op}"] + lines[1:]

    bwd: List[str] = []
    gname: Dict[Value, str] = {}
    if needs[root]:
        gname[root] = "g_" + names[root]
        bwd.append(f"{gname[root]} = 1.0")
    for n in reversed(topo):
        if n._fn is None or n not in gname:
            continue  # a leaf, or a node no parameter depends on (or with zero gradient)
        ps = n.parents
        op = n._fn.op
        shares = [(i, e) for i, e in OPS[op][1](names[n], [names[p] for p in ps], gname[n], n)
                  if needs[ps[i]]]
        block, fresh = [], []
        for i, expr in shares:
            p = ps[i]
            if p in gname:
                block.append(f"{gname[p]} += {expr}")
            else:
                gname[p] = "g_" + names[p]
                fresh.append(gname[p])
                block.append(f"{gname[p]} = {expr}")
        if not block:
            continue
        block[0] += f"  # {op}"
        if len(block) > 2:  # a fused node: skip its whole share when its gradient is 0
            bwd.append(f"if {gname[n]}:")
            bwd += ["    " + line for line in block]
            if fresh:
                bwd.append("else:")
                bwd += [f"    {g} = 0.0" for g in fresh]
        else:
            bwd += block

    grads = [gname.get(p, "0.0") for p in params]
    src = [f"def {name}(x, p):",
           f"    '''Forward and backward sweep of a traced graph: {count:,} operations, "
           f"{len(params):,} parameters.'''"]
    if inputs:
        src += _names_line([f"x{i}" for i in range(len(inputs))], "x")
    if params:
        src += _names_line([names[p] for p in params], "p")
        src += [f"    # {names[p]} = {p.label!r}" for p in params if p.label]
    src += ["    # forward"] + ["    " + line for line in fwd]
    src += ["    # backward"] + ["    " + line for line in bwd]
    tail = ", ".join(grads) + ("," if len(grads) == 1 else "")
    src.append(f"    return {names[root]}, ({tail})")
    return "\n".join(src) + "\n", params


# ---------------------------------------------------------------- watching for number reads
_DATA = Value.__dict__["data"]  # the slot itself, taken before any tracing


_WATCHED = {"__float__", "__lt__", "__le__", "__gt__", "__ge__", "_compare"}


class _NumberReads:
    """While active, remember where code outside the engine reads a non-constant ``.data``."""

    def __enter__(self) -> List[str]:
        slot = self.slot = Value.__dict__["data"]
        here = engine.__file__
        reads: List[str] = []
        getframe = sys._getframe

        def get(v: Value) -> float:
            code = getframe(1).f_code
            if (code.co_filename != here or code.co_name in _WATCHED) and not v.is_constant:
                if len(reads) < 3:
                    f = getframe(1)
                    reads.append(f"{code.co_filename}:{f.f_lineno} in {code.co_name}")
            return slot.__get__(v, Value)

        Value.data = property(get, slot.__set__)  # type: ignore[assignment]
        self.reads = reads
        return reads

    def __exit__(self, *exc: object) -> None:
        Value.data = self.slot  # type: ignore[assignment]


# ---------------------------------------------------------------- inputs: flatten and wrap
_SCALAR = 0


def _walk(obj: object, flat: List[float], shape: List[object]) -> None:
    """Append the numbers of ``obj`` to ``flat`` and its structure to ``shape``."""
    t = type(obj)
    if t is float:
        flat.append(obj)  # type: ignore[arg-type]
        shape.append(_SCALAR)
        return
    if t is list or t is tuple:
        for o in obj:  # type: ignore[attr-defined]
            if type(o) is not float:
                break
        else:
            flat.extend(obj)  # type: ignore[arg-type]
            shape.append((t, len(obj), float))  # type: ignore[arg-type]
            return
    if isinstance(obj, (list, tuple)):
        shape.append((t, len(obj)))
        for o in obj:
            _walk(o, flat, shape)
        return
    if isinstance(obj, Value):
        raise TypeError("compile: inputs must be plain numbers or lists of them, got a Value "
                        f"({obj!r}); pass its .data, or let the function use it directly "
                        "(a Value the function reads is a parameter)")
    if isinstance(obj, bool) or not isinstance(obj, (int, float)):
        raise TypeError(f"compile: inputs must be numbers or lists/tuples of numbers, "
                        f"got {type(obj).__name__} ({obj!r})")
    try:
        flat.append(float(obj))
    except OverflowError:
        raise ValueError(f"compile: an input int of {obj.bit_length()} bits is too large "  # type: ignore[union-attr]
                         f"for a float") from None
    shape.append(_SCALAR)


def _wrap(obj: object, leaves: List[Value]) -> object:
    """The same structure as ``obj`` with every number a new ``Value`` leaf (in order)."""
    if isinstance(obj, (list, tuple)):
        items = [_wrap(o, leaves) for o in obj]
        return items if isinstance(obj, list) else tuple(items)
    v = Value(float(obj))  # type: ignore[arg-type]
    leaves.append(v)
    return v


def _freeze(obj: object) -> Hashable:
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__,) + tuple(_freeze(o) for o in obj)
    try:
        hash(obj)
    except TypeError:
        raise TypeError(f"compile: a static argument must be hashable (or a list of hashable "
                        f"items), got {type(obj).__name__}") from None
    return (type(obj), obj)


class _Program:
    """One trace: the generated function, the parameters it reads, and its source."""

    __slots__ = ("run", "params", "source")

    def __init__(self, run: Callable, params: List[Value], source: str) -> None:
        self.run, self.params, self.source = run, params, source


# ---------------------------------------------------------------- the compiled function
class Compiled:
    """A function compiled by tracing; calling it returns the output as a float.

    Each call computes the output and adds the gradient of the output into ``.grad`` of
    every parameter (every ``Value`` the function reads that is neither an input nor a
    constant). See the module documentation for what is guaranteed.
    """

    def __init__(self, fn: Callable[..., Value], static_argnums: Sequence[int] = (),
                 max_traces: int = 8, guard: Optional[Callable[[], Hashable]] = None) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        if isinstance(max_traces, bool) or not isinstance(max_traces, int) or max_traces < 1:
            raise ValueError(f"compile: max_traces must be a positive int, got {max_traces!r}")
        self.fn = fn
        if not isinstance(static_argnums, (list, tuple, set, frozenset, range)) or not all(
                isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in static_argnums):
            raise TypeError(f"compile: static_argnums must be a tuple of argument positions "
                            f"(ints >= 0), got {static_argnums!r:.80}")
        self.static_argnums = frozenset(static_argnums)
        self.max_traces = max_traces
        self.guard = guard
        self.traces = 0
        self.fallbacks = 0
        self._cache: OrderedDict = OrderedDict()
        self._last: Optional[_Program] = None

    @property
    def source(self) -> str:
        """The generated Python of the most recently used trace (``""`` before any call)."""
        return self._last.source if self._last is not None else ""

    @property
    def parameters(self) -> List[Value]:
        """The parameters read by the most recently used trace, in the generated order."""
        return list(self._last.params) if self._last is not None else []

    def __call__(self, *args: Any) -> float:
        flat: List[float] = []
        shape: List[object] = []
        static = []
        for i, a in enumerate(args):
            if i in self.static_argnums:
                static.append(_freeze(a))
            else:
                _walk(a, flat, shape)
        if not all(map(math.isfinite, flat)):
            bad = next(x for x in flat if not math.isfinite(x))
            raise ValueError(f"compile: inputs must be finite, got {bad}")
        key = (len(args), tuple(shape), tuple(static),
               self.guard() if self.guard is not None else None)
        prog = self._cache.get(key)
        if prog is None:
            prog = self._trace(args, key)
        else:
            self._cache.move_to_end(key)
        self._last = prog
        params = prog.params
        try:
            out, grads = prog.run(flat, [p.data for p in params])
        except (ArithmeticError, ValueError):
            self.fallbacks += 1
            return self.interpret(*args)
        for p, g in zip(params, grads):
            p.grad += g
        return out

    forward_backward = __call__

    def interpret(self, *args: Any) -> float:
        """The same call on the interpreted graph (``fn`` then ``backward``): the reference."""
        root = self.fn(*self._wrapped(args, []))
        if not isinstance(root, Value):
            raise TypeError(f"compile: the function must return a Value, "
                            f"got {type(root).__name__}")
        root.backward()
        return root.data

    def _wrapped(self, args: Sequence[Any], leaves: List[Value]) -> List[Any]:
        return [a if i in self.static_argnums else _wrap(a, leaves) for i, a in enumerate(args)]

    def _record(self, args: Sequence[Any], name: str) -> Tuple[str, List[Value]]:
        """Run ``fn`` once on ``Value`` inputs and write its graph as source."""
        leaves: List[Value] = []
        wrapped = self._wrapped(args, leaves)
        with _NumberReads() as reads:
            root = self.fn(*wrapped)
        if not isinstance(root, Value):
            raise TypeError(f"compile: the function must return a Value, got "
                            f"{type(root).__name__}")
        source, params = generate(root, leaves, name)  # an unknown operation stops here
        if reads:
            raise TraceError("compile: the function looked at a number while being traced "
                             f"(.data, float() or a comparison at {'; '.join(reads)}); its "
                             "Python would take decisions the compiled code cannot repeat. "
                             "Use operations (relu, abs, ...) instead, or run it interpreted")
        return source, params

    def _trace(self, args: Sequence[Any], key: Hashable) -> _Program:
        name = getattr(self.fn, "__name__", "step")
        name = name if name.isidentifier() and not name.startswith("<") else "step"
        source, params = self._record(args, name)
        # Trace twice: random choices (dropout in training mode, say) or state that changes
        # from call to call show up as a different graph, or as a new leaf with another value.
        again, params2 = self._record(args, name)
        if again != source or any(p is not q and p.data != q.data
                                  for p, q in zip(params, params2)):
            raise TraceError("compile: two runs of the function on the same inputs built "
                             "different graphs (random choices such as dropout in training "
                             "mode, or state that changes between calls); compiled code could "
                             "only repeat one of them. Run it interpreted, or without them")
        self.traces += 1
        filename = f"<compiled {name} #{self.traces}>"
        code = builtins.compile(source, filename, "exec")
        namespace = dict(_NAMESPACE)
        exec(code, namespace)  # our own generated code, never user text
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        prog = _Program(namespace[name], params, source)
        self._cache[key] = prog
        while len(self._cache) > self.max_traces:
            self._cache.popitem(last=False)
        return prog


def compile(fn: Callable[..., Value], static_argnums: Sequence[int] = (),
            max_traces: int = 8) -> Compiled:
    """Compile ``fn`` (numbers in, a ``Value`` out) to straight-line forward+backward code.

    Arguments of ``fn`` are numbers or (nested) lists of numbers; each becomes a ``Value``
    while tracing. Arguments listed in ``static_argnums`` are passed as they are (class
    labels, for instance): each distinct value gets its own trace. At most ``max_traces``
    traces are kept (least recently used dropped).

    >>> from tinygrad_scalar import Value
    >>> a = Value(3.0)
    >>> sq = compile(lambda xs: Value.dot(xs, xs) * a)
    >>> sq([1.0, 2.0]), a.grad
    (15.0, 5.0)
    >>> sq([1.0, 2.0, 2.0]), sq.traces       # another length: traced again
    (27.0, 2)
    """
    return Compiled(fn, static_argnums=static_argnums, max_traces=max_traces)


def _modules(model: Any) -> List[Any]:
    """``model`` and every sub-module below it."""
    out, todo = [], [model]
    while todo:
        m = todo.pop()
        out.append(m)
        children = getattr(m, "children", None)
        todo.extend(children() if callable(children) else [])
    return out


def compile_step(model: Any, loss_fn: Callable[[Any, Any], Value],
                 static_targets: bool = True, max_traces: int = 8) -> Compiled:
    """Compile ``loss_fn([model(x) for x in X], y)``: call it as ``step(X, y)``.

    The call returns the loss (a float) and adds its gradient into every parameter's
    ``.grad``, exactly like building the graph and calling ``backward()`` would. With
    ``static_targets`` (the default) the targets ``y`` are passed to ``loss_fn`` as they
    are (class labels stay ints), and each distinct ``y`` is its own trace; otherwise they
    are numeric inputs like ``X``. A change to the model (other parameter objects, another
    ``repr``, training or evaluation mode) traces again; dropout in training mode is
    refused with ``TraceError`` (its random masks cannot be replayed).

    >>> from tinygrad_scalar import MLP, Value
    >>> model = MLP(2, [4, 1], rng=0)
    >>> def mse(outs, ys):
    ...     diffs = [o - y for o, y in zip(outs, ys)]
    ...     return Value.dot(diffs, diffs) * (1.0 / len(diffs))
    >>> step = compile_step(model, mse, static_targets=False)
    >>> X, y = [[0.5, -1.0], [1.0, 2.0]], [1.0, 0.0]
    >>> loss = step(X, y)
    >>> grads = [p.grad for p in model.parameters()]
    >>> model.zero_grad()
    >>> ref = mse([model(x) for x in X], y)
    >>> ref.backward()
    >>> abs(loss - ref.data) < 1e-12, grads == [p.grad for p in model.parameters()]
    (True, True)
    """
    if not callable(loss_fn):
        raise TypeError(f"compile_step: loss_fn must be callable, got {type(loss_fn).__name__}")
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(f"compile_step: model must be a Module (callable, with parameters()), "
                        f"got {type(model).__name__}")

    def step(X: Any, y: Any) -> Value:
        if not isinstance(X, (list, tuple)) or not X or not all(
                isinstance(row, (list, tuple)) for row in X):
            raise TypeError(f"compile_step: X must be a non-empty list of rows (lists of "
                            f"numbers), got {X!r:.80}")
        if any(isinstance(m, Dropout) and m.training and m.p > 0.0 for m in _modules(model)):
            raise TraceError("compile_step: the model has dropout in training mode, a new "
                             "random mask at every call, which compiled code cannot repeat; "
                             "train it interpreted, or call model.eval() first")
        return loss_fn([model(x) for x in X], y)

    def guard() -> Hashable:  # other parameters, another shape or mode: trace again
        return (repr(model), tuple(map(id, model.parameters())),
                tuple(getattr(m, "training", None) for m in _modules(model)))

    return Compiled(step, static_argnums=(1,) if static_targets else (),
                    max_traces=max_traces, guard=guard)
