"""Forward mode versus reverse mode for a full Jacobian of ``f: R^n -> R^m``.

The function is a small fixed network: a shared trunk (``n`` inputs -> 8 -> 8 -> 8, tanh)
and ``m`` tanh heads on top. Every output depends on every input, through the trunk.

* **forward mode** (``jacobian(f, mode="forward")``): one pass of ``f`` on ``Dual``
  numbers per *input* gives one column: ``n`` passes;
* **reverse mode** (``jacobian(f)``): one pass building the graph, then one reverse
  sweep per *output* gives one row: ``m`` sweeps.

Both touch the whole trunk each time, so forward mode wins when ``n < m`` (few inputs,
many outputs) and reverse mode when ``n > m`` — the reason training, with millions of
inputs (parameters) and one output (the loss), runs in reverse. The demo counts passes
and sweeps, times both (median of repeats) over a grid of ``n`` and ``m``, checks that the
two Jacobians agree, and draws the time ratio.

Run:  python demos/jacobian_modes.py [--sizes 1 2 4 8 16 32] [--repeats 5] [--out out]
      python demos/jacobian_modes.py --quick
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import jacobian  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402

WIDTH, DEPTH = 8, 3


def make_f(n: int, m: int, seed: int = 0) -> Callable[[List[Any]], List[Any]]:
    """A fixed network ``R^n -> R^m`` written with operators, so it runs on ``Value``s
    (reverse mode) and on ``Dual`` numbers (forward mode) alike."""
    rng = random.Random(seed)
    sizes = [n] + [WIDTH] * DEPTH
    trunk = [[[rng.uniform(-1, 1) / (k ** 0.5) for _ in range(k)] for _ in range(k2)]
             for k, k2 in zip(sizes, sizes[1:])]
    heads = [[rng.uniform(-1, 1) / (WIDTH ** 0.5) for _ in range(WIDTH)] for _ in range(m)]

    def dense(rows: List[List[float]], xs: List[Any]) -> List[Any]:
        return [sum((w * x for w, x in zip(row, xs)), 0.0).tanh() for row in rows]

    def f(xs: List[Any]) -> List[Any]:
        h = xs
        for rows in trunk:
            h = dense(rows, h)
        return dense(heads, h)

    return f


class Row(NamedTuple):
    """One (n, m) measurement."""

    n: int
    m: int
    forward_passes: int
    reverse_passes: int
    reverse_sweeps: int
    forward_seconds: float
    reverse_seconds: float
    max_difference: float


def measure(n: int, m: int, repeats: int, seed: int = 0) -> Row:
    """Time both modes on the ``n -> m`` network and count their passes and sweeps."""
    f = make_f(n, m, seed)
    calls = {"n": 0}

    def counted(xs: List[Any]) -> List[Any]:
        calls["n"] += 1
        return f(xs)

    x = [random.Random(seed + 1).uniform(-1, 1) for _ in range(n)]
    results: Dict[str, List[List[float]]] = {}
    passes: Dict[str, int] = {}
    seconds: Dict[str, float] = {}
    for mode in ("forward", "reverse"):
        jac = jacobian(counted, mode=mode)
        times = []
        for _ in range(repeats):
            calls["n"] = 0
            t0 = time.perf_counter()
            results[mode] = jac(x)
            times.append(time.perf_counter() - t0)
        passes[mode] = calls["n"]
        seconds[mode] = statistics.median(times)
    diff = max(abs(a - b) for ra, rb in zip(results["forward"], results["reverse"])
               for a, b in zip(ra, rb))
    return Row(n, m, passes["forward"], passes["reverse"], len(results["reverse"]),
               seconds["forward"], seconds["reverse"], diff)


def table(rows: Sequence[Row]) -> str:
    """The measurements as a printed table."""
    head = (f"{'n':>4} {'m':>4} {'fwd passes':>10} {'rev passes+sweeps':>18} "
            f"{'forward ms':>11} {'reverse ms':>11} {'fwd/rev':>8} {'winner':>8} "
            f"{'max diff':>9}")
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = r.forward_seconds / r.reverse_seconds
        lines.append(f"{r.n:>4} {r.m:>4} {r.forward_passes:>10} "
                     f"{f'{r.reverse_passes} + {r.reverse_sweeps}':>18} "
                     f"{r.forward_seconds * 1e3:>11.3f} {r.reverse_seconds * 1e3:>11.3f} "
                     f"{ratio:>8.2f} {'forward' if ratio < 1 else 'reverse':>8} "
                     f"{r.max_difference:>9.1e}")
    return "\n".join(lines)


def plot(rows: Sequence[Row], sizes: Sequence[int], path: Path) -> Path:
    """Heat map of forward/reverse time over the (n, m) grid, and time along n = m."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("this demo draws with matplotlib: pip install matplotlib "
                          "(or pip install tinygrad-scalar[demos])") from None
    import math

    grid = {(r.n, r.m): r for r in rows}
    ratio = [[math.log2(grid[n, m].forward_seconds / grid[n, m].reverse_seconds)
              for n in sizes] for m in sizes]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.6), dpi=80)
    lim = max(1.0, max(abs(v) for row in ratio for v in row))
    im = left.imshow(ratio, origin="lower", cmap="coolwarm", vmin=-lim, vmax=lim)
    left.set_xticks(range(len(sizes)), [str(s) for s in sizes])
    left.set_yticks(range(len(sizes)), [str(s) for s in sizes])
    left.set(xlabel="n (inputs)", ylabel="m (outputs)",
             title="log2(forward time / reverse time)\nblue: forward wins, red: reverse wins")
    fig.colorbar(im, ax=left, shrink=0.8)
    m0 = sizes[len(sizes) // 2]
    along = [grid[n, m0] for n in sizes]
    right.plot(sizes, [r.forward_seconds * 1e3 for r in along], "o-", label="forward (n passes)")
    right.plot(sizes, [r.reverse_seconds * 1e3 for r in along], "s-",
               label="reverse (1 pass + m sweeps)")
    right.set(xscale="log", yscale="log", xlabel="n (inputs)", ylabel="milliseconds",
              title=f"full Jacobian, m = {m0} outputs")
    right.grid(True, which="major", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Measure, print the table, draw the picture."""
    parser = ScriptParser(description=__doc__.split("\n\n")[0],
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32],
                        help="values of n and of m (default: 1 2 4 8 16 32)")
    parser.add_argument("--repeats", type=int, default=5, help="timings per cell (median)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the network's weights")
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the picture")
    parser.add_argument("--quick", action="store_true", help="sizes 1 4 16, one timing each")
    args = parser.parse_args(argv)
    sizes = [1, 4, 16] if args.quick else args.sizes
    repeats = 1 if args.quick else args.repeats
    if any(s < 1 for s in sizes) or repeats < 1:
        parser.error("sizes and repeats must be positive")
    rows = [measure(n, m, repeats, args.seed) for m in sizes for n in sizes]
    print(table(rows))
    worst = max(r.max_difference for r in rows)
    print(f"\nforward and reverse Jacobians agree to {worst:.1e}")
    path = plot(rows, sizes, args.out / "jacobian_modes.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
