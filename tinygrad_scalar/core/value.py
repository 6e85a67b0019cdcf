"""The engine: ``Value``, a scalar that remembers how it was computed.

Each operation makes a new node that records its parents (in operand order) and a small
*local-derivative rule*: a function, written on the lines right under the operation's
forward, that returns the partial derivative of the node with respect to each parent.

``Value.backward`` (the Alpha design) sorts the graph topologically once and sweeps it in
reverse, adding ``local * grad`` into every parent. ``tinygrad_scalar.naive.grad`` (the
Beta design) reads the very same rules recursively, one variable at a time.

>>> a, b = Value(-4.0, label="a"), Value(2.0, label="b")
>>> c = a * b + b ** 3
>>> c.backward()
>>> a.grad, b.grad
(2.0, 8.0)

How a node is stored (this is what keeps a node small and the graph free of cycles):
``_a`` and ``_b`` hold the parents of a unary or binary operation (``_b`` may instead hold
a plain-number constant of a unary operation, such as the exponent of ``x ** 3``); an
n-ary operation keeps a tuple of parents in ``_a``. ``_fn`` is the operation's rule, a
plain function shared by every node of that operation, never a per-node closure.
"""

from __future__ import annotations

import gc
import math
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

__all__ = ["Value", "Number", "Operand", "peek"]

Number = Union[int, float]
Operand = Union["Value", int, float]
Rule = Callable[["Value"], Tuple[float, ...]]
Local = Union["Value", float]  # a local derivative built as a Value (or a plain number)

_CONST = object()  # marks, in ``_b``, a leaf made from a plain number by an operator
_EMIT = object()  # a marker on the stack of the topological sort
_new = object.__new__


def _rule(op: str) -> Callable[[Rule], Rule]:
    """Name a local-derivative rule with the operator it differentiates (for drawings)."""

    def name(fn: Rule) -> Rule:
        fn.op = op  # type: ignore[attr-defined]
        return fn

    return name


def _symbolic(rule: object) -> Callable[[Callable], Callable]:
    """Attach, as ``rule.symbolic``, the same local derivatives built as ``Value``s.

    The float rule feeds ``backward``; the symbolic one feeds ``backward(create_graph=True)``,
    whose gradients are graphs themselves and can be differentiated again.
    """

    def attach(fn: Callable) -> Callable:
        getattr(rule, "__func__", rule).symbolic = fn  # type: ignore[attr-defined]
        return fn

    return attach


def _node(data: float, a: object, b: object, fn: Rule) -> Value:
    """Make an operation's output node (no checks: the operation has done them)."""
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._a = a
    v._b = b
    v._fn = fn
    return v


def _number(x: object, where: str) -> float:
    """Check that ``x`` is a real int or float and return it as a float."""
    t = type(x)
    if t is float:
        return x  # type: ignore[return-value]
    if t is int or (isinstance(x, (int, float)) and not isinstance(x, bool)):
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"{where}: an int of {x.bit_length()} bits is too large "  # type: ignore[union-attr]
                                f"for a float") from None
    raise TypeError(f"{where}: expected an int or float, got {type(x).__name__} ({x!r:.80})")


def _finite(x: float, where: str) -> float:
    """``x`` if it is finite; a NaN or infinite operand would poison the graph silently."""
    if x - x != 0.0:  # true for NaN and for both infinities
        raise ValueError(f"{where}: operand must be finite, got {x}")
    return x


def _lift(x: object, where: str) -> Value:
    """Turn a plain number operand into a constant leaf; a ``Value`` passes through."""
    if type(x) is float:
        return _const(x, where)
    if isinstance(x, Value):
        return x
    return _const(_number(x, where), where)


def _const(x: float, where: str = "Value") -> Value:
    """A constant leaf for a plain (finite) number used as an operand of ``where``."""
    if x - x != 0.0:  # true for NaN and for both infinities
        raise ValueError(f"{where}: operand must be finite, got {x}")
    return _node(x, None, _CONST, None)  # type: ignore[arg-type]


#: other scalar types with their own fused ``sum`` and ``dot`` (forward mode's ``Dual``)
TWIN_TYPES: List[type] = []


