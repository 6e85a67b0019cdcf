"""Forward mode: dual numbers ``a + b·ε`` with ``ε² = 0``.

Evaluate a function on ``Dual(x, dx)`` and every operation carries the derivative along
with the value: ``f(a + b·ε) = f(a) + f'(a)·b·ε``. One evaluation gives one *directional*
derivative (a Jacobian-vector product) and needs no graph at all, which is the mirror
image of ``backward`` (one sweep gives one row of the Jacobian, a vector-Jacobian product).

>>> x = Dual(2.0, 1.0)          # x = 2, dx = 1
>>> y = x * x + x.exp()
>>> round(y.primal, 6), round(y.tangent, 6)     # x**2 + e**x and 2x + e**x at 2
(11.389056, 11.389056)

Every operation is a primitive of the registry (``core.calculus``), applied here the forward
way: the primal is the primitive's forward, the tangent ``sum_i rule_i * tangent_i`` with
the very rule the reverse sweep uses. So a ``Dual`` works with every built-in operation
and every ``custom_op``, with plain numbers (constants) and with ``Value``s, which count as
the constant they hold: a model's parameters stay fixed while forward mode differentiates
with respect to its inputs, and ``MLP`` runs on ``Dual`` inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional, Union

from ..core.calculus import ABS, ADD, DOT, EXP, LOG, MUL, POW, POWV, RELU, SIGMOID, SUM, TANH
from ..core.checks import finite
from ..core.primitive import Primitive, nonfinite_result
from ..core.value import Value

__all__ = ["Dual", "DualOperand"]

DualOperand = Union["Dual", Value, int, float]
_new = object.__new__


def _make(primal: float, tangent: float) -> Dual:
    d = _new(Dual)
    d.primal = primal
    d.tangent = tangent
    return d


def _split(x: Any, where: str) -> tuple[Any, ...]:
    """``(primal, tangent)`` of an operand; a ``Value`` or a number is a constant."""
    if type(x) is Dual:
        return x.primal, x.tangent
    if isinstance(x, Value):
        return x.data, 0.0
    return finite(x, where, "operand"), 0.0


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
        if isinstance(primal, Value) or isinstance(tangent, Value):
            raise TypeError("Dual: expected numbers, got a Value (pass v.data)")
        self.primal = finite(primal, "Dual", "primal")
        self.tangent = finite(tangent, "Dual", "tangent")

    # ------------------------------------------------------------------ the registry's hook
    _primitive_rank = 2

    @staticmethod
    def _apply_primitive(p: Primitive, args: Any) -> Any:
        """Apply a registry entry the forward way: primal by the forward, tangent by the rule."""
        if p.kind == "nary":
            pairs = [_split(x, p.name) for x in args[0]]
            if not pairs:
                raise ValueError(f"{p.name}: needs at least one input")
            xs = [a for a, _ in pairs]
            out = p.run_forward(xs)
            local = p.rule(out, xs)
        else:
            p._check_count(args)
            pairs = [_split(x, p.name) for x in args[:p.arity]]
            xs = [a for a, _ in pairs]
            if p.kind == "scaled":
                k = finite(args[1], p.name, "exponent")
                out = p.run_forward(xs[0], k)
                local = p.rule(out, xs[0], k) if pairs[0][1] != 0.0 else (0.0,)
            else:
                out = p.run_forward(*xs)
                local = p.rule(out, *xs) if any(t != 0.0 for _, t in pairs) else (0.0,) * len(xs)
        out = float(out)
        if out - out != 0.0:
            nonfinite_result(p.name, out, xs)
        if p.piecewise:
            return out
        tangent = 0.0
        for d, (_, t) in zip(local, pairs):
            if t != 0.0:
                tangent += d * t
        if tangent - tangent != 0.0 and out - out == 0.0:
            nonfinite_result(f"{p.name} (its tangent)", tangent, [t for _, t in pairs] + xs)
        return _make(out, tangent)

    def _primitive_number(self) -> float:
        return self.primal

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: DualOperand) -> Dual:
        """Sum; a plain number is a constant (tangent 0)."""
        return ADD(self, other) if _operand(other) else NotImplemented

    def __radd__(self, other: DualOperand) -> Dual:
        return ADD(other, self) if _operand(other) else NotImplemented

    def __mul__(self, other: DualOperand) -> Dual:
        """Product (the product rule on the tangents)."""
        return MUL(self, other) if _operand(other) else NotImplemented

    def __rmul__(self, other: DualOperand) -> Dual:
        return MUL(other, self) if _operand(other) else NotImplemented

    def __neg__(self) -> Dual:
        return self * -1.0

    def __sub__(self, other: DualOperand) -> Dual:
        return self + -Dual(*_split(other, "-")) if _operand(other) else NotImplemented

    def __rsub__(self, other: DualOperand) -> Dual:
        return -self + other if _operand(other) else NotImplemented

    def __truediv__(self, other: DualOperand) -> Dual:
        """Quotient ``a * b**-1``; ``ZeroDivisionError`` for a zero divisor."""
        if not _operand(other):
            return NotImplemented
        b = _split(other, "/")
        if b[0] == 0.0:
            raise ZeroDivisionError(f"/: division by zero ({self.primal} / {b[0]})")
        return self * Dual(*b) ** -1.0

    def __rtruediv__(self, other: DualOperand) -> Dual:
        return Dual(*_split(other, "/")) / self if _operand(other) else NotImplemented

    def __pow__(self, other: DualOperand) -> Dual:
        """Power with a number or ``Dual`` exponent, with the engine's domain errors."""
        if type(other) is Dual:
            return POWV(self, other)
        return POW(self, _split(other, "**")[0]) if _operand(other) else NotImplemented

    def __rpow__(self, other: DualOperand) -> Dual:
        return POWV(Dual(*_split(other, "**")), self) if _operand(other) else NotImplemented

    # ------------------------------------------------------------------ functions
    def exp(self) -> Dual:
        """``e ** self``; ``OverflowError`` when too large for a float."""
        return EXP(self)

    def log(self) -> Dual:
        """Natural logarithm; ``ValueError`` for a value that is not positive."""
        return LOG(self)

    def tanh(self) -> Dual:
        """Hyperbolic tangent."""
        return TANH(self)

    def sigmoid(self) -> Dual:
        """Logistic function, computed so it never overflows."""
        return SIGMOID(self)

    def relu(self) -> Dual:
        """``max(0, x)``; derivative 0 at 0, as in the engine."""
        return RELU(self)

    def __abs__(self) -> Dual:
        return ABS(self)

    @staticmethod
    def sum(values: Iterable[DualOperand], start: DualOperand = 0.0) -> Dual:
        """``start + v0 + v1 + ...``, the twin of ``Value.sum``.

        >>> Dual.sum([Dual(1.0, 1.0), 2.0, Dual(3.0, -1.0)])
        Dual(primal=6, tangent=0)
        """
        if not isinstance(values, Iterable) or isinstance(values, (str, bytes)):
            raise TypeError(f"Dual.sum: values must be a list of Duals or numbers, got "
                            f"{type(values).__name__}")
        xs = list(values)
        for x in xs:
            _split(x, "Dual.sum")
        if not (isinstance(start, (int, float)) and start == 0.0):
            xs.append(start)
        if not xs:
            raise ValueError("Dual.sum: needs at least one value")
        out = SUM(xs)
        return out if type(out) is Dual else _make(float(out), 0.0)

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
        operands = list(ws) + list(xs) + ([] if bias is None else [bias])
        for x in operands:
            _split(x, "Dual.dot")
        out = DOT(operands)
        return out if type(out) is Dual else _make(float(out), 0.0)

    # ------------------------------------------------------------------ numbers, on request
    def item(self) -> float:
        """The primal as a plain float (it leaves forward mode: no tangent)."""
        return self.primal

    def __float__(self) -> float:
        raise TypeError(f"float() of a Dual would drop its tangent silently: use d.primal, "
                        f"or tinygrad_scalar.math (sin, exp, ...) for differentiable "
                        f"functions [{self!r}]")

    def __format__(self, spec: str) -> str:
        return format(self.primal, spec) if spec else repr(self)

    def __lt__(self, other: DualOperand) -> bool:
        return self.primal < _split(other, "<")[0]

    def __le__(self, other: DualOperand) -> bool:
        return self.primal <= _split(other, "<=")[0]

    def __gt__(self, other: DualOperand) -> bool:
        return self.primal > _split(other, ">")[0]

    def __ge__(self, other: DualOperand) -> bool:
        return self.primal >= _split(other, ">=")[0]

    def __repr__(self) -> str:
        return f"Dual(primal={self.primal:.6g}, tangent={self.tangent:.6g})"
