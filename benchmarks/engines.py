"""micrograd's demo training step written four ways, for the benchmark suite.

``OpByOp`` is micrograd's MLP against any value class (this engine's or micrograd's own),
one node per ``+`` and ``*``; ``Fused`` is the library's ``MLP`` (one weighted-sum node per
neuron); ``CompiledStep`` is that step traced once and replayed; ``Floats`` is the same
step on plain floats with the backward pass written by hand. All four train alike.
"""

from __future__ import annotations

import random
from typing import Any, List, Tuple

from tinygrad_scalar import MLP, Value, compile_step
from tinygrad_scalar.data import make_moons

__all__ = ["SIZES", "demo_data", "initial_weights", "OpByOp", "Fused", "CompiledStep", "Floats"]

SIZES = [2, 16, 16, 1]


# ---------------------------------------------------------------- data and weights
def demo_data(n: int = 100) -> Tuple[List[List[float]], List[float]]:
    """``n`` two-moons points with labels -1/+1, as in micrograd's demo."""
    X, y = make_moons(n=n, noise=0.1, rng=1)
    return X, [2.0 * yi - 1.0 for yi in y]


def initial_weights(seed: int = 1337) -> List[List[List[float]]]:
    """``weights[layer][neuron] = [w0, ..., b]``: micrograd's uniform(-1, 1) weights."""
    rng = random.Random(seed)
    return [[[rng.uniform(-1, 1) for _ in range(nin)] + [0.0] for _ in range(nout)]
            for nin, nout in zip(SIZES, SIZES[1:])]


# ---------------------------------------------------------------- the demo step, four ways
class OpByOp:
    """micrograd's MLP written against any value class: one node per ``+`` and ``*``."""

    def __init__(self, value_cls: type, weights: List[List[List[float]]]) -> None:
        self.V = value_cls
        self.layers = [[([value_cls(w) for w in neuron[:-1]], value_cls(neuron[-1]))
                        for neuron in layer] for layer in weights]

    def parameters(self) -> list:
        """Every weight and bias, in a fixed order."""
        return [p for layer in self.layers for ws, b in layer for p in ws + [b]]

    def __call__(self, x: list) -> Any:
        """The network's score for one input row."""
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for ws, b in layer:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if i < last else act)
            x = out
        return x[0]

    def graph(self, X: list, y: list) -> Any:
        """The step's loss as a graph (forward only)."""
        V = self.V
        scores = [self(list(map(V, row))) for row in X]
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        reg = 1e-4 * sum((p * p for p in self.parameters()))
        return sum(losses) * (1.0 / len(losses)) + reg

    def step(self, X: list, y: list, lr: float) -> float:
        """Forward, backward, SGD update; returns the loss."""
        loss = self.graph(X, y)
        params = self.parameters()
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data


def _load(model: MLP, weights: List[List[List[float]]]) -> None:
    state = {}
    for i, layer in enumerate(weights):
        for j, neuron in enumerate(layer):
            for k, w in enumerate(neuron[:-1]):
                state[f"L{i}.N{j}.w{k}"] = w
            state[f"L{i}.N{j}.b"] = neuron[-1]
    model.load_state_dict(state)


class Fused:
    """The library's ``MLP``: one weighted-sum node per neuron, fused sums in the loss."""

    def __init__(self, weights: List[List[List[float]]]) -> None:
        self.model = MLP(2, SIZES[1:], init="uniform", rng=0)
        _load(self.model, weights)
        self.params = self.model.parameters()

    def loss(self, scores: list, y: list) -> Value:
        """Mean max-margin loss of the scores plus 1e-4 L2 of the weights."""
        losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
        return Value.sum(losses) * (1.0 / len(losses)) + 1e-4 * Value.dot(self.params,
                                                                           self.params)

    def step(self, X: list, y: list, lr: float) -> float:
        """Forward, backward, SGD update; returns the loss."""
        inputs = [list(map(Value, row)) for row in X]  # as micrograd's demo does
        loss = self.loss([self.model(row) for row in inputs], y)
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        for p in self.params:
            p.data -= lr * p.grad
        return loss.data


class CompiledStep(Fused):
    """The fused step, traced once and replayed as straight-line Python."""

    def __init__(self, weights: List[List[List[float]]]) -> None:
        super().__init__(weights)
        self.compiled = compile_step(self.model, self.loss)

    def step(self, X: list, y: list, lr: float) -> float:
        """The compiled forward and backward, then the SGD update; returns the loss."""
        for p in self.params:
            p.grad = 0.0
        loss = self.compiled(X, y)
        for p in self.params:
            p.data -= lr * p.grad
        return loss


class Floats:
    """The same step on plain floats, forward and backward written by hand."""

    def __init__(self, weights: List[List[List[float]]]) -> None:
        self.layers = [[list(neuron) for neuron in layer] for layer in weights]

    def step(self, X: list, y: list, lr: float) -> float:
        """Forward, backward by hand, SGD update; returns the loss."""
        layers = self.layers
        last = len(layers) - 1
        grads = [[[0.0] * len(neuron) for neuron in layer] for layer in layers]
        n = len(X)
        total = 0.0
        for row, yi in zip(X, y):
            acts, pre, x = [row], [], row
            for i, layer in enumerate(layers):
                zs = [sum(w * xi for w, xi in zip(neuron, x)) + neuron[-1] for neuron in layer]
                pre.append(zs)
                x = zs if i == last else [z if z > 0.0 else 0.0 for z in zs]
                acts.append(x)
            margin = 1.0 - yi * x[0]
            if margin <= 0.0:
                continue
            total += margin
            delta = [-yi / n]
            for i in range(last, -1, -1):
                if i < last:
                    delta = [d if z > 0.0 else 0.0 for d, z in zip(delta, pre[i])]
                inp = acts[i]
                back = [0.0] * len(inp)
                for neuron, g, d in zip(layers[i], grads[i], delta):
                    if d == 0.0:
                        continue
                    for k, xi in enumerate(inp):
                        g[k] += d * xi
                        back[k] += d * neuron[k]
                    g[-1] += d
                delta = back
        reg = 0.0
        for layer, glayer in zip(layers, grads):
            for neuron, g in zip(layer, glayer):
                for k, w in enumerate(neuron):
                    reg += w * w
                    g[k] += 2e-4 * w
                    neuron[k] = w - lr * g[k]
        return total / n + 1e-4 * reg
