"""See backpropagation: one neuron drawn with its gradient flow, step by step, then an MLP.

Writes into the output folder:

- ``neuron.<fmt>``: ``tanh(x1*w1 + x2*w2 + b)`` with every edge labelled by its local
  derivative and what it adds to the gradient;
- ``neuron_steps/step_001.<fmt>``...: the backward sweep, one picture per step;
- ``mlp.<fmt>``: a small MLP and its squared-error loss, one box per neuron and layer;
- ``mlp_focus.<fmt>``: only the neighbourhood of one weight of that MLP.

and prints the neuron's adjoint program and its backward sweep. With ``--format dot``
it writes the DOT sources instead, which needs no Graphviz program.

Run:  python demos/neuron_graph.py [--out out] [--format png|svg|pdf|dot]
      tinygrad-scalar demo neuron_graph
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import MLP, Value  # noqa: E402
from tinygrad_scalar.adjoint import listing, trace_backward  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402
from tinygrad_scalar.viz import render, render_steps, to_dot  # noqa: E402

SEED = 0


def neuron() -> Value:
    """micrograd's example neuron, with weights and bias chosen so that tanh(n) = 0.7071."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    return (x1 * w1 + x2 * w2 + b).tanh()


def mlp_loss(rng: random.Random) -> Value:
    """Squared error of ``MLP(2, [3, 2, 1])`` on one point."""
    model = MLP(2, [3, 2, 1], activation="tanh", rng=rng)
    y = model([Value(1.0, label="in0"), Value(-2.0, label="in1")])
    return (y - 0.5) ** 2


def draw(root: Value, path: Path, fmt: str, **options: Any) -> Path:
    """Write a picture, or the DOT source when ``fmt`` is ``dot``."""
    path = path.with_suffix("." + fmt)
    if fmt == "dot":
        path.write_text(to_dot(root, **options).source, encoding="utf-8")
        return path
    return render(root, path, **options)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the neuron's program and sweep, and write the pictures."""
    p = ScriptParser(prog="neuron_graph", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default="out", help="output folder (default out)")
    p.add_argument("--format", default="png", choices=("png", "svg", "pdf", "dot"),
                   help="picture format (dot: DOT source, no Graphviz program needed)")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written: List[Path] = []

    o = neuron()
    print(listing(o))
    print("\nbackward, step by step:")
    trace_backward(o, file=sys.stdout)
    written.append(draw(o, out / "neuron", args.format, grad_flow=True, legend=True))
    if args.format != "dot":
        written += render_steps(o, out / "neuron_steps", fmt=args.format)

    loss = mlp_loss(random.Random(SEED))
    loss.backward()
    written.append(draw(loss, out / "mlp", args.format, grad_flow=True, legend=True))
    weight = next(n for n in loss.topological_order() if n.label == "L1.N0.w1")
    written.append(draw(loss, out / "mlp_focus", args.format, grad_flow=True, focus=weight,
                        radius=2))
    print()
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
