"""Build once, feed many: training through placeholders and a feed dict.

The graph of a mini-batch's loss is built **once**, on placeholders (``Value.placeholder``)
for the batch's inputs and targets; every step then *feeds* the next batch into it
(``forward(feed={...})``), runs ``backward()`` and updates the weights. No graph is built
during training: the nodes made at the start are recomputed in their stored order.

1. One feature, one sigmoid unit: ``sigmoid(w * bmi + b)`` fitted to the diabetes target
   scaled to 0..1, plain SGD, written out by hand (``forward``, ``backward``, update).
2. All 10 features into 10 hidden sigmoid units and one linear output, through a
   ``Program`` compiled to straight-line code (C where a compiler works, else Python),
   with Adam.

The classic version of this exercise uses a 13-feature regression set (Boston housing),
which is not bundled: it was withdrawn from scikit-learn because one of its features was
built on a racist assumption. The bundled regression set is diabetes (442 patients,
10 features), so the network here is 10 -> 10 -> 1. Writes ``out/placeholders_loss.png``
(both loss curves) and ``out/placeholders_fit.png`` (the sigmoid unit's fitted curve).

    python demos/placeholders.py [--epochs 40] [--quick] [--out out] [--seed 0]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402

from tinygrad_scalar import Program, Value  # noqa: E402
from tinygrad_scalar.data import load_diabetes, standardize  # noqa: E402
from tinygrad_scalar.optim import Adam  # noqa: E402

BATCH = 32


def batches(n: int, rng: random.Random) -> List[List[int]]:
    """The row indices of one epoch, shuffled, cut into full batches of ``BATCH``."""
    order = list(range(n))
    rng.shuffle(order)
    return [order[i:i + BATCH] for i in range(0, n - BATCH + 1, BATCH)]


def sigmoid_unit(X: List[float], targets: List[float], epochs: int, rng: random.Random,
                 progress: bool) -> Tuple[List[float], Value, Value]:
    """Fit ``sigmoid(w x + b)`` to ``targets`` by SGD on one batch graph; losses per epoch."""
    from tqdm.auto import tqdm

    w, b = Value(rng.gauss(0.0, 1.0), label="w"), Value(0.0, label="b")
    xs = [Value.placeholder(f"x{i}") for i in range(BATCH)]
    ts = [Value.placeholder(f"t{i}") for i in range(BATCH)]
    errors = [(w * x + b).sigmoid() - t for x, t in zip(xs, ts)]
    loss = Value.dot(errors, errors) * (1.0 / BATCH)  # built once, here
    losses = []
    for _ in tqdm(range(epochs), desc="sigmoid unit", disable=not progress, leave=False):
        total = []
        for rows in batches(len(X), rng):
            feed = {x: X[i] for x, i in zip(xs, rows)}
            feed.update({t: targets[i] for t, i in zip(ts, rows)})
            total.append(loss.forward(feed))  # the same nodes, new numbers
            w.grad = b.grad = 0.0
            loss.backward()
            for p in (w, b):
                p.data -= 0.5 * p.grad
        losses.append(sum(total) / len(total))
    return losses, w, b


def hidden_layer(X: List[List[float]], targets: List[float], epochs: int, rng: random.Random,
                 progress: bool) -> Tuple[List[float], str]:
    """10 -> 10 sigmoid -> 1 through a compiled ``Program``; losses per epoch, backend."""
    from tqdm.auto import tqdm

    nin, hidden = len(X[0]), 10
    W1 = [[Value(rng.gauss(0.0, nin ** -0.5)) for _ in range(nin)] for _ in range(hidden)]
    b1 = [Value(0.0) for _ in range(hidden)]
    W2 = [Value(rng.gauss(0.0, hidden ** -0.5)) for _ in range(hidden)]
    b2 = Value(0.0)
    xs = [[Value.placeholder(f"x{i}_{j}") for j in range(nin)] for i in range(BATCH)]
    ts = [Value.placeholder(f"t{i}") for i in range(BATCH)]
    errors = []
    for x, target in zip(xs, ts):
        h = [Value.dot(w, x, bias=b).sigmoid() for w, b in zip(W1, b1)]
        errors.append(Value.dot(W2, h, bias=b2) - target)
    loss = Value.dot(errors, errors) * (1.0 / BATCH)
    program = Program(loss, [v for x in xs for v in x] + ts).compile()
    params = program.parameters
    optimizer = Adam(params, lr=0.01)
    losses = []
    for _ in tqdm(range(epochs), desc="10 -> 10 -> 1", disable=not progress, leave=False):
        total = []
        for rows in batches(len(X), rng):
            feed: Dict[Value, float] = {}
            for x, target, i in zip(xs, ts, rows):
                feed.update(zip(x, X[i]))
                feed[target] = targets[i]
            optimizer.zero_grad()
            total.append(program(feed).output)
            optimizer.step()
        losses.append(sum(total) / len(total))
    return losses, program.backend


def loss_curves(curves: Dict[str, List[float]], path: Path) -> Path:
    """Mean training loss per epoch, one line per model (150 dpi)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.0, 3.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for name, losses in curves.items():
        ax.plot(range(1, len(losses) + 1), losses, marker=".", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (training batches)")
    ax.set_title("trained through placeholders: one graph, fed every batch", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Run both models; return their last epoch's mean training loss."""
    args, epochs = demo_arguments(argv, "Train through placeholders and a feed dict.",
                                  epochs=40, quick_epochs=2)
    rng = random.Random(args.seed)
    data = load_diabetes()
    lo, hi = min(data.y), max(data.y)
    scaled = [(y - lo) / (hi - lo) for y in data.y]  # 0..1, the sigmoid's range
    column = data.feature_names.index("bmi")
    (bmi,) = zip(*standardize([[r[column]] for r in data.X]))
    progress = not args.quick
    first, w, b = sigmoid_unit(list(bmi), scaled, epochs, rng, progress)
    print(f"placeholders: diabetes, {len(data.y)} patients, batches of {BATCH}, {epochs} epochs")
    print(f"  one sigmoid unit on bmi:   loss {first[0]:.4f} -> {first[-1]:.4f} "
          f"(w = {w.data:.3f}, b = {b.data:.3f})")
    X = standardize(data.X)
    mean = sum(scaled) / len(scaled)
    second, backend = hidden_layer(X, [s - mean for s in scaled], epochs, rng, progress)
    print(f"  10 -> 10 sigmoid -> 1:     loss {second[0]:.4f} -> {second[-1]:.4f} "
          f"(compiled Program, backend {backend})")

    from tinygrad_scalar.train import plot_fit_curve

    out = Path(args.out)
    a_path = loss_curves({"one sigmoid unit (bmi)": first, "10 -> 10 sigmoid -> 1": second},
                         out / "placeholders_loss.png")
    fig_path = out / "placeholders_fit.png"
    plot_fit_curve(lambda r: (w * r[0] + b).sigmoid(), [[x] for x in bmi], scaled, fig_path,
                   title="one sigmoid unit, fed through placeholders",
                   xlabel="body mass index (standardised)", ylabel="progression (scaled 0..1)")
    print(f"wrote {a_path} and {fig_path}")
    return {"sigmoid_unit": first[-1], "hidden_layer": second[-1]}


if __name__ == "__main__":
    main()
