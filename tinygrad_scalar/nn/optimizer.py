"""What every optimizer shares: its parameters, ``lr``, ``step()`` and its saved state.

The update rules themselves live in ``optim`` (``SGD``, ``RMSProp``, ``Adam``, ``AdamW``).
Hyper-parameters are checked whenever they are set, not only by the constructor:

>>> from tinygrad_scalar import Value, optim
>>> opt = optim.SGD([Value(1.0)], lr=0.1)
>>> opt.lr = float("nan")
Traceback (most recent call last):
...
ValueError: SGD: lr must be finite, got nan
>>> opt.lr
0.1
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from ..core.checks import integer, is_finite, is_real, positive, probability
from ..core.value import Value

__all__ = ["Optimizer", "Hyper"]

T = TypeVar("T")


class Hyper(Generic[T]):
    """A hyper-parameter attribute checked every time it is set.

    ``check(value, where, name)`` returns the value to store or raises ``TypeError`` /
    ``ValueError``; ``where`` is the optimizer's class name and ``name`` the attribute's, so
    ``opt.lr = -1`` says ``SGD: lr must be >= 0, got -1.0`` and ``opt.lr`` keeps its value.

    Reading costs what reading a plain attribute costs (``step()`` reads them every
    batch): the descriptor defines ``__set__`` but no ``__get__``, so Python finds the
    value in the instance's ``__dict__`` where ``__set__`` stored it.
    """

    def __init__(self, check: Callable[[Any, str, str], T]) -> None:
        self.check = check
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = self.check(value, type(obj).__name__, self.name)

    if TYPE_CHECKING:  # what a type checker sees when the attribute is read
        def __get__(self, obj: Any, owner: Any = None) -> T: ...


def learning_rate(x: Any, where: str, name: str) -> float:
    """A learning rate: a finite float ``>= 0`` (a schedule may anneal it down to 0)."""
    return positive(x, where, name, allow_zero=True)


def fraction(x: Any, where: str, name: str) -> float:
    """A decay factor such as momentum or a beta: a float in ``[0, 1)``."""
    return probability(x, where, name, allow_one=False)


def non_negative(x: Any, where: str, name: str) -> float:
    """A finite float ``>= 0`` (a weight decay)."""
    return positive(x, where, name, allow_zero=True)


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
    ``lr`` must be ``> 0`` when the optimizer is made; afterwards (a schedule, or
    ``opt.lr = ...``) any finite value ``>= 0`` is accepted and anything else is refused.
    """

    _squares: tuple[str, ...] = ()  # buffers of running means of squared gradients

    lr: Hyper[float] = Hyper(learning_rate)

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
        lr = _saved(learning_rate, state.get("lr"), where, "lr")
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

