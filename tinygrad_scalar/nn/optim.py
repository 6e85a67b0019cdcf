"""Optimizers and learning-rate schedules.

An optimizer holds a list of parameters (``Value`` leaves) and updates their ``.data``
from their ``.grad``; its state (step count, moment estimates) is plain floats, so
``state_dict()`` is JSON-ready. A schedule changes an optimizer's ``lr`` once per epoch.

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

* ``SGD``: ``g += wd * p``; with momentum ``b = mu * b + g`` and ``g = b`` (or
  ``g + mu * b`` for Nesterov); ``p -= lr * g``.
* ``RMSProp``: ``g += wd * p``; ``s = alpha * s + (1 - alpha) * g**2``;
  ``p -= lr * g / (sqrt(s) + eps)``.
* ``Adam``: ``g += wd * p``; ``m = b1 m + (1 - b1) g``; ``v = b2 v + (1 - b2) g**2``;
  ``p -= lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``.
* ``AdamW``: ``p -= lr * wd * p`` (decoupled), then Adam without ``wd``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..core.value import Value

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


def _finite(x: object) -> bool:
    """True for an int or float that is a finite float (an int too large for one is not)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def _positive(where: str, name: str, x: object, allow_zero: bool = False) -> float:
    ok = _finite(x)
    if not ok or x < 0 or (x == 0 and not allow_zero):
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{where}: {name} must be a finite number {need}, got {x!r:.60}")
    return float(x)  # type: ignore[arg-type]


def _fraction(where: str, name: str, x: object) -> float:
    ok = isinstance(x, (int, float)) and not isinstance(x, bool)
    if not ok or not 0.0 <= x < 1.0:  # type: ignore[operator]
        raise ValueError(f"{where}: {name} must be in [0, 1), got {x!r}")
    return float(x)  # type: ignore[arg-type]


def _floats(where: str, name: str, xs: object, n: int) -> list[float]:
    """Check a saved list of ``n`` finite floats."""
    if not isinstance(xs, list) or len(xs) != n:
        got = f"{len(xs)} values" if isinstance(xs, list) else type(xs).__name__
        raise ValueError(f"{where}: state {name!r} must be a list of {n} numbers, got {got}")
    for i, x in enumerate(xs):
        if not _finite(x):
            raise ValueError(f"{where}: state {name!r}[{i}] must be a finite number, "
                             f"got {x!r:.60}")
    return [float(x) for x in xs]


