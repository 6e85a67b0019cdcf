"""``Node``: what every expression node is and can do, whatever made it.

``core.value.Value`` (a subclass) adds the arithmetic; this module holds the rest: the
storage (slots), the view of the graph (``parents``, ``op``, ...), numbers on request
(``item``, formatting, comparisons; never a silent ``float()``), pickling, and Alpha's
``backward``.
"""

from __future__ import annotations

import gc
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import graph, rerun, sweep
from .primitive import Primitive

__all__ = ["Node", "peek"]

_CONST = graph.CONST


class Node:
    """Storage and graph methods shared by every node (see ``core.value.Value``)."""

    __slots__ = ("data", "grad", "label", "_a", "_b", "_fn", "__weakref__")

    data: float
    grad: float
    label: str

    # ------------------------------------------------------------------ the graph
    @property
    def parents(self) -> Tuple["Node", ...]:
        """The operands this node was computed from, in operand order (``()`` for a leaf)."""
        return graph.parents(self)

    @property
    def op(self) -> str:
        """The operation that made this node (``"+"``, ``"*"``, ``"tanh"``, ...); ``""`` for a leaf."""
        fn = self._fn
        return "" if fn is None else fn.primitive.name

    @property
    def primitive(self) -> Optional[Primitive]:
        """The registry entry of the operation that made this node (``None`` for a leaf)."""
        fn = self._fn
        return None if fn is None else fn.primitive

    @property
    def is_leaf(self) -> bool:
        """True for a node that no operation made (an input, a parameter or a constant)."""
        return self._fn is None

    @property
    def is_constant(self) -> bool:
        """True for a leaf an operator made from a plain number (the ``2`` in ``2 * x``)."""
        return self._fn is None and self._b is _CONST

    @property
    def is_placeholder(self) -> bool:
        """True for a leaf made by ``Value.placeholder``: an input to be fed later.

        >>> from tinygrad_scalar import Value
        >>> Value.placeholder("x").is_placeholder, Value(1.0).is_placeholder
        (True, False)
        """
        return self._fn is None and self._b is graph.PLACEHOLDER

    @classmethod
    def placeholder(cls, name: str) -> Any:
        """An input to be fed later: a leaf labelled ``name`` that holds NaN until fed.

        Build the graph on it once, then run it at each new number with
        ``forward(feed={x: number})``. Until then its number is NaN ("no number yet"),
        which flows through the graph as NaN always does; ``forward`` refuses to run while
        a placeholder of the graph has not been fed.

        >>> from tinygrad_scalar import Value
        >>> x = Value.placeholder("x")
        >>> y = x * x + 1
        >>> x.is_placeholder, y.forward(feed={x: 3.0})
        (True, 10.0)
        >>> y.backward()
        >>> x.grad
        6.0
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"{cls.__name__}.placeholder: name must be a non-empty str, "
                            f"got {name!r:.60}")
        v: Any = object.__new__(cls)
        v.data, v.grad, v.label = float("nan"), 0.0, name
        v._a, v._b, v._fn = None, graph.PLACEHOLDER, None
        return v

    def forward(self, feed: Optional[Mapping["Node", Any]] = None) -> float:
        """Run this graph again: feed ``{leaf: number}``, recompute every node; the result.

        The fed numbers are written into the leaves' ``.data`` (placeholders, inputs or
        parameters alike), then every operation node is recomputed in topological order
        (stored on first use) by its primitive's forward: no node is made, and
        ``backward()`` afterwards works as usual. ``x.data = 2.0; z.forward()`` re-runs
        after a change made by hand. Errors are those of building the graph at the new
        numbers. What a re-run cannot see (a Python ``if`` on a number made while
        building) is listed in ``core.rerun``.

        >>> from tinygrad_scalar import Value
        >>> x = Value(1.0, label="x")
        >>> z = (x * 2).exp().log() + x
        >>> x.data = 2.0
        >>> z.forward()
        6.0
        """
        return rerun.forward(self, feed, Node)

    def local_grads(self) -> Tuple[float, ...]:
        """The partial derivatives of this node with respect to each parent, in order.

        >>> from tinygrad_scalar import Value
        >>> a, b = Value(2.0), Value(5.0)
        >>> (a * b).local_grads()
        (5.0, 2.0)
        """
        return sweep.local_floats(self)

    # ------------------------------------------------------------------ numbers, on request
    def item(self) -> float:
        """The number inside, as a plain float: it leaves the graph (no gradient flows)."""
        return self.data

    def _leave(self, what: str) -> TypeError:
        return TypeError(f"{what} of a Value would leave the graph silently (no gradient "
                         f"would flow back through it): use v.item() or v.data for the number, "
                         f"or tinygrad_scalar.math (sin, exp, ...) for differentiable functions "
                         f"[{self!r}]")

    # int(), round(), math.trunc/floor/ceil refuse as float() does; ``__index__`` stays
    # absent on purpose (a Value is never an index, and NumPy would take it for an integer).
    def __float__(self) -> float:
        raise self._leave("float()")

    def __int__(self) -> int:
        raise self._leave("int()")

    def __round__(self, ndigits: Any = None) -> Any:
        raise self._leave("round()")

    def __trunc__(self) -> int:
        raise self._leave("math.trunc()")

    def __floor__(self) -> int:
        raise self._leave("math.floor()")

    def __ceil__(self) -> int:
        raise self._leave("math.ceil()")

    def __bool__(self) -> bool:
        raise TypeError(f"the truth of a Value would be a decision on its number that no "
                        f"gradient sees (and compiled code would freeze): write the test on "
                        f"the number, `if v.data > 0:`, or use relu/abs/step [{self!r}]")

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)

    def __lt__(self, other: Any) -> bool:
        return self.data < _compare(self, other, "<")

    def __le__(self, other: Any) -> bool:
        return self.data <= _compare(self, other, "<=")

    def __gt__(self, other: Any) -> bool:
        return self.data > _compare(self, other, ">")

    def __ge__(self, other: Any) -> bool:
        return self.data >= _compare(self, other, ">=")

    def __repr__(self) -> str:
        label = f"label={self.label!r}, " if self.label else ""
        return f"Value({label}data={_shown(self.data)}, grad={_shown(self.grad)})"

    def __reduce__(self) -> Tuple[Any, ...]:  # pickle and copy walk the graph without recursion
        return graph.reduce(self)

    # ------------------------------------------------------------------ Alpha: backward
    def backward(self, *, create_graph: bool = False) -> Optional[Dict["Node", "Node"]]:
        """Fill ``.grad`` of every node below this one with d(self)/d(node) (Alpha).

        One iterative topological sort, then one sweep in reverse order adding
        ``local * grad`` into each parent. Intermediate nodes restart from zero; leaves
        accumulate, so a second call adds one more gradient to every leaf. The cyclic
        garbage collector is paused during the sweep and restored afterwards.

        With ``create_graph=True`` (keyword only) it also returns ``{leaf: gradient}``
        where each gradient is a ``Value`` built from the graph, so it can be
        differentiated again (``.grad`` still receives plain floats):

        >>> from tinygrad_scalar import Value
        >>> x = Value(2.0, label="x")
        >>> dx = (x ** 3).backward(create_graph=True)[x]   # 3 x**2
        >>> ddx = dx.backward(create_graph=True)[x]        # 6 x
        >>> dx.data, ddx.data
        (12.0, 12.0)
        """
        if create_graph is not False and create_graph is not True:
            raise TypeError(f"backward: create_graph must be True or False, got "
                            f"{create_graph!r:.40}")
        if create_graph:
            leaves = [n for n in graph.topological(self) if n._fn is None and not n.is_constant]
            grads = sweep.grad_values(self, leaves)  # first: it may refuse
            self.backward()
            return {w: g if isinstance(g, Node) else _constant(type(self), g) for w, g in zip(leaves, grads)}
        enabled = gc.isenabled()
        gc.disable()
        try:
            topo = graph.topological(self, for_backward=True)
            self.grad = 1.0 if self._fn is not None else self.grad + 1.0
            sweep.run(topo)
            sweep.check(topo)
        finally:
            if enabled:
                gc.enable()
        return None

    def zero_grad(self) -> None:
        """Set ``.grad`` to zero on this node and every node it was computed from."""
        for n in graph.topological(self):
            n.grad = 0.0

    def topological_order(self) -> List["Node"]:
        """Every node of this graph, each after its parents, this node last."""
        return graph.topological(self)

    _primitive_rank = 1

    def _primitive_number(self) -> float:
        return self.data


def _shown(x: Any) -> str:
    """A number in 6 significant digits; anything else (set by hand) as its repr."""
    return f"{x:.6g}" if graph.is_real(x) else f"{x!r:.30}"


def _constant(cls: type, x: float) -> Node:
    """A constant leaf of class ``cls`` holding ``x`` (a gradient that is a plain number)."""
    v = object.__new__(cls)
    v.data, v.grad, v.label, v._a, v._b, v._fn = float(x), 0.0, "", None, _CONST, None
    return v


def _compare(self: Node, other: object, op: str) -> float:
    """The number to compare with; a NaN from a placeholder not yet fed is refused."""
    for v in (self, other):
        if isinstance(v, Node):
            x = _DATA.__get__(v, Node)  # the slot: no read is noted while tracing
            if x != x:
                rerun.refuse_unfed(v, op)
    if isinstance(other, Node):
        return other.data
    if graph.is_real(other):
        return other  # type: ignore[return-value]
    raise TypeError(f"{op}: cannot compare Value with {type(other).__name__} ({other!r:.60})")


_DATA = Node.__dict__["data"]  # the slot itself


def peek(v: Node) -> float:
    """The number inside ``v``, read without counting as a decision while tracing.

    Use it only where the result does not depend on the value read (a shift for numerical
    stability that cancels out): the compiled code keeps the value seen while tracing.

    >>> from tinygrad_scalar import Value
    >>> peek(Value(2.5))
    2.5
    """
    if not isinstance(v, Node):
        raise TypeError(f"peek: expected a Value, got {type(v).__name__}")
    return _DATA.__get__(v, Node)

