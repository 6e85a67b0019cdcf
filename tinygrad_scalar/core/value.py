"""``Value``: a scalar that remembers how it was computed.

Each operation makes a new node that records its parents (in operand order) and the
*local-derivative rule* of its primitive (``core.calculus``): one function, shared by every
node of that operation, that returns the partial derivative of the node with respect to
each parent.

``Value.backward`` (the Alpha design) sorts the graph topologically once and sweeps it in
reverse, adding ``local * grad`` into every parent. ``tinygrad_scalar.naive.grad`` (the
Beta design) reads the very same rules recursively, one variable at a time.

>>> a, b = Value(-4.0, label="a"), Value(2.0, label="b")
>>> c = a * b + b ** 3
>>> c.backward()
>>> a.grad, b.grad
(2.0, 8.0)

How a node is stored (this keeps a node small and the graph free of cycles): ``_a`` and
``_b`` hold the parents of a unary or binary operation (``_b`` is ``None`` for a unary
one, or the plain-number constant of ``x ** 3``); an n-ary operation keeps a tuple of
parents in ``_a``. ``_fn`` is the primitive's rule, never a per-node closure.

**Leaving the graph.** A ``Value`` never turns into a plain number behind your back:
``float(v)`` and ``math.sin(v)`` raise ``TypeError`` (they would silently cut the graph and
give wrong gradients). Read the number with ``v.data`` or ``v.item()``, format it with
``f"{v:.3f}"``, and use ``tinygrad_scalar.math.sin(v)`` for a differentiable ``sin``.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence, Union

from . import graph, modes
from .calculus import ABS, ADD, DOT, EXP, LOG, MUL, POW, POWV, RELU, SIGMOID, SUM, TANH
from .node import Node, peek
from .primitive import Primitive, nonfinite_result
from .rerun import describe as _describe

__all__ = ["Value", "Number", "Operand", "peek"]

Number = Union[int, float]
Operand = Union["Value", int, float]

_CONST = graph.CONST  # marks, in ``_b``, a leaf made from a plain number by an operator
_new = object.__new__


def _node(data: float, a: object, b: object, fn: Any) -> Value:
    """Make an operation's output node (the operation has checked its operands)."""
    if modes.ACTIVE or data - data != 0.0:  # a grad mode somewhere, or not finite
        return _special_node(data, a, b, fn)
    v = _new(Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    v._a = a
    v._b = b
    v._fn = fn
    return v


def _special_node(data: float, a: object, b: object, fn: Any) -> Value:
    """``_node`` outside normal mode: grad modes of this thread, non-finite results."""
    st = modes.state()
    if fn is not None and data - data != 0.0:
        node = _new(Value)
        node.data, node._a, node._b, node._fn, node.label = data, a, b, fn, ""
        inputs = [p.data for p in node.parents] + ([b] if type(b) is float else [])
        if st.anomaly:
            shown = ", ".join(_describe(p) for p in node.parents)
            raise modes.AnomalyError(f"detect_anomaly: operation {node.op!r} gave {data} "
                                     f"from inputs ({shown})")
        nonfinite_result(node.op, data, inputs)  # raises unless an operand is not finite
    v = _new(st.node_class or Value)
    v.data = data
    v.grad = 0.0
    v.label = ""
    if st.grad or fn is None:
        v._a, v._b, v._fn = a, b, fn
    else:  # no_grad: the value only (a constant stays a constant)
        v._a, v._b, v._fn = None, None, None
    return v


def _const(x: float, where: str = "Value") -> Value:
    """A constant leaf for a plain (finite) number used as an operand of ``where``."""
    if x - x != 0.0:  # true for NaN and for both infinities
        raise ValueError(f"{where}: operand must be finite, got {x}")
    return _node(x, None, _CONST, None)


def _lift(x: object, where: str) -> Value:
    """Turn a plain number operand into a constant leaf; a ``Value`` passes through."""
    if isinstance(x, Value):
        return x
    return _const(_number(x, where), where)


def _number(x: object, where: str) -> float:
    """``x`` as a float: a real number (NumPy's too), never a bool."""
    if type(x) is float:
        return x  # type: ignore[return-value]
    if _is_operand(x):
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"{where}: an int of {int(x).bit_length()} bits is too "  # type: ignore[call-overload]
                                f"large for a float") from None
    if getattr(x, "shape", None) == () and hasattr(x, "item"):  # a 0-d array
        return _number(x.item(), where)
    raise TypeError(f"{where}: expected an int or float, got {type(x).__name__} ({x!r:.80})")


