"""Symbols: run a primitive's forward or rule on names, and get an expression back.

A ``Sym`` stands for a number by its name (``v3``, ``t1``). Arithmetic on symbols writes
the expression instead of computing it, and a primitive applied to symbols writes its
``code`` template (or its name as a call), so the one rule of each primitive
(``core.calculus``) also yields the compiled code and the listing's text:

>>> from tinygrad_scalar.core.calculus import TANH, MUL
>>> out, a = Sym("v2"), Sym("v1")
>>> TANH.rule(out, a)
(Sym('1.0 - v2 * v2'),)
>>> MUL.rule(Sym("v3"), Sym("x0"), Sym("p0"))
(Sym('p0'), Sym('x0'))

A rule that must look at a number (a derivative undefined at 0, say) cannot run on
symbols: ``float()``, comparisons and ``number_of`` refuse them with ``SymbolError``, and
the code generator then calls the rule on floats by name instead.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

from ..core.primitive import Primitive

__all__ = ["Sym", "SymbolError", "literal", "expression"]

ATOM, POWER, UNARY, PRODUCT, SUM, CONDITIONAL = 100, 14, 13, 12, 11, 1


class SymbolError(TypeError):
    """A symbol was asked for its number: the expression cannot be written symbolically."""


def literal(x: float) -> str:
    """A float as Python source that reads back exactly (``inf``/``nan`` by name)."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "(-inf)"
    s = repr(x + 0.0)
    return f"({s})" if s.startswith("-") else s


class Sym:
    """A named number: arithmetic on it writes an expression (``mode`` "code" for Python,
    "c" for C, or "text" for listings)."""

    __slots__ = ("code", "prec", "mode", "calls", "gate")

    def __init__(self, code: str, prec: int = ATOM, mode: str = "code",
                 calls: "Dict[str, Any] | None" = None) -> None:
        self.code, self.prec, self.mode = code, prec, mode
        self.calls: Dict[str, Any] = {} if calls is None else calls  # names the code calls
        self.gate: "tuple[Any, ...] | None" = None  # (times template, input) of a piecewise gate

    def __repr__(self) -> str:
        return f"Sym({self.code!r})"

    def _new(self, code: str, prec: int) -> Sym:
        return Sym(code, prec, self.mode, self.calls)

    # ---------------------------------------------------------------- arithmetic
    def _binary(self, other: Any, op: str, prec: int, reverse: bool = False) -> Any:
        if not isinstance(other, (Sym, int, float)) or isinstance(other, bool):
            return NotImplemented
        left, right = (other, self) if reverse else (self, other)
        if op == "*" and self.gate is not None and isinstance(other, Sym):
            template, x = self.gate  # step(x) * g as one conditional: no multiply when on
            return self._new(template.format(x, _wrap(other, ATOM)), ATOM)
        folded = _fold(left, op, right)
        if folded is not None:
            return folded
        if op == "**" and self.mode == "c":
            return self._new(f"pow({expression(left)}, {expression(right)})", ATOM)
        lw = _wrap(left, prec + (op == "**"))  # ** groups to the right
        rw = _wrap(right, prec + (op != "**"))
        return self._new(f"{lw} {op} {rw}", prec)

    def __add__(self, o: Any) -> Any:
        return self._binary(o, "+", SUM)

    def __radd__(self, o: Any) -> Any:
        return self._binary(o, "+", SUM, True)

    def __sub__(self, o: Any) -> Any:
        return self._binary(o, "-", SUM)

    def __rsub__(self, o: Any) -> Any:
        return self._binary(o, "-", SUM, True)

    def __mul__(self, o: Any) -> Any:
        return self._binary(o, "*", PRODUCT)

    def __rmul__(self, o: Any) -> Any:
        return self._binary(o, "*", PRODUCT, True)

    def __truediv__(self, o: Any) -> Any:
        return self._binary(o, "/", PRODUCT)

    def __rtruediv__(self, o: Any) -> Any:
        return self._binary(o, "/", PRODUCT, True)

    def __pow__(self, o: Any) -> Any:
        return self._binary(o, "**", POWER)

    def __rpow__(self, o: Any) -> Any:
        return self._binary(o, "**", POWER, True)

    def __neg__(self) -> Sym:
        return self._new(f"-{_wrap(self, UNARY)}", UNARY)

    # ---------------------------------------------------------------- no numbers here
    def _refuse(self, *_: Any) -> Any:
        raise SymbolError(f"the symbol {self.code!r} has no number")

    __float__ = __bool__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    _primitive_number = _refuse

    # ---------------------------------------------------------------- primitives on symbols
    _primitive_rank = 3

    @staticmethod
    def _apply_primitive(p: Primitive, args: Sequence[Any]) -> Sym:
        operands = list(args[0]) if p.kind == "nary" else list(args[:p.arity or 1])
        first = next(x for x in operands if isinstance(x, Sym))
        if _template(p, first.mode) is None and p.kind != "nary":
            try:  # arithmetic forwards (``a + b``) write themselves
                native = p.forward(*args)
            except Exception:
                native = None
            if isinstance(native, Sym):
                return native
        names = [x.code if isinstance(x, Sym) else literal(x) for x in operands]
        if p.kind == "scaled":
            names.append(literal(args[1]) if first.mode == "text" else repr(float(args[1])))
        out = first._new(*_call(p, names, first))
        if p.times is not None and first.mode == "code" and p.kind == "unary":
            out.gate = (p.times, names[0])
        return out


