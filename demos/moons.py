"""micrograd's demo as a script: an MLP learns to separate two moons.

``MLP(2, [16, 16, 1])`` on 100 two-moons points, max-margin (hinge) loss plus 1e-4 L2,
plain SGD with the learning rate decaying from 1.0 to 0.1 over 100 steps. Prints the loss
and accuracy of every step and writes the decision boundary to ``out/moons_boundary.png``.
With ``--report run.html`` it also writes a page of the run (curves, learning rate, the
decision boundary every 5 steps played by a slider, the confusion matrix), rewritten
after every step.

    python demos/moons.py [--steps 100] [--out out] [--seed 1337] [--report run.html]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinygrad_scalar import MLP, Value  # noqa: E402
from tinygrad_scalar.cli import ScriptParser  # noqa: E402
from tinygrad_scalar.data import make_moons  # noqa: E402
from tinygrad_scalar.train import History, TrainingReport  # noqa: E402


def loss_and_accuracy(model: MLP, X: Sequence[Sequence[float]],
                      y: Sequence[float]) -> Tuple[Value, float]:
    """Max-margin loss plus 1e-4 L2 (micrograd's demo), and the accuracy of the scores."""
    scores = [model(row) for row in X]
    margins = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = Value.sum(margins) * (1.0 / len(margins))
    params = model.parameters()
    reg_loss = 1e-4 * Value.dot(params, params)
    accuracy = sum((yi > 0) == (si.data > 0) for yi, si in zip(y, scores)) / len(y)
    return data_loss + reg_loss, accuracy


def train(steps: int = 100, seed: int = 1337, quiet: bool = False,
          report: Optional[str] = None
          ) -> Tuple[MLP, List[List[float]], List[float], List[Tuple[float, float]]]:
    """Train the demo model; return it, the data (labels -1/+1) and (loss, accuracy) per step.

    With ``report`` (a path), a page of the run is written there after every step.
    """
    X, labels = make_moons(n=100, noise=0.1, rng=seed)
    y = [2.0 * t - 1.0 for t in labels]
    model = MLP(2, [16, 16, 1], init="uniform", rng=seed)
    history = []
    page = None if report is None else TrainingReport(
        report, X, y, title="two moons: MLP(2, [16, 16, 1]), hinge loss, SGD", every=5,
        epochs=steps)
    curves = History()
    for k in range(steps):
        loss, acc = loss_and_accuracy(model, X, y)
        model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * k / max(steps, 1)
        for p in model.parameters():
            p.data -= lr * p.grad
        history.append((loss.data, acc))
        if page is not None:
            curves.append(epoch=k + 1, loss=loss.data, accuracy=acc, lr=lr)
            page.update(curves, model)
        if not quiet:
            print(f"step {k:3d}  loss {loss.data:.4f}  accuracy {acc:6.1%}")
    return model, X, y, history


def main(argv: Optional[Sequence[str]] = None) -> float:
    """Run the demo; return the final training accuracy."""
    ap = ScriptParser(description="Train micrograd's two-moons MLP and draw it.")
    ap.add_argument("--steps", type=int, default=100, help="SGD steps (default 100)")
    ap.add_argument("--seed", type=int, default=1337, help="seed for data and weights")
    ap.add_argument("--out", default="out", help="folder for pictures (default out/)")
    ap.add_argument("--quiet", action="store_true", help="print only the summary")
    ap.add_argument("--report", metavar="PATH",
                    help="also write a page of the run here (such as run.html)")
    args = ap.parse_args(argv)
    if args.steps < 1:
        ap.error(f"--steps must be at least 1, got {args.steps}")
    model, X, y, history = train(args.steps, args.seed, args.quiet, args.report)
    loss, acc = history[-1]
    from tinygrad_scalar.plots import plot_decision_boundary, plot_history

    out = Path(args.out)
    path = plot_decision_boundary(model, X, y, out / "moons_boundary.png",
                                  f"two moons: {acc:.0%} after {args.steps} steps")
    curves = History()
    for k, (loss_k, acc_k) in enumerate(history, 1):
        curves.append(epoch=k, loss=loss_k, accuracy=acc_k)
    plot_history(curves, out / "moons_history.png", "two moons: loss and accuracy per step")
    print(f"final loss {loss:.4f}, training accuracy {acc:.1%}; wrote {path}")
    if args.report is not None:
        print(f"wrote {args.report}")
    return acc


if __name__ == "__main__":
    main()