def _is_operand(x: object) -> bool:
    t = type(x)
    if t is float or t is int or isinstance(x, Value):
        return True
    return graph.is_real(x)


_ADD, _MUL = ADD.rule, MUL.rule  # the hottest rules, looked up once


class Value(Node):
    """A scalar that records how it was computed, so that gradients can flow back.

    ``Value(data, label="")`` wraps an ``int`` or ``float`` (stored as a finite float).

    >>> x = Value(3.0, label="x")
    >>> y = x * x + 2 * x
    >>> y.backward()
    >>> y.data, x.grad
    (15.0, 8.0)
    """

    __slots__ = ()

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value: data must be an int or float, got Value "
                            "(use the Value itself, or Value(v.data) for a copy)")
        data = _number(data, "Value")
        if data - data != 0.0:
            raise ValueError(f"Value: data must be finite, got {data}")
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.data, self.grad, self.label = data, 0.0, label
        self._a = self._b = self._fn = None

    # ------------------------------------------------------------------ primitives
    def __add__(self, other: Operand) -> Value:
        t = type(other)
        if t is not Value:
            if t is float:
                other = _const(other, "+")
            elif _is_operand(other):
                other = _lift(other, "+")
            else:
                return NotImplemented
        try:
            return _node(self.data + other.data, self, other, _ADD)  # ADD.forward, inlined
        except TypeError:
            raise _bad_data("+", self, other) from None

    def __mul__(self, other: Operand) -> Value:
        t = type(other)
        if t is not Value:
            if t is float:
                other = _const(other, "*")
            elif _is_operand(other):
                other = _lift(other, "*")
            else:
                return NotImplemented
        try:
            return _node(self.data * other.data, self, other, _MUL)  # MUL.forward, inlined
        except TypeError:
            raise _bad_data("*", self, other) from None

    def __pow__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(POWV.forward(self.data, other.data), self, other, POWV.rule)
        if not _is_operand(other):
            return NotImplemented
        k = _number(other, "**")
        if k - k != 0.0:
            raise ValueError(f"**: operand must be finite, got {k}")
        return _node(POW.forward(self.data, k), self, k, POW.rule)

    def __rpow__(self, other: Operand) -> Value:
        if not _is_operand(other):
            return NotImplemented
        return _lift(other, "**") ** self

    def exp(self) -> Value:
        """``e ** self``; ``OverflowError`` when the result is too large for a float."""
        return _node(EXP.forward(self.data), self, None, EXP.rule)

    def log(self) -> Value:
        """Natural logarithm; ``ValueError`` for a value that is not positive."""
        return _node(LOG.forward(self.data), self, None, LOG.rule)

    def tanh(self) -> Value:
        """Hyperbolic tangent (never overflows)."""
        return _node(TANH.forward(self.data), self, None, TANH.rule)

    def sigmoid(self) -> Value:
        """Logistic function ``1 / (1 + e**-x)``, computed so it never overflows."""
        return _node(SIGMOID.forward(self.data), self, None, SIGMOID.rule)

    def relu(self) -> Value:
        """``max(0, x)``; its derivative is taken as 0 at 0. NaN passes through."""
        a = self.data
        return _node(a if not a <= 0.0 else 0.0, self, None, RELU.rule)  # RELU.forward, inlined

    def __abs__(self) -> Value:
        return _node(ABS.forward(self.data), self, None, ABS.rule)

    @staticmethod
    def sum(values: Iterable[Operand], start: Operand = 0.0) -> Value:
        """One node for ``start + v0 + v1 + ...`` (plain numbers become constants).

        >>> xs = [Value(1.0), Value(2.0), Value(3.0)]
        >>> s = Value.sum(xs)
        >>> s.backward()
        >>> s.data, [x.grad for x in xs], len(s.parents)
        (6.0, [1.0, 1.0, 1.0], 3)
        """
        ps = tuple(_sequence(values, "Value.sum", "values", Iterable))
        if not all(type(p) is Value for p in ps):
            if _twin((*ps, start)) is not None:
                return SUM(list(ps) + ([] if _is_zero(start) else [start]))
            ps = tuple([_lift(p, "Value.sum") for p in ps])
        if not _is_zero(start):
            ps = ps + (_lift(start, "Value.sum"),)
        if not ps:
            raise ValueError("Value.sum: needs at least one value")
        total = 0.0
        for p in ps:
            total += p.data
        return _node(total, ps, None, SUM.rule)  # SUM.forward, inlined

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
        if type(ws) is not list and type(ws) is not tuple:
            ws = _sequence(ws, "Value.dot", "ws", Sequence)
        if type(xs) is not list and type(xs) is not tuple:
            xs = _sequence(xs, "Value.dot", "xs", Sequence)
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
            total += w.data * x.data  # DOT.forward, inlined
        else:
            if bias is None:
                return _node(total, (*ws, *xs), None, DOT.rule)
            b = bias if type(bias) is V else _lift(bias, "Value.dot")
            return _node(total + b.data, (*ws, *xs, b), None, DOT.rule)
        if _twin((*ws, *xs, bias)) is not None:
            return DOT(list(ws) + list(xs) + ([] if bias is None else [bias]))
        ps = tuple([_lift(p, "Value.dot") for p in (*ws, *xs)])
        if bias is not None:
            ps = ps + (_lift(bias, "Value.dot"),)
        total = 0.0
        for i in range(k):
            total += ps[i].data * ps[k + i].data  # DOT.forward, inlined
        return _node(total + ps[-1].data if bias is not None else total, ps, None, DOT.rule)

    # ------------------------------------------------------------------ built from primitives
    def __neg__(self) -> Value:  # -a = a * -1
        return self * -1.0

    def __radd__(self, other: Operand) -> Value:  # b + a
        if not _is_operand(other):
            return NotImplemented
        return Value.__add__(_lift(other, "+"), self)

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
        return Value.__mul__(_lift(other, "*"), self)

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

    def detach(self) -> Value:
        """A new leaf with the same data: gradients do not flow through it.

        >>> x = Value(3.0)
        >>> y = x * x.detach()       # the second factor is a constant
        >>> y.backward()
        >>> x.grad
        3.0
        """
        return _node(self.data, None, None, None)

    # ------------------------------------------------------------------ the registry's hook
    @staticmethod
    def _apply_primitive(p: Primitive, args: Sequence[Any]) -> Any:
        """Apply a registry entry to ``Value`` operands (numbers become constants)."""
        if p.kind == "nary":
            ps = tuple(_lift(x, p.name) for x in _sequence(args[0], p.name, "inputs", Iterable))
            if not ps:
                raise ValueError(f"{p.name}: needs at least one input")
            parents: Any = ps
            data = p.run_forward([x.data for x in ps])
        else:
            p._check_count(args)
            a = _lift(args[0], p.name)
            if p.kind == "unary":
                parents, data = (a, None), p.run_forward(a.data)
            elif p.kind == "scaled":
                k = _const(_number(args[1], p.name), p.name).data
                parents, data = (a, k), p.run_forward(a.data, k)
            else:
                b = _lift(args[1], p.name)
                parents, data = (a, b), p.run_forward(a.data, b.data)
        if p.piecewise:  # derivative zero everywhere: a plain number, not a node
            return data
        if p.kind == "nary":
            return _node(data, parents, None, p.rule)
        return _node(data, parents[0], parents[1], p.rule)


