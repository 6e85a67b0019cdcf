"""``Program``: a graph built once, with its inputs, run at every new feed.

The bridge from eager to static graphs. Build the graph the usual way on placeholders
(``Value.placeholder``), wrap its output in a ``Program``, and call it with a feed: each
call recomputes the graph at the fed numbers (``Value.forward``), runs Alpha's sweep, adds
the gradients into the parameters' ``.grad`` (every leaf that is neither an input nor a
constant, as ``backward()`` does) and returns the output and those gradients.
``.compile()`` turns the same graph into straight-line code (the compiled mode's code
generators: Python, or C where a compiler works), called the same way.

>>> from tinygrad_scalar import Program, Value
>>> x, y = Value.placeholder("x"), Value.placeholder("y")
>>> w = Value(0.5, label="w")
>>> loss = (w * x - y) ** 2
>>> prog = Program(loss, [x, y])
>>> prog({x: 2.0, y: 3.0})
Run(output=4.0, grads=(-8.0,))
>>> prog({"x": 4.0, "y": 1.0}).output        # inputs by name too
1.0
>>> w.grad                                     # -8 + 8: gradients accumulate
0.0
>>> fast = prog.compile()                      # the same graph, as generated Python
>>> fast({x: 2.0, y: 3.0})
Run(output=4.0, grads=(-8.0,))

A compiled program reads the parameters' ``.data`` at each call and adds into their
``.grad``, but does not update the nodes' ``.data`` (it has no nodes). A call whose numbers
overflow or leave an operation's domain is run again on the graph, which raises the
engine's error. A graph built by Python code that decided on a number (``if x.data > 0``)
is frozen at that decision: see ``core.rerun`` (``tinygrad_scalar.compile``, which traces a
function twice and watches it read numbers, refuses such functions).
"""

from __future__ import annotations

import builtins
import itertools
import sys
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ..core.checks import finite
from ..core.value import Value
from .codegen import generate
from .native import flat_runner

__all__ = ["Program", "Run", "BACKENDS"]

#: backend names ``Program.compile`` accepts ("auto" picks the fastest one available)
BACKENDS = ("auto", "c", "python")

_COUNT = itertools.count(1)

#: "auto" builds C for programs up to this many lines of code: the compiler's time grows
#: faster than the size (measured with gcc -Og: 8,000 lines in 1.7 s, 27,000 in 12 s, 108,000 in 105 s)
AUTO_C_LINES = 10_000

_said: set[Any] = set()


def _say_once(text: str) -> None:
    """One line on stderr, once per process for each text."""
    if text not in _said:
        _said.add(text)
        print(text, file=sys.stderr)


class Run(NamedTuple):
    """What a program call returns: the output and d(output)/d(parameter), in order."""

    output: float
    grads: Tuple[float, ...]


