"""Training benchmarks: ``fit`` interpreted (fused), compiled to Python and compiled to C,
beside PyTorch (1 thread, float64, batched tensors), NumPy, plain floats and micrograd.

``python benchmarks/training.py`` (``--quick``, the default, keeps it to a minute or two;
``--full`` runs every size of the scaling table and more repeats). Three tables:

1. digits (1,797 8x8 images, ``MLP(64, [32, 10])``, Adam, batches of 32, shuffled):
   first and steady epochs, and the memory ``fit`` still holds after it returns;
2. micrograd's demo step (``MLP(2, [16, 16, 1])``, 100 moons, full batch, max-margin loss,
   L2 1e-4, SGD) with the garbage collector on and off;
3. scaling: one step of the native backend and of PyTorch for batch sizes 1 to 10,000 and
   hidden widths 16 to 256 (``MLP(2, [w, w, 1])``).

``fit`` pauses the garbage collector while it trains, so its rows are the same in both GC
columns. The load average is printed: on a shared machine, compare ratios, not times.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from benchmarks.engines import Floats, OpByOp, demo_data, initial_weights  # noqa: E402
from benchmarks.tensors import NumpyMLP, TorchMLP, torch_or_none  # noqa: E402
from tinygrad_scalar import MLP  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402
from tinygrad_scalar.data import load_digits, make_moons  # noqa: E402
from tinygrad_scalar.derive.native import compiler  # noqa: E402
from tinygrad_scalar.optim import SGD, Adam  # noqa: E402
from tinygrad_scalar.train import fit  # noqa: E402

__all__ = ["main", "bench_digits", "bench_demo", "bench_scaling"]

Row = Dict[str, Any]
ENGINES = {"fused": dict(compiled=False), "compiled python": dict(compiled=True, backend="python"),
           "native (C)": dict(compiled=True, backend="c")}


def _fit_digits(engine: str, epochs: int, rows: int = 1797) -> List[float]:
    """Seconds of each epoch (the first with everything ``fit`` does before it: checking
    the data, tracing, compiling), then the last epoch's accuracy."""
    d = load_digits(scaled=True)
    model = MLP(64, [32, 10], rng=0)
    t0 = time.perf_counter()
    h = fit(model, "cross_entropy", Adam(model.parameters(), lr=0.01), d.X[:rows], d.y[:rows],
            epochs=epochs, batch_size=32, progress=False, **ENGINES[engine])
    wall = time.perf_counter() - t0
    secs = list(h["seconds"])
    return [wall - sum(secs[1:])] + secs[1:] + [h["accuracy"][-1]]


def _rss() -> float:
    """This process's resident memory in bytes (Linux; NaN elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return float("nan")


def _held_after_fit(engine: str) -> float:
    """Resident memory of a fresh process after one digits epoch of ``fit`` has returned
    (garbage collected), in bytes: what a run leaves behind."""
    done = subprocess.run([sys.executable, __file__, "--rss", engine], capture_output=True,
                          text=True, check=False, timeout=900)
    try:
        return float(done.stdout.split()[-1])
    except (ValueError, IndexError):
        return float("nan")


def _torch_digits_epoch(torch: Any, epochs: int) -> List[float]:
    d = load_digits(scaled=True)
    net = TorchMLP(torch, [64, 32, 10], d.X, d.y, "cross_entropy", lr=0.01)
    times = []
    for epoch in range(epochs):
        order = list(range(len(d.y)))
        random.Random(epoch).shuffle(order)
        t0 = time.perf_counter()
        for i in range(0, len(order), 32):
            net.step(order[i:i + 32])
        times.append(time.perf_counter() - t0)
    return times


def bench_digits(epochs: int, torch: Any) -> List[Row]:
    """First and steady (median of the others) digits epochs, and memory after ``fit``."""
    rows = []
    for engine in ENGINES:
        if engine == "native (C)" and compiler() is None:
            continue
        secs = _fit_digits(engine, epochs)
        rows.append({"engine": engine, "first": secs[0], "steady": statistics.median(secs[1:-1]),
                     "accuracy": secs[-1], "held": _held_after_fit(engine)})
    if torch is not None:
        secs = _torch_digits_epoch(torch, epochs)
        rows.append({"engine": "PyTorch batched", "first": secs[0],
                     "steady": statistics.median(secs[1:]), "accuracy": None, "held": None})
    return rows


# ---------------------------------------------------------------- micrograd's demo step
def _median(fn: Callable[[], Any], repeats: int, gc_on: bool) -> float:
    fn()
    gc.collect()
    was = gc.isenabled()
    (gc.enable if gc_on else gc.disable)()
    try:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    finally:
        (gc.enable if was else gc.disable)()
    return statistics.median(times)


def _fit_step(engine: str, X: List[List[float]], y: List[float], steps: int) -> float:
    """One full-batch ``fit`` epoch (= one step) of micrograd's demo: median seconds."""
    model = MLP(2, [16, 16, 1], rng=0)
    h = fit(model, "hinge", SGD(model.parameters(), lr=0.05), X, y, epochs=steps,
            progress=False, l2=1e-4, metric=None, **ENGINES[engine])
    return statistics.median(h["seconds"][1:])


