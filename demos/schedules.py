"""Learning-rate schedules compared: constant, step, exponential, inverse time and cosine.

``MLP(2, [16, 16, 1])`` learns 200 two-moons points with SGD (learning rate 0.5 at the
start, mini-batches of 16) five times, from the same weights and batches, each with one
schedule (``StepLR``, ``ExponentialLR``, ``InverseTimeLR``, ``CosineLR``; stepped once per
epoch). Writes ``schedules.png``: the learning rate and the training loss per epoch.

    python demos/schedules.py [--epochs 40] [--quick] [--seed 0] [--out out]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402
from _pictures import figure, save  # noqa: E402

from tinygrad_scalar import MLP, fit  # noqa: E402
from tinygrad_scalar.data import make_moons  # noqa: E402
from tinygrad_scalar.optim import SGD, CosineLR, ExponentialLR, InverseTimeLR, StepLR  # noqa: E402


def schedules(epochs: int) -> Dict[str, Callable[[Any], Any]]:
    """Name -> a function making the schedule for an optimizer."""
    return {
        "constant": lambda opt: None,
        f"step (x0.5 every {max(1, epochs // 4)})":
            lambda opt: StepLR(opt, step_size=max(1, epochs // 4), gamma=0.5),
        "exponential (x0.93)": lambda opt: ExponentialLR(opt, gamma=0.93),
        "inverse time (decay 0.2)": lambda opt: InverseTimeLR(opt, decay=0.2),
        "cosine": lambda opt: CosineLR(opt, total_epochs=epochs),
    }


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Train with each schedule; return each final training loss."""
    args, epochs = demo_arguments(argv, "Learning-rate schedules compared.", epochs=40,
                                  quick_epochs=3)
    X, y = make_moons(n=100 if args.quick else 200, noise=0.15, rng=args.seed)
    fig = figure(9.0, 3.4)
    ax_lr, ax_loss = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    result = {}
    for name, make in schedules(epochs).items():
        model = MLP(2, [16, 16, 1], rng=args.seed)
        opt = SGD(model.parameters(), lr=0.5)
        history = fit(model, "binary_cross_entropy", opt, X, y, epochs=epochs, batch_size=16,
                      schedule=make(opt), seed=args.seed, progress=False, compiled=False)
        ax_lr.plot(history["epoch"], history["lr"], label=name)
        ax_loss.plot(history["epoch"], history["loss"], label=name)
        result[name] = history.last("loss")
        print(f"schedules: {name:26s} final lr {opt.lr:.4f}, final loss {result[name]:.4f}")
    ax_lr.set_ylabel("learning rate")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_yscale("log")
    for ax in (ax_lr, ax_loss):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("MLP(2, [16, 16, 1]) on two moons, SGD from lr 0.5", fontsize=9)
    path = save(fig, Path(args.out) / "schedules.png")
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
