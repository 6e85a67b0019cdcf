"""The rule registry: every primitive operation is one ``Primitive`` entry.

An entry holds the operation's **forward** (on floats) and, right under it, **one local
derivative rule**: ``rule(out, *inputs)`` returns the partial derivative of the output
with respect to each input, in order. The rule is written with plain arithmetic (and
other primitives), so the very same function runs on several kinds of number:

* floats: Alpha's sweep (``Value.backward``), Beta (``naive.grad``), forward mode;
* ``Value`` nodes: ``backward(create_graph=True)``, whose gradients are graphs;
* symbols (``derive.symbols``): the compiled code and the listing's text.

>>> from tinygrad_scalar.core.value import TANH
>>> TANH(0.5) == __import__("math").tanh(0.5)          # on a float: the forward
True
>>> TANH.rule(0.5, 0.2)                                 # d tanh / d a, from out = 0.5
(0.75,)

Shapes of entries (``kind``), and how ``forward`` and ``rule`` are called:

=========  ======================  ==========================  =====================
kind       example                 forward                     rule
=========  ======================  ==========================  =====================
unary      ``tanh(a)``             ``forward(a)``              ``rule(out, a)``
scaled     ``a ** k`` (k a number) ``forward(a, k)``           ``rule(out, a, k)``
binary     ``a * b``               ``forward(a, b)``           ``rule(out, a, b)``
nary       ``dot(ws, xs)``         ``forward(xs)``             ``rule(out, xs)``
=========  ======================  ==========================  =====================

Calling an entry applies it: on plain numbers it returns a float, on ``Value``s a new
node, on ``Dual``s a ``Dual``. Each kind of number says how through a static method
``_apply_primitive(primitive, args)``; the one with the highest ``_primitive_rank`` among
the arguments wins (a ``Dual`` beats a ``Value``, which forward mode treats as a constant).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from .checks import finite

__all__ = ["Primitive", "REGISTRY", "KINDS", "nonfinite_result", "number_of", "DomainError"]

KINDS = ("unary", "scaled", "binary", "nary")

class DomainError(ValueError):
    """An operation (or its derivative) is undefined at its operands: ``log`` of a number
    that is not positive, a negative base with a non-integer exponent, ..."""


#: every primitive ever made, by name (later entries of the same name replace earlier ones)
REGISTRY: Dict[str, "Primitive"] = {}

Code = Union[str, Callable[..., Union[str, List[str], None]], None]  # a template, or a function of the inputs


class Primitive:
    """One primitive operation: its forward, its local-derivative rule, and how to show it.

    ``code`` (optional) writes the operation as a Python expression: a format string over
    the input expressions (``"tanh({0})"``), or a function of them returning a string or
    ``None``. Without it, generated code calls the forward by name. ``names`` maps names
    used by ``code`` to the functions they stand for. ``text`` is the same for listings
    (default: ``name(inputs)``). ``raises``: the rule may raise (a derivative undefined at
    some points), so the sweep may not skip it even where the gradient is zero.
    ``piecewise``: the operation is piecewise constant (derivative zero wherever it
    exists): applied to a ``Value`` it gives a plain number, not a node. ``activation``:
    drawings colour it as an activation function. ``times`` (optional, for a piecewise
    gate such as relu's ``step``) writes "this operation's result times ``{1}``" in one
    conditional expression, so compiled code multiplies only where it must. ``c``
    (optional) is ``code`` for the native backend: the same operation as a C expression
    (helpers it calls are defined by ``derive.cgen``); an operation without one, whose
    forward is not plain arithmetic, keeps a graph on the Python backend.
    """

    __slots__ = ("name", "forward", "rule", "kind", "code", "names", "text", "raises",
                 "piecewise", "activation", "times", "c", "__dict__")

    def __init__(self, name: str, forward: Callable[..., float], rule: Callable[..., Any],
                 kind: str = "unary", code: Code = None, names: Optional[Dict[str, Any]] = None,
                 text: Code = None, raises: bool = False, piecewise: bool = False,
                 activation: bool = False, times: Optional[str] = None, c: Code = None) -> None:
        if not isinstance(name, str) or not name or not name.isprintable():
            raise ValueError(f"Primitive: name must be a non-empty str of printable "
                             f"characters (no newline), got {name!r:.60}")
        if kind not in KINDS:
            raise ValueError(f"Primitive {name!r}: kind must be one of {KINDS}, got {kind!r}")
        for what, fn in (("forward", forward), ("rule", rule)):
            if not callable(fn):
                raise TypeError(f"Primitive {name!r}: {what} must be callable, got {fn!r}")
        self.name, self.forward, self.kind = name, forward, kind
        self.code, self.names, self.text = code, dict(names or {}), text
        self.raises, self.piecewise, self.activation = raises, piecewise, activation
        self.times, self.c = times, c
        self.rule = rule
        REGISTRY[name] = self

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "rule":  # every node keeps the rule as its ``_fn``: tag it with its entry
            value.primitive = self
        object.__setattr__(self, name, value)

    @property
    def arity(self) -> Optional[int]:
        """How many differentiable inputs: 1 or 2, or ``None`` for any number (``nary``)."""
        return {"unary": 1, "scaled": 1, "binary": 2}.get(self.kind)

    def __call__(self, *args: Any) -> Any:
        operands = args[0] if self.kind == "nary" and len(args) == 1 else args
        best, rank = None, 0
        try:
            for x in operands:
                r = getattr(type(x), "_primitive_rank", 0)
                if r > rank:
                    best, rank = type(x), r
        except TypeError:
            raise TypeError(f"{self.name}: expected a list of inputs, got "
                            f"{type(operands).__name__}") from None
        if best is not None:
            return best._apply_primitive(self, args)
        return self.evaluate(args)

    def evaluate(self, args: Sequence[Any]) -> float:
        """The forward on plain numbers (checked), as ``Primitive.__call__`` does for them."""
        self._check_count(args)
        if self.kind == "nary":
            xs = [_number(x, self.name) for x in args[0]]
            if not xs:
                raise ValueError(f"{self.name}: needs at least one input, got none")
            out = self.run_forward(xs)
            inputs = xs
        else:
            inputs = [_number(x, self.name) for x in args]
            out = self.run_forward(*inputs)
        if out - out != 0.0:
            return nonfinite_result(self.name, out, inputs)
        return out

    def run_forward(self, *args: Any) -> float:
        """``forward(*args)`` as a float; its errors name the operation and its operands
        (a ``math domain error`` becomes a ``DomainError``, a result that is not a number a
        ``TypeError``)."""
        try:
            out = self.forward(*args)
        except DomainError:
            raise
        except ValueError as e:
            raise DomainError(f"{self.name}: undefined at ({_shown(args)}): {e}") from None
        if type(out) is float:
            return out
        try:
            return float(out)
        except (TypeError, ValueError):
            raise TypeError(f"{self.name}: the forward returned {out!r:.40} "
                            f"({type(out).__name__}), not a number") from None

    def _check_count(self, args: Sequence[Any]) -> None:
        want = {"unary": 1, "scaled": 2, "binary": 2, "nary": 1}[self.kind]
        if len(args) != want:
            what = "a list of inputs" if self.kind == "nary" else f"{want} input(s)"
            raise TypeError(f"{self.name}: takes {what}, got {len(args)} argument(s)")

    def __repr__(self) -> str:
        return f"Primitive({self.name!r}, kind={self.kind!r})"


def _number(x: Any, where: str) -> float:
    """A finite float: plain-number inputs that are NaN or infinite are refused."""
    if type(x) is float and x - x == 0.0:
        return x
    return finite(x, where, "input")


def _shown(args: Sequence[Any], most: int = 4) -> str:
    """Operands for a message: at most ``most`` of them, then how many more."""
    flat = [x for a in args for x in (a if isinstance(a, list) else [a])]
    text = ", ".join(f"{x:.6g}" if isinstance(x, (int, float)) else f"{x!r:.20}"
                     for x in flat[:most])
    return text + (f", ... ({len(flat)} operands)" if len(flat) > most else "")


def nonfinite_result(name: str, out: float, inputs: Sequence[float]) -> float:
    """The overflow rule, shared by every operation on every kind of number.

    An operation whose operands are all finite but whose result is not raises
    (``OverflowError`` for an infinity, ``ValueError`` for NaN), naming the operation and
    its operands. Where an operand is already NaN or infinite, the result passes through:
    NaN propagates, it is never turned into a number.
    """
    if all(x - x == 0.0 for x in inputs):
        shown = _shown(list(inputs))
        if math.isnan(out):
            raise DomainError(f"{name}: undefined (nan) for finite operands ({shown})")
        raise OverflowError(f"{name}: overflow, the result of finite operands ({shown}) is "
                            f"{out}, too large for a float")
    return out


def number_of(x: Any) -> float:
    """The number inside ``x`` (a float, ``Value`` or ``Dual``), for rules that must test it.

    A rule that branches on a value (a derivative undefined at 0, say) reads it through
    this function; symbolic inputs refuse it, and the compiled code then calls the rule on
    floats by name instead of inlining it.
    """
    if type(x) is float:
        return x
    return x._primitive_number()
