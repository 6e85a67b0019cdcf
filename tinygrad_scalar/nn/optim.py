"""Optimizers: ``SGD``, ``RMSProp``, ``Adam`` and ``AdamW``.

An optimizer holds a list of parameters (``Value`` leaves) and updates their ``.data``
from their ``.grad``; its state (step count, moment estimates) is plain floats, so
``state_dict()`` is JSON-ready. What they share is ``optimizer.Optimizer``. The
learning-rate schedules live in ``schedules`` and are re-exported here, so
``from tinygrad_scalar.optim import Adam, CosineLR`` keeps working.

>>> from tinygrad_scalar import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> for _ in range(50):
...     opt.zero_grad()
...     loss = (w - 1.0) ** 2
...     loss.backward()
...     opt.step()
>>> round(w.data, 6)
1.000029

Update rules (``g`` the gradient, ``t`` the step number starting at 1):

* ``SGD``: ``g += wd * p``; with momentum ``b = mu * b + (1 - dampening) * g`` (``b = g``
  at the first step) and ``g = b`` (or ``g + mu * b`` for Nesterov); ``p -= lr * g``.
  ``dampening=momentum`` gives the moving-average form ``b = mu * b + (1 - mu) * g``.
* ``RMSProp``: ``g += wd * p``; ``s = alpha * s + (1 - alpha) * g**2``;
  ``p -= lr * g / (sqrt(s) + eps)``; ``centered=True`` also keeps ``a = alpha * a +
  (1 - alpha) * g`` and divides by ``sqrt(s - a**2) + eps`` (a variance, not a mean square).
* ``Adam``: ``g += wd * p``; ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g**2``;
  ``p -= lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``.
* ``AdamW``: ``p -= lr * wd * p`` (decoupled), then Adam without ``wd``.
"""

from __future__ import annotations

import math
from typing import Any

from ..core.checks import positive
from ..core.value import Value
from .optimizer import Hyper, Optimizer, fraction, non_negative
from .schedules import (
    CosineLR,
    ExponentialLR,
    InverseTimeLR,
    LinearLR,
    Schedule,
    StepLR,
    WarmupLR,
)

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "CosineLR",
    "ExponentialLR",
    "InverseTimeLR",
    "LinearLR",
    "Optimizer",
    "RMSProp",
    "Schedule",
    "StepLR",
    "WarmupLR",
]


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, dampening and weight
    decay, as ``torch.optim.SGD`` (``dampening`` scales the new gradient in the momentum
    buffer by ``1 - dampening``, from the second step on).

    >>> from tinygrad_scalar import Value
    >>> w = Value(1.0); w.grad = 0.5
    >>> SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1).step()
    >>> round(w.data, 6)  # 1 - 0.1 * (0.5 + 0.1 * 1)
    0.94
    """

    _state = ("buf",)

    momentum: Hyper[float] = Hyper(fraction)
    dampening: Hyper[float] = Hyper(fraction)
    weight_decay: Hyper[float] = Hyper(non_negative)
    buf: list[float]  # the momentum buffer, one float per parameter

    def __init__(self, params: Any, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0, dampening: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.dampening = dampening
        if nesterov is True and self.dampening != 0.0:
            raise ValueError(f"SGD: nesterov=True needs dampening=0 (got dampening="
                             f"{self.dampening})")
        if not isinstance(nesterov, bool):
            raise TypeError(f"SGD: nesterov must be True or False, got {nesterov!r:.40}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs momentum > 0 (got momentum=0)")
        self.nesterov = bool(nesterov)

    def _compute(self, t: int) -> tuple[list[float], dict[str, list[float]]]:
        lr, mu, wd, nesterov, ps = self.lr, self.momentum, self.weight_decay, self.nesterov, \
            self.params
        if not mu and not wd:
            return [p.data - lr * p.grad for p in ps], {}
        gs = _gradients(ps, wd)
        if not mu:
            return [p.data - lr * g for p, g in zip(ps, gs)], {}
        if t == 1:  # PyTorch starts the buffer at the first gradient, undamped
            buf = list(gs)
        elif self.dampening:
            k = 1.0 - self.dampening
            buf = [mu * b + k * g for b, g in zip(self.buf, gs)]
        else:
            buf = [mu * b + g for b, g in zip(self.buf, gs)]
        if nesterov:
            return [p.data - lr * (g + mu * b) for p, g, b in zip(ps, gs, buf)], {"buf": buf}
        return [p.data - lr * b for p, b in zip(ps, buf)], {"buf": buf}

    def _hyper(self) -> dict[str, Any]:
        return {"momentum": self.momentum, "dampening": self.dampening,
                "nesterov": self.nesterov, "weight_decay": self.weight_decay}



def _gradients(ps: list[Value], wd: float) -> list[float]:
    """Every parameter's gradient, plus ``wd * p`` (L2 weight decay) when ``wd`` is not 0."""
    if wd:
        return [p.grad + wd * p.data for p in ps]
    return [p.grad for p in ps]


