"""Safe arithmetic expressions: text such as ``"tanh(x*w + b)"`` turned into a ``Value`` graph.

The text is read with Python's ``ast`` module and checked against a whitelist: numbers,
variable names, ``+ - * / **``, unary minus and plus, parentheses, and calls with one
argument to the one-input operations of the rule registry (``FUNCTIONS``: ``exp``,
``log``, ``tanh``, ``sigmoid``, ``relu``, ``abs``, ``sqrt``, ``sin``, ...). Nothing is ever
evaluated by Python itself: the checked tree is walked here, node by node.

>>> out, xs = build("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.88})
>>> round(out.data, 4), sorted(xs)
(0.7064, ['b', 'w', 'x'])

Every mistake raises ``ExpressionError`` (a ``ValueError``) with a one-line message;
arithmetic that is undefined at the given values raises the engine's own error
(``ZeroDivisionError``, ``ValueError``, ``OverflowError``).
"""

from __future__ import annotations

import ast
import keyword
import math
import warnings
from typing import Dict, List, Mapping, Sequence, Set, Tuple, Union

from ..core import calculus  # noqa: F401  (registers the built-in operations)
from ..core.primitive import REGISTRY
from ..core.value import Value

__all__ = ["ExpressionError", "FUNCTIONS", "parse", "variables", "parse_values", "build"]

FUNCTIONS = tuple(name for name, p in REGISTRY.items() if p.kind == "unary" and name.isidentifier())
"""The functions an expression may call: every one-input operation of the rule registry."""
MAX_LENGTH = 10_000
MAX_DEPTH = 200

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_UNARY = {ast.USub: "-", ast.UAdd: "+"}


class ExpressionError(ValueError):
    """A mistake in an expression or in a ``name=value`` assignment."""


