"""Learning-rate schedules: each sets an optimizer's ``lr`` once per epoch.

>>> from tinygrad_scalar import Value, optim
>>> opt = optim.SGD([Value(0.0)], lr=1.0)
>>> s = ExponentialLR(opt, gamma=0.5)
>>> s.step(), s.step(), opt.lr
(0.5, 0.25, 0.25)
"""

from __future__ import annotations

import math
from typing import Any

from ..core.checks import integer, is_finite, is_real, positive, positive_int
from .optimizer import Optimizer, _saved

__all__ = [
    "CosineLR",
    "ExponentialLR",
    "InverseTimeLR",
    "LinearLR",
    "Schedule",
    "StepLR",
    "WarmupLR",
]


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
        """Advance one epoch, set the optimizer's ``lr`` and return it.

        A rate the optimizer refuses (NaN, an infinity) raises and leaves the epoch as it was.
        """
        lr = self.lr_at(self.epoch + 1)
        self.optimizer.lr = lr
        self.epoch += 1
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
        epoch = _saved(integer, state.get("epoch"), where, "'epoch'", minimum=0)
        base = _saved(positive, state.get("base_lr"), where, "base_lr", allow_zero=True)
        saved = self.epoch, self.base_lr
        self.epoch, self.base_lr = epoch, base
        try:
            lr = self.lr_at(epoch)
        except (ArithmeticError, TypeError):
            lr = math.nan
        if not (is_real(lr) and is_finite(lr)) or lr < 0.0:
            self.epoch, self.base_lr = saved
            raise ValueError(f"{where}: epoch {epoch!r:.60} and base_lr {base!r} give no "
                             f"usable learning rate")
        self.optimizer.lr = lr

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_lr={self.base_lr!r}, epoch={self.epoch})"


class StepLR(Schedule):
    """``base_lr * gamma ** (epoch // step_size)``.

    >>> from tinygrad_scalar import Value, optim
    >>> opt = optim.SGD([Value(0.0)], lr=1.0)
    >>> s = StepLR(opt, step_size=2, gamma=0.5)
    >>> [s.lr_at(e) for e in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = positive_int(step_size, "StepLR", "step_size")
        self.gamma = positive(gamma, "StepLR", "gamma")
        self._start()

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(Schedule):
    """``base_lr * gamma ** epoch``.

    >>> from tinygrad_scalar import Value, optim
    >>> s = ExponentialLR(optim.SGD([Value(0.0)], lr=1.0), gamma=0.5)
    >>> [s.lr_at(e) for e in range(3)]
    [1.0, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = positive(gamma, "ExponentialLR", "gamma")
        self._start()

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** epoch


class InverseTimeLR(Schedule):
    """``base_lr / (1 + decay * epoch)``.

    >>> from tinygrad_scalar import Value, optim
    >>> s = InverseTimeLR(optim.SGD([Value(0.0)], lr=1.0), decay=1.0)
    >>> [s.lr_at(e) for e in range(3)]
    [1.0, 0.5, 0.3333333333333333]
    """

    def __init__(self, optimizer: Optimizer, decay: float) -> None:
        super().__init__(optimizer)
        self.decay = positive(decay, "InverseTimeLR", "decay", allow_zero=True)
        self._start()

    def lr_at(self, epoch: int) -> float:
        return self.base_lr / (1.0 + self.decay * epoch)


class LinearLR(Schedule):
    """From ``base_lr`` linearly to ``end_factor * base_lr`` over ``total_epochs``, then flat.

    ``LinearLR(opt, 100, end_factor=0.1)`` is micrograd's ``1.0 - 0.9 * k / 100``.

    >>> from tinygrad_scalar import Value, optim
    >>> s = LinearLR(optim.SGD([Value(0.0)], lr=1.0), total_epochs=4, end_factor=0.0)
    >>> [s.lr_at(e) for e in range(6)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_epochs: int, end_factor: float = 0.0) -> None:
        super().__init__(optimizer)
        self.total_epochs = positive_int(total_epochs, "LinearLR", "total_epochs")
        self.end_factor = positive(end_factor, "LinearLR", "end_factor", allow_zero=True)
        self._start()

    def lr_at(self, epoch: int) -> float:
        frac = min(epoch, self.total_epochs) / self.total_epochs
        return self.base_lr * (1.0 + (self.end_factor - 1.0) * frac)


class CosineLR(Schedule):
    """Half a cosine from ``base_lr`` down to ``min_lr`` over ``total_epochs``, then flat.

    >>> from tinygrad_scalar import Value, optim
    >>> s = CosineLR(optim.SGD([Value(0.0)], lr=1.0), total_epochs=2)
    >>> [round(s.lr_at(e), 6) for e in range(4)]
    [1.0, 0.5, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_epochs: int, min_lr: float = 0.0) -> None:
        super().__init__(optimizer)
        self.total_epochs = positive_int(total_epochs, "CosineLR", "total_epochs")
        self.min_lr = positive(min_lr, "CosineLR", "min_lr", allow_zero=True)
        self._start()

    def lr_at(self, epoch: int) -> float:
        frac = min(epoch, self.total_epochs) / self.total_epochs
        return self.min_lr + (self.base_lr - self.min_lr) * 0.5 * (1.0 + math.cos(math.pi * frac))


class WarmupLR(Schedule):
    """Linear warm-up: ``base_lr * (epoch + 1) / warmup_epochs`` for the first epochs.

    Afterwards the rate is ``base_lr``, or follows ``then`` (another schedule on the same
    optimizer, made before this one), counted from the end of the warm-up.

    >>> from tinygrad_scalar import Value, optim
    >>> opt = optim.SGD([Value(0.0)], lr=1.0)
    >>> s = WarmupLR(opt, 4, then=LinearLR(opt, total_epochs=2))
    >>> [s.lr_at(e) for e in range(7)], opt.lr
    ([0.25, 0.5, 0.75, 1.0, 0.5, 0.0, 0.0], 0.25)
    """

    def __init__(self, optimizer: Optimizer, warmup_epochs: int,
                 then: Schedule | None = None) -> None:
        super().__init__(optimizer)
        self.warmup_epochs = positive_int(warmup_epochs, "WarmupLR", "warmup_epochs")
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

