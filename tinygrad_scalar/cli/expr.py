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
import io
import keyword
import math
import tokenize
import unicodedata
import warnings
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from ..core import calculus  # noqa: F401  (registers the built-in operations)
from ..core.primitive import REGISTRY
from ..core.value import Value
from .evaluate import evaluate

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
        tree = _parse_one(text.strip())
    except RecursionError:  # Python's parser recurses once per operation of a chain
        tree = _parse_chain(text.strip(), 0)
    _check(tree)
    return tree


def _parse_one(text: str) -> ast.expr:
    """``ast.parse`` in eval mode, its errors made ``ExpressionError`` (RecursionError
    passes, for ``_parse_chain``)."""
    try:
        with warnings.catch_warnings():  # "1if x" and the like warn before they fail
            warnings.simplefilter("ignore")
            return ast.parse(text, mode="eval").body
    except SyntaxError as e:
        where = f" at column {e.offset}" if e.offset else ""
        raise ExpressionError(f"expression: syntax error{where}: {e.msg}") from None
    except MemoryError:  # the parser's own stack, on deep nesting such as x**x**...**x
        raise ExpressionError("expression: nested too deeply for Python's parser") from None
    except (ValueError, OverflowError) as e:
        raise ExpressionError(f"expression: cannot be read ({type(e).__name__})") from None


_CHAINS = (("+", "-"), ("*", "/"))
_AST_OPS = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div}
_CLOSERS = (")", "]", "}")


def _parse_chain(text: str, level: int) -> ast.expr:
    """Read a long chain such as ``x1 + x2 + ... + x5000`` that Python's parser cannot:
    split it at its top-level ``+`` and ``-`` (then ``*`` and ``/``), read each part, and
    join the parts left to right, as Python groups them."""
    parts, ops = _split(text, _CHAINS[level])
    if len(parts) == 1:
        return _parse_chain(text, level + 1) if level + 1 < len(_CHAINS) else _parse_part(text)
    trees = [_parse_chain(part, level + 1) if level + 1 < len(_CHAINS) else _parse_part(part)
             for part in parts]
    tree = trees[0]
    for op, right in zip(ops, trees[1:]):
        tree = ast.BinOp(left=tree, op=_AST_OPS[op](), right=right)
    return tree


def _parse_part(text: str) -> ast.expr:
    try:
        return _parse_one(text)
    except RecursionError:
        raise ExpressionError(f"expression: nested too deeply for Python's parser "
                              f"({' '.join(text.split())[:30]} ...)") from None


def _split(text: str, ops: Tuple[str, ...]) -> Tuple[List[str], List[str]]:
    """``text`` cut at its binary operators ``ops`` outside brackets: parts and operators."""
    starts = [0]
    for line in io.StringIO(text):
        starts.append(starts[-1] + len(line))
    parts: List[str] = []
    found: List[str] = []
    depth, begin, previous = 0, 0, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP and tok.string in ("(", "[", "{"):
                depth += 1
            elif tok.type == tokenize.OP and tok.string in _CLOSERS:
                depth -= 1
            elif (tok.type == tokenize.OP and tok.string in ops and depth == 0
                  and _ends_operand(previous)):
                at = starts[tok.start[0] - 1] + tok.start[1]
                parts.append(text[begin:at])
                found.append(tok.string)
                begin = at + len(tok.string)
            if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
                                tokenize.ENDMARKER):
                previous = tok
    except (tokenize.TokenError, SyntaxError) as e:
        raise ExpressionError(f"expression: syntax error: {e.args[0] if e.args else e}") from None
    return [part.strip() for part in parts + [text[begin:]]], found


def _ends_operand(tok: Optional[tokenize.TokenInfo]) -> bool:
    """True after a token that ends an operand (so a following + or - is binary)."""
    if tok is None:
        return False
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string)
    return tok.type in (tokenize.NUMBER, tokenize.STRING) or tok.string in _CLOSERS


def _check(root: ast.expr) -> None:
    """Walk the tree without recursion and refuse anything off the whitelist.

    Depth counts nesting: the left operand of a chain such as ``a + b - c + ...`` is at
    the same depth as the chain, so a flat sum of thousands of terms is not deep.
    """
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
            stack.append((node.left, depth if _same_chain(node, node.left) else depth + 1))
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


def _same_chain(node: ast.BinOp, left: ast.expr) -> bool:
    """True when ``left`` continues the left-grouped chain of ``node`` (+ and -, or * and /)."""
    if not isinstance(left, ast.BinOp):
        return False
    return any(type(node.op) in group and type(left.op) in group
               for group in ((ast.Add, ast.Sub), (ast.Mult, ast.Div)))


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
        _plain(name, f"value {item!r}")
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


def _plain(name: str, where: str) -> None:
    """Refuse a name Python would read as another (NFKC: ``x２`` is ``x2``, ``ﬁ`` is ``fi``)."""
    plain = unicodedata.normalize("NFKC", name)
    if plain != name:
        odd = ", ".join(f"{c} (U+{ord(c):04X})" for c in dict.fromkeys(name)
                        if unicodedata.normalize("NFKC", c) != c)
        raise ExpressionError(f"{where}: Python reads the name {name!r} as {plain!r} (it "
                              f"turns {odd} into plain characters); write {plain}")


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
    for name in values:
        if isinstance(name, str) and name.isidentifier():
            _plain(name, f"value for {name}")
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
    out = evaluate(tree, leaves)
    if not isinstance(out, Value):
        raise ExpressionError("expression: has no variable, so there is nothing to differentiate")
    for node in out.topological_order():
        if not math.isfinite(node.data):
            raise OverflowError(f"expression: a step of the computation overflows ({node.data})")
    return out, leaves