class Program:
    """A built graph (``output``) with the leaves fed at each call (``inputs``).

    ``inputs`` defaults to the graph's placeholders, in topological order. Every other
    leaf that is not a constant is a parameter (``parameters``): its ``.data`` is read at
    each call and its gradient added into its ``.grad``.
    """

    backend = "graph"

    def __init__(self, output: Value, inputs: Optional[Sequence[Value]] = None) -> None:
        if not isinstance(output, Value):
            raise TypeError(f"Program: output must be a Value, got {type(output).__name__}")
        self.output = output
        self.order: List[Value] = output.topological_order()
        leaves = [n for n in self.order if n.is_leaf and not n.is_constant]
        if inputs is None:
            inputs = [n for n in leaves if n.is_placeholder]
        if isinstance(inputs, Value) or not isinstance(inputs, (list, tuple)):
            raise TypeError(f"Program: inputs must be a list of Values, got "
                            f"{type(inputs).__name__}")
        known = set(leaves)
        for v in inputs:
            if not isinstance(v, Value):
                raise TypeError(f"Program: inputs must be Values, got {type(v).__name__}")
            if v not in known:
                raise ValueError(f"Program: input {v!r:.60} is not a leaf of the graph "
                                 f"(or is a constant)")
        if len(set(inputs)) != len(inputs):
            raise ValueError("Program: an input is listed twice")
        self.inputs: List[Value] = list(inputs)
        self._at = _positions(self.inputs)
        taken = set(self.inputs)
        self.parameters: List[Value] = [n for n in leaves if n not in taken]

    def _numbers(self, feed: Mapping[Any, Any], where: str) -> List[float]:
        """The fed numbers in the order of ``inputs`` (keys: the input Values or labels)."""
        if not isinstance(feed, Mapping):
            raise TypeError(f"{where}: feed must be a dict {{input: number}}, got "
                            f"{type(feed).__name__}")
        at = self._at
        xs: List[Any] = [None] * len(self.inputs)
        for key, x in feed.items():
            i = at.get(key) if isinstance(key, (Value, str)) else None
            if i is None:
                raise ValueError(f"{where}: {key!r:.60} is not an input of this program "
                                 f"(inputs: {[v.label or v for v in self.inputs]!r:.200})")
            if type(x) is not float or x - x != 0.0:
                x = finite(x, where, f"the value fed to {self.inputs[i].label or 'an input'!r}")
            xs[i] = x
        if None in xs:
            missing = [v.label or repr(v) for v, x in zip(self.inputs, xs) if x is None]
            raise ValueError(f"{where}: no value fed for input(s) {', '.join(missing)}")
        return xs

    def __call__(self, feed: Mapping[Any, Any]) -> Run:
        """Run the graph at ``feed``: recompute it, sweep it, add and return the gradients.

        >>> from tinygrad_scalar import Value
        >>> x, w = Value.placeholder("x"), Value(2.0, label="w")
        >>> Program(w * x * x)({"x": 3.0})          # d/dw of w x**2 is x**2
        Run(output=18.0, grads=(9.0,))
        """
        xs = self._numbers(feed, "Program")
        return self._interpret(xs)

    def _interpret(self, xs: List[float]) -> Run:
        out = self.output.forward(dict(zip(self.inputs, xs)))
        params = self.parameters
        before = [p.grad for p in params]
        kept = [v.grad for v in self.inputs]
        for p in params:
            p.grad = 0.0
        try:
            self.output.backward()
        finally:
            grads = tuple(p.grad for p in params)
            for p, b, g in zip(params, before, grads):
                p.grad = b + g
            for v, k in zip(self.inputs, kept):
                v.grad = k
        return Run(out, grads)

    def compile(self, backend: str = "auto") -> "Program":
        """The same program as generated code, called exactly like the program itself:
        ``"python"``, ``"c"`` (the native backend: the system C compiler, ``NativeError``
        where there is none) or ``"auto"`` (C where a compiler works and the program is
        at most ``AUTO_C_LINES`` lines, else Python, said once in one line).
        ``.backend`` tells which one runs.

        >>> from tinygrad_scalar import Value
        >>> x = Value.placeholder("x")
        >>> fast = Program(x * Value(2.0, label="w")).compile("python")
        >>> fast({x: 3.0}), fast.backend
        (Run(output=6.0, grads=(3.0,)), 'python')
        """
        if backend not in BACKENDS:
            raise ValueError(f"Program.compile: backend must be one of {BACKENDS}, "
                             f"got {backend!r:.40}")
        return _Compiled(self, backend)

    def __repr__(self) -> str:
        ops = sum(1 for n in self.order if not n.is_leaf)
        names = ", ".join(v.label or "?" for v in self.inputs)
        return (f"{type(self).__name__}({ops} operations, inputs ({names}), "
                f"{len(self.parameters)} parameters, backend {self.backend!r})")


def _positions(inputs: List[Value]) -> Dict[Any, int]:
    """Where each input goes, by the ``Value`` itself or by its label (when unique)."""
    at: Dict[Any, int] = {}
    labels = [v.label for v in inputs]
    for i, v in enumerate(inputs):
        at[v] = i
        if v.label and labels.count(v.label) == 1:
            at[v.label] = i
    return at


class _Compiled(Program):
    """A ``Program`` run by generated Python code (``Program.compile``)."""

    def __init__(self, program: Program, backend: str = "python") -> None:
        self.output, self.order = program.output, program.order
        self.inputs, self._at = list(program.inputs), program._at
        self.program = program
        code = generate(self.output, self.inputs, "program")
        self.source: str = code.source
        self.parameters = list(program.parameters)
        self._params = list(code.params)  # the generated code's order
        at = {id(p): i for i, p in enumerate(self._params)}
        self._back = [at[id(p)] for p in self.parameters]
        namespace = dict(code.namespace)
        exec(builtins.compile(code.source, f"<program #{next(_COUNT)}>", "exec"), namespace)
        self._run: Callable[..., Any] = namespace["program"]
        self.backend = "python"
        lines = self.source.count("\n")
        if backend == "auto" and lines > AUTO_C_LINES:
            _say_once(f"Program.compile: running in Python (a program of {lines:,} lines "
                      f"would take the C compiler minutes; backend='c' builds it anyway)")
        elif backend != "python":
            native = flat_runner(self.output, self.inputs, self._params, backend)
            if native is not None:
                self._run, self.backend = native, "c"

    def __call__(self, feed: Mapping[Any, Any]) -> Run:
        xs = self._numbers(feed, "Program")
        values = [p.data for p in self._params]
        try:
            out, grads = self._run(xs, values)
            total = out + sum(grads)
            if total - total != 0.0:
                raise OverflowError("not finite")
        except (ArithmeticError, ValueError):  # the graph says what went wrong
            return self.program._interpret(xs)
        ordered = tuple(grads[i] for i in self._back)
        for p, g in zip(self.parameters, ordered):
            p.grad += g
        return Run(out, ordered)
