"""Custom operations: add your own primitive with its forward and its local derivatives.

``custom_op(name, forward, derivative, symbolic=None, arity=1)`` returns an operation
``op``; ``op(x)`` on a ``Value`` makes one node whose ``op`` is ``name`` (so drawings
show it) and whose rule is ``derivative``, shared by every node of the operation like the
engine's own rules. It then works everywhere the built-in operations do:

* ``backward()`` (Alpha) and ``naive.grad`` (Beta) read ``derivative``;
* on ``Dual`` numbers (forward mode) it returns ``Dual(forward(x), derivative(x) * dx)``;
* ``symbolic`` gives the derivatives as ``Value``s, for ``backward(create_graph=True)``,
  ``hessian`` and ``grad(grad(f))``; without it, a second derivative raises ``TypeError``;
* on plain numbers it returns a plain float, like a function of ``math``.

>>> import math
>>> from tinygrad_scalar import Value
>>> sin = custom_op("sin", math.sin, derivative=math.cos,
...                 symbolic=lambda x: cos(x))
>>> cos = custom_op("cos", math.cos, derivative=lambda x: -math.sin(x),
...                 symbolic=lambda x: -sin(x))
>>> x = Value(0.5, label="x")
>>> y = sin(x) * x
>>> y.backward()
>>> y.op, y.parents[0].op, round(x.grad, 6) == round(math.cos(0.5) * 0.5 + math.sin(0.5), 6)
('*', 'sin', True)

An operation of several inputs gives ``arity`` and returns one partial derivative per
input, in order:

>>> hypot = custom_op("hypot", math.hypot, arity=2,
...                   derivative=lambda a, b: (a / math.hypot(a, b), b / math.hypot(a, b)))
>>> a, b = Value(3.0), Value(4.0)
>>> h = hypot(a, b)
>>> h.backward()
>>> h.data, a.grad, b.grad
(5.0, 0.6, 0.8)

The module also holds three ready-made examples, ``sin``, ``cos`` and ``softplus``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Tuple, Union

from ..core import value as engine
from ..derive.dual import Dual
from ..core.value import Value

__all__ = ["custom_op", "CustomOp", "sin", "cos", "softplus"]

Derivative = Callable[..., Union[float, Tuple[float, ...]]]


class CustomOp:
    """A user-defined primitive operation (made by ``custom_op``); call it on its inputs."""

    def __init__(self, name: str, forward: Callable[..., float], derivative: Derivative,
                 symbolic: Optional[Callable[..., Any]] = None, arity: int = 1) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"custom_op: name must be a non-empty str, got {name!r}")
        for what, fn in (("forward", forward), ("derivative", derivative)):
            if not callable(fn):
                raise TypeError(f"custom_op {name!r}: {what} must be callable, got {fn!r}")
        if symbolic is not None and not callable(symbolic):
            raise TypeError(f"custom_op {name!r}: symbolic must be callable, got {symbolic!r}")
        if isinstance(arity, bool) or not isinstance(arity, int) or arity < 1:
            raise ValueError(f"custom_op {name!r}: arity must be a positive int, got {arity!r}")
        self.name, self.forward, self.derivative = name, forward, derivative
        self.symbolic, self.arity = symbolic, arity
        self.rule = self._make_rule()

    def _make_rule(self) -> Callable[[Value], Tuple[float, ...]]:
        """The local-derivative rule shared by every node of this operation."""
        op = self

        def rule(n: Value) -> Tuple[float, ...]:
            return op._partials(op.derivative, [p.data for p in n.parents], "derivative")

        rule.op = self.name  # type: ignore[attr-defined]
        rule.replay = lambda n, parents: op(*parents)  # type: ignore[attr-defined]
        if self.symbolic is not None:
            def symbolic(n: Value) -> Tuple[Any, ...]:
                return op._partials(op.symbolic, list(n.parents), "symbolic")

            rule.symbolic = symbolic  # type: ignore[attr-defined]
        return rule

    def _partials(self, fn: Callable[..., Any], args: list, what: str) -> Tuple[Any, ...]:
        d = fn(*args)
        ds = tuple(d) if isinstance(d, (tuple, list)) else (d,)
        if len(ds) != self.arity:
            raise TypeError(f"{self.name}: {what} returned {len(ds)} partial derivative(s) "
                            f"for {self.arity} input(s)")
        if what == "derivative":
            ds = tuple(self._finite(x, what, args) for x in ds)
        return ds

    def _finite(self, x: object, what: str, args: list) -> float:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise TypeError(f"{self.name}: {what} must return numbers, got {x!r}")
        x = float(x)
        if not math.isfinite(x):
            shown = ", ".join(f"{a:.6g}" for a in args)
            raise ValueError(f"{self.name}: {what} is {x} at ({shown})")
        return x

    def __call__(self, *args: Union[Value, Dual, int, float]) -> Union[Value, Dual, float]:
        """Apply the operation: a ``Value`` for ``Value`` inputs, a ``Dual`` for ``Dual``
        inputs, a float for plain numbers."""
        if len(args) != self.arity:
            raise TypeError(f"{self.name}: takes {self.arity} input(s), got {len(args)}")
        kinds = {type(a) for a in args}
        if Value in kinds and Dual in kinds:
            raise TypeError(f"{self.name}: cannot mix Value and Dual inputs")
        for a in args:
            if not isinstance(a, (Value, Dual)) and (isinstance(a, bool)
                                                     or not isinstance(a, (int, float))):
                raise TypeError(f"{self.name}: expected a Value, Dual, int or float, "
                                f"got {type(a).__name__} ({a!r:.60})")
            if isinstance(a, (int, float)) and not _finite(a):
                raise ValueError(f"{self.name}: inputs must be finite, got {a!r:.60}")
        if Dual in kinds:
            return self._dual(args)
        if Value not in kinds:
            return self._finite(self.forward(*args), "forward", list(args))
        ps = tuple(a if isinstance(a, Value) else engine._const(float(a)) for a in args)
        data = self._finite(self.forward(*(p.data for p in ps)), "forward",
                            [p.data for p in ps])
        if self.arity == 1:
            return engine._node(data, ps[0], None, self.rule)
        if self.arity == 2:
            return engine._node(data, ps[0], ps[1], self.rule)
        return engine._node(data, ps, None, self.rule)

    def _dual(self, args: tuple) -> Dual:
        ds = [a if isinstance(a, Dual) else Dual(a) for a in args]
        primals = [d.primal for d in ds]
        out = self._finite(self.forward(*primals), "forward", primals)
        partials = self._partials(self.derivative, primals, "derivative")
        return Dual(out, sum(p * d.tangent for p, d in zip(partials, ds)))

    def __repr__(self) -> str:
        return f"custom_op({self.name!r}, arity={self.arity})"


def _finite(x: Union[int, float]) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:  # an int too large for a float
        return False


def custom_op(name: str, forward: Callable[..., float], derivative: Derivative,
              symbolic: Optional[Callable[..., Any]] = None, arity: int = 1) -> CustomOp:
    """Make a new primitive operation from its forward and its local derivatives.

    ``forward(*xs) -> float`` computes the value from ``arity`` floats;
    ``derivative(*xs)`` returns the partial derivative with respect to each input (a float
    when ``arity`` is 1, else a tuple), also from floats; ``symbolic(*vs)``, optional,
    returns the same partials computed from the input ``Value``s with ``Value`` operations
    (or other custom operations), which makes the operation differentiable to any order.

    >>> import math
    >>> from tinygrad_scalar import Value
    >>> softplus = custom_op("softplus", lambda x: math.log1p(math.exp(x)),
    ...                      derivative=lambda x: 1.0 / (1.0 + math.exp(-x)),
    ...                      symbolic=lambda x: x.sigmoid())
    >>> x = Value(0.0)
    >>> y = softplus(x)
    >>> y.backward()
    >>> round(y.data, 6), x.grad, y.op
    (0.693147, 0.5, 'softplus')
    """
    return CustomOp(name, forward, derivative, symbolic, arity)


def _softplus(x: float) -> float:
    return x + math.log1p(math.exp(-x)) if x > 0.0 else math.log1p(math.exp(x))


def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


sin = custom_op("sin", math.sin, math.cos, symbolic=lambda x: cos(x))
cos = custom_op("cos", math.cos, lambda x: -math.sin(x), symbolic=lambda x: -sin(x))
softplus = custom_op("softplus", _softplus, _sigmoid, symbolic=lambda x: x.sigmoid())
