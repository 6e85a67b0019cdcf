"""Forward mode: dual numbers ``a + b·ε`` with ``ε² = 0``.

Evaluate a function on ``Dual(x, dx)`` and every operation carries the derivative along
with the value: ``f(a + b·ε) = f(a) + f'(a)·b·ε``. One evaluation gives one *directional*
derivative (a Jacobian-vector product) and needs no graph at all, which is the mirror
image of ``backward`` (one sweep gives one row of the Jacobian, a vector-Jacobian product).

>>> x = Dual(2.0, 1.0)          # x = 2, dx = 1
>>> y = x * x + x.exp()
>>> round(y.primal, 6), round(y.tangent, 6)     # x**2 + e**x and 2x + e**x at 2
(11.389056, 11.389056)

Each operation's derivative is written next to its value, as in ``engine``; the rules
are the same calculus, and the test suite checks that both modes agree. A ``Dual`` works
with plain numbers (constants), with other ``Dual``s, and with custom operations made by
``tinygrad_scalar.ops.custom_op``. A ``Value`` met by a ``Dual`` counts as a constant (its
``data``): so a model's parameters stay fixed while forward mode differentiates with
respect to its inputs, and ``MLP`` runs on ``Dual`` inputs (``Value.sum``/``Value.dot``
hand over to their twins ``Dual.sum`` and ``Dual.dot`` when they meet a ``Dual``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Optional, Union

from ..core import value as engine
from ..core.value import Value

__all__ = ["Dual", "DualOperand"]

DualOperand = Union["Dual", int, float]
_new = object.__new__


def _number(x: object, where: str) -> float:
    """A finite float from an int or float (a NaN or an infinity would spread silently);
    a ``Value`` counts as the constant it holds."""
    if isinstance(x, Value):  # a Value is a constant to forward mode
        return x.data
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        try:
            f = float(x)
        except OverflowError:
            raise OverflowError(f"{where}: an int of {x.bit_length()} bits is too large "  # type: ignore[union-attr]
                                f"for a float") from None
        if f - f != 0.0:
            raise ValueError(f"{where}: must be finite, got {f}")
        return f
    raise TypeError(f"{where}: expected a Dual, Value, int or float, got {type(x).__name__} "
                    f"({x!r:.80})")


def _make(primal: float, tangent: float) -> Dual:
    """A ``Dual`` from two floats, without checks (the operations have done them)."""
    d = _new(Dual)
    d.primal = primal
    d.tangent = tangent
    return d


def _dual(x: object, where: str) -> Dual:
    if type(x) is Dual:
        return x  # type: ignore[return-value]
    return _make(_number(x, where), 0.0)


def _operand(x: object) -> bool:
    return type(x) is Dual or isinstance(x, Value) or (
        isinstance(x, (int, float)) and not isinstance(x, bool))


class Dual:
    """A dual number: ``primal`` (the value) and ``tangent`` (its derivative along a direction).

    >>> Dual(3.0, 1.0) ** 2
    Dual(primal=9, tangent=6)
    """

    __slots__ = ("primal", "tangent")

    primal: float
    tangent: float

    def __init__(self, primal: float, tangent: float = 0.0) -> None:
        self.primal = _number(primal, "Dual")
        self.tangent = _number(tangent, "Dual")

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: DualOperand) -> Dual:  # d(a+b) = da + db
        """Sum; a plain number is a constant (tangent 0)."""
        if not _operand(other):
            return NotImplemented
        o = _dual(other, "+")
        return _make(self.primal + o.primal, self.tangent + o.tangent)

    __radd__ = __add__

    def __mul__(self, other: DualOperand) -> Dual:  # d(a*b) = da*b + a*db
        """Product (the product rule on the tangents)."""
        if not _operand(other):
            return NotImplemented
        o = _dual(other, "*")
        return _make(self.primal * o.primal, self.tangent * o.primal + self.primal * o.tangent)

    __rmul__ = __mul__

    def __neg__(self) -> Dual:
        return _make(-self.primal, -self.tangent)

    def __sub__(self, other: DualOperand) -> Dual:
        if not _operand(other):
            return NotImplemented
        return self + -_dual(other, "-")

    def __rsub__(self, other: DualOperand) -> Dual:
        if not _operand(other):
            return NotImplemented
        return _dual(other, "-") + -self

    def __truediv__(self, other: DualOperand) -> Dual:  # d(a/b) = da/b - a*db/b**2
        """Quotient; ``ZeroDivisionError`` for a zero divisor."""
        if not _operand(other):
            return NotImplemented
        o = _dual(other, "/")
        if o.primal == 0.0:
            raise ZeroDivisionError(f"/: division by zero ({self.primal} / {o.primal})")
        q = self.primal / o.primal
        return _make(q, (self.tangent - q * o.tangent) / o.primal)

    def __rtruediv__(self, other: DualOperand) -> Dual:
        if not _operand(other):
            return NotImplemented
        return _dual(other, "/") / self

    def __pow__(self, other: DualOperand) -> Dual:
        """Power with a number or ``Dual`` exponent, with the engine's domain errors."""
        # d(a**b) = b * a**(b-1) * da + a**b * log(a) * db
        if not _operand(other):
            return NotImplemented
        o = _dual(other, "**")
        a, b = self.primal, o.primal
        if a == 0.0 and b < 0.0:
            raise ZeroDivisionError(f"**: 0.0 ** {b} (zero to a negative power)")
        if a < 0.0 and b != int(b):
            raise ValueError(f"**: negative base with a non-integer exponent ({a} ** {b})")
        try:
            out = a ** b
        except OverflowError:
            raise OverflowError(f"**: overflow in {a} ** {b}") from None
        t = 0.0
        if self.tangent != 0.0 and b != 0.0:
            if a == 0.0 and b < 1.0:
                raise ZeroDivisionError(f"**: derivative of x ** {b} is infinite at x = 0.0")
            t += b * a ** (b - 1.0) * self.tangent
        if o.tangent != 0.0:
            if a > 0.0:
                t += out * math.log(a) * o.tangent
            elif a < 0.0:
                raise ValueError(f"pow: the derivative with respect to the exponent is "
                                 f"undefined for a negative base ({a} ** {b})")
        return _make(out, t)

    def __rpow__(self, other: DualOperand) -> Dual:
        if not _operand(other):
            return NotImplemented
        return _dual(other, "**") ** self

    # ------------------------------------------------------------------ functions
    def exp(self) -> Dual:  # d exp(a) = exp(a) da
        """``e ** self``; ``OverflowError`` when too large for a float."""
        try:
            e = math.exp(self.primal)
        except OverflowError:
            raise OverflowError(f"exp: overflow for x = {self.primal}") from None
        return _make(e, e * self.tangent)

    def log(self) -> Dual:  # d log(a) = da / a
        """Natural logarithm; ``ValueError`` for a value that is not positive."""
        a = self.primal
        if a <= 0.0:
            raise ValueError(f"log: undefined for x = {a} (needs x > 0)")
        return _make(math.log(a), self.tangent / a)

    def tanh(self) -> Dual:  # d tanh(a) = (1 - tanh(a)**2) da
        """Hyperbolic tangent."""
        t = math.tanh(self.primal)
        return _make(t, (1.0 - t * t) * self.tangent)

    def sigmoid(self) -> Dual:  # d s(a) = s(a) (1 - s(a)) da
        """Logistic function, computed so it never overflows."""
        a = self.primal
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return _make(s, s * (1.0 - s) * self.tangent)

    def relu(self) -> Dual:  # d relu(a) = da if a > 0 else 0
        """``max(0, x)``; derivative 0 at 0, as in the engine."""
        a = self.primal
        return _make(a, self.tangent) if a > 0.0 else _make(0.0, 0.0)

    def __abs__(self) -> Dual:  # d|a| = sign(a) da, 0 at 0
        a = self.primal
        s = 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0
        return _make(a * s, self.tangent * s)

    @staticmethod
    def sum(values: Iterable[DualOperand], start: DualOperand = 0.0) -> Dual:
        """``start + v0 + v1 + ...``, the twin of ``Value.sum``.

        >>> Dual.sum([Dual(1.0, 1.0), 2.0, Dual(3.0, -1.0)])
        Dual(primal=6, tangent=0)
        """
        if not isinstance(values, Iterable) or isinstance(values, (str, bytes)):
            raise TypeError(f"Dual.sum: values must be a list of Duals or numbers, got "
                            f"{type(values).__name__}")
        ps = [_dual(v, "Dual.sum") for v in values]
        if not (isinstance(start, (int, float)) and start == 0.0):
            ps.append(_dual(start, "Dual.sum"))
        if not ps:
            raise ValueError("Dual.sum: needs at least one value")
        return _make(sum(p.primal for p in ps), sum(p.tangent for p in ps))

    @staticmethod
    def dot(ws: Sequence[DualOperand], xs: Sequence[DualOperand],
            bias: Optional[DualOperand] = None) -> Dual:
        """``w0*x0 + w1*x1 + ... (+ bias)``, the twin of ``Value.dot``.

        >>> Dual.dot([2.0, -1.0], [Dual(3.0, 1.0), Dual(4.0, 0.0)], bias=0.5)
        Dual(primal=2.5, tangent=2)
        """
        for name, seq in (("ws", ws), ("xs", xs)):
            if not isinstance(seq, Sequence) or isinstance(seq, (str, bytes)):
                raise TypeError(f"Dual.dot: {name} must be a list of Duals or numbers, got "
                                f"{type(seq).__name__}")
        if len(ws) != len(xs):
            raise ValueError(f"Dual.dot: lengths differ ({len(ws)} weights, {len(xs)} inputs)")
        if not ws:
            raise ValueError("Dual.dot: needs at least one weight")
        p = t = 0.0
        for w, x in zip(ws, xs):
            w, x = _dual(w, "Dual.dot"), _dual(x, "Dual.dot")
            p += w.primal * x.primal
            t += w.tangent * x.primal + w.primal * x.tangent
        if bias is not None:
            b = _dual(bias, "Dual.dot")
            p += b.primal
            t += b.tangent
        return _make(p, t)

    # ------------------------------------------------------------------ plain-number views
    def __float__(self) -> float:
        return self.primal

    def __lt__(self, other: DualOperand) -> bool:
        return self.primal < _dual(other, "<").primal

    def __le__(self, other: DualOperand) -> bool:
        return self.primal <= _dual(other, "<=").primal

    def __gt__(self, other: DualOperand) -> bool:
        return self.primal > _dual(other, ">").primal

    def __ge__(self, other: DualOperand) -> bool:
        return self.primal >= _dual(other, ">=").primal

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal:.6g}, tangent={self.tangent:.6g})"


engine.TWIN_TYPES.append(Dual)  # Value.sum / Value.dot hand Duals over to Dual's twins
