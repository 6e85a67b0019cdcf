"""The benchmark suite: this engine beside micrograd and plain floats, in one run.

Five measurements, each printed as a table of medians and ratios (micrograd is PyPI
``micrograd==0.1.0``, timed in the same run when it is installed; plain floats are the
same computation written by hand on Python floats):

1. micrograd's demo training step (``MLP(2, [16, 16, 1])``, 100 two-moons points,
   max-margin loss plus 1e-4 L2, forward, backward, SGD update) built op by op, with the
   library's fused ``MLP``, and compiled (``tinygrad_scalar.trace.compile_step``);
2. a chain of operations (1,000,000 by default), build plus backward;
3. a wide sum of products (100,000 by default), op by op, ``Value.sum`` and ``Value.dot``;
4. the cost of one operation, forward alone and forward plus backward;
5. memory per graph node.

Timings use the interpreter's default settings (garbage collector on). Run it as
``python benchmarks/run.py`` (``--quick`` for a fast smoke run, ``--help`` for options).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .core.value import Value
from .data import make_moons
from .derive.compiled import compile_step
from .nn.modules import MLP

__all__ = ["main", "run", "bytes_per_node", "count_nodes", "median_time", "demo_data",
           "initial_weights", "OpByOp", "Fused", "CompiledStep", "Floats", "SIZES"]

SIZES = [2, 16, 16, 1]
Row = Dict[str, Any]


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


# ---------------------------------------------------------------- measuring
def median_time(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` runs (after ``warmup``)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def count_nodes(root: Any) -> int:
    """Number of distinct nodes under ``root`` (this engine's or micrograd's ``Value``).

    >>> a = Value(2.0)
    >>> count_nodes(a * a + 1)
    4
    """
    seen, stack = set(), [root]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        stack.extend(n._prev if hasattr(n, "_prev") else n.parents)
    return len(seen)


def bytes_per_node(make_graph: Callable[[], Any]) -> Tuple[float, int]:
    """Memory allocated while ``make_graph()`` builds a graph, per node of that graph.

    Returns ``(bytes per node, nodes)``; the graph is kept alive until it is counted.

    >>> b, n = bytes_per_node(lambda: Value.sum([Value(float(i)) for i in range(1000)]))
    >>> n, 48 < b < 200
    (1001, True)
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        root = make_graph()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / count_nodes(root), count_nodes(root)


def _micrograd() -> Optional[type]:
    try:
        from micrograd.engine import Value as MicroValue
    except ImportError:
        return None
    return MicroValue


def _timed_or_error(fn: Callable[[], Any], repeats: int) -> Tuple[Optional[float], str]:
    try:
        return median_time(fn, repeats, warmup=0), ""
    except RecursionError:
        return None, f"RecursionError at the default limit ({sys.getrecursionlimit()})"