def _betas(x: Any, where: str, name: str) -> tuple[float, float]:
    """Adam's ``(beta1, beta2)``: a pair of floats in ``[0, 1)``."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        error = ValueError if isinstance(x, (tuple, list)) else TypeError
        raise error(f"{where}: {name} must be a pair (beta1, beta2), got {x!r:.60}")
    return fraction(x[0], where, "beta1"), fraction(x[1], where, "beta2")


class RMSProp(Optimizer):
    """RMSProp: divide the step by a running root-mean-square of the gradient, as
    ``torch.optim.RMSprop``; ``centered=True`` divides by the running standard deviation
    instead (its running mean of gradients, ``grad_avg``, is saved by ``state_dict``).

    >>> from tinygrad_scalar import Value
    >>> w = Value(1.0); w.grad = 2.0
    >>> RMSProp([w], lr=0.01, alpha=0.9).step()
    >>> round(w.data, 6)  # 1 - 0.01 * 2 / sqrt(0.1 * 4)
    0.968377
    """

    _state: tuple[str, ...] = ("sq",)
    _squares = ("sq",)

    alpha: Hyper[float] = Hyper(fraction)
    eps: Hyper[float] = Hyper(positive)
    weight_decay: Hyper[float] = Hyper(non_negative)
    sq: list[float]  # the running mean of squared gradients, one float per parameter
    grad_avg: list[float]  # centered only: the running mean of gradients

    def __init__(self, params: Any, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, centered: bool = False) -> None:
        if not isinstance(centered, bool):
            raise TypeError(f"RMSProp: centered must be True or False, got {centered!r:.40}")
        self.centered = centered
        if centered:
            self._state = ("sq", "grad_avg")  # this instance keeps one more buffer
        super().__init__(params, lr)
        self.alpha = alpha
        self.eps = eps
        self.weight_decay = weight_decay

    def _compute(self, t: int) -> tuple[list[float], dict[str, list[float]]]:
        lr, a, eps, ps, sqrt = self.lr, self.alpha, self.eps, self.params, math.sqrt
        gs = _gradients(ps, self.weight_decay)
        k = 1.0 - a
        sq = [a * s + k * g * g for s, g in zip(self.sq, gs)]
        if not self.centered:
            return [p.data - lr * g / (sqrt(s) + eps) for p, g, s in zip(ps, gs, sq)], {"sq": sq}
        avg = [a * m + k * g for m, g in zip(self.grad_avg, gs)]
        # s - m**2 is a variance (>= 0); max() only drops a rounding error below zero
        new = [p.data - lr * g / (sqrt(max(s - m * m, 0.0)) + eps)
               for p, g, s, m in zip(ps, gs, sq, avg)]
        return new, {"sq": sq, "grad_avg": avg}

    def _hyper(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay,
                "centered": self.centered}



class Adam(Optimizer):
    """Adam with bias-corrected moment estimates (Kingma and Ba, 2015).

    ``weight_decay`` adds ``wd * p`` to the gradient (L2 regularisation); see ``AdamW`` for
    the decoupled form. The first step moves each parameter by about ``lr``:

    >>> from tinygrad_scalar import Value
    >>> w = Value(1.0); w.grad = 123.0
    >>> Adam([w], lr=0.01).step()
    >>> round(w.data, 6)
    0.99
    """

    _state = ("m", "v")
    _squares = ("v",)

    _decoupled = False

    betas: Hyper[tuple[float, float]] = Hyper(_betas)
    eps: Hyper[float] = Hyper(positive)
    weight_decay: Hyper[float] = Hyper(non_negative)
    m: list[float]  # the running mean of gradients, one float per parameter
    v: list[float]  # the running mean of squared gradients

    def __init__(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay

    def _compute(self, t: int) -> tuple[list[float], dict[str, list[float]]]:
        lr, eps, wd, ps, sqrt = self.lr, self.eps, self.weight_decay, self.params, math.sqrt
        b1, b2 = self.betas
        k1, k2 = 1.0 - b1, 1.0 - b2
        c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
        decoupled = self._decoupled
        gs = _gradients(ps, 0.0 if decoupled else wd)
        m = [b1 * mi + k1 * g for mi, g in zip(self.m, gs)]
        v = [b2 * vi + k2 * g * g for vi, g in zip(self.v, gs)]
        if wd and decoupled:  # shrink p first, then take the Adam step
            xs = [p.data - lr * wd * p.data for p in ps]
            new = [x - lr * (mi / c1) / (sqrt(vi / c2) + eps) for x, mi, vi in zip(xs, m, v)]
        else:
            new = [p.data - lr * (mi / c1) / (sqrt(vi / c2) + eps) for p, mi, vi in zip(ps, m, v)]
        return new, {"m": m, "v": v}

    def _hyper(self) -> dict[str, Any]:
        return {"betas": list(self.betas), "eps": self.eps, "weight_decay": self.weight_decay}



class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Each step first shrinks ``p`` by ``lr * weight_decay * p``, then takes the Adam step
    computed from the raw gradient.

    >>> from tinygrad_scalar import Value
    >>> w = Value(1.0); w.grad = 0.0
    >>> AdamW([w], lr=0.1, weight_decay=0.5).step()
    >>> w.data  # 1 - 0.1 * 0.5 * 1, and a zero Adam step
    0.95
    """

    _decoupled = True

    def __init__(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