def parse(text: str) -> ast.expr:
    """Parse ``text`` and check it against the whitelist; return the checked tree.

    >>> parse("2 * x") is not None
    True
    >>> parse("x.real")
    Traceback (most recent call last):
    ...
    tinygrad_scalar.cli.expr.ExpressionError: expression: attribute access (.real) is not allowed
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expression: expected a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression: too long ({len(text):,} characters, "
                              f"at most {MAX_LENGTH:,})")
    if not text.strip():
        raise ExpressionError("expression: empty")
    try:
        with warnings.catch_warnings():  # "1if x" and the like warn before they fail
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        where = f" at column {e.offset}" if e.offset else ""
        raise ExpressionError(f"expression: syntax error{where}: {e.msg}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as e:
        raise ExpressionError(f"expression: cannot be read ({type(e).__name__})") from None
    _check(tree.body)
    return tree.body


def _check(root: ast.expr) -> None:
    """Walk the tree without recursion and refuse anything off the whitelist."""
    stack: List[Tuple[ast.AST, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression: nested too deeply (more than {MAX_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ExpressionError(f"expression: {v!r} is not a number")
            _finite(v, "expression: number")
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise ExpressionError(f"expression: {node.id} is a function; call it as "
                                      f"{node.id}(...)")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ExpressionError(f"expression: operator {_symbol(node.op)} is not allowed "
                                      f"(use + - * / **)")
            stack.append((node.right, depth + 1))
            stack.append((node.left, depth + 1))
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                raise ExpressionError(f"expression: unary {_symbol(node.op)} is not allowed")
            stack.append((node.operand, depth + 1))
        elif isinstance(node, ast.Call):
            f = node.func
            if not isinstance(f, ast.Name):
                raise ExpressionError("expression: only calls of a function name are allowed "
                                      f"({', '.join(FUNCTIONS)})")
            if f.id not in FUNCTIONS:
                raise ExpressionError(f"expression: unknown function {f.id!r} "
                                      f"(known: {', '.join(FUNCTIONS)})")
            if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise ExpressionError(f"expression: {f.id} takes exactly one argument")
            stack.append((node.args[0], depth + 1))
        elif isinstance(node, ast.Attribute):
            raise ExpressionError(f"expression: attribute access (.{node.attr}) is not allowed")
        else:
            raise ExpressionError(f"expression: {_describe(node)} is not allowed")


def _symbol(op: ast.AST) -> str:
    names = {"FloorDiv": "//", "Mod": "%", "MatMult": "@", "LShift": "<<", "RShift": ">>",
             "BitOr": "|", "BitAnd": "&", "BitXor": "^", "Not": "not", "Invert": "~"}
    return names.get(type(op).__name__, type(op).__name__)


def _describe(node: ast.AST) -> str:
    kinds = {"Compare": "a comparison", "BoolOp": "and/or", "Subscript": "indexing",
             "Lambda": "lambda", "IfExp": "if/else", "Tuple": "a tuple", "List": "a list",
             "Dict": "a dict", "Set": "a set", "JoinedStr": "an f-string",
             "NamedExpr": "an assignment (:=)", "Starred": "*unpacking"}
    return kinds.get(type(node).__name__, type(node).__name__)


def _finite(v: float, what: str) -> float:
    try:
        f = float(v)
    except OverflowError:
        raise ExpressionError(f"{what} is too large for a float") from None
    if not math.isfinite(f):
        raise ExpressionError(f"{what} must be finite, got {v!r}")
    return f


def variables(text: str) -> List[str]:
    """The variable names used in ``text``, in order of first appearance.

    >>> variables("tanh(x*w + b) * x")
    ['x', 'w', 'b']
    """
    seen: Dict[str, None] = {}
    for node in _preorder(parse(text)):
        if isinstance(node, ast.Name):
            seen.setdefault(node.id, None)
    return list(seen)


def _preorder(root: ast.expr) -> List[ast.AST]:
    """Nodes in reading order (left to right), without recursion."""
    out: List[ast.AST] = []
    stack: List[ast.AST] = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        if isinstance(node, ast.BinOp):
            stack += [node.right, node.left]
        elif isinstance(node, ast.UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            stack.append(node.args[0])
    return out


def parse_values(items: Sequence[str]) -> Dict[str, float]:
    """Read ``name=number`` strings (as typed on a command line) into a dict.

    >>> parse_values(["x=2", "w=-3", "b=6.88"])
    {'x': 2.0, 'w': -3.0, 'b': 6.88}
    """
    if not isinstance(items, (list, tuple)):
        raise ExpressionError(f"values: expected a list of NAME=NUMBER strings, "
                              f"got {type(items).__name__}")
    values: Dict[str, float] = {}
    for item in items:
        if not isinstance(item, str) or "=" not in item:
            raise ExpressionError(f"value {item!r}: expected NAME=NUMBER, such as x=2")
        name, _, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(f"value {item!r}: {name!r} is not a variable name")
        if name in FUNCTIONS:
            raise ExpressionError(f"value {item!r}: {name} is a function, not a variable")
        if name in values:
            raise ExpressionError(f"value {item!r}: {name} is given twice")
        if not text:
            raise ExpressionError(f"value {item!r}: no number after '='")
        try:
            number = float(text)
        except ValueError:
            raise ExpressionError(f"value {item!r}: {text!r} is not a number") from None
        if not math.isfinite(number):
            raise ExpressionError(f"value {item!r}: the number must be finite")
        values[name] = number
    return values


def build(text: str, values: Mapping[str, float]) -> Tuple[Value, Dict[str, Value]]:
    """Build the graph of ``text`` with each variable a labelled leaf ``Value``.

    Returns ``(output, {name: leaf})``. Every variable needs a value and every value a
    variable. Arithmetic on plain numbers alone is folded into one constant.

    >>> out, xs = build("x ** 2 + 3 * x", {"x": 2.0})
    >>> out.backward()
    >>> out.data, xs["x"].grad
    (10.0, 7.0)
    """
    tree = parse(text)
    if not isinstance(values, Mapping):
        raise ExpressionError(f"values: expected a mapping of names to numbers, "
                              f"got {type(values).__name__}")
    names = variables(text)
    given: Set[str] = set(values)
    missing = [n for n in names if n not in given]
    if missing:
        raise ExpressionError(f"missing value for {', '.join(missing)} "
                              f"(add {missing[0]}=NUMBER)")
    unused = sorted(given - set(names))
    if unused:
        raise ExpressionError(f"value for {', '.join(unused)} given, but the expression "
                              f"does not use it")
    leaves: Dict[str, Value] = {}
    for n in names:
        v = values[n]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ExpressionError(f"value for {n}: expected a number, got {v!r}")
        leaves[n] = Value(_finite(v, f"value for {n}"), label=n)
    out = _evaluate(tree, leaves)
    if not isinstance(out, Value):
        raise ExpressionError("expression: has no variable, so there is nothing to differentiate")
    for node in out.topological_order():
        if not math.isfinite(node.data):
            raise OverflowError(f"expression: a step of the computation overflows ({node.data})")
    return out, leaves


Result = Union[Value, float]


def _evaluate(root: ast.expr, leaves: Mapping[str, Value]) -> Result:
    """Post-order walk with an explicit stack (the tree is at most MAX_DEPTH deep)."""
    done: List[Result] = []
    stack: List[Tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if isinstance(node, ast.Constant):
            done.append(float(node.value))
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
            done.append(_binary(_BINARY[type(node.op)], a, b))
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
