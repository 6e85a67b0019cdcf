"""Hypothesis strategies: random expression programs over every operation of the engine.

A *program* is a list of steps; each step applies one operation to earlier results (so
sub-expressions are shared) or to plain-number constants on either side. Drawing a
program also picks its inputs, and only steps that stay inside each operation's domain,
away from kinks (relu, abs) and overflow, are kept. The same program can then be run on
fresh leaves, on perturbed inputs (central differences), on ``Dual`` numbers (forward
mode), or by any other mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Sequence, Tuple

from hypothesis import strategies as st

from tinygrad_scalar import Value

CONSTANTS = (-1.5, 0.5, 2.0, 3.0)

# name -> (arity, function of (a, b, c), domain check on the data of (a, b, c))
OPS = {
    "add": (2, lambda a, b, c: a + b, lambda a, b, c: True),
    "mul": (2, lambda a, b, c: a * b, lambda a, b, c: True),
    "sub": (2, lambda a, b, c: a - b, lambda a, b, c: True),
    "div": (2, lambda a, b, c: a / b, lambda a, b, c: abs(b) > 0.1),
    "radd": (1, lambda a, b, c: c + a, lambda a, b, c: True),
    "rsub": (1, lambda a, b, c: c - a, lambda a, b, c: True),
    "rmul": (1, lambda a, b, c: c * a, lambda a, b, c: True),
    "rdiv": (1, lambda a, b, c: c / a, lambda a, b, c: abs(a) > 0.1),
    "div_const": (1, lambda a, b, c: a / c, lambda a, b, c: True),
    "pow_int": (1, lambda a, b, c: a ** 3, lambda a, b, c: abs(a) < 20),
    "pow_real": (1, lambda a, b, c: a ** abs(c), lambda a, b, c: 0.1 < a < 100),
    "pow_neg": (1, lambda a, b, c: a ** -2, lambda a, b, c: abs(a) > 0.1),
    "pow_value": (2, lambda a, b, c: a ** b, lambda a, b, c: 0.1 < a < 20 and abs(b) < 3),
    "rpow": (1, lambda a, b, c: abs(c) ** a, lambda a, b, c: abs(a) < 10),
    "exp": (1, lambda a, b, c: a.exp(), lambda a, b, c: a < 8),
    "log": (1, lambda a, b, c: a.log(), lambda a, b, c: a > 0.1),
    "tanh": (1, lambda a, b, c: a.tanh(), lambda a, b, c: True),
    "sigmoid": (1, lambda a, b, c: a.sigmoid(), lambda a, b, c: True),
    "relu": (1, lambda a, b, c: a.relu(), lambda a, b, c: abs(a) > 1e-3),
    "abs": (1, lambda a, b, c: abs(a), lambda a, b, c: abs(a) > 1e-3),
    "neg": (1, lambda a, b, c: -a, lambda a, b, c: True),
    # type(a) is Value or Dual: the fused operations run in forward mode too
    "sum": (2, lambda a, b, c: type(a).sum([a, b, a], start=c), lambda a, b, c: True),
    "dot": (2, lambda a, b, c: type(a).dot([a, b], [b, c], bias=a), lambda a, b, c: True),
}


@dataclass
class Program:
    """Inputs and steps of a random expression; ``run`` builds it on any leaves."""

    inputs: List[float]
    steps: List[Tuple[str, int, int, float]]

    def run(self, leaves: Sequence[Any]) -> Any:
        """Build the expression over ``leaves`` (``Value``s or ``Dual``s); return the last step."""
        nodes = list(leaves)
        for op, i, j, c in self.steps:
            nodes.append(OPS[op][1](nodes[i], nodes[j], c))
        return nodes[-1]

    def live(self) -> Program:
        """The same output without the steps it does not depend on (dead branches)."""
        k = len(self.inputs)
        needed = {k + len(self.steps) - 1}
        for at in range(k + len(self.steps) - 1, k - 1, -1):
            if at in needed:
                op, i, j, _ = self.steps[at - k]
                needed.update((i, j) if OPS[op][0] == 2 or op in ("sum", "dot") else (i,))
        keep = [at for at in range(k, k + len(self.steps)) if at in needed]
        index = {at: at for at in range(k)}
        index.update({at: k + n for n, at in enumerate(keep)})
        steps = []
        for at in keep:
            op, i, j, c = self.steps[at - k]
            steps.append((op, index[i], index.get(j, 0), c))
        return Program(list(self.inputs), steps)

    def __call__(self, *leaves: Any) -> Any:
        return self.run(leaves)

    def leaves(self) -> List[Value]:
        """Fresh input leaves labelled x0, x1, ..."""
        return [Value(x, label=f"x{i}") for i, x in enumerate(self.inputs)]


@st.composite
def programs(draw: Callable, n_inputs: Tuple[int, int] = (1, 4), n_steps: Tuple[int, int] = (1, 14),
             ops: Sequence[str] = tuple(OPS)) -> Program:
    """A random program whose every step is inside its operation's domain at its inputs."""
    k = draw(st.integers(*n_inputs))
    inputs = [draw(st.floats(-2.0, 2.0, allow_nan=False)) for _ in range(k)]
    steps: List[Tuple[str, int, int, float]] = []
    values = [Value(x) for x in inputs]
    for _ in range(draw(st.integers(*n_steps))):
        op = draw(st.sampled_from(list(ops)))
        # prefer recent nodes so that graphs grow deep as well as wide
        i = len(values) - 1 - draw(st.integers(0, len(values) - 1))
        j = draw(st.integers(0, len(values) - 1))
        c = draw(st.sampled_from(CONSTANTS))
        fn, ok = OPS[op][1], OPS[op][2]
        if not ok(values[i].data, values[j].data, c):
            continue
        out = fn(values[i], values[j], c)
        if abs(out.data) > 1e4 or abs(out.data) < 1e-12 and out.data != 0.0:
            continue
        steps.append((op, i, j, c))
        values.append(out)
    if not steps:
        steps.append(("mul", 0, 0, 2.0))
    return Program(inputs, steps)
