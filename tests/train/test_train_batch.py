"""batch_step: forward, loss and backward for one mini-batch."""

from __future__ import annotations

import math

from loss_faults import to_nan

from tinygrad_scalar import MLP, Value
from tinygrad_scalar.losses import mse
from tinygrad_scalar.train import batch_step


def test_batch_step_sets_gradients_and_skips_backward_on_nan():
    model = MLP(1, [1], rng=0)
    w, b = model.parameters()
    w.data, b.data = 2.0, 0.5
    w.grad = 123.0  # stale gradients are replaced, not accumulated
    loss, outs = batch_step(model, mse, [[Value(1.0)], [Value(3.0)]], [1.0, 2.0])
    # residuals 1.5 and 4.5: loss = (2.25 + 20.25) / 2; dL/dw = (1.5 * 1 + 4.5 * 3), dL/db = 6
    assert (loss, outs) == (11.25, [2.5, 6.5])
    assert (w.grad, b.grad) == (15.0, 6.0)
    loss, _ = batch_step(model, lambda o, t: to_nan(mse(o, t)), [[Value(1.0)]], [0.0])
    assert math.isnan(loss) and (w.grad, b.grad) == (15.0, 6.0)
