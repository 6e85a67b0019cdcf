"""One mini-batch: the rows and targets it reads, the loss, and the step ``fit`` repeats."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..core.checks import as_list, is_finite, is_real, positive
from ..core.value import Value
from ..nn import losses as _losses
from ..nn.modules import Module
from ..nn.optimizer import Optimizer

__all__ = ["batch_step"]

LossFn = Callable[[Any, Any], Value]
StepFn = Callable[[list[list[Value]], list[Any]], tuple[float, list[Any]]]

_LOSS_NAMES = {
    "mse": _losses.mse,
    "binary_cross_entropy": _losses.binary_cross_entropy,
    "bce": _losses.binary_cross_entropy,
    "softmax_cross_entropy": _losses.softmax_cross_entropy,
    "cross_entropy": _losses.softmax_cross_entropy,
    "hinge": _losses.hinge,
}


def _data(out: Any) -> Any:
    """Plain numbers from a model output (a ``Value`` or a list of them)."""
    if isinstance(out, Value):
        return out.data
    if isinstance(out, (list, tuple)):
        return [o.data if isinstance(o, Value) else float(o) for o in out]
    return float(out)


def batch_step(model: Module, loss_fn: LossFn, xb: Sequence[Sequence[Any]], yb: Sequence[Any],
               l2: float = 0.0) -> tuple[float, list[Any]]:
    """Forward, loss and backward for one mini-batch; return ``(loss, outputs as numbers)``.

    Gradients of the model's parameters are set (not accumulated) for this batch; when the
    loss is not finite there is no backward pass. This is the unit of work that ``fit``
    repeats, and that a faster variant of the step may replace. A model whose
    ``takes_batches`` is True (``Sequential``, ``MLP``) is called once on the whole batch,
    any other model once per row.

    >>> from tinygrad_scalar import MLP, Value
    >>> m = MLP(1, [1], rng=0)
    >>> loss, outs = batch_step(m, _losses.mse, [[Value(1.0)]], [0.0])
    >>> loss == outs[0] ** 2
    True
    """
    if not isinstance(model, Module):
        raise TypeError(f"batch_step: model must be a Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"batch_step: loss_fn must be callable, got {type(loss_fn).__name__}")
    for name, seq in (("xb", xb), ("yb", yb)):
        if not isinstance(seq, Sequence) or isinstance(seq, (str, bytes)):
            raise TypeError(f"batch_step: {name} must be a list, got {type(seq).__name__}")
    l2 = positive(l2, "batch_step", "l2", allow_zero=True)
    # a model that takes batches (Sequential, MLP, BatchNorm1d...) sees the whole batch
    outs = list(model(xb)) if model.takes_batches else [model(x) for x in xb]
    loss = loss_fn(outs, yb)
    if l2:
        loss = loss + _losses.l2(model.parameters(), l2)
    value = loss.data
    if math.isfinite(value):
        model.zero_grad()
        loss.backward()
    return value, [_data(o) for o in outs]


def _step_function(model: Module, loss_fn: LossFn, l2: float) -> StepFn:
    """The per-batch step ``fit`` calls: ``step(xb, yb) -> (loss, outputs)``."""
    def step(xb: list[list[Value]], yb: list[Any]) -> tuple[float, list[Any]]:
        return batch_step(model, loss_fn, xb, yb, l2)
    return step


def _compiled_step_function(model: Module, loss_fn: LossFn, l2: float, n_batches: int,
                            outputs: bool) -> StepFn:
    """``fit(..., compiled=True)``'s step: each batch's graph is traced once into
    straight-line Python (see ``tinygrad_scalar.trace``) and replayed on later epochs.

    The replay gives the loss and the gradients; when accuracy is wanted, the outputs come
    from one more forward pass that builds no graph.
    """
    from ..core.modes import no_grad
    from ..derive.compiled import compile_step

    def full_loss(outs: list[Any], ys: list[Any]) -> Value:
        loss = loss_fn(outs, ys)
        return loss + _losses.l2(model.parameters(), l2) if l2 else loss

    compiled = compile_step(model, full_loss, static_targets=True, max_traces=n_batches + 1)

    def step(xb: list[list[Value]], yb: list[Any]) -> tuple[float, list[Any]]:
        model.zero_grad()
        value = compiled([[v.data for v in row] for row in xb], yb)
        if not outputs:
            return value, []
        with no_grad():
            return value, [_data(model(x)) for x in xb]
    return step


def _resolve_loss(loss: str | LossFn) -> LossFn:
    if isinstance(loss, str):
        if loss not in _LOSS_NAMES:
            raise ValueError(f"loss must be a callable or one of {', '.join(_LOSS_NAMES)}; "
                             f"got {loss!r}")
        return _LOSS_NAMES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a callable or a name, got {type(loss).__name__}")
    return loss


def _use_accuracy(metric: str | None, loss_fn: LossFn) -> bool:
    if metric == "auto":
        return loss_fn in _losses.CLASSIFICATION_LOSSES
    if metric in (None, "none"):
        return False
    if metric == "accuracy":
        return True
    raise ValueError(f"metric must be 'auto', 'accuracy' or None, got {metric!r}")


def _correct(outs: list[Any], ys: Sequence[Any]) -> int:
    """How many outputs pick the right class (argmax of a list; sign of one score)."""
    n = 0
    for o, t in zip(outs, ys):
        if isinstance(o, list):
            n += max(range(len(o)), key=o.__getitem__) == t
        else:
            n += (o > 0.0) == (t == 1)
    return n


def _rows(X: Sequence[Sequence[Any]], where: str) -> list[list[Value]]:
    """Input rows as ``Value`` leaves, made once (checked: finite numbers, equal lengths)."""
    X = as_list(X, where, "X (rows)")
    if not X:
        raise ValueError(f"{where}: X has no rows")
    width = None
    out = []
    for i, row in enumerate(X):
        if type(row) is not list and type(row) is not tuple:
            try:
                row = as_list(row, where, f"row {i} of X")
            except TypeError:
                raise TypeError(f"{where}: row {i} of X must be a list of numbers, "
                                f"got {row!r:.80}") from None
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{where}: row {i} of X has {len(row)} values, row 0 has {width}")
        vals = []
        for j, v in enumerate(row):
            if isinstance(v, Value):
                vals.append(v)
            elif is_real(v) and is_finite(v):
                vals.append(Value(float(v)))
            else:
                raise ValueError(f"{where}: X[{i}][{j}] must be a finite number, got {v!r}")
        out.append(vals)
    return out


def _check_xy(X: Sequence[Any], y: Sequence[Any], where: str, name: str = ""
              ) -> tuple[Sequence[Any], Sequence[Any]]:
    """``X`` and ``y`` as lists (array-likes converted), checked to have equal lengths."""
    X = as_list(X, where, f"X{name} (rows)")
    y = as_list(y, where, f"y{name} (targets)")
    if len(X) != len(y):
        raise ValueError(f"{where}: X{name} and y{name} have different lengths "
                         f"({len(X)} rows, {len(y)} targets)")
    return X, y


def check_optimizer(model: Module, optimizer: Any, shuffle: Any) -> None:
    """``fit``'s checks of the optimizer (of this model's parameters) and of ``shuffle``."""
    if not isinstance(shuffle, bool):
        raise TypeError(f"fit: shuffle must be True or False, got {shuffle!r:.40}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an Optimizer, got {type(optimizer).__name__}")
    own = set(map(id, model.parameters()))
    if not own:
        raise ValueError("fit: the model has no parameters: did you store Values or modules "
                         "as attributes of the Module?")
    if not any(id(p) in own for p in optimizer.params):
        raise ValueError(f"fit: the optimizer updates none of the model's {len(own)} parameters "
                         f"(it holds {len(optimizer.params)} others); make it with "
                         f"model.parameters()")
