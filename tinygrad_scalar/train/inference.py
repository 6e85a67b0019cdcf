"""Running a model over data in evaluation mode: ``evaluate`` and ``predict``."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from typing import Any

from ..core.checks import positive_int
from ..core.value import Value
from ..nn.modules import Module
from .batch import LossFn, _check_xy, _correct, _data, _resolve_loss, _rows, _use_accuracy

__all__ = ["evaluate", "predict"]


def _check_model(model: Any, where: str) -> None:
    if not isinstance(model, Module):
        raise TypeError(f"{where}: model must be a Module, got {type(model).__name__}")


def _forward_all(model: Module, rows: list[list[Value]], chunk: int,
                 fn: Callable[[list[Any], int, int], None]) -> None:
    """Run the model over ``rows`` in chunks in evaluation mode, with the collector paused."""
    was_training, gc_on = model.training, gc.isenabled()
    model.eval()
    gc.disable()
    try:
        for lo in range(0, len(rows), chunk):
            fn([model(x) for x in rows[lo:lo + chunk]], lo, min(lo + chunk, len(rows)))
    finally:
        model.train(was_training)
        if gc_on:
            gc.enable()


def evaluate(model: Module, loss: str | LossFn, X: Sequence[Sequence[Any]],
             y: Sequence[Any], batch_size: int = 256, metric: str | None = "auto"
             ) -> dict[str, float]:
    """Mean loss (and accuracy for classification) of ``model`` on ``X, y``, in eval mode.

    >>> from tinygrad_scalar import MLP
    >>> m = MLP(1, [1], rng=0)
    >>> m.layers[0].neurons[0].w[0].data = 2.0
    >>> evaluate(m, "mse", [[1.0], [2.0]], [2.0, 5.0])
    {'loss': 0.5}
    """
    loss_fn = _resolve_loss(loss)
    _check_model(model, "evaluate")
    _check_xy(X, y, "evaluate")
    rows = _rows(X, "evaluate")
    chunk = positive_int(batch_size, "evaluate", "batch_size")
    acc = _use_accuracy(metric, loss_fn)
    totals = [0.0, 0]

    def add(outs: list[Any], lo: int, hi: int) -> None:
        totals[0] += loss_fn(outs, list(y[lo:hi])).data * (hi - lo)
        if acc:
            totals[1] += _correct([_data(o) for o in outs], y[lo:hi])

    _forward_all(model, rows, chunk, add)
    result = {"loss": totals[0] / len(rows)}
    if acc:
        result["accuracy"] = totals[1] / len(rows)
    return result


def predict(model: Module, X: Sequence[Sequence[Any]], batch_size: int = 1024) -> list[Any]:
    """The model's outputs as plain numbers (a float, or a list per row), in eval mode.

    >>> from tinygrad_scalar import MLP
    >>> m = MLP(2, [1], rng=0)
    >>> m.load_state_dict({"L0.N0.w0": 1.0, "L0.N0.w1": 2.0, "L0.N0.b": 0.5})
    <All keys matched successfully>
    >>> predict(m, [[1.0, 1.0], [0.0, -1.0]])
    [3.5, -1.5]
    """
    _check_model(model, "predict")
    rows = _rows(X, "predict")
    out: list[Any] = []
    _forward_all(model, rows, positive_int(batch_size, "predict", "batch_size"),
                 lambda outs, lo, hi: out.extend(_data(o) for o in outs))
    return out
