"""Loss functions: a model's outputs and the targets in, one ``Value`` to minimise out.

Each loss accepts one sample or a batch and returns the **mean** over the batch:

* ``mse(pred, target)`` -- mean squared error for regression;
* ``binary_cross_entropy(logit, label)`` -- two classes, labels 0/1, from raw scores
  (logits), stable for logits of any size;
* ``softmax_cross_entropy(logits, label)`` -- ``k`` classes, labels ``0..k-1``, stable
  (the largest logit is subtracted before ``exp``);
* ``hinge(score, label)`` -- max-margin loss, labels -1/+1;
* ``l2(params, alpha)`` -- the weight penalty ``alpha * sum(p * p)``.

Outputs may be ``Value`` objects or plain numbers (a plain number is a constant). Sums over
many terms are single fused nodes (``Value.sum`` / ``Value.dot``), so a batch loss adds
only a few nodes per sample to the graph.

>>> from tinygrad_scalar import Value
>>> z = [Value(2.0), Value(0.5), Value(-1.0)]
>>> loss = softmax_cross_entropy(z, 0)
>>> loss.backward()
>>> round(loss.data, 6), [round(v.grad, 6) for v in z]
(0.241311, [-0.214403, 0.17529, 0.039113])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Union, cast

from ..core.calculus import LOGSUMEXP, SOFTPLUS
from ..core.checks import as_list, is_real
from ..core.value import Value

__all__ = [
    "CLASSIFICATION_LOSSES",
    "binary_cross_entropy",
    "hinge",
    "l2",
    "mse",
    "softmax_cross_entropy",
]

Scalar = Union[Value, int, float]
Outputs = Union[Scalar, Sequence[Scalar], Sequence[Sequence[Scalar]]]


# ---------------------------------------------------------------- argument checks
def _is_number(x: object) -> bool:
    return is_real(x)  # NumPy scalars included, bools refused


def _arrays(outputs: object, targets: object, where: str) -> tuple[Any, ...]:
    """Array-likes (NumPy arrays, pandas objects, tuples, generators) as plain lists."""
    return _listed(outputs, where), _listed(targets, where)


def _listed(x: object, where: str) -> object:
    if type(x) is list or _is_scalar(x) or isinstance(x, (bool, str)):
        return x  # the checks that follow name anything wrong
    try:
        return as_list(x, where, "x")
    except TypeError:
        return x


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or _is_number(x)


def _as_value(x: object, where: str) -> Value:
    """A ``Value`` for an output: a ``Value`` passes, a finite number becomes a leaf."""
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real) and _is_number(x):
        if not math.isfinite(x):
            raise ValueError(f"{where}: output must be finite, got {x!r}")
        return Value(float(x))
    raise TypeError(f"{where}: expected a Value or a number, got {type(x).__name__} ({x!r})")


def _pair(outputs: object, targets: object, where: str) -> tuple[Any, ...]:
    """Normalise to two equal-length lists (a single sample becomes a batch of one)."""
    outputs, targets = _arrays(outputs, targets, where)
    if _is_scalar(outputs):
        if not _is_scalar(targets):
            raise ValueError(f"{where}: one output but targets is {type(targets).__name__} "
                             f"({targets!r})")
        return [outputs], [targets]
    if not isinstance(outputs, Sequence) or isinstance(outputs, str):
        raise TypeError(f"{where}: outputs must be a Value, a number or a list of them, "
                        f"got {type(outputs).__name__}")
    if _is_scalar(targets) or not isinstance(targets, Sequence) or isinstance(targets, str):
        raise ValueError(f"{where}: {len(outputs)} outputs but targets is "
                         f"{type(targets).__name__} ({targets!r})")
    if len(outputs) != len(targets):
        raise ValueError(f"{where}: lengths differ ({len(outputs)} outputs, "
                         f"{len(targets)} targets)")
    if not outputs:
        raise ValueError(f"{where}: needs at least one output (got an empty batch)")
    return list(outputs), list(targets)


def _label(y: object, allowed: Sequence[int], where: str, i: int) -> int:
    """A class label checked against ``allowed`` (ints, or floats equal to one)."""
    if isinstance(y, numbers.Real) and _is_number(y) and y in allowed:
        return int(cast(float, y))
    shown = "{" + ", ".join(str(a) for a in allowed) + "}" if len(allowed) <= 4 else (
        f"0..{len(allowed) - 1}")
    raise ValueError(f"{where}: label {y!r} of sample {i} is not in the expected set {shown}")


def _mean(total: Value, n: int) -> Value:
    return total if n == 1 else total * (1.0 / n)


# ---------------------------------------------------------------- regression
def mse(pred: Outputs, target: Outputs) -> Value:
    """Mean squared error ``mean((pred - target) ** 2)`` over every output of the batch.

    ``pred`` is one output, a list of outputs (one per sample), or a list of lists (several
    outputs per sample); ``target`` has the same shape and may hold numbers or ``Value``.

    >>> from tinygrad_scalar import Value
    >>> p = [Value(1.0), Value(3.0)]
    >>> loss = mse(p, [0.0, 1.0])
    >>> loss.backward()
    >>> loss.data, [v.grad for v in p]
    (2.5, [1.0, 2.0])
    """
    outs, tgts = _pair(pred, target, "mse")
    diffs: list[Value] = []
    for i, (o, t) in enumerate(zip(outs, tgts)):
        if _is_scalar(o):
            if not _is_scalar(t):
                raise ValueError(f"mse: sample {i} has one output but target {t!r}")
            pairs = [(o, t)]
        else:
            os_, ts = _pair(o, t, f"mse (sample {i})")
            pairs = list(zip(os_, ts))
        for a, b in pairs:
            a = _as_value(a, "mse")
            if isinstance(b, Value):
                diffs.append(a - b)
            elif _is_number(b) and math.isfinite(b):
                diffs.append(a + (-float(b)))
            else:
                raise ValueError(f"mse: target of sample {i} must be a finite number, got {b!r}")
    return _mean(Value.dot(diffs, diffs), len(diffs))


# ---------------------------------------------------------------- two classes
def binary_cross_entropy(logit: Outputs, label: Outputs) -> Value:
    """Mean binary cross-entropy of ``sigmoid(logit)`` against labels 0/1.

    Computed from the logit ``z`` without forming ``sigmoid(z)``: the loss is
    ``softplus(-z)`` for label 1 and ``softplus(z)`` for label 0, one primitive of the
    registry whose forward never overflows and whose rule is ``sigmoid``, so the derivative
    is ``sigmoid(z) - y`` everywhere (including ``z = 0``) and compiled code recomputes
    everything per sample.

    >>> from tinygrad_scalar import Value
    >>> z = Value(0.0)
    >>> loss = binary_cross_entropy(z, 1)
    >>> loss.backward()
    >>> round(loss.data, 6), z.grad
    (0.693147, -0.5)
    >>> binary_cross_entropy(Value(-1000.0), 1).data
    1000.0
    """
    outs, labels = _pair(logit, label, "binary_cross_entropy")
    terms: list[Value] = []
    for i, (o, y) in enumerate(zip(outs, labels)):
        if not _is_scalar(o):
            raise ValueError(f"binary_cross_entropy: sample {i} must have one logit, got {o!r}")
        z = _as_value(o, "binary_cross_entropy")
        y = _label(y, (0, 1), "binary_cross_entropy", i)
        # -log sigmoid(z) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z): one
        # primitive of the registry, computed so that no logit overflows
        terms.append(SOFTPLUS(-z) if y == 1 else SOFTPLUS(z))
    return _mean(Value.sum(terms), len(terms))


def hinge(score: Outputs, label: Outputs) -> Value:
    """Mean max-margin loss ``mean(max(0, 1 - y * score))`` for labels -1/+1.

    >>> from tinygrad_scalar import Value
    >>> s = [Value(0.5), Value(2.0)]
    >>> loss = hinge(s, [1, -1])
    >>> loss.backward()
    >>> loss.data, [v.grad for v in s]
    (1.75, [-0.5, 0.5])
    """
    outs, labels = _pair(score, label, "hinge")
    terms: list[Value] = []
    for i, (o, y) in enumerate(zip(outs, labels)):
        if not _is_scalar(o):
            raise ValueError(f"hinge: sample {i} must have one score, got {o!r}")
        s = _as_value(o, "hinge")
        y = _label(y, (-1, 1), "hinge", i)
        terms.append((s * float(-y) + 1.0).relu())
    return _mean(Value.sum(terms), len(terms))


# ---------------------------------------------------------------- several classes
def softmax_cross_entropy(logits: Outputs, label: int | Sequence[int]) -> Value:
    """Mean cross-entropy of ``softmax(logits)`` against integer class labels.

    One sample: ``logits`` is a list of ``k`` outputs and ``label`` an int in ``0..k-1``.
    A batch: a list of such lists and a list of labels. Stable for logits of any size:
    ``log(sum(exp(z_i - m))) - (z_label - m)`` with ``m`` the largest logit (a constant).
    The gradient with respect to the logits is ``softmax(z) - onehot(label)``.

    >>> from tinygrad_scalar import Value
    >>> round(softmax_cross_entropy([Value(0.0), Value(0.0)], 1).data, 6)
    0.693147
    >>> softmax_cross_entropy([[1000.0, 0.0], [0.0, 1000.0]], [0, 1]).data
    0.0
    """
    where = "softmax_cross_entropy"
    logits, label = _arrays(logits, label, where)
    if _is_number(label) or isinstance(label, bool):
        samples, labels = [logits], [label]
        if _is_scalar(logits) or not isinstance(logits, Sequence):
            raise ValueError(f"{where}: one label ({label!r}) needs a list of logits, "
                             f"got {logits!r}")
    else:
        samples, labels = _pair(logits, label, where)
    logs: list[Value] = []
    picked: list[Value] = []
    for i, (row, y) in enumerate(zip(samples, labels)):
        if _is_scalar(row) or not isinstance(row, Sequence) or len(row) < 2:
            raise ValueError(f"{where}: sample {i} needs a list of at least 2 logits, got {row!r}")
        zs = [_as_value(z, where) for z in row]
        y = _label(y, range(len(zs)), where, i)
        logs.append(LOGSUMEXP(zs))  # log(sum(e**z)), shifted inside so it never overflows
        picked.append(zs[y])
    return _mean(Value.sum(logs) - Value.sum(picked), len(logs))


CLASSIFICATION_LOSSES = {
    binary_cross_entropy: "binary",
    hinge: "sign",
    softmax_cross_entropy: "argmax",
}
"""How each classification loss turns outputs into a class (used for accuracy)."""


# ---------------------------------------------------------------- regularisation
def l2(params: Iterable[Value], alpha: float = 1.0) -> Value:
    """The weight penalty ``alpha * sum(p * p)``, one fused node for the sum.

    >>> from tinygrad_scalar import Value
    >>> w = [Value(1.0), Value(-2.0)]
    >>> loss = l2(w, alpha=0.5)
    >>> loss.backward()
    >>> loss.data, [p.grad for p in w]
    (2.5, [1.0, -2.0])
    """
    if not isinstance(params, Iterable) or isinstance(params, (str, bytes)):
        raise TypeError(f"l2: params must be a list of Values, got {type(params).__name__}")
    ps = list(params)
    if not ps:
        raise ValueError("l2: needs at least one parameter")
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"l2: parameter {i} must be a Value, got {type(p).__name__}")
    if not _is_number(alpha) or not 0 <= alpha <= 1e300:
        raise ValueError(f"l2: alpha must be a finite number >= 0, got {alpha!r}")
    total = Value.dot(ps, ps)
    return total if alpha == 1.0 else total * float(alpha)
