"""``fit(..., compiled=True)``: one traced sample, replayed over every batch.

Every built-in loss is a mean of per-sample terms, so ``fit`` traces the graph of *one*
sample -- ``model(x)`` followed by that sample's term, with the sample's inputs and an
encoding of its target as inputs of the program -- once, and runs it over each batch in a
loop inside the generated code (``derive.sample``): shuffled batches, any batch size and
the short last batch reuse it. The step returns the loss and the outputs (accuracy needs
no second pass), the L2 term is added once per batch, and nothing is kept once ``fit``
returns. Target encodings (one trace for every label):

=======================  ==============================  ===========================
loss                     the sample's term               target input ``t``
=======================  ==============================  ===========================
mse                      ``sum((o - t) ** 2)``           the targets
binary_cross_entropy     ``softplus(t * z)``             -1 for label 1, +1 for 0
hinge                    ``relu(t * s + 1)``             ``-label``
softmax_cross_entropy    ``logsumexp(z) - dot(t, z)``    one-hot of the label
=======================  ==============================  ===========================

A custom loss function cannot be split per sample: it keeps one trace per batch (the
batches must then be the same every epoch, see ``batch._compiled_step_function``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..core.calculus import LOGSUMEXP, SOFTPLUS
from ..core.modes import no_grad
from ..core.value import Value
from ..derive.sample import PythonBatch, SampleProgram, trace_sample
from ..nn import losses as _losses
from ..nn.modules import BatchNorm1d, Module
from .batch import LossFn, batch_step
from .checkpoint import _dropouts

__all__: list[str] = []


# ---------------------------------------------------------------- losses split per sample
def _mse(outs: list[Value], t: list[Value]) -> Value:
    diffs = [o - ti for o, ti in zip(outs, t)]
    return Value.dot(diffs, diffs)


def _bce(outs: list[Value], t: list[Value]) -> Value:
    return SOFTPLUS(outs[0] * t[0])


def _hinge(outs: list[Value], t: list[Value]) -> Value:
    return (outs[0] * t[0] + 1.0).relu()


def _softmax_ce(outs: list[Value], t: list[Value]) -> Value:
    return LOGSUMEXP(outs) - Value.dot(t, outs)


def _encode(loss_fn: LossFn, y: Any, k: int, i: int) -> list[float]:
    """Sample ``i``'s target as the numbers its term reads (checked as the loss does)."""
    label = _losses._label
    if loss_fn is _losses.mse:
        ts = y if isinstance(y, (list, tuple)) else [y]
        if len(ts) != k or not all(_losses._is_number(v) and math.isfinite(v) for v in ts):
            raise ValueError(f"mse: target of sample {i} must be {k} finite number(s) "
                             f"(one per output), got {y!r:.60}")
        return [float(v) for v in ts]
    if loss_fn is _losses.binary_cross_entropy:
        return [-1.0 if label(y, (0, 1), "binary_cross_entropy", i) == 1 else 1.0]
    if loss_fn is _losses.hinge:
        return [float(-label(y, (-1, 1), "hinge", i))]
    hot = [0.0] * k
    hot[label(y, range(k), "softmax_cross_entropy", i)] = 1.0
    return hot


_TERMS: dict[Any, Callable[[list[Value], list[Value]], Value]] = {
    _losses.mse: _mse,
    _losses.binary_cross_entropy: _bce,
    _losses.hinge: _hinge,
    _losses.softmax_cross_entropy: _softmax_ce,
}


def check_compiled(model: Module, loss_fn: LossFn, shuffled: bool) -> None:
    """``fit(compiled=True)``'s refusals: what a trace cannot repeat."""
    if shuffled and not splits(loss_fn):
        raise ValueError("fit: compiled=True with a custom loss function replays one traced "
                         "graph per batch, so it needs the same batches every epoch: pass "
                         "batch_size=None or shuffle=False (or use a built-in loss)")
    if any(isinstance(m, BatchNorm1d) for m in model.modules()):
        raise ValueError("fit: compiled=True cannot trace BatchNorm1d's batch statistics "
                         "(each batch's mean and variance); train this model with "
                         "compiled=False")
    if any(d.p > 0.0 for d in _dropouts(model)):
        raise ValueError("fit: compiled=True cannot replay dropout's random masks; "
                         "train this model with compiled=False")


def splits(loss_fn: LossFn) -> bool:
    """True when ``loss_fn`` is a built-in loss, a mean of per-sample terms."""
    return loss_fn in _TERMS