class Optimizer:
    """Base class: holds ``params`` and ``lr``; subclasses implement ``_update``.

    ``params`` is an iterable of ``Value`` (or a module, whose ``parameters()`` are used).
    """

    _squares: tuple[str, ...] = ()  # buffers of running means of squared gradients

    def __init__(self, params: Any, lr: float) -> None:
        name = type(self).__name__
        if hasattr(params, "parameters") and callable(params.parameters):
            params = params.parameters()
        if not isinstance(params, Iterable) or isinstance(params, (str, bytes)):
            raise TypeError(f"{name}: params must be a list of Values or a model, "
                            f"got {type(params).__name__}")
        ps = list(params)
        if not ps:
            raise ValueError(f"{name}: got an empty parameter list")
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} must be a Value, got {type(p).__name__}")
        if len({id(p) for p in ps}) != len(ps):
            raise ValueError(f"{name}: a parameter appears more than once")
        self.params: list[Value] = ps
        self.lr = _positive(name, "lr", lr)
        self.t = 0

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zero."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient (one optimisation step).

        A gradient that is NaN or infinite raises ``FloatingPointError`` naming the
        parameter, and no parameter or state is changed.
        """
        for i, p in enumerate(self.params):
            if not math.isfinite(p.grad):
                label = f" ({p.label})" if p.label else ""
                raise FloatingPointError(f"{type(self).__name__}.step: gradient of parameter "
                                         f"{i}{label} is {p.grad}; no parameter was changed")
        self.t += 1
        self._update()

    def _update(self) -> None:
        raise NotImplementedError

    # -------------------------------------------------------------- state
    def _hyper(self) -> dict[str, Any]:
        """Hyper-parameters, saved for information and checked on load."""
        return {}

    def _buffers(self) -> dict[str, list[float]]:
        """Per-parameter state (lists of floats, one per parameter)."""
        return {}

    def _set_buffers(self, buffers: dict[str, list[float]]) -> None:
        pass

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue: type, ``lr``, step count, per-parameter buffers.

        >>> from tinygrad_scalar import Value
        >>> sorted(Adam([Value(1.0)]).state_dict())
        ['hyper', 'lr', 'm', 't', 'type', 'v']
        """
        state: dict[str, Any] = {"type": type(self).__name__, "lr": self.lr, "t": self.t,
                                 "hyper": self._hyper()}
        state.update({k: list(v) for k, v in self._buffers().items()})
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore ``state_dict()`` output; on any mismatch raise ``ValueError``, change nothing."""
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state, dict):
            raise ValueError(f"{where}: expected a dict, got {type(state).__name__}")
        if state.get("type") != name:
            raise ValueError(f"{where}: state is for optimizer {state.get('type')!r}, not {name!r}")
        lr = state.get("lr")
        _positive(where, "lr", lr)
        t = state.get("t")
        if isinstance(t, bool) or not isinstance(t, int) or t < 0:
            raise ValueError(f"{where}: step count 't' must be an int >= 0, got {t!r}")
        n = len(self.params)
        buffers = {k: _floats(where, k, state.get(k), n) for k in self._buffers()}
        for k in self._squares:
            for i, x in enumerate(buffers[k]):
                if x < 0.0:
                    raise ValueError(f"{where}: state {k!r}[{i}] is a mean of squares and "
                                     f"must be >= 0, got {x!r}")
        self.lr, self.t = float(lr), t  # type: ignore[arg-type]
        self._set_buffers(buffers)

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({len(self.params)} params, lr={self.lr!r}{hyper})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and weight decay.

    >>> from tinygrad_scalar import Value
    >>> w = Value(1.0); w.grad = 0.5
    >>> SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1).step()
    >>> round(w.data, 6)  # 1 - 0.1 * (0.5 + 0.1 * 1)
    0.94
    """

    def __init__(self, params: Any, lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = _fraction("SGD", "momentum", momentum)
        self.weight_decay = _positive("SGD", "weight_decay", weight_decay, allow_zero=True)
        if nesterov and self.momentum == 0.0:
            raise ValueError("SGD: nesterov=True needs momentum > 0 (got momentum=0)")
        self.nesterov = bool(nesterov)
        self.buf = [0.0] * len(self.params)

    def _update(self) -> None:
        lr, mu, wd, nesterov, buf = self.lr, self.momentum, self.weight_decay, self.nesterov, \
            self.buf
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            if mu:
                b = mu * buf[i] + g
                buf[i] = b
                g = g + mu * b if nesterov else b
            p.data -= lr * g

    def _hyper(self) -> dict[str, Any]:
        return {"momentum": self.momentum, "nesterov": self.nesterov,
                "weight_decay": self.weight_decay}

    def _buffers(self) -> dict[str, list[float]]:
        return {"buf": self.buf}

    def _set_buffers(self, buffers: dict[str, list[float]]) -> None:
        self.buf = buffers["buf"]


class RMSProp(Optimizer):
    """RMSProp: divide the step by a running root-mean-square of the gradient.

    >>> from tinygrad_scalar import Value
    >>> w = Value(1.0); w.grad = 2.0
    >>> RMSProp([w], lr=0.01, alpha=0.9).step()
    >>> round(w.data, 6)  # 1 - 0.01 * 2 / sqrt(0.1 * 4)
    0.968377
    """

    _squares = ("sq",)

    def __init__(self, params: Any, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.alpha = _fraction("RMSProp", "alpha", alpha)
        self.eps = _positive("RMSProp", "eps", eps)
        self.weight_decay = _positive("RMSProp", "weight_decay", weight_decay, allow_zero=True)
        self.sq = [0.0] * len(self.params)

    def _update(self) -> None:
        lr, a, eps, wd, sq = self.lr, self.alpha, self.eps, self.weight_decay, self.sq
        sqrt = math.sqrt
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            s = a * sq[i] + (1.0 - a) * g * g
            sq[i] = s
            p.data -= lr * g / (sqrt(s) + eps)

    def _hyper(self) -> dict[str, Any]:
        return {"alpha": self.alpha, "eps": self.eps, "weight_decay": self.weight_decay}

    def _buffers(self) -> dict[str, list[float]]:
        return {"sq": self.sq}

    def _set_buffers(self, buffers: dict[str, list[float]]) -> None:
        self.sq = buffers["sq"]


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

    _squares = ("v",)

    _decoupled = False

    def __init__(self, params: Any, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        name = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (_fraction(name, "beta1", betas[0]), _fraction(name, "beta2", betas[1]))
        self.eps = _positive(name, "eps", eps)
        self.weight_decay = _positive(name, "weight_decay", weight_decay, allow_zero=True)
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _update(self) -> None:
        lr, eps, wd, m, v = self.lr, self.eps, self.weight_decay, self.m, self.v
        b1, b2 = self.betas
        c1 = 1.0 - b1 ** self.t
        c2 = 1.0 - b2 ** self.t
        decoupled = self._decoupled
        sqrt = math.sqrt
        for i, p in enumerate(self.params):
            g = p.grad
            if wd:
                if decoupled:
                    p.data -= lr * wd * p.data
                else:
                    g = g + wd * p.data
            mi = b1 * m[i] + (1.0 - b1) * g
            vi = b2 * v[i] + (1.0 - b2) * g * g
            m[i], v[i] = mi, vi
            p.data -= lr * (mi / c1) / (sqrt(vi / c2) + eps)

    def _hyper(self) -> dict[str, Any]:
        return {"betas": list(self.betas), "eps": self.eps, "weight_decay": self.weight_decay}

    def _buffers(self) -> dict[str, list[float]]:
        return {"m": self.m, "v": self.v}

    def _set_buffers(self, buffers: dict[str, list[float]]) -> None:
        self.m, self.v = buffers["m"], buffers["v"]


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


# ==================================================================== schedules
class Schedule:
    """Base class: sets ``optimizer.lr = lr_at(epoch)``, starting at epoch 0.

    ``base_lr`` is the optimizer's ``lr`` when the schedule is made. Call ``step()`` once
    at the end of every epoch (``fit`` does).
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def _start(self) -> None:
        self.optimizer.lr = self.lr_at(0)

    def lr_at(self, epoch: int) -> float:
        """The learning rate for ``epoch`` (0-based)."""
        raise NotImplementedError

    def step(self) -> float:
        """Advance one epoch, set the optimizer's ``lr`` and return it."""
        self.epoch += 1
        lr = self.lr_at(self.epoch)
        self.optimizer.lr = lr
        return lr

    def state_dict(self) -> dict[str, Any]:
        """``{"type", "epoch", "base_lr"}``: enough to continue the schedule."""
        return {"type": type(self).__name__, "epoch": self.epoch, "base_lr": self.base_lr}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore ``state_dict()`` output (and the optimizer's ``lr``); ``ValueError`` on mismatch."""
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state, dict) or state.get("type") != name:
            got = state.get("type") if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"{where}: state is for schedule {got!r}, not {name!r}")
        epoch = state.get("epoch")
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ValueError(f"{where}: 'epoch' must be an int >= 0, got {epoch!r}")
        base = _positive(where, "base_lr", state.get("base_lr"))
        saved = self.epoch, self.base_lr
        self.epoch, self.base_lr = epoch, base
        try:
            lr = self.lr_at(epoch)
        except (ArithmeticError, TypeError):
            lr = math.nan
        if not _finite(lr) or lr < 0.0:
            self.epoch, self.base_lr = saved
            raise ValueError(f"{where}: epoch {epoch!r:.60} and base_lr {base!r} give no "
                             f"usable learning rate")
        self.optimizer.lr = lr

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_lr={self.base_lr!r}, epoch={self.epoch})"


def _count(where: str, name: str, x: object) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < 1:
        raise ValueError(f"{where}: {name} must be a positive int, got {x!r}")
    return x


class StepLR(Schedule):
    """``base_lr * gamma ** (epoch // step_size)``.

    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> s = StepLR(opt, step_size=2, gamma=0.5)
    >>> [s.lr_at(e) for e in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = _count("StepLR", "step_size", step_size)
        self.gamma = _positive("StepLR", "gamma", gamma)
        self._start()

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(Schedule):
    """``base_lr * gamma ** epoch``.

    >>> s = ExponentialLR(SGD([Value(0.0)], lr=1.0), gamma=0.5)
    >>> [s.lr_at(e) for e in range(3)]
    [1.0, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = _positive("ExponentialLR", "gamma", gamma)
        self._start()

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** epoch


class InverseTimeLR(Schedule):
    """``base_lr / (1 + decay * epoch)``.

    >>> s = InverseTimeLR(SGD([Value(0.0)], lr=1.0), decay=1.0)
    >>> [s.lr_at(e) for e in range(3)]
    [1.0, 0.5, 0.3333333333333333]
    """

    def __init__(self, optimizer: Optimizer, decay: float) -> None:
        super().__init__(optimizer)
        self.decay = _positive("InverseTimeLR", "decay", decay, allow_zero=True)
        self._start()

    def lr_at(self, epoch: int) -> float:
        return self.base_lr / (1.0 + self.decay * epoch)


class LinearLR(Schedule):
    """From ``base_lr`` linearly to ``end_factor * base_lr`` over ``total_epochs``, then flat.

    ``LinearLR(opt, 100, end_factor=0.1)`` is micrograd's ``1.0 - 0.9 * k / 100``.

    >>> s = LinearLR(SGD([Value(0.0)], lr=1.0), total_epochs=4, end_factor=0.0)
    >>> [s.lr_at(e) for e in range(6)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_epochs: int, end_factor: float = 0.0) -> None:
        super().__init__(optimizer)
        self.total_epochs = _count("LinearLR", "total_epochs", total_epochs)
        self.end_factor = _positive("LinearLR", "end_factor", end_factor, allow_zero=True)
        self._start()

    def lr_at(self, epoch: int) -> float:
        frac = min(epoch, self.total_epochs) / self.total_epochs
        return self.base_lr * (1.0 + (self.end_factor - 1.0) * frac)


class CosineLR(Schedule):
    """Half a cosine from ``base_lr`` down to ``min_lr`` over ``total_epochs``, then flat.

    >>> s = CosineLR(SGD([Value(0.0)], lr=1.0), total_epochs=2)
    >>> [round(s.lr_at(e), 6) for e in range(4)]
    [1.0, 0.5, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_epochs: int, min_lr: float = 0.0) -> None:
        super().__init__(optimizer)
        self.total_epochs = _count("CosineLR", "total_epochs", total_epochs)
        self.min_lr = _positive("CosineLR", "min_lr", min_lr, allow_zero=True)
        self._start()

    def lr_at(self, epoch: int) -> float:
        frac = min(epoch, self.total_epochs) / self.total_epochs
        return self.min_lr + (self.base_lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * frac))


class WarmupLR(Schedule):
    """Linear warm-up: ``base_lr * (epoch + 1) / warmup_epochs`` for the first epochs.

    Afterwards the rate is ``base_lr``, or follows ``then`` (another schedule on the same
    optimizer, made before this one), counted from the end of the warm-up.

    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> s = WarmupLR(opt, 4, then=LinearLR(opt, total_epochs=2))
    >>> [s.lr_at(e) for e in range(7)], opt.lr
    ([0.25, 0.5, 0.75, 1.0, 0.5, 0.0, 0.0], 0.25)
    """

    def __init__(self, optimizer: Optimizer, warmup_epochs: int,
                 then: Schedule | None = None) -> None:
        super().__init__(optimizer)
        self.warmup_epochs = _count("WarmupLR", "warmup_epochs", warmup_epochs)
        if then is not None and (not isinstance(then, Schedule) or then.optimizer is not optimizer):
            raise ValueError("WarmupLR: then must be a schedule on the same optimizer")
        self.then = then
        if then is not None:
            self.base_lr = then.base_lr
        self._start()

    def lr_at(self, epoch: int) -> float:
        w = self.warmup_epochs
        if epoch < w - 1:
            return self.base_lr * (epoch + 1) / w
        if self.then is None:
            return self.base_lr
        return self.then.lr_at(epoch - (w - 1))

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        if self.then is not None:
            state["then"] = self.then.state_dict()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self.then is not None:
            inner = state.get("then") if isinstance(state, dict) else None
            saved = (self.then.epoch, self.then.base_lr, self.optimizer.lr)
            self.then.load_state_dict(inner)  # type: ignore[arg-type]
            try:
                super().load_state_dict(state)
            except ValueError:
                self.then.epoch, self.then.base_lr, self.optimizer.lr = saved
                raise
        else:
            super().load_state_dict(state)

