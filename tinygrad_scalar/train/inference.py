"""Running a model over data in evaluation mode: ``evaluate`` and ``predict``."""

from __future__ import annotations

import gc
import math
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
            part = rows[lo:lo + chunk]
            outs = list(model(part)) if model.takes_batches else [model(x) for x in part]
            fn(outs, lo, min(lo + chunk, len(rows)))
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
    X, y = _check_xy(X, y, "evaluate")
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


_KINDS = ("logits", "labels", "proba")


def predict(model: Module, X: Sequence[Sequence[Any]], batch_size: int = 1024,
            kind: str = "logits", negative: int = 0) -> list[Any]:
    """The model's outputs as plain numbers (a float, or a list per row), in eval mode.

    ``X`` is a list of rows, or any array-like (a 2-D NumPy array, a pandas DataFrame).
    ``kind`` chooses what comes back for each row:

    * ``"logits"`` (the default): the raw outputs, a float or a list of floats;
    * ``"labels"``: the class, by the rule ``evaluate`` counts accuracy with: the index
      of the largest output for several outputs, and for one score ``1`` where it is
      ``> 0``, else ``negative`` (``0`` as for ``binary_cross_entropy``, ``-1`` for
      ``hinge``);
    * ``"proba"``: probabilities, ``softmax`` of several outputs (a list per row) or
      ``sigmoid`` of one score (the probability of class 1).

    >>> from tinygrad_scalar import MLP
    >>> m = MLP(2, [1], rng=0)
    >>> m.load_state_dict({"L0.N0.w0": 1.0, "L0.N0.w1": 2.0, "L0.N0.b": 0.5})
    <All keys matched successfully>
    >>> predict(m, [[1.0, 1.0], [0.0, -1.0]])
    [3.5, -1.5]
    >>> predict(m, [[1.0, 1.0], [0.0, -1.0]], kind="labels")
    [1, 0]
    >>> [round(p, 4) for p in predict(m, [[1.0, 1.0], [0.0, -1.0]], kind="proba")]
    [0.9707, 0.1824]
    """
    _check_model(model, "predict")
    if kind not in _KINDS:
        raise ValueError(f"predict: kind must be one of {', '.join(_KINDS)}, got {kind!r:.60}")
    if negative not in (0, -1) or isinstance(negative, bool):
        raise ValueError(f"predict: negative must be 0 or -1, got {negative!r:.60}")
    rows = _rows(X, "predict")
    out: list[Any] = []
    _forward_all(model, rows, positive_int(batch_size, "predict", "batch_size"),
                 lambda outs, lo, hi: out.extend(_data(o) for o in outs))
    if kind == "labels":
        return [_label(o, negative) for o in out]
    if kind == "proba":
        return [_proba(o) for o in out]
    return out


def _label(o: Any, negative: int) -> int:
    if isinstance(o, list):
        return max(range(len(o)), key=o.__getitem__)
    return 1 if o > 0.0 else negative


def _proba(o: Any) -> Any:
    if isinstance(o, list):
        m = max(o)
        e = [math.exp(z - m) for z in o]
        s = sum(e)
        return [z / s for z in e]
    if o >= 0.0:
        return 1.0 / (1.0 + math.exp(-o))
    e = math.exp(o)
    return e / (1.0 + e)
