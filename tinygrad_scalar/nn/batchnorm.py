"""``BatchNorm1d``: batch normalisation over the rows of a batch, as ``torch.nn.BatchNorm1d``.

In training mode each feature ``c`` of a batch of ``N`` rows is normalised with the
batch's mean and *biased* variance, ``y = (x - mean) / sqrt(var + eps) * weight + bias``,
and the running statistics move towards the batch's: ``running_mean = (1 - momentum) *
running_mean + momentum * mean`` and the same for ``running_var`` with the *unbiased*
variance (``var * N / (N - 1)``); ``momentum=None`` keeps a cumulative average instead.
In evaluation mode the running statistics are used (so one row at a time works). Batch
statistics need at least two rows: a batch of one in training mode raises, as in PyTorch.

The arithmetic is built from the engine's operations (sum, subtraction, multiplication,
power), so gradients flow through the batch mean and variance with no rule of its own.
Compiled mode cannot trace batch statistics, and ``fit(compiled=True)`` refuses a model
holding a ``BatchNorm1d``.

>>> bn = BatchNorm1d(1)
>>> [round(r[0].data, 6) for r in bn([[1.0], [3.0]])]
[-0.999995, 0.999995]
>>> bn.running_mean, bn.running_var, bn.num_batches_tracked
([0.2], [1.1], 1)
>>> _ = bn.eval()
>>> round(bn([2.0])[0].data, 6)  # (2 - 0.2) / sqrt(1.1 + 1e-5)
1.716225
"""

from __future__ import annotations

import math
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ..core.checks import is_finite, is_real, positive, positive_int, probability
from ..core.value import Value
from .layers import _row, is_batch
from .module import Module

__all__ = ["BatchNorm1d"]


class BatchNorm1d(Module):
    """Batch normalisation of ``num_features`` inputs (see the module's note).

    ``eps`` (1e-5) is added to the variance; ``momentum`` (0.1, or None for a cumulative
    average) moves the running statistics; ``affine`` (True) learns ``weight`` (starting
    at 1) and ``bias`` (at 0); ``track_running_stats`` (True) keeps ``running_mean``,
    ``running_var`` and ``num_batches_tracked``, saved in ``state_dict`` and checkpoints
    (without them the batch statistics are used in evaluation mode too).
    """

    takes_batches = True

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True) -> None:
        n = self.num_features = positive_int(num_features, "BatchNorm1d", "num_features")
        self.eps = positive(eps, "BatchNorm1d", "eps")
        self.momentum = (None if momentum is None else
                         probability(momentum, "BatchNorm1d", "momentum"))
        for name, flag in (("affine", affine), ("track_running_stats", track_running_stats)):
            if not isinstance(flag, bool):
                raise TypeError(f"BatchNorm1d: {name} must be True or False, got {flag!r:.40}")
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight: Optional[List[Value]] = (
            [Value(1.0, label=f"weight.{c}") for c in range(n)] if affine else None)
        self.bias: Optional[List[Value]] = (
            [Value(0.0, label=f"bias.{c}") for c in range(n)] if affine else None)
        self.running_mean: Optional[List[float]] = [0.0] * n if track_running_stats else None
        self.running_var: Optional[List[float]] = [1.0] * n if track_running_stats else None
        self.num_batches_tracked: Optional[int] = 0 if track_running_stats else None

    def __call__(self, x: Any) -> Any:
        if is_batch(x):
            return self._batch([_row(r, "BatchNorm1d") for r in x])
        return self._batch([_row(x, "BatchNorm1d")])[0]

    def _batch(self, rows: List[List[Value]]) -> List[List[Value]]:
        n, size = self.num_features, len(rows)
        for i, r in enumerate(rows):
            if len(r) != n:
                raise ValueError(f"BatchNorm1d expects {n} features, row {i} has {len(r)}")
        if not self.training and self.running_mean is not None and self.running_var is not None:
            shift, eps = self.running_mean, self.eps
            inverse = [1.0 / math.sqrt(v + eps) for v in self.running_var]
            return [[self._scale((v - shift[c]) * inverse[c], c) for c, v in enumerate(r)]
                    for r in rows]
        if size < 2:
            raise ValueError(f"BatchNorm1d: expected more than 1 value per channel when "
                             f"training, got a batch of {size} row of {n} features (batch "
                             f"statistics need at least two rows; use eval() for one row)")
        out: List[List[Value]] = [[] for _ in rows]
        means, variances = [], []
        for c in range(n):
            column = [r[c] for r in rows]
            mean = Value.sum(column) * (1.0 / size)
            centred = [v - mean for v in column]
            var = Value.dot(centred, centred) * (1.0 / size)
            scale = (var + self.eps) ** -0.5
            for i, d in enumerate(centred):
                out[i].append(self._scale(d * scale, c))
            means.append(mean.data)
            variances.append(var.data)
        if self.training and self.track_running_stats:
            self._track(means, variances, size)
        return out

    def _scale(self, v: Value, c: int) -> Value:
        if self.weight is None or self.bias is None:
            return v
        return v * self.weight[c] + self.bias[c]

    def _track(self, means: List[float], variances: List[float], size: int) -> None:
        """Move the running statistics towards this batch's (unbiased variance)."""
        self.num_batches_tracked = (self.num_batches_tracked or 0) + 1
        m = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
        unbiased = size / (size - 1)
        self.running_mean = [(1.0 - m) * r + m * b
                             for r, b in zip(self.running_mean, means)]  # type: ignore[arg-type]
        self.running_var = [(1.0 - m) * r + m * b * unbiased
                            for r, b in zip(self.running_var, variances)]  # type: ignore[arg-type]

    def named_parameters(self) -> Iterator[Tuple[str, Value]]:
        for name, vs in (("weight", self.weight), ("bias", self.bias)):
            for c, v in enumerate(vs or ()):
                yield f"{name}.{c}", v

    def _own_buffers(self) -> Dict[str, float]:
        if not self.track_running_stats:
            return {}
        out: Dict[str, float] = {}
        for name in ("running_mean", "running_var"):
            for c, v in enumerate(getattr(self, name)):
                out[f"{name}.{c}"] = v
        out["num_batches_tracked"] = self.num_batches_tracked  # type: ignore[assignment]
        return out

    def _check_buffer(self, name: str, value: Any) -> float:
        if name == "num_batches_tracked":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"must be an int >= 0, got {value!r:.60}")
            return value
        if not (is_real(value) and is_finite(value)):
            raise ValueError(f"must be a finite number, got {value!r:.60}")
        if name.startswith("running_var") and value < 0:
            raise ValueError(f"a variance must be >= 0, got {value!r:.60}")
        return float(value)

    def _set_buffer(self, name: str, value: float) -> None:
        if name == "num_batches_tracked":
            self.num_batches_tracked = int(value)
            return
        kind, c = name.rsplit(".", 1)
        getattr(self, kind)[int(c)] = value

    def architecture(self) -> Dict[str, Any]:
        return {"type": "BatchNorm1d", "num_features": self.num_features,
                "affine": self.affine, "track_running_stats": self.track_running_stats}

    def __repr__(self) -> str:
        return (f"BatchNorm1d({self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats})")