# ---------------------------------------------------------------- the five benchmarks
def bench_demo_step(repeats: int, mg: Optional[type], n: int = 100) -> List[Row]:
    """micrograd's demo step in each mode; the last loss of each must agree."""
    X, y = demo_data(n)
    w = initial_weights()
    engines: List[Tuple[str, Any]] = []
    if mg is not None:
        engines.append(("micrograd", OpByOp(mg, w)))
    compiled = CompiledStep(w)
    t0 = time.perf_counter()
    compiled.compiled(X, y)  # the trace, timed on its own
    trace_s = time.perf_counter() - t0
    engines += [("op-by-op", OpByOp(Value, w)), ("fused MLP", Fused(w)),
                ("compiled", compiled), ("plain floats", Floats(w))]
    times: Dict[str, List[float]] = {name: [] for name, _ in engines}
    losses: Dict[str, float] = {}
    per_block = max(1, (repeats + 1) // 2)
    for _ in range(2 if repeats > 1 else 1):  # two passes, so a busy moment hits all alike
        for name, engine in engines:
            gc.collect()  # each engine starts clean and then pays for its own garbage
            engine.step(X, y, 0.05)  # warm-up
            for _ in range(per_block):
                t0 = time.perf_counter()
                losses[name] = engine.step(X, y, 0.05)
                times[name].append(time.perf_counter() - t0)
    return [{"engine": name, "seconds": statistics.median(times[name]), "loss": losses[name],
             "note": f"trace once: {trace_s:.2f} s" if name == "compiled" else ""}
            for name, _ in engines]


def bench_chain(n: int, repeats: int, mg: Optional[type]) -> List[Row]:
    """A chain ``y = y * a`` of ``n`` operations, build plus backward."""
    def ours() -> None:
        a, y = Value(1.0000001), Value(0.5)
        for _ in range(n):
            y = y * a
        y.backward()

    def floats() -> None:
        a, y = 1.0000001, 0.5
        ys = [y]
        for _ in range(n):
            y = y * a
            ys.append(y)
        g, ga = 1.0, 0.0
        for i in range(n, 0, -1):
            ga += g * ys[i - 1]
            g *= a

    rows = []
    if mg is not None:
        def micro() -> None:
            a, y = mg(1.0000001), mg(0.5)
            for _ in range(min(n, 5000)):
                y = y * a
            y.backward()
        t, err = _timed_or_error(micro, 1)
        rows.append({"engine": "micrograd", "seconds": t, "note": err or "5,000 ops only"})
    rows.append({"engine": "tinygrad_scalar", "seconds": median_time(ours, repeats, 0),
                 "note": f"recursion limit {sys.getrecursionlimit()}"})
    rows.append({"engine": "plain floats", "seconds": median_time(floats, repeats, 0), "note": ""})
    return rows


def bench_wide(n: int, repeats: int, mg: Optional[type]) -> List[Row]:
    """The sum of ``n`` products ``w_i * x_i``, build plus backward."""
    rng = random.Random(0)
    wd = [rng.uniform(-1, 1) for _ in range(n)]
    xd = [rng.uniform(-1, 1) for _ in range(n)]
    rows = []
    if mg is not None:
        ws, xs = [mg(v) for v in wd], [mg(v) for v in xd]

        def micro() -> None:
            for w in ws:
                w.grad = 0.0
            sum(w * x for w, x in zip(ws, xs)).backward()

        t, err = _timed_or_error(micro, 1)
        if t is None and sys.version_info >= (3, 11):  # deep Python recursion is safe here
            old = sys.getrecursionlimit()
            sys.setrecursionlimit(max(old, 4 * n + 1000))
            try:
                t = median_time(micro, repeats, 0)
                err += "; timed with the limit raised"
            finally:
                sys.setrecursionlimit(old)
        rows.append({"engine": "micrograd (op by op)", "seconds": t, "note": err})
    vs, vx = [Value(v) for v in wd], [Value(v) for v in xd]

    def reset() -> None:
        for w in vs:
            w.grad = 0.0

    def op_by_op() -> None:
        reset()
        sum(w * x for w, x in zip(vs, vx)).backward()

    def fused_sum() -> None:
        reset()
        Value.sum([w * x for w, x in zip(vs, vx)]).backward()

    def dot() -> None:
        reset()
        Value.dot(vs, vx).backward()

    def floats() -> None:
        total = 0.0
        for w, x in zip(wd, xd):
            total += w * x
        gw = [0.0] * n
        gx = [0.0] * n
        for i in range(n):
            gw[i] = xd[i]
            gx[i] = wd[i]

    for name, fn in (("op by op", op_by_op), ("Value.sum of products", fused_sum),
                     ("Value.dot", dot), ("plain floats", floats)):
        rows.append({"engine": name, "seconds": median_time(fn, repeats), "note": ""})
    return rows


def bench_ops(n: int, repeats: int, mg: Optional[type]) -> List[Row]:
    """Seconds per operation: forward alone, then forward plus backward on a chain."""
    ops = {"+": lambda y, b: y + b, "*": lambda y, b: y * b,
           "** 2": lambda y, b: y ** 2, "relu": lambda y, b: y.relu()}
    float_ops = {"+": lambda y, b: y + b, "*": lambda y, b: y * b,
                 "** 2": lambda y, b: y ** 2, "relu": lambda y, b: y if y > 0.0 else 0.0}
    float_back = {"+": lambda g, y, b: g, "*": lambda g, y, b: g * b,
                  "** 2": lambda g, y, b: g * 2.0 * y, "relu": lambda g, y, b: g if y > 0 else 0.0}
    depth = 400  # shallow enough for micrograd's recursive backward
    rows = []
    for op in ops:
        row: Row = {"engine": op}
        engines = [("micrograd", mg)] if mg is not None else []
        for name, V in engines + [("tinygrad_scalar", Value)]:
            f = ops[op]

            def fwd(V: Any = V, f: Callable = f) -> None:
                a, b = V(1.0), V(1.0)
                for _ in range(n):
                    f(a, b)

            def both(V: Any = V, f: Callable = f) -> None:
                for _ in range(n // depth):
                    y, b = V(1.0), V(1.0)
                    for _ in range(depth):
                        y = f(y, b)
                    y.backward()

            row[name] = (median_time(fwd, repeats) / n, median_time(both, repeats) / n)
        f, back = float_ops[op], float_back[op]

        def ffwd(f: Callable = f) -> None:
            a, b = 1.0, 1.0
            for _ in range(n):
                f(a, b)

        def fboth(f: Callable = f, back: Callable = back) -> None:
            for _ in range(n // depth):
                y, b = 1.0, 1.0
                ys = []
                for _ in range(depth):
                    ys.append(y)
                    y = f(y, b)
                g = 1.0
                for yi in reversed(ys):
                    g = back(g, yi, b)

        row["plain floats"] = (median_time(ffwd, repeats) / n, median_time(fboth, repeats) / n)
        rows.append(row)
    return rows


def bench_memory(mg: Optional[type], n: int = 100) -> List[Row]:
    """Bytes per node of the demo step's op-by-op graph (same nodes in both engines)."""
    X, y = demo_data(n)
    w = initial_weights()
    rows = []
    if mg is not None:
        b, nodes = bytes_per_node(lambda: OpByOp(mg, w).graph(X, y))
        rows.append({"engine": "micrograd", "bytes": b, "nodes": nodes})
    b, nodes = bytes_per_node(lambda: OpByOp(Value, w).graph(X, y))
    rows.append({"engine": "tinygrad_scalar", "bytes": b, "nodes": nodes})
    rows.append({"engine": "plain floats", "bytes": float(sys.getsizeof(1.0)), "nodes": 1,
                 "note": "one float object per value"})
    return rows


# ---------------------------------------------------------------- printing
def _ms(t: Optional[float]) -> str:
    return "fails" if t is None else f"{t * 1e3:,.2f}"


def _ratio(base: Optional[float], t: Optional[float]) -> str:
    return "-" if base is None or t is None else f"{base / t:,.1f}x"


def _timing_table(title: str, rows: List[Row], base_name: str, floats_name: str) -> List[str]:
    base = next((r["seconds"] for r in rows if r["engine"].startswith(base_name)), None)
    floats = next((r["seconds"] for r in rows if r["engine"] == floats_name), None)
    out = [f"### {title}", "",
           "| engine | median ms | speed-up vs micrograd | time vs plain floats | note |",
           "| --- | ---: | ---: | ---: | --- |"]
    for r in rows:
        t = r["seconds"]
        vs_f = "-" if t is None or floats is None else f"{t / floats:,.2f}x"
        out.append(f"| {r['engine']} | {_ms(t)} | {_ratio(base, t)} | {vs_f} | "
                   f"{r.get('note', '')} |")
    return out + [""]


def _ops_table(rows: List[Row]) -> List[str]:
    names = [k for k in rows[0] if k != "engine"]
    head = " | ".join(f"{k} fwd / fwd+bwd ns" for k in names)
    out = ["### One operation (ns per node)", "", f"| op | {head} |",
           "| --- |" + " ---: |" * len(names)]
    for r in rows:
        cells = " | ".join(f"{r[k][0] * 1e9:,.0f} / {r[k][1] * 1e9:,.0f}" for k in names)
        out.append(f"| {r['engine']} | {cells} |")
    return out + [""]


def _memory_table(rows: List[Row]) -> List[str]:
    base = next((r["bytes"] for r in rows if r["engine"] == "micrograd"), None)
    out = ["### Memory per graph node", "", "| engine | bytes per node | nodes | vs micrograd |",
           "| --- | ---: | ---: | ---: |"]
    for r in rows:
        vs = "-" if base is None else f"{r['bytes'] / base:.2f}x"
        out.append(f"| {r['engine']} | {r['bytes']:,.0f} | {r['nodes']:,} | {vs} |")
    return out + [""]


def run(repeats: int = 7, chain: int = 1_000_000, wide: int = 100_000, ops: int = 100_000,
        points: int = 100, micrograd: bool = True) -> Dict[str, List[Row]]:
    """Run every benchmark and return the rows of each table (seconds, bytes, notes)."""
    mg = _micrograd() if micrograd else None
    return {
        "demo step": bench_demo_step(repeats, mg, points),
        "chain": bench_chain(chain, max(1, repeats // 2), mg),
        "wide": bench_wide(wide, max(1, repeats // 2), mg),
        "ops": bench_ops(ops, max(1, repeats // 2), mg),
        "memory": bench_memory(mg, points),
    }


def report(results: Dict[str, List[Row]], chain: int, wide: int, points: int) -> str:
    """The results as Markdown tables."""
    lines = _timing_table(f"micrograd's demo step (MLP 2-16-16-1, {points} points)",
                          results["demo step"], "micrograd", "plain floats")
    lines += _timing_table(f"Chain of {chain:,} operations, build + backward",
                           results["chain"], "micrograd", "plain floats")
    lines += _timing_table(f"Sum of {wide:,} products, build + backward",
                           results["wide"], "micrograd", "plain floats")
    lines += _ops_table(results["ops"])
    lines += _memory_table(results["memory"])
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, List[Row]]:
    """Command line: run the suite and print its tables (``--quick`` for a smoke run)."""
    ap = argparse.ArgumentParser(prog="tinygrad-scalar bench", description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7, help="timed runs per measurement (median)")
    ap.add_argument("--chain", type=int, default=1_000_000, help="length of the deep chain")
    ap.add_argument("--wide", type=int, default=100_000, help="products in the wide sum")
    ap.add_argument("--ops", type=int, default=100_000, help="operations per per-op timing")
    ap.add_argument("--points", type=int, default=100, help="data points in the demo step")
    ap.add_argument("--no-micrograd", action="store_true", help="leave micrograd out")
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one repeat (a smoke run)")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeats, args.chain, args.wide, args.ops, args.points = 1, 2000, 2000, 2000, 10
    for name in ("repeats", "chain", "wide", "ops", "points"):
        if getattr(args, name) < 1:
            ap.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    mg = None if args.no_micrograd else _micrograd()
    if mg is None and not args.no_micrograd:
        print("micrograd is not installed (pip install micrograd==0.1.0): its columns are empty")
    results = run(args.repeats, args.chain, args.wide, args.ops, args.points,
                  micrograd=mg is not None)
    print(f"Python {sys.version.split()[0]}, garbage collector "
          f"{'on' if gc.isenabled() else 'off'}, medians of {args.repeats} runs\n")
    print(report(results, args.chain, args.wide, args.points))
    return results
