"""Custom operations: add your own primitive with its forward and its local derivatives.

``custom_op(name, forward, derivative, symbolic=None, arity=1)`` registers a new entry in
the rule registry (``core.primitive``), exactly like the built-in operations, so it works
in every mode: ``backward()`` (Alpha), ``naive.grad`` (Beta), ``Dual`` and ``jvp`` (forward
mode), ``backward(create_graph=True)`` and ``hessian`` (given ``symbolic``, or a
``derivative`` written with ``tinygrad_scalar.math`` functions), compiled mode, listings,
``trace_backward``, ``check_graph`` and drawings. On plain numbers it returns a float, like
a function of ``math``.

>>> import math
>>> from tinygrad_scalar import Value
>>> sin = custom_op("my_sin", math.sin, derivative=math.cos,
...                 symbolic=lambda x: cos(x))
>>> cos = custom_op("my_cos", math.cos, derivative=lambda x: -math.sin(x),
...                 symbolic=lambda x: -sin(x))
>>> x = Value(0.5, label="x")
>>> y = sin(x) * x
>>> y.backward()
>>> y.op, y.parents[0].op, round(x.grad, 6) == round(math.cos(0.5) * 0.5 + math.sin(0.5), 6)
('*', 'my_sin', True)

An operation of several inputs gives ``arity`` and returns one partial derivative per
input, in order:

>>> hypot = custom_op("hypot", math.hypot, arity=2,
...                   derivative=lambda a, b: (a / math.hypot(a, b), b / math.hypot(a, b)))
>>> a, b = Value(3.0), Value(4.0)
>>> h = hypot(a, b)
>>> h.backward()
>>> h.data, a.grad, b.grad
(5.0, 0.6, 0.8)

The module also holds the library's ready-made functions, the same registry entries as
``tinygrad_scalar.math``: ``sqrt``, ``sin``, ``cos``, ``tan``, ``atan``, ``log1p``,
``softplus`` and ``logsumexp``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence, Tuple, Union

from ..core.calculus import ATAN as atan
from ..core.calculus import COS as cos
from ..core.calculus import LOG1P as log1p
from ..core.calculus import LOGSUMEXP as logsumexp
from ..core.calculus import SIN as sin
from ..core.calculus import SOFTPLUS as softplus
from ..core.calculus import SQRT as sqrt
from ..core.calculus import TAN as tan
from ..core.primitive import REGISTRY, Primitive

__all__ = ["custom_op", "CustomOp", "sqrt", "sin", "cos", "tan", "atan", "log1p", "softplus",
           "logsumexp"]

Derivative = Callable[..., Union[float, Tuple[float, ...]]]


class CustomOp(Primitive):
    """A user-defined primitive operation (made by ``custom_op``); call it on its inputs."""

    def __init__(self, name: str, forward: Callable[..., float], derivative: Derivative,
                 symbolic: Optional[Callable[..., Any]] = None, arity: int = 1) -> None:
        if not isinstance(name, str) or not name or not name.isprintable():
            raise ValueError(f"custom_op: name must be a non-empty str of printable characters "
                             f"(no newline), got {name!r:.60}")
        for what, fn in (("forward", forward), ("derivative", derivative)):
            if not callable(fn):
                raise TypeError(f"custom_op {name!r}: {what} must be callable, got {fn!r}")
        if symbolic is not None and not callable(symbolic):
            raise TypeError(f"custom_op {name!r}: symbolic must be callable, got {symbolic!r}")
        if isinstance(arity, bool) or not isinstance(arity, int) or arity < 1:
            raise ValueError(f"custom_op {name!r}: arity must be a positive int, got {arity!r}")
        if name in REGISTRY and not isinstance(REGISTRY[name], CustomOp):
            raise ValueError(f"custom_op: {name!r} is a built-in operation; give yours "
                             f"another name")
        self.derivative, self.symbolic, self.n_inputs = derivative, symbolic, arity
        self.user_forward = forward
        kind = "unary" if arity == 1 else "binary" if arity == 2 else "nary"
        fwd = forward if arity <= 2 else (lambda xs: forward(*xs))
        super().__init__(name, fwd, self._make_rule(), kind=kind, raises=True)

    def _make_rule(self) -> Callable[..., Tuple[Any, ...]]:
        """The one rule of this operation, for every kind of number (see the module)."""
        op = self

        def rule(out: Any, *args: Any) -> Tuple[Any, ...]:
            xs = list(args[0]) if op.n_inputs > 2 else list(args)
            if all(type(x) is float for x in xs):
                return op._partials(op.derivative(*xs), xs, check=True)
            if op.symbolic is not None:
                return op._partials(op.symbolic(*xs), xs, check=False)
            try:
                return op._partials(op.derivative(*xs), xs, check=False)
            except TypeError as e:
                raise TypeError(f"create_graph: operation {op.name!r} has no symbolic "
                                f"derivative (give custom_op symbolic=..., or write derivative "
                                f"with tinygrad_scalar.math functions), so it can be "
                                f"differentiated only once ({e})") from None

        return rule

    def _partials(self, d: Any, xs: Sequence[Any], check: bool) -> Tuple[Any, ...]:
        ds = tuple(d) if isinstance(d, (tuple, list)) else (d,)
        if len(ds) != self.n_inputs:
            raise TypeError(f"{self.name}: derivative returned {len(ds)} partial derivative(s) "
                            f"for {self.n_inputs} input(s)")
        if check:
            for x in ds:
                if isinstance(x, bool) or not isinstance(x, (int, float)):
                    raise TypeError(f"{self.name}: derivative must return numbers, got {x!r:.60}")
                if not math.isfinite(x):
                    shown = ", ".join(f"{a:.6g}" for a in xs)
                    raise ValueError(f"{self.name}: derivative is {x} at ({shown})")
            return tuple(float(x) for x in ds)
        return ds

    @property
    def arity(self) -> int:
        """How many inputs the operation takes."""
        return self.n_inputs

    def __call__(self, *args: Any) -> Any:
        """Apply the operation: a ``Value`` for ``Value`` inputs, a ``Dual`` for ``Dual``
        inputs, a float for plain numbers."""
        if len(args) != self.n_inputs:
            raise TypeError(f"{self.name}: takes {self.n_inputs} input(s), got {len(args)}")
        if self.n_inputs > 2:
            return super().__call__(list(args))
        return super().__call__(*args)

    def __repr__(self) -> str:
        return f"custom_op({self.name!r}, arity={self.n_inputs})"


def custom_op(name: str, forward: Callable[..., float], derivative: Derivative,
              symbolic: Optional[Callable[..., Any]] = None, arity: int = 1) -> CustomOp:
    """Make a new primitive operation from its forward and its local derivatives.

    ``forward(*xs) -> float`` computes the value from ``arity`` floats;
    ``derivative(*xs)`` returns the partial derivative with respect to each input (a float
    when ``arity`` is 1, else a tuple), from floats; ``symbolic(*vs)``, optional, returns
    the same partials computed from ``Value`` inputs with ``Value`` operations (or
    ``tinygrad_scalar.math`` functions), which makes the operation differentiable to any
    order. A ``derivative`` written with ``tinygrad_scalar.math`` functions needs no
    ``symbolic``: it already works on ``Value``s.

    >>> import math
    >>> from tinygrad_scalar import Value
    >>> sp = custom_op("my_softplus", lambda x: math.log1p(math.exp(x)),
    ...                derivative=lambda x: 1.0 / (1.0 + math.exp(-x)),
    ...                symbolic=lambda x: x.sigmoid())
    >>> x = Value(0.0)
    >>> y = sp(x)
    >>> y.backward()
    >>> round(y.data, 6), x.grad, y.op
    (0.693147, 0.5, 'my_softplus')
    """
    return CustomOp(name, forward, derivative, symbolic, arity)
