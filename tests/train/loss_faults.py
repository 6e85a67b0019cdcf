"""Models to train and losses that fail on purpose, shared by the training tests."""

from __future__ import annotations

import math

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


def with_value(loss, x):
    """A node on top of ``loss`` whose value is ``x``: a loss that became NaN or infinite,
    whichever way the engine's arithmetic got there (a NaN or infinite constant is refused,
    and an overflow may raise instead)."""
    out = loss * 1.0
    out.data = x
    return out


def to_inf(loss):
    """An infinite loss."""
    return with_value(loss, math.inf)


def to_nan(loss):
    """A NaN loss."""
    return with_value(loss, math.nan)