def bench_demo(repeats: int, torch: Any, mg: Optional[type]) -> List[Row]:
    """micrograd's demo step, GC on and off, in every engine."""
    X, y = demo_data(100)
    w = initial_weights()
    per_step: Dict[str, Callable[[], Any]] = {}
    if mg is not None:
        micro = OpByOp(mg, w)
        per_step["micrograd"] = lambda: micro.step(X, y, 0.05)
    floats = Floats(w)
    per_step["plain floats"] = lambda: floats.step(X, y, 0.05)
    try:
        numpy_mlp = NumpyMLP([2, 16, 16, 1], X, y, lr=0.05, l2=1e-4)
        per_step["NumPy"] = numpy_mlp.step
    except ImportError:
        pass
    if torch is not None:
        net = TorchMLP(torch, [2, 16, 16, 1], X, y, "hinge", lr=0.05, l2=1e-4)
        per_step["PyTorch batched"] = net.step
    rows = [{"engine": name, "on": _median(fn, repeats, True), "off": _median(fn, repeats, False)}
            for name, fn in per_step.items()]
    for engine in ENGINES:
        if engine == "native (C)" and compiler() is None:
            continue
        t = _fit_step(engine, X, y, max(repeats, 3) * (20 if engine == "native (C)" else 1))
        rows.append({"engine": f"fit, {engine}", "on": t, "off": t})
    return rows


