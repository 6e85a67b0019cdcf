"""Inference with and without ``no_grad``: forward of ``MLP(2, [16, 16, 1])`` over 100 points.

Inside ``no_grad()`` every operation returns a fresh leaf, so no graph is kept: each
intermediate node is freed as soon as the next one is computed. Timings are medians over
repeated passes in one run, at the interpreter's default settings (garbage collector on).

Run:  python benchmarks/no_grad.py [--repeats N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import MLP, no_grad  # noqa: E402


def points(n: int = 100, seed: int = 1) -> List[List[float]]:
    """``n`` fixed points in the square [-2, 2]^2."""
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]


def median_seconds(fns: Sequence[Callable[[], object]], repeats: int) -> List[float]:
    """Median wall time of each ``fn()`` over ``repeats`` calls, after one warm-up call;
    the functions take turns, so that a slow moment of the machine hits them alike."""
    times: List[List[float]] = [[] for _ in fns]
    for fn in fns:
        fn()
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in times]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print both medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=30, help="passes to time (median)")
    args = parser.parse_args(argv)
    model = MLP(2, [16, 16, 1], rng=0)
    X = points()

    def with_graph() -> list:
        return [model(x) for x in X]  # keeps every output, hence every graph, alive

    def without_graph() -> list:
        with no_grad():
            return [model(x) for x in X]

    assert [y.data for y in with_graph()] == [y.data for y in without_graph()]
    slow, fast = median_seconds([with_graph, without_graph], args.repeats)
    print(f"MLP(2, [16, 16, 1]) forward over {len(X)} points, median of {args.repeats}:")
    print(f"  building the graph : {slow * 1e3:8.3f} ms")
    print(f"  inside no_grad()   : {fast * 1e3:8.3f} ms")
    print(f"  speed-up           : {slow / fast:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
