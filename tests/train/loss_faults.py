"""Models to train and losses that fail on purpose, shared by the training tests."""

from __future__ import annotations

from tinygrad_scalar import MLP
from tinygrad_scalar.optim import Adam


def setup(seed=0, sizes=(8, 3), lr=0.05, cls=Adam):
    model = MLP(2, list(sizes), rng=seed)
    return model, cls(model.parameters(), lr=lr)


class Failing:
    """A loss that behaves like ``inner`` until call ``at`` (counting from 1), then fails."""

    def __init__(self, inner, at, fail):
        self.inner, self.at, self.fail, self.calls = inner, at, fail, 0

    def __call__(self, outs, ys):
        self.calls += 1
        loss = self.inner(outs, ys)
        if self.calls == self.at:
            return self.fail(loss)
        return loss


def interrupt(loss):
    raise KeyboardInterrupt


def to_inf(loss):
    """The loss overflowed: an infinite loss (a NaN or infinite constant is refused)."""
    return loss * 1e300 * 1e300


def to_nan(loss):
    """The loss became NaN (inf - inf)."""
    big = to_inf(loss)
    return big - big
