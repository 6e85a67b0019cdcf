"""Write a traced graph as one straight-line Python function: forward, then Alpha's sweep.

Nothing here knows any derivative: each node's forward line comes from its primitive's
``code`` template (or a call of its forward by name), and each gradient share from its
primitive's **rule** run on symbols (``derive.symbols``). A rule that must look at a number
is called on floats by name instead. The result has the shape of the adjoint listing:
a forward block, then a backward block where ``g_v`` holds d(output)/d(``v``).
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Sequence, Tuple

from ..core import graph
from ..core.primitive import Primitive
from ..core.value import Value
from .symbols import Sym, SymbolError, literal

__all__ = ["generate", "Program"]

#: one statement of generated code: ``(op, target, expression, operation's name)`` with
#: ``op`` "=" or "+=", or ``("if", gradient, statements, statements if it is 0)``
Stmt = Tuple[Any, ...]


class Program:
    """The generated source, the names it needs, and the parameters it reads, in order."""

    __slots__ = ("source", "namespace", "params", "operations")

    def __init__(self, source: str, namespace: Dict[str, Any], params: List[Value],
                 operations: int) -> None:
        self.source, self.namespace = source, namespace
        self.params, self.operations = params, operations


def _comment(text: str) -> str:
    """Text for a ``#`` comment of generated code: control characters escaped, so that no
    name can end the comment and start a line of code."""
    return text.encode("unicode_escape").decode("ascii")


def _chain(out: str, terms: List[str], per_line: int = 16) -> List[str]:
    """``t0 + t1 + ...`` left to right, split in parts (the compiler nests ``+``): the first
    part is ``out``'s value, each later one starts from ``out``."""
    lines = [" + ".join(terms[:per_line])]
    for i in range(per_line, len(terms), per_line):
        lines.append(f"{out} + {' + '.join(terms[i:i + per_line])}")
    return lines


def _names_line(names: List[str], rhs: str, indent: str = "    ") -> List[str]:
    """``(a, b, c, ...) = rhs`` wrapped to lines of about 100 characters."""
    lines, cur = [], indent + "("
    for i, name in enumerate(names):
        piece = name + (", " if i < len(names) - 1 or len(names) == 1 else "")
        if len(cur) + len(piece) > 96:
            lines.append(cur.rstrip())
            cur = indent + " "
        cur += piece
    lines.append(cur.rstrip() + f") = {rhs}")
    return lines


