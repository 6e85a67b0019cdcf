"""The calculus: every built-in primitive, its forward and, right under it, its one rule.

Each rule is written with arithmetic that works on floats, on ``Value`` nodes and on
symbols alike (see ``core.primitive``), so it is the only place the derivative exists:
``Value.backward``, Beta, ``create_graph``, forward mode, compiled code, listings and
gradient checks all read it. ``out`` is the operation's result (a float, or the node
itself when the rule builds a graph), the other arguments its inputs.

To add an operation, add one entry here (or, outside the library, call
``tinygrad_scalar.custom_op``): it then works in every mode.
"""

from __future__ import annotations

import math
from typing import Any, List

from .primitive import DomainError, Primitive, number_of

__all__ = ["ADD", "MUL", "POW", "POWV", "EXP", "LOG", "TANH", "SIGMOID", "RELU", "ABS",
           "SUM", "DOT", "STEP", "SIGN", "SQRT", "SIN", "COS", "TAN", "ATAN", "LOG1P",
           "SOFTPLUS", "LOGSUMEXP"]


# ---------------------------------------------------------------- piecewise constants
def _step(a: float) -> float:  # 1 for a > 0, 0 for a <= 0; NaN stays NaN
    return 1.0 if a > 0.0 else 0.0 if a <= 0.0 else a


STEP = Primitive("step", _step, lambda out, a: (0.0,), piecewise=True,
                 code="(1.0 if {0} > 0.0 else 0.0 if {0} <= 0.0 else {0})",
                 times="({1} if {0} > 0.0 else 0.0)",
                 c="({0} > 0.0 ? 1.0 : {0} <= 0.0 ? 0.0 : {0})")  # NaN: the forward is NaN already


def step(x: Any) -> Any:
    """``STEP`` for rules: on a float, the forward itself (the sweep's fast path)."""
    return _step(x) if type(x) is float else STEP(x)


def _sign(a: float) -> float:  # -1, 0 or 1; NaN stays NaN
    return 1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0 if a == 0.0 else a


SIGN = Primitive("sign", _sign, lambda out, a: (0.0,), piecewise=True,
                 code="(1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else 0.0 if {0} == 0.0 else {0})",
                 times="({1} if {0} > 0.0 else -{1} if {0} < 0.0 else 0.0)",
                 c="({0} > 0.0 ? 1.0 : {0} < 0.0 ? -1.0 : {0} == 0.0 ? 0.0 : {0})")


def sign(x: Any) -> Any:
    """``SIGN`` for rules: on a float, the forward itself (the sweep's fast path)."""
    return _sign(x) if type(x) is float else SIGN(x)


# ---------------------------------------------------------------- arithmetic
ADD = Primitive("+", lambda a, b: a + b, kind="binary",
                rule=lambda out, a, b: (1.0, 1.0))  # d(a+b)/da = d(a+b)/db = 1

MUL = Primitive("*", lambda a, b: a * b, kind="binary",
                rule=lambda out, a, b: (b, a))  # d(ab)/da = b, d(ab)/db = a


def _pow_forward(a: float, k: float) -> float:
    """``a ** k`` on floats, with the errors the engine promises."""
    if a == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"**: 0.0 ** {k} (zero to a negative power)")
    if a < 0.0 and k != int(k):
        raise DomainError(f"**: negative base with a non-integer exponent ({a} ** {k})")
    try:
        return a ** k
    except OverflowError:
        raise OverflowError(f"**: overflow in {a} ** {k}") from None


def _pow_rule(out: Any, a: Any, k: float) -> tuple[Any, ...]:  # d(a**k)/da = k a**(k-1), k a number
    if k == 0.0 or k == 1.0:
        return (k,)
    if k == 2.0:
        return (2.0 * a,)
    if k < 1.0 and number_of(a) == 0.0:
        raise ZeroDivisionError(f"**: derivative of x ** {k} is infinite at x = 0.0")
    return (k * a ** (k - 1.0),)