def _defer(operands: Iterable[object], method: str) -> Optional[Callable]:
    """A twin type among the operands: ``Value.sum``/``Value.dot`` hand the whole operation
    over to it, as a binary operator returns ``NotImplemented`` for the other operand."""
    for p in operands:
        if type(p) in TWIN_TYPES:
            return getattr(type(p), method)
    return None


def _is_operand(x: object) -> bool:
    t = type(x)
    if t is float or t is Value:
        return True
    return isinstance(x, (Value, int, float)) and not isinstance(x, bool)


class Value:
    """A scalar that records how it was computed, so that gradients can flow back.

    ``Value(data, label="")`` wraps an ``int`` or ``float`` (stored as a finite float).

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> y.data, x.grad
    (15.0, 8.0)
    """

    __slots__ = ("data", "grad", "label", "_a", "_b", "_fn", "__weakref__")

    data: float
    grad: float
    label: str

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: data must be an int or float, got Value "
                            "(use the Value itself, or Value(v.data) for a copy)")
        data = _number(data, "Value")
        if not math.isfinite(data):
            raise ValueError(f"Value: data must be finite, got {data}")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._a = None
        self._b = None
        self._fn = None

    # ------------------------------------------------------------------ the graph
    @property
    def parents(self) -> Tuple[Value, ...]:
        """The operands this node was computed from, in operand order (``()`` for a leaf)."""
        a = self._a
        if a is None:
            return ()
        if type(a) is tuple:
            return a
        b = self._b
        return (a, b) if isinstance(b, Value) else (a,)

    @property
    def op(self) -> str:
        """The operation that made this node (``"+"``, ``"*"``, ``"tanh"``, ...); ``""`` for a leaf."""
        fn = self._fn
        return "" if fn is None else fn.op  # type: ignore[attr-defined]

    @property
    def is_leaf(self) -> bool:
        """True for a node that no operation made (an input, a parameter or a constant)."""
        return self._fn is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf an operator made from a plain number (the ``2`` in ``2 * x``)."""
        return self._fn is None and self._b is _CONST

    def local_grads(self) -> Tuple[float, ...]:
        """The partial derivatives of this node with respect to each parent, in order.

        >>> a, b = Value(2.0), Value(5.0)
        >>> (a * b).local_grads()
        (5.0, 2.0)
        """
        return () if self._fn is None else tuple(self._fn(self))

    # ------------------------------------------------------------------ addition
    def __add__(self, other: Operand) -> Value:
        t = type(other)
        if t is not Value:
            if t is float:
                other = _const(other, "+")
            elif _is_operand(other):
                other = _lift(other, "+")
            else:
                return NotImplemented
        return _node(self.data + other.data, self, other, Value._d_add)

    @staticmethod
    @_rule("+")
    def _d_add(n: Value) -> Tuple[float, float]:  # d(a+b)/da = 1, d(a+b)/db = 1
        return (1.0, 1.0)

    @staticmethod
    @_symbolic(_d_add)
    def _s_add(n: Value) -> Tuple[Local, Local]:
        return (1.0, 1.0)

    # ------------------------------------------------------------------ multiplication
    def __mul__(self, other: Operand) -> Value:
        t = type(other)
        if t is not Value:
            if t is float:
                other = _const(other, "*")
            elif _is_operand(other):
                other = _lift(other, "*")
            else:
                return NotImplemented
        return _node(self.data * other.data, self, other, Value._d_mul)

    @staticmethod
    @_rule("*")
    def _d_mul(n: Value) -> Tuple[float, float]:  # d(a*b)/da = b, d(a*b)/db = a
        return (n._b.data, n._a.data)

    @staticmethod
    @_symbolic(_d_mul)
    def _s_mul(n: Value) -> Tuple[Local, Local]:
        return (n._b, n._a)

    # ------------------------------------------------------------------ powers
    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _pow_values(self, other)
        if not _is_operand(other):
            return NotImplemented
        k = _finite(_number(other, "**"), "**")
        a = self.data
        return _node(_pow_forward(a, k), self, k, Value._d_pow)

    @staticmethod
    @_rule("**")
    def _d_pow(n: Value) -> Tuple[float]:  # d(a**k)/da = k * a**(k-1), k a plain number
        a, k = n._a.data, n._b
        if k == 0.0:
            return (0.0,)
        if a == 0.0 and k < 1.0:
            raise ZeroDivisionError(f"**: derivative of x ** {k} is infinite at x = 0.0")
        return (k * a ** (k - 1.0),)

    @staticmethod
    @_symbolic(_d_pow)
    def _s_pow(n: Value) -> Tuple[Local]:
        a, k = n._a, n._b
        if k == 0.0 or k == 1.0:
            return (k,)
        if a.data == 0.0 and k < 1.0:
            raise ZeroDivisionError(f"**: derivative of x ** {k} is infinite at x = 0.0")
        return (k * a ** (k - 1.0),)

    def __rpow__(self, other: Operand) -> Value:
        if not _is_operand(other):
            return NotImplemented
        return _pow_values(_lift(other, "**"), self)

    @staticmethod
    @_rule("pow")
    def _d_pow2(n: Value) -> Tuple[float, float]:
        # d(a**b)/da = b * a**(b-1);  d(a**b)/db = a**b * log(a)
        a, b, out = n._a, n._b, n.data
        if b.data == 0.0:
            da = 0.0
        elif a.data == 0.0 and b.data < 1.0:
            raise ZeroDivisionError(f"pow: derivative of x ** {b.data} is infinite at x = 0.0")
        else:
            da = b.data * a.data ** (b.data - 1.0)
        if a.data > 0.0:
            db = out * math.log(a.data)
        elif b.is_constant or a.data == 0.0:
            db = 0.0  # a constant exponent needs no gradient; at a == 0 the limit is 0
        else:
            raise ValueError(f"pow: the derivative with respect to the exponent is undefined "
                             f"for a negative base ({a.data} ** {b.data})")
        return (da, db)

    @staticmethod
    @_symbolic(_d_pow2)
    def _s_pow2(n: Value) -> Tuple[Local, Local]:
        a, b = n._a, n._b
        da: Local
        db: Local
        if b.data == 0.0 and (b.is_constant or a.data == 0.0):
            da = 0.0  # b * a**(b-1) is 0 here, and (b a constant) stays 0 nearby
        elif a.data == 0.0 and b.data < 1.0:
            raise ZeroDivisionError(f"pow: derivative of x ** {b.data} is infinite at x = 0.0")
        else:
            da = b * a ** (b - 1.0)
        if a.data > 0.0:
            db = n * a.log()
        elif b.is_constant or a.data == 0.0:
            db = 0.0
        else:
            raise ValueError(f"pow: the derivative with respect to the exponent is undefined "
                             f"for a negative base ({a.data} ** {b.data})")
        return (da, db)

    # ------------------------------------------------------------------ exp and log
    def exp(self) -> Value:
        """``e ** self``; ``OverflowError`` when the result is too large for a float."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp: overflow for x = {self.data}") from None
        return _node(out, self, None, Value._d_exp)

    @staticmethod
    @_rule("exp")
    def _d_exp(n: Value) -> Tuple[float]:  # d exp(a)/da = exp(a)
        return (n.data,)

    @staticmethod
    @_symbolic(_d_exp)
    def _s_exp(n: Value) -> Tuple[Local]:
        return (n,)

    def log(self) -> Value:
        """Natural logarithm; ``ValueError`` for a value that is not positive."""
        if self.data <= 0.0:
            raise ValueError(f"log: undefined for x = {self.data} (needs x > 0)")
        return _node(math.log(self.data), self, None, Value._d_log)

    @staticmethod
    @_rule("log")
    def _d_log(n: Value) -> Tuple[float]:  # d log(a)/da = 1/a
        return (1.0 / n._a.data,)

    @staticmethod
    @_symbolic(_d_log)
    def _s_log(n: Value) -> Tuple[Local]:
        return (n._a ** -1.0,)

    # ------------------------------------------------------------------ activations
    def tanh(self) -> Value:
        """Hyperbolic tangent (never overflows)."""
        return _node(math.tanh(self.data), self, None, Value._d_tanh)

    @staticmethod
    @_rule("tanh")
    def _d_tanh(n: Value) -> Tuple[float]:  # d tanh(a)/da = 1 - tanh(a)**2
        t = n.data
        return (1.0 - t * t,)

    @staticmethod
    @_symbolic(_d_tanh)
    def _s_tanh(n: Value) -> Tuple[Local]:
        return (1.0 - n * n,)

    def sigmoid(self) -> Value:
        """Logistic function ``1 / (1 + e**-x)``, computed so it never overflows."""
        a = self.data
        if a >= 0.0:
            out = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            out = e / (1.0 + e)
        return _node(out, self, None, Value._d_sigmoid)

    @staticmethod
    @_rule("sigmoid")
    def _d_sigmoid(n: Value) -> Tuple[float]:  # d s(a)/da = s(a) * (1 - s(a))
        s = n.data
        return (s * (1.0 - s),)

    @staticmethod
    @_symbolic(_d_sigmoid)
    def _s_sigmoid(n: Value) -> Tuple[Local]:
        return (n * (1.0 - n),)

    def relu(self) -> Value:
        """``max(0, x)``; its derivative is taken as 0 at 0."""
        a = self.data
        return _node(a if a > 0.0 else 0.0, self, None, Value._d_relu)

    @staticmethod
    @_rule("relu")
    def _d_relu(n: Value) -> Tuple[float]:  # d relu(a)/da = 1 if a > 0 else 0
        return (1.0 if n._a.data > 0.0 else 0.0,)

    @staticmethod
    @_symbolic(_d_relu)
    def _s_relu(n: Value) -> Tuple[Local]:  # piecewise constant: no second derivative
        return Value._d_relu(n)

    def __abs__(self) -> Value:
        a = self.data
        return _node(a if a >= 0.0 else -a, self, None, Value._d_abs)

    @staticmethod
    @_rule("abs")
    def _d_abs(n: Value) -> Tuple[float]:  # d|a|/da = sign(a), taken as 0 at 0
        a = n._a.data
        return (1.0 if a > 0.0 else -1.0 if a < 0.0 else 0.0,)

    @staticmethod
    @_symbolic(_d_abs)
    def _s_abs(n: Value) -> Tuple[Local]:  # piecewise constant: no second derivative
        return Value._d_abs(n)

    # ------------------------------------------------------------------ fused n-ary
    @staticmethod
    def sum(values: Iterable[Operand], start: Operand = 0.0) -> Value:
        """One node for ``start + v0 + v1 + ...`` (plain numbers become constants).

        >>> xs = [Value(1.0), Value(2.0), Value(3.0)]
        >>> s = Value.sum(xs)
        >>> s.backward()
        >>> s.data, [x.grad for x in xs], len(s.parents)
        (6.0, [1.0, 1.0, 1.0], 3)
        """
        if type(values) is not list and type(values) is not tuple and (
                not isinstance(values, Iterable) or isinstance(values, (str, bytes))):
            raise TypeError(f"Value.sum: values must be a list of Values or numbers, got "
                            f"{type(values).__name__}")
        ps = tuple(values)
        V = Value
        for p in ps:
            if type(p) is not V:
                other = _defer((*ps, start), "sum")
                if other is not None:
                    return other(ps, start)
                ps = tuple([p if type(p) is V else _lift(p, "Value.sum") for p in ps])
                break
        if not (isinstance(start, (int, float)) and start == 0.0):
            ps = ps + (_lift(start, "Value.sum"),)
        if not ps:
            raise ValueError("Value.sum: needs at least one value")
        total = 0.0
        for p in ps:
            total += p.data
        return _node(total, ps, None, Value._d_sum)

    @staticmethod
    @_rule("sum")
    def _d_sum(n: Value) -> Tuple[float, ...]:  # d(sum)/dv_i = 1
        return (1.0,) * len(n._a)

    @staticmethod
    @_symbolic(_d_sum)
    def _s_sum(n: Value) -> Tuple[Local, ...]:
        return (1.0,) * len(n._a)

    @staticmethod
    def dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Optional[Operand] = None) -> Value:
        """One node for ``w0*x0 + w1*x1 + ... (+ bias)``: a neuron's weighted sum.

        Its parents are ``(*ws, *xs)`` and then ``bias`` if given.

        >>> w, x = [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)]
        >>> y = Value.dot(w, x, bias=0.5)
        >>> y.backward()
        >>> y.data, [p.grad for p in w], [p.grad for p in x]
        (2.5, [3.0, 4.0], [2.0, -1.0])
        """
        for name, seq in (("ws", ws), ("xs", xs)):
            if type(seq) is not list and type(seq) is not tuple and (
                    not isinstance(seq, Sequence) or isinstance(seq, (str, bytes))):
                raise TypeError(f"Value.dot: {name} must be a list of Values or numbers, got "
                                f"{type(seq).__name__}")
        k = len(ws)
        if k != len(xs):
            raise ValueError(f"Value.dot: lengths differ ({k} weights, {len(xs)} inputs)")
        if not k:
            raise ValueError("Value.dot: needs at least one weight")
        V = Value
        total = 0.0
        for w, x in zip(ws, xs):
            if type(w) is not V or type(x) is not V:
                break  # a plain number among the operands: lift them all, then sum again
            total += w.data * x.data
        else:
            if bias is None:
                return _node(total, (*ws, *xs), None, Value._d_dot)
            if type(bias) is not V:
                bias = _lift(bias, "Value.dot")
            return _node(total + bias.data, (*ws, *xs, bias), None, Value._d_dot)
        other = _defer((*ws, *xs, bias), "dot")
        if other is not None:
            return other(ws, xs, bias)
        ps = tuple([p if type(p) is V else _lift(p, "Value.dot") for p in (*ws, *xs)])
        total = 0.0
        for i in range(k):
            total += ps[i].data * ps[k + i].data
        if bias is not None:
            b = _lift(bias, "Value.dot")
            total += b.data
            ps = ps + (b,)
        return _node(total, ps, None, Value._d_dot)

    @staticmethod
    @_rule("dot")
    def _d_dot(n: Value) -> Tuple[float, ...]:  # d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1
        d = [p.data for p in n._a]
        k = len(d) // 2
        if len(d) % 2:
            return (*d[k:2 * k], *d[:k], 1.0)
        return (*d[k:], *d[:k])

    @staticmethod
    @_symbolic(_d_dot)
    def _s_dot(n: Value) -> Tuple[Local, ...]:
        ps = n._a
        k = len(ps) // 2
        return ps[k:2 * k] + ps[:k] + ((1.0,) if len(ps) % 2 else ())

    # ------------------------------------------------------------------ built from primitives
    def __neg__(self) -> Value:  # -a = a * -1
        return self * -1.0

    def __radd__(self, other: Operand) -> Value:  # b + a
        if not _is_operand(other):
            return NotImplemented
        b = _lift(other, "+")
        return _node(b.data + self.data, b, self, Value._d_add)

    def __sub__(self, other: Operand) -> Value:  # a - b = a + (-b)
        if not _is_operand(other):
            return NotImplemented
        return self + (-_lift(other, "-"))

    def __rsub__(self, other: Operand) -> Value:  # b - a = b + (-a)
        if not _is_operand(other):
            return NotImplemented
        return _lift(other, "-") + (-self)

    def __rmul__(self, other: Operand) -> Value:  # b * a
        if not _is_operand(other):
            return NotImplemented
        b = _lift(other, "*")
        return _node(b.data * self.data, b, self, Value._d_mul)

    def __truediv__(self, other: Operand) -> Value:  # a / b = a * b**-1
        if not _is_operand(other):
            return NotImplemented
        other = _lift(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError(f"/: division by zero ({self.data} / {other.data})")
        return self * other ** -1.0

    def __rtruediv__(self, other: Operand) -> Value:  # b / a = b * a**-1
        if not _is_operand(other):
            return NotImplemented
        return _lift(other, "/") / self

    # ------------------------------------------------------------------ plain-number views
    def __float__(self) -> float:
        return self.data

    def __lt__(self, other: Operand) -> bool:
        return self.data < _compare(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _compare(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _compare(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _compare(other, ">=")

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label else ""
        return f"Value({label}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------ Alpha: backward
    def backward(self, create_graph: bool = False) -> Optional[Dict[Value, Value]]:
        """Fill ``.grad`` of every node below this one with d(self)/d(node) (Alpha).

        One iterative topological sort, then one sweep in reverse order adding
        ``local * grad`` into each parent. Intermediate nodes restart from zero; leaves
        accumulate, so a second call adds one more gradient to every leaf. The cyclic
        garbage collector is paused during the sweep and restored afterwards.

        With ``create_graph=True`` it also returns ``{leaf: gradient}`` where each gradient
        is a ``Value`` built from the graph, so it can be differentiated again
        (``.grad`` still receives plain floats):

        >>> x = Value(2.0, label="x")
        >>> dx = (x ** 3).backward(create_graph=True)[x]   # 3 x**2
        >>> ddx = dx.backward(create_graph=True)[x]        # 6 x
        >>> dx.data, ddx.data
        (12.0, 12.0)
        """
        if create_graph:
            return _backward_graph(self)
        enabled = gc.isenabled()
        gc.disable()
        try:
            topo = _topological(self, for_backward=True)
            self.grad = 1.0 if self._fn is not None else self.grad + 1.0
            _sweep(topo)
        finally:
            if enabled:
                gc.enable()

    def detach(self) -> Value:
        """A new leaf with the same data: gradients do not flow through it.

        >>> x = Value(3.0)
        >>> y = x * x.detach()       # the second factor is a constant
        >>> y.backward()
        >>> x.grad
        3.0
        """
        return _node(self.data, None, None, None)  # type: ignore[arg-type]

    def zero_grad(self) -> None:
        """Set ``.grad`` to zero on this node and every node it was computed from."""
        for n in _topological(self):
            n.grad = 0.0

    def topological_order(self) -> List[Value]:
        """Every node of this graph, each after its parents, this node last."""
        return _topological(self)


_ZERO_SKIP = frozenset((Value._d_add, Value._d_mul, Value._d_exp, Value._d_log, Value._d_tanh,
                        Value._d_sigmoid, Value._d_relu, Value._d_abs, Value._d_sum, Value._d_dot))
"""Rules that never raise: a node with one of them and a zero gradient can be skipped."""


def _compare(other: object, op: str) -> float:
    if isinstance(other, Value):
        return other.data
    if _is_operand(other):
        return other  # type: ignore[return-value]
    raise TypeError(f"{op}: cannot compare Value with {type(other).__name__} ({other!r})")


def _pow_forward(a: float, k: float) -> float:
    """``a ** k`` for floats, with the errors the engine promises."""
    if a == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"**: 0.0 ** {k} (zero to a negative power)")
    if a < 0.0 and k != int(k):
        raise ValueError(f"**: negative base with a non-integer exponent ({a} ** {k})")
    try:
        return a ** k
    except OverflowError:
        raise OverflowError(f"**: overflow in {a} ** {k}") from None


def _pow_values(a: Value, b: Value) -> Value:
    """``a ** b`` where the exponent is itself a ``Value`` (a binary node)."""
    return _node(_pow_forward(a.data, b.data), a, b, Value._d_pow2)


def _topological(root: Value, for_backward: bool = False) -> List[Value]:
    """Iterative depth-first topological order (parents before children, root last).

    ``for_backward`` leaves out the leaves (the sweep has nothing to do for them) and sets
    every other node's ``.grad`` to 0 on the way; the order of the others is unchanged.
    """
    order: List[Value] = []
    seen = set()
    add = seen.add
    stack: list = [root]  # nodes to visit; _EMIT above a node means "its parents are done"
    push, pop = stack.append, stack.pop
    emit = order.append
    V, emit_next = Value, _EMIT
    while stack:
        n = pop()
        if n is emit_next:
            n = pop()
            if for_backward:
                n.grad = 0.0
            emit(n)
            continue
        if n in seen:
            continue
        add(n)
        a = n._a
        if a is None:
            emit(n)
            continue
        push(n)
        push(emit_next)
        if for_backward:  # the same walk, without stepping onto leaves
            if type(a) is tuple:
                for p in a:
                    if p._fn is not None and p not in seen:
                        push(p)
            else:
                b = n._b
                if type(b) is V and b._fn is not None and b not in seen:
                    push(b)
                if a._fn is not None and a not in seen:
                    push(a)
        elif type(a) is tuple:
            for p in a:
                if p not in seen:
                    push(p)
        else:
            b = n._b
            if type(b) is V and b not in seen:
                push(b)
            if a not in seen:
                push(a)
    return order


def _sweep(topo: List[Value]) -> None:
    """Alpha's reverse sweep: parent.grad += local * node.grad, children before parents.

    A node whose gradient is exactly zero (behind a ReLU that is off, say) adds nothing to
    its parents, so its rule is not even called, unless the rule can raise an error (the
    powers), which it then still does.
    """
    V, skip = Value, _ZERO_SKIP
    for n in reversed(topo):
        fn = n._fn
        if fn is None:
            continue
        g = n.grad
        if g == 0.0 and fn in skip:
            continue
        a = n._a
        if type(a) is tuple:
            for p, d in zip(a, fn(n)):
                p.grad += d * g
        else:
            b = n._b
            if type(b) is V:
                da, db = fn(n)
                a.grad += da * g
                b.grad += db * g
            else:
                a.grad += fn(n)[0] * g


# ---------------------------------------------------------------------- gradients as Values
def _grad_values(root: Value, wrt: Sequence[Value]) -> List[Local]:
    """d root / d w for each ``w`` in ``wrt``, built as ``Value``s (slow path, pure).

    The same reverse sweep as ``_sweep``, reading each rule's ``symbolic`` twin, so every
    gradient is itself a graph over the original nodes. Only nodes on a path from ``root``
    to some ``w`` are visited; no ``.grad`` is touched. A gradient that does not depend on
    any node comes back as a plain float.
    """
    topo = _topological(root)
    targets = set(wrt)
    live = set()
    for n in topo:  # nodes from which some target can be reached
        if n in targets or any(p in live for p in n.parents):
            live.add(n)
    grads: Dict[Value, Local] = {root: 1.0}
    for n in reversed(topo):
        if n not in live or n._fn is None or n not in grads:
            continue
        g = grads[n] if n in targets else grads.pop(n)
        symbolic = getattr(n._fn, "symbolic", None)
        if symbolic is None:
            raise TypeError(f"create_graph: operation {n.op!r} has no symbolic derivative, "
                            f"so it can be differentiated only once")
        for p, d in zip(n.parents, symbolic(n)):
            if p not in live:
                continue
            if type(d) is not Value:
                if d == 0.0:
                    continue
                term = g if d == 1.0 else g * d
            else:
                term = d if (type(g) is not Value and g == 1.0) else g * d
            old = grads.get(p)
            grads[p] = term if old is None else old + term
    return [grads.get(w, 0.0) for w in wrt]


def _backward_graph(root: Value) -> Dict[Value, Value]:
    """``backward(create_graph=True)``: float ``.grad`` as usual, plus gradients as Values."""
    leaves = [n for n in _topological(root) if n._fn is None and not n.is_constant]
    grads = _grad_values(root, leaves)  # first: it may refuse (an op with no symbolic rule)
    root.backward()
    return {w: g if type(g) is Value else _const(float(g)) for w, g in zip(leaves, grads)}


_DATA = Value.__dict__["data"]  # the slot itself


def peek(v: Value) -> float:
    """The number inside ``v``, read without counting as a decision while tracing.

    Use it only where the result does not depend on the value read (a shift for numerical
    stability that cancels out): the compiled code keeps the value seen while tracing.

    >>> peek(Value(2.5))
    2.5
    """
    if not isinstance(v, Value):
        raise TypeError(f"peek: expected a Value, got {type(v).__name__}")
    return _DATA.__get__(v, Value)
