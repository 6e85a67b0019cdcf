"""What every optimizer shares: its parameters, ``lr``, ``step()`` and its saved state.

The update rules themselves live in ``optim`` (``SGD``, ``RMSProp``, ``Adam``, ``AdamW``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Callable, TypeVar

from ..core.checks import integer, is_finite, is_real, positive
from ..core.value import Value

__all__ = ["Optimizer"]

T = TypeVar("T")


def _saved(check: Callable[..., T], x: Any, where: str, name: str, **kw: Any) -> T:
    """``check(x, where, name)`` for a value read from saved state: every refusal is a
    ``ValueError`` (the file is wrong, not the caller's code)."""
    try:
        return check(x, where, name, **kw)
    except TypeError as e:
        raise ValueError(str(e)) from None


def _floats(where: str, name: str, xs: object, n: int) -> list[float]:
    """Check a saved list of ``n`` finite floats."""
    if not isinstance(xs, list) or len(xs) != n:
        got = f"{len(xs)} values" if isinstance(xs, list) else type(xs).__name__
        raise ValueError(f"{where}: state {name!r} must be a list of {n} numbers, got {got}")
    for i, x in enumerate(xs):
        if not (is_real(x) and is_finite(x)):
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
        self.lr = positive(lr, name, "lr")
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

        >>> from tinygrad_scalar import Value, optim
        >>> sorted(optim.Adam([Value(1.0)]).state_dict())
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
        lr = _saved(positive, state.get("lr"), where, "lr")
        t = _saved(integer, state.get("t"), where, "step count 't'", minimum=0)
        n = len(self.params)
        buffers = {k: _floats(where, k, state.get(k), n) for k in self._buffers()}
        for k in self._squares:
            for i, x in enumerate(buffers[k]):
                if x < 0.0:
                    raise ValueError(f"{where}: state {k!r}[{i}] is a mean of squares and "
                                     f"must be >= 0, got {x!r}")
        self.lr, self.t = lr, t
        self._set_buffers(buffers)

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({len(self.params)} params, lr={self.lr!r}{hyper})"

