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


def _which(i: int, p: Value) -> str:
    """``parameter 3 (L0.N1.w0)``: a parameter by index, and by label if it has one."""
    return f"parameter {i} ({p.label})" if p.label else f"parameter {i}"


class Optimizer:
    """Base class: holds ``params`` and ``lr``; subclasses implement ``_compute``.

    ``params`` is an iterable of ``Value`` (or a module, whose ``parameters()`` are used).
    ``lr`` must be ``> 0`` when the optimizer is made; afterwards (a schedule, or
    ``opt.lr = ...``) any finite value ``>= 0`` is accepted and anything else is refused.

    A subclass names its per-parameter buffers in ``_state`` (they start as lists of
    zeros and are saved by ``state_dict``), declares its hyper-parameters as ``Hyper``
    attributes, and implements ``_compute(t)``, which returns step ``t``'s new parameter
    values and new buffers without writing anything; ``step()`` checks and writes them.
    """

    _state: tuple[str, ...] = ()  # per-parameter buffers: attributes holding lists of floats
    _squares: tuple[str, ...] = ()  # those that are running means of squared gradients

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
            raise ValueError(f"{name}: got an empty parameter list (no parameters: did you "
                             f"store Values or modules as attributes of the Module?)")
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameter {i} must be a Value, got {type(p).__name__}")
        if len({id(p) for p in ps}) != len(ps):
            raise ValueError(f"{name}: a parameter appears more than once")
        self.params: list[Value] = ps
        self.lr = positive(lr, name, "lr")
        self.t = 0
        for k in self._state:
            setattr(self, k, [0.0] * len(ps))

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zero."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its gradient (one optimisation step).

        The new values are computed first and written only if they are all finite numbers.
        A gradient or a parameter that is NaN, infinite or not a number (``p.data = "x"``),
        or an update that overflows, raises naming the parameter (``FloatingPointError``;
        ``TypeError`` for a non-number), and no parameter or state is changed.

        >>> from tinygrad_scalar import Value, optim
        >>> w = Value(1.0, label="w"); w.grad = float("inf")
        >>> optim.SGD([w], lr=0.1).step()
        Traceback (most recent call last):
        ...
        FloatingPointError: SGD.step: gradient of parameter 0 (w) is inf; no parameter was changed
        """
        t = self.t + 1
        error: Exception | None = None
        try:
            new, buffers = self._compute(t)
            total = sum(new)  # one sum per list, not one check per parameter
            for b in buffers.values():
                total += sum(b)
            ok = isinstance(total, float) and total - total == 0.0  # not NaN, not infinite
        except (TypeError, ValueError, ArithmeticError) as e:
            new, buffers, ok, error = [], {}, False, e
        if not ok:
            self._refuse(new, buffers, error)  # returns only if just the sum overflowed
        for p, x in zip(self.params, new):
            p.data = x
        self.__dict__.update(buffers)
        self.t = t

    def _compute(self, t: int) -> tuple[list[float], dict[str, list[float]]]:
        """Step ``t``'s new parameter values and new buffers (those that change), as new
        lists: nothing is written, so a refused step leaves everything as it was."""
        raise NotImplementedError

    def _refuse(self, new: list[float], buffers: dict[str, list[float]],
                error: Exception | None) -> None:
        """The slow path of ``step()``: raise naming what is wrong (see ``step``)."""
        where, kept = f"{type(self).__name__}.step", "; no parameter was changed"
        for i, p in enumerate(self.params):
            for what, x in (("", p.data), ("gradient of ", p.grad)):
                if not is_real(x):
                    raise TypeError(f"{where}: {what}{_which(i, p)} is {x!r:.60} "
                                    f"({type(x).__name__}), not a number{kept}")
                if not is_finite(x):
                    raise FloatingPointError(f"{where}: {what}{_which(i, p)} is {x}{kept}")
        for k, xs in self._buffers().items():
            for i, x in enumerate(xs):
                if not (is_real(x) and is_finite(x)) or (k in self._squares and x < 0.0):
                    raise ValueError(f"{where}: state {k!r}[{i}] is {x!r:.60}{kept}")
        if error is not None:
            kind = FloatingPointError if isinstance(error, ArithmeticError) else TypeError
            raise kind(f"{where}: the update failed ({error}){kept}") from error
        for i, (p, x) in enumerate(zip(self.params, new)):
            if not (is_real(x) and is_finite(x)):
                raise FloatingPointError(
                    f"{where}: the update would make {_which(i, p)} {x!r:.60} (it is {p.data}, "
                    f"its gradient {p.grad}, lr {self.lr}){kept}")
        for k, xs in buffers.items():
            for i, x in enumerate(xs):
                if not (is_real(x) and is_finite(x)):
                    raise FloatingPointError(
                        f"{where}: the update would make state {k!r}[{i}] {x!r:.60} "
                        f"({_which(i, self.params[i])}, gradient {self.params[i].grad}){kept}")

    # -------------------------------------------------------------- state
    def _hyper(self) -> dict[str, Any]:
        """Hyper-parameters, saved for information (not read back on load)."""
        return {}

    def _buffers(self) -> dict[str, list[float]]:
        """Per-parameter state (lists of floats, one per parameter), by attribute name."""
        return {k: getattr(self, k) for k in self._state}

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
        buffers = {k: _floats(where, k, state.get(k), n) for k in self._state}
        for k in self._squares:
            for i, x in enumerate(buffers[k]):
                if x < 0.0:
                    raise ValueError(f"{where}: state {k!r}[{i}] is a mean of squares and "
                                     f"must be >= 0, got {x!r}")
        self.lr, self.t = lr, t
        self.__dict__.update(buffers)

    def __repr__(self) -> str:
        hyper = "".join(f", {k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({len(self.params)} params, lr={self.lr!r}{hyper})"

