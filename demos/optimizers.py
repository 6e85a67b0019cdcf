"""Optimizers compared: SGD, SGD with momentum, RMSProp and Adam on the same problem.

``MLP(2, [16, 16, 1])`` learns 200 two-moons points in mini-batches of 16, four times from
the same initial weights and the same batches: plain SGD, SGD with momentum in its
moving-average form (``momentum=0.9, dampening=0.9``, which averages the gradients), RMSProp
and Adam. Writes ``optimizers.png``: the loss of every mini-batch (thin) and of every
epoch, one colour per optimizer.

    python demos/optimizers.py [--epochs 40] [--quick] [--seed 0] [--out out]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402
from _pictures import curves  # noqa: E402

from tinygrad_scalar import MLP, fit  # noqa: E402
from tinygrad_scalar.data import make_moons  # noqa: E402
from tinygrad_scalar.optim import SGD, Adam, RMSProp  # noqa: E402

OPTIMIZERS = {
    "SGD (lr 0.1)": lambda ps: SGD(ps, lr=0.1),
    "momentum (0.9, moving average, lr 0.1)": lambda ps: SGD(ps, lr=0.1, momentum=0.9,
                                                             dampening=0.9),
    "RMSProp (lr 0.01)": lambda ps: RMSProp(ps, lr=0.01),
    "Adam (lr 0.01)": lambda ps: Adam(ps, lr=0.01),
}


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Train with each optimizer; return each final training loss."""
    args, epochs = demo_arguments(argv, "SGD, momentum, RMSProp and Adam compared.",
                                  epochs=40, quick_epochs=3)
    X, y = make_moons(n=100 if args.quick else 200, noise=0.15, rng=args.seed)
    series, xs, result = {}, {}, {}
    for name, make in OPTIMIZERS.items():
        model = MLP(2, [16, 16, 1], rng=args.seed)
        history = fit(model, "binary_cross_entropy", make(model.parameters()), X, y,
                      epochs=epochs, batch_size=16, seed=args.seed, progress=False,
                      compiled=False)
        series[name], xs[name] = history.batches["loss"], history.batches["epoch"]
        result[name] = history.last("loss")
        print(f"optimizers: {name:40s} final loss {result[name]:.4f}, training accuracy "
              f"{history.last('accuracy'):.1%}")
    path = curves(series, Path(args.out) / "optimizers.png",
                  "MLP(2, [16, 16, 1]) on two moons: the loss of every mini-batch",
                  ylabel="mini-batch loss", xs=xs)
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
