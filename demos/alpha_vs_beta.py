"""Alpha versus Beta on growing graphs with shared sub-expressions.

Each layer computes ``a = tanh(a * w + a)``: it uses the previous value twice, so the
number of paths from the output down to ``x`` doubles with every layer while the number
of nodes grows by four. Alpha (``backward``: one topological sweep) does one local
derivative per edge; Beta (``naive.grad``: the recursive chain rule) makes one call per
path prefix. The demo prints both costs for growing depth and draws them against graph
size.

Then the Fibonacci analogy. The graph ``f_k = f_(k-1) + f_(k-2)`` (``f_0 = x``,
``f_1 = w``) has the shape of Fibonacci's recurrence. Beta differentiates it the way the
naive recursive ``fib(n)`` computes: each node asks both parents again, so its recursive
calls obey the same count, ``calls(n) = 1 + calls(n-1) + calls(n-2)``. Alpha sweeps it the
way the iterative ``fib`` loops, once per node, keeping what it has computed. The demo
measures all four (counting the calls of both ``fib`` functions, Beta's calls with
``compare`` and Alpha's steps with ``trace_backward``) and prints them side by side.

Run:  python demos/alpha_vs_beta.py [--depth 16] [--out out] [--quick]
      tinygrad-scalar demo alpha_vs_beta --quick
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import Value, trace_backward  # noqa: E402
from tinygrad_scalar.alphabeta import Comparison, compare  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402


def build(depth: int) -> Tuple[Value, Value, Value]:
    """``depth`` layers of ``a = tanh(a * w + a)`` on ``x``; returns ``(out, x, w)``."""
    x, w = Value(0.5, label="x"), Value(-0.3, label="w")
    a = x
    for _ in range(depth):
        a = (a * w + a).tanh()
    return a, x, w


def measure(depths: Sequence[int], repeats: int) -> List[Tuple[int, Comparison]]:
    """Run ``compare`` on the graph of each depth."""
    rows = []
    for d in depths:
        out, x, w = build(d)
        rows.append((d, compare(out, [x, w], repeats=repeats, max_calls=10_000_000)))
    return rows


def table(rows: Sequence[Tuple[int, Comparison]]) -> str:
    """The measurements as a printed table."""
    head = (f"{'depth':>5} {'nodes':>6} {'edges':>6} {'paths':>9} {'Alpha derivs':>13} "
            f"{'Alpha ms':>9} {'Beta calls':>11} {'Beta ms':>9} {'Beta/Alpha':>10} "
            f"{'max diff':>9}")
    lines = [head, "-" * len(head)]
    for d, c in rows:
        beta = c.beta_seconds if c.beta_seconds is not None else float("nan")
        lines.append(f"{d:>5} {c.nodes:>6} {c.edges:>6} {c.paths:>9,} {c.alpha_locals:>13,} "
                     f"{c.alpha_seconds * 1e3:>9.3f} {c.beta_calls:>11,} {beta * 1e3:>9.3f} "
                     f"{beta / c.alpha_seconds:>9.0f}x {c.max_difference or 0.0:>9.1e}")
    return "\n".join(lines)


def fib_recursive(n: int, calls: List[int]) -> int:
    """Fibonacci the naive way, counting its calls in ``calls[0]``."""
    calls[0] += 1
    return n if n < 2 else fib_recursive(n - 1, calls) + fib_recursive(n - 2, calls)


def fib_iterative(n: int, steps: List[int]) -> int:
    """Fibonacci keeping the last two values, counting its additions in ``steps[0]``."""
    a, b = 0, 1
    for _ in range(n - 1):
        steps[0] += 1
        a, b = b, a + b
    return b if n else a


def fibonacci_graph(n: int) -> Tuple[Value, Value]:
    """``f_k = f_(k-1) + f_(k-2)`` up to ``f_n`` from ``f_0 = x``, ``f_1 = w``: ``(f_n, x)``."""
    x, w = Value(0.0, label="x"), Value(1.0, label="w")
    older, old = x, w
    for _ in range(n - 1):
        older, old = old, old + older
    return old, x


def fibonacci(ns: Sequence[int]) -> str:
    """Measured call counts of the four programs, side by side, as a printed table."""
    head = (f"{'n':>3} {'fib(n)':>6} | {'recursive fib calls':>19} {'Beta calls':>10} | "
            f"{'iterative fib additions':>23} {'Alpha steps':>11}")
    lines = [head, "-" * len(head)]
    for n in ns:
        calls, steps = [0], [0]
        value = fib_recursive(n, calls)
        assert fib_iterative(n, steps) == value  # the two programs agree
        out, x = fibonacci_graph(n)
        beta = compare(out, [x], repeats=1, max_calls=10_000_000).beta_calls
        alpha = len(trace_backward(out))  # one step per operation node
        lines.append(f"{n:>3} {value:>6} | {calls[0]:>19,} {beta:>10,} | {steps[0]:>23} "
                     f"{alpha:>11}")
    return "\n".join(lines)


def plot(rows: Sequence[Tuple[int, Comparison]], path: Path) -> Path:
    """Draw work and time of both designs against the number of nodes."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("this demo draws with matplotlib: pip install matplotlib "
                          "(or pip install tinygrad-scalar[demos])") from None
    nodes = [c.nodes for _, c in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.2), dpi=80)
    left.plot(nodes, [c.alpha_locals for _, c in rows], "o-", label="Alpha: local derivatives")
    left.plot(nodes, [c.beta_calls for _, c in rows], "s-", label="Beta: recursive calls")
    left.set(yscale="log", xlabel="nodes in the graph", ylabel="work", title="work")
    right.plot(nodes, [c.alpha_seconds * 1e3 for _, c in rows], "o-", label="Alpha (backward)")
    right.plot(nodes, [(c.beta_seconds or float("nan")) * 1e3 for _, c in rows], "s-",
               label="Beta (naive.grad)")
    right.set(yscale="log", xlabel="nodes in the graph", ylabel="milliseconds",
              title="time (median)")
    for ax in (left, right):
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("a = tanh(a*w + a), repeated: paths double with every layer", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the table and write ``<out>/alpha_vs_beta.png``."""
    p = ScriptParser(prog="alpha_vs_beta", description=__doc__.split("\n\n")[0])
    p.add_argument("--depth", type=int, default=16, help="deepest graph (default 16)")
    p.add_argument("--repeats", type=int, default=3, help="timing runs per graph (median)")
    p.add_argument("--out", default="out", help="folder for the picture (default out)")
    p.add_argument("--quick", action="store_true", help="small graphs, one timing run")
    args = p.parse_args(argv)
    if args.depth < 1 or args.repeats < 1:
        p.error("--depth and --repeats must be at least 1")
    depth, repeats = (min(args.depth, 8), 1) if args.quick else (args.depth, args.repeats)
    rows = measure(range(1, depth + 1), repeats)
    print(table(rows))
    print("\nFibonacci: Beta calls as the recursive fib does, Alpha steps as the iterative one")
    print(fibonacci(range(2, (12 if args.quick else 20) + 1, 2)))
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    path = plot(rows, folder / "alpha_vs_beta.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