# ---------------------------------------------------------------- scaling
def bench_scaling(batches: Sequence[int], widths: Sequence[int], torch: Any) -> List[Row]:
    """Seconds per step of the native backend and of PyTorch, by batch size and width."""
    rows = []
    for width in widths:
        for batch in batches:
            X, labels = make_moons(n=max(batch, 200), rng=1)
            y = [2.0 * t - 1.0 for t in labels]
            model = MLP(2, [width, width, 1], rng=0)
            steps = max(2, 2000 // batch)
            t0 = time.perf_counter()
            h = fit(model, "hinge", SGD(model.parameters(), lr=0.05), X, y,
                    epochs=2 + max(1, steps * batch // len(y)), batch_size=batch,
                    progress=False, metric=None, compiled=True, backend="c")
            setup = time.perf_counter() - t0 - sum(h["seconds"])
            n_batches = -(-len(y) // batch)
            native = statistics.median(h["seconds"][1:]) / n_batches
            row: Row = {"width": width, "batch": batch, "native": native, "torch": None,
                        "compile": setup}
            if torch is not None:
                net = TorchMLP(torch, [2, width, width, 1], X, y, "hinge", lr=0.05)
                idx = list(range(batch))
                row["torch"] = _median(lambda net=net, idx=idx: net.step(idx), 5, False)
            rows.append(row)
    return rows


# ---------------------------------------------------------------- printing
def _ms(t: Optional[float]) -> str:
    return "—" if t is None else f"{t * 1000:,.3f}" if t < 0.01 else f"{t * 1000:,.1f}"


def _x(a: Optional[float], b: Optional[float]) -> str:
    return "—" if a is None or b is None or not b else f"{a / b:.2f}x"


def report(digits: List[Row], demo: List[Row], scaling: List[Row]) -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    lines = [f"Load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
             f"; Python {sys.version.split()[0]}", ""]
    fused = next((r for r in digits if r["engine"] == "fused"), None)
    lines += ["### Digits epoch (MLP 64-32-10, Adam, batch 32, shuffled)", "",
              "| engine | first epoch ms (with set-up, trace, compile) | steady epoch ms | "
              "steady: fused / this | train acc. | process RSS after fit |",
              "|---|---:|---:|---:|---:|---:|"]
    for r in digits:
        held = "—" if r["held"] is None else f"{r['held'] / 1e6:.0f} MB"
        acc = "—" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
        lines.append(f"| {r['engine']} | {_ms(r['first'])} | {_ms(r['steady'])} | "
                     f"{_x(fused and fused['steady'], r['steady'])} | {acc} | {held} |")
    torch_row = next((r for r in demo if r["engine"] == "PyTorch batched"), None)
    micro = next((r for r in demo if r["engine"] == "micrograd"), None)
    lines += ["", "### micrograd's demo step (MLP 2-16-16-1, 100 moons, full batch)", "",
              "| engine | GC on ms | GC off ms | PyTorch / this (GC on) |", "|---|---:|---:|---:|"]
    for r in demo:
        lines.append(f"| {r['engine']} | {_ms(r['on'])} | {_ms(r['off'])} | "
                     f"{_x(torch_row and torch_row['on'], r['on'])} |")
    if micro is not None:
        lines.append(f"\nmicrograd's step spends {1 - micro['off'] / micro['on']:.0%} of its time "
                     "in Python's cyclic garbage collector (GC on against GC off).")
    lines += ["", "### Scaling: one step, native (C) against PyTorch batched", "",
              "| width | batch | native ms | PyTorch ms | PyTorch / native | trace+compile s |",
              "|---:|---:|---:|---:|---:|---:|"]
    for r in scaling:
        lines.append(f"| {r['width']} | {r['batch']:,} | {_ms(r['native'])} | {_ms(r['torch'])} "
                     f"| {_x(r['torch'], r['native'])} | {r['compile']:.2f} |")
    return "\n".join(lines)


def targets(digits: List[Row], demo: List[Row]) -> str:
    """The speed targets, each with what this run measured and whether it is met."""
    by = {r["engine"]: r for r in digits}
    step = {r["engine"]: r for r in demo}
    fused, py = by.get("fused"), by.get("compiled python")
    c, torch = by.get("native (C)"), by.get("PyTorch batched")
    checks = []
    if fused and py:
        checks += [("first compiled-Python digits epoch <= 2x a fused epoch",
                    py["first"] / fused["steady"], 2.0, "x"),
                   ("steady compiled-Python digits epoch <= 0.4 s", py["steady"], 0.4, " s"),
                   ("RSS after compiled fit within 100 MB of fused",
                    (py["held"] - fused["held"]) / 1e6, 100.0, " MB")]
    if c and torch:
        checks.append(("native digits epoch faster than PyTorch (native / PyTorch < 1)",
                       c["steady"] / torch["steady"], 1.0, "x"))
    if "fit, native (C)" in step and "PyTorch batched" in step:
        checks.append(("demo step: native >= 2x faster than PyTorch (PyTorch / native)",
                       step["PyTorch batched"]["on"] / step["fit, native (C)"]["on"], 2.0, "x"))
    lines = ["### Targets", "", "| target | this run | met |", "|---|---:|:---:|"]
    for name, got, bound, unit in checks:
        met = got >= bound if name.startswith("demo step") else got <= bound
        lines.append(f"| {name} | {got:,.2f}{unit} | {'yes' if met else 'NO'} |")
    return "\n".join(lines)


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, List[Row]]:
    """Command line: run the three tables and print them."""
    ap = ScriptParser(prog="benchmarks/training.py", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (the default)")
    ap.add_argument("--full", action="store_true", help="every size, more repeats")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, for the tests")
    ap.add_argument("--rss", choices=list(ENGINES), help=argparse_suppress())
    args = ap.parse_args(argv)
    if args.rss:  # the child of _held_after_fit
        _fit_digits(args.rss, 1)
        gc.collect()
        print(_rss())
        return {}
    torch = torch_or_none()
    try:
        from micrograd.engine import Value as mg
    except ImportError:
        mg = None
    if compiler() is None:
        print("no C compiler found: the native rows are left out")
    if args.smoke:
        epochs, repeats, batches, widths = 2, 1, [1, 32], [16]
    elif args.full:
        epochs, repeats, batches, widths = 6, 9, [1, 32, 100, 1000, 10000], [16, 64, 256]
    else:
        epochs, repeats, batches, widths = 4, 5, [1, 32, 1000], [16, 64]
    results = {"digits": [] if args.smoke else bench_digits(epochs, torch),
               "demo": bench_demo(repeats, torch, mg),
               "scaling": bench_scaling(batches, widths, torch) if compiler() else []}
    print(report(results["digits"], results["demo"], results["scaling"]))
    print()
    print(targets(results["digits"], results["demo"]))
    return results


if __name__ == "__main__":
    main()
