"""Initialisation, the classic experiment: zeros, too-large random weights, and He.

The same ReLU network, ``MLP(2, [10, 5, 1])``, learns two concentric circles three times
with plain full-batch gradient descent, from three starting points:

* ``zeros``: every neuron of a layer computes the same thing and gets the same gradient,
  so they stay equal for ever: the network is no better than one neuron per layer and
  stays at chance;
* ``normal`` with ``std=10``: the scores start huge, the loss starts about a thousand
  times too high, and once it has come down it sticks on a plateau (saturated, dead or
  over-confident units);
* ``he`` (``N(0, 2 / fan_in)``): made for ReLU, it keeps going down and ends lowest.

Writes ``init_compare.png`` (the three loss curves) and prints each final accuracy.

    python demos/init_compare.py [--epochs 300] [--quick] [--seed 0] [--out out]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import demo_arguments  # noqa: E402
from _pictures import curves  # noqa: E402

from tinygrad_scalar import MLP, fit  # noqa: E402
from tinygrad_scalar.data import make_circles  # noqa: E402
from tinygrad_scalar.optim import SGD  # noqa: E402

#: name shown -> (init, std)
INITS = {"zeros": ("zeros", None), "normal, std=10 (too large)": ("normal", 10.0),
         "he": ("he", None)}


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Train the three networks; return each one's final training accuracy."""
    args, epochs = demo_arguments(argv, "Zeros, too-large and He initialisation compared.",
                                  epochs=300, quick_epochs=20)
    X, y = make_circles(n=150 if args.quick else 300, noise=0.05, factor=0.5, rng=args.seed)
    losses, accuracy = {}, {}
    for name, (init, std) in INITS.items():
        model = MLP(2, [10, 5, 1], init=init, std=std, rng=args.seed)
        history = fit(model, "binary_cross_entropy", SGD(model.parameters(), lr=0.1), X, y,
                      epochs=epochs, progress=False, compiled=False)
        losses[name], accuracy[name] = history["loss"], history.last("accuracy")
        print(f"init_compare: {name:28s} loss {history.last('loss'):10.4f}  "
              f"training accuracy {accuracy[name]:.1%}")
    path = curves(losses, Path(args.out) / "init_compare.png",
                  "two circles, MLP(2, [10, 5, 1]) with ReLU: three initialisations",
                  ylabel="training loss (binary cross-entropy)")
    print(f"wrote {path}")
    return accuracy


if __name__ == "__main__":
    main()
