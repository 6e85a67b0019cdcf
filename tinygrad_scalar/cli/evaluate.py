"""The value of a checked expression tree: a ``Value`` graph built node by node.

``expr.parse`` reads and checks the text; ``evaluate`` walks the checked tree (numbers,
names, ``+ - * / **``, unary minus and plus, and one-argument calls of the functions of
``expr.FUNCTIONS``, the rule registry's one-input operations) and applies the engine's
own operations, so every result and every
error is the engine's. Arithmetic on plain numbers alone is folded into one number.
"""

from __future__ import annotations

import ast
import math
from typing import List, Mapping, Tuple, Union

from ..core.primitive import REGISTRY
from ..core.value import Value

__all__ = ["evaluate"]

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

Result = Union[Value, float]


def evaluate(root: ast.expr, leaves: Mapping[str, Value]) -> Result:
    """The value of the checked tree ``root`` with each name one of ``leaves``: a post-order
    walk with an explicit stack, so a chain of any length needs no recursion."""
    done: List[Result] = []
    stack: List[Tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            done.append(float(node.value))  # type: ignore[arg-type]  # the parser admits numbers only
        elif isinstance(node, ast.Name):
            done.append(leaves[node.id])
        elif not ready:
            stack.append((node, True))
            if isinstance(node, ast.BinOp):
                stack += [(node.right, False), (node.left, False)]
            elif isinstance(node, ast.UnaryOp):
                stack.append((node.operand, False))
            else:
                stack.append((node.args[0], False))  # type: ignore[attr-defined]
        elif isinstance(node, ast.BinOp):
            b, a = done.pop(), done.pop()
            done.append(_binary(_OPERATORS[type(node.op)], a, b))
        elif isinstance(node, ast.UnaryOp):
            a = done.pop()
            done.append(a if isinstance(node.op, ast.UAdd) else -a)
        else:
            done.append(_call(node.func.id, done.pop()))  # type: ignore[attr-defined]
    return done[0]


def _binary(op: str, a: Result, b: Result) -> Result:
    if not isinstance(a, Value) and not isinstance(b, Value):
        return _fold(_binary(op, Value(a), b))  # same checks and errors as the engine
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    return a ** b


def _call(name: str, a: Result) -> Result:
    if not isinstance(a, Value):
        return _fold(_call(name, Value(a)))
    out = REGISTRY[name](a)
    return out if isinstance(out, Value) else _fold(out)


def _fold(v: Result) -> float:
    data = v.data if isinstance(v, Value) else v
    if not math.isfinite(data):
        raise OverflowError(f"expression: a constant part overflows ({data})")
    return data