class _Writer:
    """Names the nodes and writes the forward and backward blocks of one graph."""

    def __init__(self, root: Value, inputs: Sequence[Value], mode: str = "code",
                 accumulate: bool = False,
                 param_names: Tuple[str, str] = ("p{}", "g_p{}")) -> None:
        self.root, self.mode, self.accumulate = root, mode, accumulate
        self.param_names = param_names  # how parameter i and (accumulating) its gradient are named
        self.position = {v: i for i, v in enumerate(inputs)}
        self.names: Dict[Value, str] = {}
        self.needs: Dict[Value, bool] = {}  # does a parameter's gradient flow through it
        self.params: List[Value] = []
        self.calls: Dict[str, Any] = {}
        self.count = 0

    def sym(self, n: Value) -> Sym:
        return Sym(self.names[n], mode=self.mode, calls=self.calls)

    def leaf(self, n: Value) -> None:  # leaves are named where the forward first reads them
        if n in self.position:
            self.names[n], self.needs[n] = f"x{self.position[n]}", False
        elif n.is_constant:
            self.names[n], self.needs[n] = literal(n.data), False
        else:
            self.names[n], self.needs[n] = self.param_names[0].format(len(self.params)), True
            self.params.append(n)

    def forward(self, reading: List[Value]) -> List[Stmt]:
        lines: List[Stmt] = []
        for n in reading:
            if n._fn is None:
                if n is self.root:
                    self.leaf(n)
                continue
            ps = n.parents
            for p in ps:
                if p not in self.names:
                    self.leaf(p)
            out = self.names[n] = f"v{self.count}"
            self.count += 1
            self.needs[n] = any(self.needs[p] for p in ps)
            block = [("=", out, rhs, "") for rhs in self.forward_lines(n, out)]
            block[0] = ("=", out, block[0][2], n.op)
            lines += block
        return lines

    def forward_lines(self, n: Value, out: str) -> List[str]:
        """The right-hand sides that compute node ``n`` into ``out`` (a long sum: several)."""
        p = n.primitive
        assert p is not None  # only operation nodes are written
        args = [self.sym(q) for q in n.parents]
        if p.kind == "nary":
            template = p.code if self.mode == "code" else p.c
            if callable(template):
                terms = template(*[a.code for a in args])
                if isinstance(terms, list):
                    return _chain(out, terms)
            return [Primitive.__call__(p, args).code]
        if p.kind == "scaled":
            return [p(args[0], n._b).code]
        return [p(*args).code]

    def shares(self, n: Value, g: str) -> List[Tuple[int, str]]:
        """``(parent position, expression)`` of each gradient share of node ``n``."""
        p, ps = n.primitive, n.parents
        assert p is not None  # only operation nodes have shares
        out, args = self.sym(n), [self.sym(q) for q in ps]
        try:
            if p.kind == "nary":
                local = list(p.rule(out, args))
            elif p.kind == "scaled":
                local = list(p.rule(out, args[0], n._b))
            else:
                local = list(p.rule(out, *args))
            exprs = [_share(d, g) for d in local]
        except Exception:  # the rule looks at numbers: call it on floats by name
            if self.mode != "code":
                raise SymbolError(f"the rule of {p.name!r} looks at numbers: it has no "
                                  f"{self.mode} expression") from None
            exprs = self.called_rule(n, [a.code for a in args], g)
        return [(i, e) for i, e in enumerate(exprs) if e is not None]

    def called_rule(self, n: Value, args: List[str], g: str) -> List[str]:
        fname = f"_rule_{len(self.calls)}"
        self.calls[fname] = n._fn
        kind = n._fn.primitive.kind
        if kind == "nary":
            call = f"{fname}({self.names[n]}, [{', '.join(args)}])"
        elif kind == "scaled":
            call = f"{fname}({self.names[n]}, {args[0]}, {n._b!r})"
        else:
            call = f"{fname}({self.names[n]}, {', '.join(args)})"
        return [f"{call}[{i}] * {g}" for i in range(len(args))]


def _share(d: Any, g: str) -> Any:
    """The expression ``d * g`` (``None`` where ``d`` is the number 0)."""
    if isinstance(d, Sym):
        return (d * Sym(g, mode=d.mode)).code
    d = float(d)
    if d == 0.0:
        return None
    return g if d == 1.0 else f"{literal(d)} * {g}"


def _backward(w: _Writer, topo: List[Value]) -> Tuple[List[Stmt], List[str]]:
    """The backward block, and the name of each parameter's gradient (``0.0`` for none).

    With ``w.accumulate`` every parameter's gradient is *added* to ``g_<name>`` (declared
    by the caller), so a loop over samples sums them, and the output's gradient starts
    from ``seed`` (the weight of each sample in a mean) instead of 1."""
    bwd: List[Stmt] = []
    gname: Dict[Value, str] = {}
    if w.accumulate:
        gname.update((p, w.param_names[1].format(i)) for i, p in enumerate(w.params))
    if w.needs[w.root]:
        gname[w.root] = "g_" + w.names[w.root]
        bwd.append(("=", gname[w.root], "seed" if w.accumulate else "1.0", ""))
    for n in reversed(topo):
        if n._fn is None or n not in gname or n in w.position:
            continue  # a leaf, or a node no parameter depends on
        ps = n.parents
        block: List[Stmt] = []
        fresh: List[str] = []
        for i, expr in w.shares(n, gname[n]):
            p = ps[i]
            if not w.needs[p]:
                continue
            if p in gname:
                block.append(("+=", gname[p], expr, ""))
            else:
                gname[p] = "g_" + w.names[p]
                fresh.append(gname[p])
                block.append(("=", gname[p], expr, ""))
        if not block:
            continue
        block[0] = block[0][:3] + (n.op,)
        if len(block) > 2:  # a fused node: skip its whole share when its gradient is 0
            bwd.append(("if", gname[n], block, [("=", g, "0.0", "") for g in fresh]))
        else:
            bwd += block
    return bwd, [gname.get(p, "0.0") for p in w.params]