def _call(p: Primitive, names: List[str], first: Sym) -> tuple[Any, ...]:
    """The expression of ``p`` applied to ``names``, and its precedence."""
    template = _template(p, first.mode)
    if template is not None:
        text = template.format(*names) if isinstance(template, str) else template(*_args(p, names))
        if isinstance(text, list):
            return " + ".join(text), SUM
        if text is not None:
            first.calls.update(p.names)
            return text, _precedence(text)
    if first.mode == "text":
        return f"{p.name}({', '.join(names)})", ATOM
    if first.mode == "c":
        raise SymbolError(f"the operation {p.name!r} has no C expression (Primitive.c)")
    fname = f"_{_identifier(p.name)}_{id(p):x}"
    first.calls[fname] = p.forward
    if p.kind == "nary":
        return f"{fname}([{', '.join(names)}])", ATOM
    return f"{fname}({', '.join(names)})", ATOM


def _template(p: Primitive, mode: str) -> Any:
    """The expression template of ``p`` for ``mode`` ("code" Python, "c" C, "text")."""
    return p.text if mode == "text" else p.c if mode == "c" else p.code


def _args(p: Primitive, names: List[str]) -> list[Any]:
    if p.kind == "scaled":
        return [names[0], float(names[1].strip("()"))]
    return names


def _identifier(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name) or "op"


def _precedence(text: str) -> int:
    """ATOM for a call or a parenthesised expression, else the loosest operator in it."""
    depth, loosest = 0, ATOM
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and c == " ":
            nxt = text[i + 1:i + 3]
            if nxt.startswith("if"):
                return CONDITIONAL
            if nxt[:1] in "+-" and nxt[1:2] == " ":
                loosest = min(loosest, SUM)
            elif nxt[:1] in "*/" and nxt[1:2] in " *":
                loosest = min(loosest, POWER if nxt == "**" else PRODUCT)
    return loosest


def _wrap(x: Any, prec: int) -> str:
    if isinstance(x, Sym):
        return x.code if x.prec >= prec else f"({x.code})"
    return literal(x)


def _fold(left: Any, op: str, right: Any) -> Any:
    """``1.0 * x`` is ``x``, ``x + 0.0`` is ``x``, ...: keep generated code short."""
    if op == "*":
        if isinstance(left, (int, float)) and left == 1.0:
            return right
        if isinstance(right, (int, float)) and right == 1.0:
            return left
    if op in "+-" and isinstance(right, (int, float)) and right == 0.0:
        return left
    if op == "+" and isinstance(left, (int, float)) and left == 0.0:
        return right
    if op == "/" and isinstance(right, (int, float)) and right == 1.0:
        return left
    return None


def expression(x: Any) -> str:
    """The text of a symbol or a number (a number as its literal)."""
    return x.code if isinstance(x, Sym) else literal(x)
