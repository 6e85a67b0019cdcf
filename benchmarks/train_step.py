"""micrograd's demo training step, timed for this engine, for micrograd and for plain floats.

The step: ``MLP(2, [16, 16, 1])`` on 100 two-moons points, max-margin loss plus 1e-4 L2,
forward, backward and an SGD update. Timings are medians over repeated steps in one run,
at the interpreter's default settings (garbage collector on); ratios are against
micrograd (PyPI ``micrograd==0.1.0``) measured in the same run.

Run:  python benchmarks/train_step.py [--repeats N]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Callable, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import MLP, Value  # noqa: E402
from tinygrad_scalar.data import make_moons  # noqa: E402

SIZES = [2, 16, 16, 1]


def moons() -> Tuple[List[List[float]], List[float]]:
    """100 two-moons points with labels -1/+1 (as in micrograd's demo)."""
    X, y = make_moons(n=100, noise=0.1, rng=1)
    return X, [2.0 * yi - 1.0 for yi in y]


def initial_weights(seed: int = 1337) -> List[List[List[float]]]:
    """weights[layer][neuron] = [w0, ..., w_{nin-1}, b], micrograd's U(-1, 1) weights."""
    rng = random.Random(seed)
    return [[[rng.uniform(-1, 1) for _ in range(nin)] + [0.0] for _ in range(nout)]
            for nin, nout in zip(SIZES, SIZES[1:])]


# ---------------------------------------------------------------- op-by-op (micrograd's graph)
class OpByOp:
    """micrograd's MLP written against any Value class: one node per + and * (same graph)."""

    def __init__(self, value_cls: type, weights: List[List[List[float]]]) -> None:
        self.V = value_cls
        self.layers = [[([value_cls(w) for w in neuron[:-1]], value_cls(neuron[-1]))
                        for neuron in layer] for layer in weights]

    def parameters(self) -> list:
        return [p for layer in self.layers for ws, b in layer for p in ws + [b]]

    def __call__(self, x: list) -> object:
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for ws, b in layer:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if i < last else act)
            x = out
        return x[0]

    def step(self, X: list, y: list, lr: float) -> Tuple[object, float]:
        V = self.V
        inputs = [list(map(V, row)) for row in X]
        scores = list(map(self, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum((p * p for p in self.parameters()))
        loss = data_loss + reg_loss
        for p in self.parameters():
            p.grad = 0.0
        loss.backward()
        for p in self.parameters():
            p.data -= lr * p.grad
        return loss, loss.data


# ---------------------------------------------------------------- the library's fused MLP
class Fused:
    """The library's own ``MLP``: one weighted-sum node per neuron, fused sums in the loss."""

    def __init__(self, weights: List[List[List[float]]]) -> None:
        self.model = MLP(2, SIZES[1:], init="uniform", rng=0)
        state = {}
        for i, layer in enumerate(weights):
            for j, neuron in enumerate(layer):
                for k, w in enumerate(neuron[:-1]):
                    state[f"L{i}.N{j}.w{k}"] = w
                state[f"L{i}.N{j}.b"] = neuron[-1]
        self.model.load_state_dict(state)
        self.params = self.model.parameters()

    def step(self, X: list, y: list, lr: float) -> Tuple[object, float]:
        scores = [self.model(row) for row in X]
        losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = Value.sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * Value.dot(self.params, self.params)
        loss = data_loss + reg_loss
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        for p in self.params:
            p.data -= lr * p.grad
        return loss, loss.data


# ---------------------------------------------------------------- plain floats by hand
class Floats:
    """The same step on plain Python floats, forward and backward written by hand."""

    def __init__(self, weights: List[List[List[float]]]) -> None:
        self.layers = [[list(neuron) for neuron in layer] for layer in weights]

    def step(self, X: list, y: list, lr: float) -> Tuple[None, float]:
        layers = self.layers
        last = len(layers) - 1
        grads = [[[0.0] * len(neuron) for neuron in layer] for layer in layers]
        n = len(X)
        total = 0.0
        for row, yi in zip(X, y):
            acts = [row]
            pre = []
            x = row
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
        return None, total / n + 1e-4 * reg


# ---------------------------------------------------------------- measuring
def timed(step: Callable[[list, list, float], tuple], X: list, y: list,
          repeats: int) -> Tuple[float, List[float]]:
    """Median seconds per step over ``repeats`` steps (after one warm-up), and the losses."""
    step(X, y, 1.0)
    times, losses = [], []
    for k in range(repeats):
        lr = 1.0 - 0.9 * k / 100
        t0 = time.perf_counter()
        _, loss = step(X, y, lr)
        times.append(time.perf_counter() - t0)
        losses.append(loss)
    return statistics.median(times), losses


def count_nodes(root: object) -> int:
    seen, stack = set(), [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        stack.extend(n._prev if hasattr(n, "_prev") else n.parents)
    return len(seen)


def bytes_per_node(make_graph: Callable[[], object]) -> Tuple[float, int]:
    """Memory of one step's graph (forward only, as allocated) divided by its nodes."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = make_graph()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = count_nodes(root)
    return (after - before) / nodes, nodes


def forward_graph(model: OpByOp, X: list, y: list) -> object:
    V = model.V
    scores = [model(list(map(V, row))) for row in X]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum((p * p for p in model.parameters()))


def main(argv: list | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11, help="steps timed per engine (median)")
    ap.add_argument("--no-micrograd", action="store_true", help="skip micrograd")
    args = ap.parse_args(argv)
    X, y = moons()
    w = initial_weights()
    rows = {}
    try:
        if args.no_micrograd:
            raise ImportError
        from micrograd.engine import Value as MicroValue
        rows["micrograd (op-by-op)"] = timed(OpByOp(MicroValue, w).step, X, y, args.repeats)
    except ImportError:
        MicroValue = None
    rows["tinygrad_scalar, op-by-op"] = timed(OpByOp(Value, w).step, X, y, args.repeats)
    rows["tinygrad_scalar, MLP (fused)"] = timed(Fused(w).step, X, y, args.repeats)
    rows["plain floats by hand"] = timed(Floats(w).step, X, y, args.repeats)

    base = rows.get("micrograd (op-by-op)", (None,))[0]
    print(f"micrograd demo step, median of {args.repeats} steps (gc on)")
    print(f"{'engine':32} {'ms/step':>9} {'vs micrograd':>13} {'vs floats':>10}")
    floats = rows["plain floats by hand"][0]
    for name, (t, _) in rows.items():
        vs = f"{base / t:12.1f}x" if base else f"{'-':>13}"
        print(f"{name:32} {t * 1e3:9.2f} {vs} {t / floats:9.1f}x")
    losses = {name: r[1][-1] for name, r in rows.items()}
    print("last loss per engine (same weights, same data):",
          ", ".join(f"{k}: {v:.6f}" for k, v in losses.items()))

    mem = {"tinygrad_scalar": bytes_per_node(lambda: forward_graph(OpByOp(Value, w), X, y))}
    if MicroValue is not None:
        mem["micrograd"] = bytes_per_node(lambda: forward_graph(OpByOp(MicroValue, w), X, y))
    for name, (b, n) in mem.items():
        print(f"bytes per node, {name}: {b:.0f} ({n:,} nodes)")
    return {"times": {k: v[0] for k, v in rows.items()}, "bytes": {k: v[0] for k, v in mem.items()}}


if __name__ == "__main__":
    main()
