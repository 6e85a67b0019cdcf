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
* A call that hits an arithmetic error (overflow, log of a negative number, ...), or whose
  result or gradient is infinite or NaN, is run again on the interpreted graph, so it
  raises exactly the engine's error (see ``core.primitive``).
* ``compile(fn)`` sees only the arguments: if ``fn`` depends on other state that changes,
  compile again; ``compile_step`` watches its model itself.
* While tracing, the nodes this thread makes are of a ``Value`` subclass that notes who
  reads their numbers (declared in ``core.modes.tracing``); other threads are unaffected.
  Reads of a *parameter's* number (a ``Value`` made before tracing) are not noticed.

Code that reads a number where *any* value gives the same result uses ``peek(v)``
instead of ``v.data``: tracing lets it pass, and the compiled code keeps the traced value.
Gradients are *added* to the ``.grad`` of the parameters, just like ``backward()``.
"""

from __future__ import annotations

import builtins
import math
import os
import sys
from collections import OrderedDict
from typing import Any, Callable, Hashable, List, Optional, Sequence

from ..core import modes
from ..core import value as value_module
from ..core.node import Node
from ..core.value import Value, peek
from .codegen import generate
from .native import _backend, flat_runner

__all__ = ["compile", "compile_step", "Compiled", "TraceError", "generate", "peek"]


class TraceError(ValueError):
    """The function cannot be compiled faithfully (it read a number, or used an unknown op)."""


# ---------------------------------------------------------------- watching for number reads
_DATA = Node.__dict__["data"]  # the slot itself
_CORE = os.path.dirname(os.path.abspath(value_module.__file__))
_WATCHED = {"__lt__", "__le__", "__gt__", "__ge__", "_compare", "item", "__format__"}


def _traced_class(reads: List[str]) -> type:
    """A ``Value`` subclass whose ``.data`` notes who reads it (outside the core's own
    arithmetic) into ``reads``: nodes made while tracing are of this class (the
    ``core.modes.tracing`` hook), so a function deciding on a number is caught."""
    getframe = sys._getframe

    def get(v: Value) -> float:
        frame = getframe(1)
        code = frame.f_code
        if (not code.co_filename.startswith(_CORE) or code.co_name in _WATCHED) and \
                not v.is_constant and len(reads) < 3:
            if code.co_name in _WATCHED and frame.f_back is not None:
                frame = frame.f_back  # a comparison: name the line that compared
            reads.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        return _DATA.__get__(v, Value)

    return type("TracedValue", (Value,), {"__slots__": (), "data": property(get, _DATA.__set__),
                                          "__module__": __name__})


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


def _wrap(obj: object, leaves: List[Value], cls: type = Value) -> object:
    """The same structure as ``obj`` with every number a new leaf of ``cls`` (in order)."""
    if isinstance(obj, (list, tuple)):
        items = [_wrap(o, leaves, cls) for o in obj]
        return items if isinstance(obj, list) else tuple(items)
    v = cls(float(obj))  # type: ignore[arg-type]
    leaves.append(v)
    return v


def _freeze(obj: object) -> Hashable:
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__,) + tuple(_freeze(o) for o in obj)
    try:
        hash(obj)
    except TypeError:
        raise TypeError("compile: a static argument must be hashable (or a list of hashable "
                        f"items), got {type(obj).__name__}") from None
    return (type(obj), obj)


class _Program:
    """One trace: the generated function, the parameters it reads, and its source."""

    __slots__ = ("run", "params", "source")

    def __init__(self, run: Callable[..., Any], params: List[Value], source: str) -> None:
        self.run, self.params, self.source = run, params, source


# ---------------------------------------------------------------- the compiled function
class Compiled:
    """A function compiled by tracing; calling it returns the output as a float.

    Each call computes the output and adds the gradient of the output into ``.grad`` of
    every parameter (every ``Value`` the function reads that is neither an input nor a
    constant). See the module documentation for what is guaranteed.
    """

    def __init__(self, fn: Callable[..., Value], static_argnums: Sequence[int] = (),
                 max_traces: int = 8, guard: Optional[Callable[[], Hashable]] = None,
                 backend: str = "python") -> None:
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
        self.guard, self.backend = guard, _backend(backend)
        self.traces = 0
        self.fallbacks = 0
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._last: Optional[_Program] = None
        self._graph: Any = None

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
        values = [p.data for p in params]
        total = sum(values)
        if total - total != 0.0:  # a parameter gone bad: the graph shows what it does
            self.fallbacks += 1
            return self.interpret(*args)
        try:
            out, grads = prog.run(flat, values)
            total = sum(grads)
            if out - out != 0.0 or total - total != 0.0:
                raise OverflowError("not finite")
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

    def _wrapped(self, args: Sequence[Any], leaves: List[Value],
                 cls: type = Value) -> List[Any]:
        return [a if i in self.static_argnums else _wrap(a, leaves, cls)
                for i, a in enumerate(args)]

    def _record(self, args: Sequence[Any], name: str) -> Any:
        """Run ``fn`` once on traced ``Value`` inputs and write its graph as source."""
        leaves: List[Value] = []
        reads: List[str] = []
        cls = _traced_class(reads)
        with modes.tracing(cls):
            wrapped = self._wrapped(args, leaves, cls)
            root = self.fn(*wrapped)
        if not isinstance(root, Value):
            raise TypeError(f"compile: the function must return a Value, got {type(root).__name__}")
        program = generate(root, leaves, name)
        self._graph = (root, leaves)  # for the native backend, until the trace is written
        if reads:
            raise TraceError("compile: the function looked at a number while being traced "
                             f"(.data, float() or a comparison at {'; '.join(reads)}); its "
                             "Python would take decisions the compiled code cannot repeat. "
                             "Use operations (relu, abs, ...) instead, or run it interpreted")
        return program

    def _trace(self, args: Sequence[Any], key: Hashable) -> _Program:
        name = getattr(self.fn, "__name__", "step")
        name = name if name.isidentifier() and not name.startswith("<") else "step"
        program = self._record(args, name)
        source, params = program.source, program.params
        # Trace twice: random choices (dropout) or changing state show up as another graph
        again = self._record(args, name)
        if again.source != source or any(p is not q and p.data != q.data
                                         for p, q in zip(params, again.params)):
            raise TraceError("compile: two runs of the function on the same inputs built "
                             "different graphs (random choices such as dropout in training "
                             "mode, or state that changes between calls); compiled code could "
                             "only repeat one of them. Run it interpreted, or without them")
        self.traces += 1
        namespace = dict(program.namespace)  # our own generated code, never user text:
        exec(builtins.compile(source, f"<compiled {name} #{self.traces}>", "exec"), namespace)
        run = namespace[name]
        if self.backend != "python":  # the same trace in C, where a compiler works
            run = flat_runner(self._graph[0], self._graph[1], params, self.backend) or run
        prog, self._graph = _Program(run, params, source), None
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
        out.append(todo.pop())
        children = getattr(out[-1], "children", None)
        todo.extend(children() if callable(children) else [])
    return out


def compile_step(model: Any, loss_fn: Callable[[Any, Any], Value],
                 static_targets: bool = True, max_traces: int = 8,
                 backend: str = "python") -> Compiled:
    """Compile ``loss_fn([model(x) for x in X], y)``: call it as ``step(X, y)``.

    The call returns the loss (a float) and adds its gradient into every parameter's
    ``.grad``, exactly like building the graph and calling ``backward()`` would. With
    ``static_targets`` (the default) the targets ``y`` are passed to ``loss_fn`` as they
    are (class labels stay ints), and each distinct ``y`` is its own trace; otherwise they
    are numeric inputs like ``X``. A change to the model (other parameter objects, another
    ``repr``, training or evaluation mode) traces again; dropout in training mode is
    refused with ``TraceError`` (its random masks cannot be replayed). ``backend="c"``
    runs each trace as C (``derive.native``), ``"auto"`` where a compiler works.

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
        if any(getattr(m, "random_in_training", False) and getattr(m, "training", False)
               for m in _modules(model)):
            raise TraceError("compile_step: the model has dropout in training mode, a new "
                             "random mask at every call, which compiled code cannot repeat; "
                             "train it interpreted, or call model.eval() first")
        return loss_fn([model(x) for x in X], y)

    def guard() -> Hashable:  # other parameters, another shape or mode: trace again
        return (repr(model), tuple(map(id, model.parameters())),
                tuple(getattr(m, "training", None) for m in _modules(model)))

    return Compiled(step, static_argnums=(1,) if static_targets else (),
                    max_traces=max_traces, guard=guard, backend=backend)