def _pow_code(a: str, k: float) -> str:
    if k == int(k) and abs(k) < 2.0 ** 53:  # float ** integer is never complex
        return f"{a} ** {k!r}"
    return f"_pow({a}, {k!r})"


POW = Primitive("**", _pow_forward, _pow_rule, kind="scaled", raises=True,
                code=_pow_code, names={"_pow": _pow_forward}, text="{0} ** {1}",
                c="pow({0}, {1})")


def _powv_rule(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
    # d(a**b)/da = b a**(b-1);  d(a**b)/db = a**b log(a)
    x, y = number_of(a), number_of(b)
    if y == 0.0 and x == 0.0:
        da: Any = 0.0  # a ** 0 is 1 for every a (and 0 ** -1 must not be formed)
    elif x == 0.0 and y < 1.0:
        raise ZeroDivisionError(f"pow: derivative of x ** {y} is infinite at x = 0.0")
    else:
        da = b * a ** (b - 1.0)
    if x > 0.0:
        db: Any = out * LOG(a)
    elif x == 0.0 and y > 0.0:
        db = 0.0  # 0 ** y is 0 for every y > 0
    elif x < 0.0:
        raise DomainError(f"pow: the derivative with respect to the exponent is undefined "
                         f"for a negative base ({x} ** {y})")
    else:
        raise DomainError(f"pow: the derivative with respect to the exponent is undefined "
                         f"at 0.0 ** {y} (0 ** y jumps from inf to 0 at y = 0)")
    return (da, db)


POWV = Primitive("pow", _pow_forward, _powv_rule, kind="binary", raises=True,
                 code="_pow({0}, {1})", names={"_pow": _pow_forward}, text="{0} ** {1}",
                 c="pow({0}, {1})")


# ---------------------------------------------------------------- exp and log
def _exp(a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(f"exp: overflow for x = {a}") from None


EXP = Primitive("exp", _exp, lambda out, a: (out,),  # d exp(a)/da = exp(a)
                code="exp({0})", names={"exp": math.exp}, c="exp({0})")


def _log(a: float) -> float:
    if a <= 0.0:
        raise DomainError(f"log: undefined for x = {a} (needs x > 0)")
    return math.log(a)


LOG = Primitive("log", _log, lambda out, a: (a ** -1.0,),  # d log(a)/da = 1/a (raises on overflow)
                code="log({0})", names={"log": math.log}, c="log({0})")


# ---------------------------------------------------------------- activations
TANH = Primitive("tanh", math.tanh, lambda out, a: (1.0 - out * out,),  # 1 - tanh(a)**2
                 code="tanh({0})", names={"tanh": math.tanh}, activation=True,
                 c="tanh({0})")


def _sigmoid(a: float) -> float:
    """``1 / (1 + e**-a)``, computed so it never overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


SIGMOID = Primitive("sigmoid", _sigmoid, lambda out, a: (out * (1.0 - out),),  # s (1 - s)
                    code="sigmoid({0})", names={"sigmoid": _sigmoid}, activation=True,
                    c="ts_sigmoid({0})")


def _relu(a: float) -> float:  # max(0, a); NaN stays NaN
    return a if not a <= 0.0 else 0.0


RELU = Primitive("relu", _relu,  # 1 for a > 0, else 0: step(a), inlined for floats
                 lambda out, a: ((1.0 if a > 0.0 else 0.0 if a <= 0.0 else a)
                                 if type(a) is float else STEP(a),),
                 code="({0} if not {0} <= 0.0 else 0.0)", activation=True,
                 c="({0} <= 0.0 ? 0.0 : {0})")

ABS = Primitive("abs", abs, lambda out, a: (sign(a),),  # sign(a), 0 at 0
                code="abs({0})", c="fabs({0})")


# ---------------------------------------------------------------- fused n-ary
def _sum(xs: List[float]) -> float:
    total = 0.0
    for x in xs:
        total += x
    return total


SUM = Primitive("sum", _sum, lambda out, xs: [1.0] * len(xs), kind="nary",
                code=lambda *terms: list(terms), c=lambda *terms: list(terms))


def _dot(xs: List[float]) -> float:  # xs = ws + xs (+ [bias])
    k = len(xs) // 2
    total = 0.0
    for i in range(k):
        total += xs[i] * xs[k + i]
    return total + xs[-1] if len(xs) % 2 else total


def _dot_rule(out: Any, xs: List[Any]) -> List[Any]:  # d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1
    k = len(xs) // 2
    if len(xs) % 2:
        return [*xs[k:2 * k], *xs[:k], 1.0]
    return [*xs[k:], *xs[:k]]


def _dot_code(*args: str) -> List[str]:
    k = len(args) // 2
    return [f"{args[i]} * {args[k + i]}" for i in range(k)] + list(args[2 * k:])


DOT = Primitive("dot", _dot, _dot_rule, kind="nary", code=_dot_code, c=_dot_code)


# ---------------------------------------------------------------- more functions
def _sqrt(a: float) -> float:
    if a < 0.0:
        raise DomainError(f"sqrt: undefined for x = {a} (needs x >= 0)")
    return math.sqrt(a)


def _sqrt_rule(out: Any, a: Any) -> tuple[Any, ...]:  # d sqrt(a)/da = 1 / (2 sqrt(a))
    if number_of(out) == 0.0:
        raise ZeroDivisionError("sqrt: derivative is infinite at x = 0.0")
    return (0.5 / out,)


SQRT = Primitive("sqrt", _sqrt, _sqrt_rule, raises=True, code="sqrt({0})",
                 names={"sqrt": math.sqrt}, c="sqrt({0})")

COS: Primitive  # defined below: sin's rule names cos, and cos's rule names sin
SIN = Primitive("sin", math.sin, lambda out, a: (COS(a),),  # d sin(a)/da = cos(a)
                code="sin({0})", names={"sin": math.sin}, c="sin({0})")

COS = Primitive("cos", math.cos, lambda out, a: (-SIN(a),),  # d cos(a)/da = -sin(a)
                code="cos({0})", names={"cos": math.cos}, c="cos({0})")

TAN = Primitive("tan", math.tan, lambda out, a: (1.0 + out * out,),  # 1 + tan(a)**2
                code="tan({0})", names={"tan": math.tan}, c="tan({0})")

ATAN = Primitive("atan", math.atan, lambda out, a: (1.0 / (1.0 + a * a),),
                 code="atan({0})", names={"atan": math.atan}, c="atan({0})")


def _log1p(a: float) -> float:
    if a <= -1.0:
        raise DomainError(f"log1p: undefined for x = {a} (needs x > -1)")
    return math.log1p(a)


LOG1P = Primitive("log1p", _log1p, lambda out, a: (1.0 / (1.0 + a),),  # 1 / (1 + a)
                  code="log1p({0})", names={"log1p": math.log1p}, c="log1p({0})")


def _softplus(a: float) -> float:
    """``log(1 + e**a)``, computed so it never overflows."""
    return a + math.log1p(math.exp(-a)) if a > 0.0 else math.log1p(math.exp(a))


SOFTPLUS = Primitive("softplus", _softplus, lambda out, a: (SIGMOID(a),),  # sigmoid(a)
                     code="softplus({0})", names={"softplus": _softplus}, activation=True,
                     c="ts_softplus({0})")


def _logsumexp(xs: List[float]) -> float:
    """``log(sum(e**x))`` shifted by the largest ``x``, so it never overflows."""
    m = max(xs)
    if m - m != 0.0:
        return m  # an infinity (or NaN) among the inputs passes through
    total = 0.0
    for x in xs:
        total += math.exp(x - m)
    return m + math.log(total)


LOGSUMEXP = Primitive("logsumexp", _logsumexp,  # d/dx_i = e**(x_i - out): the softmax
                      lambda out, xs: [EXP(x - out) for x in xs], kind="nary",
                      names={"logsumexp": _logsumexp},
                      c=lambda *xs: f"ts_logsumexp({len(xs)}, (const double[]){{{', '.join(xs)}}})")