def _bad_data(op: str, *nodes: Value) -> TypeError:
    """The error for a node whose ``.data`` was set to something that is not a number."""
    for n in nodes:
        if not graph.is_real(n.data):
            return TypeError(f"{op}: the .data of {n!r:.60} is {n.data!r:.40} "
                             f"({type(n.data).__name__}), not a number; set it to a float")
    return TypeError(f"{op}: cannot combine {nodes[0]!r:.60} and {nodes[-1]!r:.60}")


def _sequence(values: Any, where: str, name: str, kind: type) -> Sequence[Any]:
    if type(values) is list or type(values) is tuple:
        return values
    if hasattr(values, "tolist") and getattr(values, "shape", ()) != ():
        return values.tolist()  # a NumPy array or a pandas object: plain numbers
    if isinstance(values, kind) and not isinstance(values, (str, bytes)):
        return tuple(values)
    raise TypeError(f"{where}: {name} must be a list of Values or numbers, got "
                    f"{type(values).__name__}")


def _is_zero(x: object) -> bool:
    return (type(x) is float or type(x) is int) and x == 0.0


def _twin(operands: Iterable[object]) -> Optional[type]:
    """A kind of number that outranks ``Value`` among the operands (``Dual``): it takes the
    whole operation over, as a binary operator's ``NotImplemented`` hands it to the other."""
    for x in operands:
        t = type(x)
        if t is not float and t is not Value and getattr(t, "_primitive_rank", 0) > 1:
            return t
    return None