class Dataset:
    """The rows as floats and the targets encoded, once; a batch's rows by identity."""

    def __init__(self, model: Module, loss_fn: LossFn, rows: list[list[Value]],
                 targets: list[Any]) -> None:
        with no_grad():
            first = model(rows[0])
        self.single = isinstance(first, Value)
        self.k = 1 if self.single else len(first)
        if loss_fn in (_losses.binary_cross_entropy, _losses.hinge) and self.k != 1:
            raise ValueError(f"fit: {getattr(loss_fn, '__name__', 'loss')} needs one output "
                             f"per sample, the model gives {self.k}")
        self.X = [[v.data for v in row] for row in rows]
        self.T = [_encode(loss_fn, y, self.k, i) for i, y in enumerate(targets)]
        self.position = {id(row): i for i, row in enumerate(rows)}
        # mse averages over every output of the batch, the others over its samples
        self.per_row = self.k if loss_fn is _losses.mse else 1

    def indices(self, xb: Sequence[Any]) -> list[int]:
        pos = self.position
        return [pos[id(row)] for row in xb]


def trace(model: Module, loss_fn: LossFn, data: Dataset) -> SampleProgram:
    """The graph of sample 0: the model's outputs and the loss's term."""
    term = _TERMS[loss_fn]

    def sample(x: list[Value], t: list[Value]) -> tuple[Value, list[Value]]:
        out = model(x)
        outs = [out] if isinstance(out, Value) else list(out)
        return term(outs, t), outs

    return trace_sample(sample, data.X[0], data.T[0])


class PythonStep:
    """``fit``'s step on the Python backend: ``step(xb, yb) -> (loss, outputs)``; the
    gradients go to ``.grad`` and the optimizer runs in Python, as interpreted."""

    updates = None

    def __init__(self, model: Module, loss_fn: LossFn, l2: float, data: Dataset) -> None:
        self.model, self.loss_fn, self.l2, self.data = model, loss_fn, l2, data
        self.modules = model.modules()  # the guard: their modes, read at every step
        self.kernel: PythonBatch | None = None
        self.mode: tuple[Any, ...] = ()
        self.others: list[Value] = []

    def program(self) -> PythonBatch:
        """The traced sample for the model's current modes (traced again if they change)."""
        mode = tuple([m.training for m in self.modules])
        if self.kernel is None or mode != self.mode:
            self.kernel = PythonBatch(trace(self.model, self.loss_fn, self.data))
            self.mode = mode
            mine = set(self.kernel.params)
            self.others = [p for p in self.model.parameters() if p not in mine]
        return self.kernel

    def __call__(self, xb: list[list[Value]], yb: list[Any]) -> tuple[float, list[Any]]:
        kernel, data = self.program(), self.data
        idx = data.indices(xb)
        params = kernel.params
        P = [p.data for p in params]
        n = len(idx) * data.per_row
        try:
            total, outs, grads = kernel([data.X[i] for i in idx], [data.T[i] for i in idx], P,
                                        start(P, self.l2), 1.0 / n)
        except (ArithmeticError, ValueError):
            return batch_step(self.model, self.loss_fn, xb, yb, self.l2)
        value = loss_value(total, P, n, self.l2)
        check = sum(grads)
        if value - value != 0.0 or check - check != 0.0:
            return batch_step(self.model, self.loss_fn, xb, yb, self.l2)  # its own error
        for p, g in zip(params, grads):
            p.grad = g
        for p in self.others:
            p.grad = 0.0
        return value, [o[0] for o in outs] if data.single else outs

    def sync(self) -> None:
        """Nothing to write back: the parameters live in their ``Value``s."""

    def close(self) -> None:
        self.kernel = None


def start(P: list[float], l2: float) -> list[float]:
    """Each gradient before the samples add theirs: the L2 term's ``2 * l2 * p``, in the
    order the interpreted sweep adds it (``losses.l2``'s ``dot(ps, ps)`` comes first)."""
    if not l2:
        return [0.0] * len(P)
    return [(0.0 + p * l2) + p * l2 for p in P]


def loss_value(total: float, P: Sequence[float], n: int, l2: float) -> float:
    """The batch's mean loss plus ``l2 * sum(p * p)``, as ``losses._mean`` and ``losses.l2``
    compute it from the sum of the terms."""
    value = total if n == 1 else total * (1.0 / n)
    if l2:
        sq = 0.0
        for p in P:
            sq += p * p
        value = value + (sq if l2 == 1.0 else sq * l2)
    return value


BACKENDS = ("auto", "c", "python")


def check_backend(backend: Any, where: str) -> str:
    """``backend`` checked: one of ``BACKENDS``."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"{where}: backend must be one of {', '.join(map(repr, BACKENDS))}, "
                         f"got {backend!r:.40}")
    return backend