def python_lines(stmts: List[Stmt], indent: str = "    ") -> List[str]:
    """Statements as Python lines (an operation's name as a comment on its first line)."""
    out: List[str] = []
    for s in stmts:
        if s[0] == "if":
            out.append(f"{indent}if {s[1]}:")
            out += python_lines(s[2], indent + "    ")
            if s[3]:
                out.append(f"{indent}else:")
                out += python_lines(s[3], indent + "    ")
            continue
        op, lhs, rhs, note = s
        out.append(f"{indent}{lhs} {op} {rhs}" + (f"  # {_comment(note)}" if note else ""))
    return out


def generate(root: Value, inputs: Sequence[Value], name: str = "step") -> Program:
    """Python source of one function ``name(x, p) -> (out, grads)`` for the graph of ``root``.

    ``x`` holds the values of ``inputs`` in order; ``p`` those of the parameters (every
    other non-constant leaf of the graph, in ``Program.params``); ``grads`` their
    gradients, in order. Constants are written as literals.

    >>> a, x = Value(3.0, label="a"), Value(0.5)
    >>> prog = generate((a * x).relu(), [x])
    >>> print(prog.source)
    def step(x, p):
        '''Forward and backward sweep of a traced graph: 2 operations, 1 parameters.'''
        (x0,) = x
        (p0,) = p
        # p0 = 'a'
        # forward
        v0 = p0 * x0  # *
        v1 = (v0 if not v0 <= 0.0 else 0.0)  # relu
        # backward
        g_v1 = 1.0
        g_v0 = (g_v1 if v0 > 0.0 else 0.0)  # relu
        g_p0 = x0 * g_v0  # *
        return v1, (g_p0,)
    >>> prog.params == [a]
    True
    """
    if not isinstance(root, Value):
        raise TypeError(f"generate: root must be a Value, got {type(root).__name__}")
    if not isinstance(inputs, (list, tuple)) or not all(isinstance(v, Value) for v in inputs):
        raise TypeError(f"generate: inputs must be a list of Values, got {inputs!r:.80}")
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"generate: name must be a Python identifier, got {name!r:.80}")
    w = _Writer(root, inputs)
    fwd = w.forward(graph.topological_order(root, graph.parents))  # operands in order
    bwd, grads = _backward(w, graph.topological(root))  # the sweep's order, as in backward()
    src = [f"def {name}(x, p):",
           f"    '''Forward and backward sweep of a traced graph: {w.count:,} operations, "
           f"{len(w.params):,} parameters.'''"]
    if inputs:
        src += _names_line([f"x{i}" for i in range(len(inputs))], "x")
    if w.params:
        src += _names_line([w.names[p] for p in w.params], "p")
        src += [f"    # {w.names[p]} = {p.label!r}" for p in w.params if p.label]
    src += ["    # forward"] + python_lines(fwd)
    src += ["    # backward"] + python_lines(bwd)
    tail = ", ".join(grads) + ("," if len(grads) == 1 else "")
    src.append(f"    return {w.names[root]}, ({tail})")
    namespace = {"inf": math.inf, "nan": math.nan, **w.calls}
    return Program("\n".join(src) + "\n", namespace, w.params, w.count)
