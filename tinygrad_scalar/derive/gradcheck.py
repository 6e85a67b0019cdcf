"""Gradient checking: compare the engine's derivatives with central differences.

* ``gradcheck(f, inputs)``: every first derivative of ``f`` (reverse mode) against
  ``(f(x + eps) - f(x - eps)) / (2 eps)``, one input at a time;
* ``gradgradcheck(f, inputs)``: the same for second derivatives (reverse over reverse,
  against central differences of the gradient);
* ``check_graph(root)``: every *local* rule of a built graph, node by node, against
  central differences of that node's own operation; it names the first operation, in
  topological order, whose rule disagrees.

A check passes where ``|analytic - numeric| <= atol + rtol * |numeric|``. Each returns a
report (true when everything passed) or, with ``raise_exception=True`` (the default),
raises ``GradcheckError`` whose message names the worst input or the first bad rule.

>>> ok = gradcheck(lambda x, y: x * y.tanh(), [0.5, -1.5])
>>> bool(ok), [e.input for e in ok.entries]
(True, ['inputs[0]', 'inputs[1]'])
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, NamedTuple, Optional, Sequence

from ..core.modes import no_grad
from ..core.value import Value
from ..derive.flatten import Arg, _flatten, _outputs, _unflatten
from ..derive.functional import _jacobian_reverse, _value_and_grad

__all__ = ["gradcheck", "gradgradcheck", "check_graph", "GradcheckError", "GradcheckReport",
           "GradcheckEntry", "GraphCheckReport", "RuleMismatch"]


class GradcheckError(RuntimeError):
    """A derivative disagrees with central differences; ``.report`` holds the details."""

    def __init__(self, message: str, report: Any) -> None:
        super().__init__(message)
        self.report = report


class GradcheckEntry(NamedTuple):
    """One derivative checked: d ``output`` / d ``input``, both ways."""

    output: str
    input: str
    analytic: float
    numeric: float
    error: float
    tolerance: float

    @property
    def ok(self) -> bool:
        """True when the error is within the tolerance."""
        return self.error <= self.tolerance


class GradcheckReport(NamedTuple):
    """Every derivative checked, and the worst one (largest error relative to tolerance)."""

    entries: List[GradcheckEntry]
    worst: Optional[GradcheckEntry]

    @property
    def ok(self) -> bool:
        """True when every derivative agrees."""
        return all(e.ok for e in self.entries)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        lines = [f"{'d output / d input':<40} {'reverse mode':>14} {'central diff.':>14} "
                 f"{'error':>10}"]
        for e in self.entries:
            mark = "" if e.ok else "  <-- disagrees"
            lines.append(f"{'d ' + e.output + ' / d ' + e.input:<40} {e.analytic:>14.8g} "
                         f"{e.numeric:>14.8g} {e.error:>10.2g}{mark}")
        return "\n".join(lines)


def gradcheck(f: Callable[..., Any], inputs: Sequence[Arg], eps: float = 1e-6,
              atol: float = 1e-6, rtol: float = 1e-4,
              raise_exception: bool = True) -> GradcheckReport:
    """Check every first derivative of ``f`` at ``inputs`` against central differences.

    ``inputs`` has one entry per argument of ``f`` (a number, a ``Value`` — only its
    ``.data`` and label are used — or a list of them); ``f`` returns a scalar or a list.

    >>> import math
    >>> from tinygrad_scalar.ops import custom_op
    >>> bad = custom_op("square", lambda x: x * x, derivative=lambda x: 3 * x)  # wrong!
    >>> gradcheck(lambda x, y: bad(x) + y, [1.0, 2.0])
    Traceback (most recent call last):
    ...
    tinygrad_scalar.derive.gradcheck.GradcheckError: gradcheck: d f / d inputs[0] is 3 by reverse mode ...
    """
    return _check(f, inputs, eps, atol, rtol, raise_exception, "gradcheck", None)


def gradgradcheck(f: Callable[..., Any], inputs: Sequence[Arg], eps: float = 1e-6,
                  atol: float = 1e-6, rtol: float = 1e-4,
                  raise_exception: bool = True) -> GradcheckReport:
    """Check every second derivative of ``f`` at ``inputs``.

    The second derivatives come from reverse mode over the symbolic gradient (the
    ``create_graph`` path); the reference is the central difference of the first
    derivatives. For a list-valued ``f`` every output is checked.

    >>> bool(gradgradcheck(lambda x, y: (x * y).sigmoid() + x ** 3, [0.3, -0.7]))
    True
    """
    return _check(f, inputs, eps, atol, rtol, raise_exception, "gradgradcheck", f)


def _check(f: Callable[..., Any], inputs: Sequence[Arg], eps: float, atol: float, rtol: float,
           raise_exception: bool, where: str, second: Optional[Callable[..., Any]]
           ) -> GradcheckReport:
    if not callable(f):
        raise TypeError(f"{where}: f must be callable, got {type(f).__name__}")
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"{where}: inputs must be a list or tuple (one entry per argument), "
                        f"got {type(inputs).__name__}")
    _tolerances(where, eps, atol, rtol)
    nums = tuple(range(len(inputs)))
    flat, shape = _flatten(inputs, nums, where)
    names = _input_names(flat, shape)
    xs = [x.data if isinstance(x, Value) else float(x) for x in flat]
    args = _unflatten(list(inputs), xs, shape)
    g = f if second is None else _gradient_function(second, nums, inputs, xs, shape)
    analytic = _jacobian_reverse(g, nums, args)
    outputs = _output_names(f, args, len(analytic), second is not None, len(xs), names)
    entries = []
    for i in range(len(xs)):
        plus, minus = list(xs), list(xs)
        plus[i] += eps
        minus[i] -= eps
        hi = _evaluate(g, inputs, plus, shape, second is None)
        lo = _evaluate(g, inputs, minus, shape, second is None)
        for j, row in enumerate(analytic):
            numeric = (hi[j] - lo[j]) / (2.0 * eps)
            a = float(row[i])
            err = abs(a - numeric) if math.isfinite(a) and math.isfinite(numeric) else math.inf
            entries.append(GradcheckEntry(outputs[j], names[i], a, numeric, err,
                                          atol + rtol * abs(numeric)))
    worst = max(entries, key=lambda e: (e.error / e.tolerance if e.tolerance > 0.0
                                        else (math.inf if e.error > 0.0 else 0.0)),
                default=None)
    report = GradcheckReport(entries, worst)
    if raise_exception and not report.ok and worst is not None:
        raise GradcheckError(
            f"{where}: d {worst.output} / d {worst.input} is {worst.analytic:.6g} by reverse "
            f"mode but {worst.numeric:.6g} by central differences (error {worst.error:.3g}, "
            f"tolerance {worst.tolerance:.6g}) at inputs {_show(args)}", report)
    return report


def _tolerances(where: str, eps: object, atol: object, rtol: object) -> None:
    """``eps > 0``, ``atol >= 0`` and ``rtol >= 0``, all finite numbers."""
    for name, x in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        ok = isinstance(x, (int, float)) and not isinstance(x, bool) and 0.0 <= x < 1e300
        if not ok:
            raise ValueError(f"{where}: {name} must be a number >= 0 (below 1e300), got {x!r:.60}")
    if eps == 0.0:
        raise ValueError(f"{where}: eps must be > 0, got {eps!r}")


def _gradient_function(f: Callable[..., Any], nums: tuple[Any, ...], inputs: Sequence[Arg],
                       xs: List[float], shape: Any) -> Callable[..., List[Any]]:
    """``x -> [d out_j / d x_i for each output j, each input i]``, flattened."""
    with no_grad():  # how many outputs does f have?
        outs, is_list = _outputs(f(*_unflatten(list(inputs), [Value(x) for x in xs], shape)),
                                 "gradgradcheck")
    parts_of = [f if not is_list else (lambda *ys, j=j: f(*ys)[j]) for j in range(len(outs))]

    def flat_grad(*args: Arg) -> List[Any]:
        result: List[Any] = []
        for fj in parts_of:
            parts = _value_and_grad(fj, nums, False, args, "gradgradcheck")[1]
            result.extend(s for p in parts for s in (p if isinstance(p, list) else [p]))
        return result

    return flat_grad


def _evaluate(f: Callable[..., Any], inputs: Sequence[Arg], xs: List[float], shape: Any,
              as_values: bool) -> List[float]:
    """``f`` at the numbers ``xs`` as a list of floats: given as fresh leaves building no
    graph, or (for a gradient function, so that it uses the float rules) as numbers."""
    with no_grad():
        out = f(*_unflatten(list(inputs), [Value(x) for x in xs] if as_values else xs, shape))
    outs, _ = _outputs(out, "gradcheck")
    return [o.data if isinstance(o, Value) else float(o) for o in outs]


def _input_names(flat: Sequence[Any], shape: Any) -> List[str]:
    names = []
    for a, kind, n in shape:
        names.extend([f"inputs[{a}]"] if kind is None else [f"inputs[{a}][{k}]" for k in range(n)])
    return [f"{x.label} ({nm})" if isinstance(x, Value) and x.label else nm
            for x, nm in zip(flat, names)]


def _output_names(f: Callable[..., Any], args: list[Any], m: int, second: bool, n: int,
                  names: List[str]) -> List[str]:
    if not second:
        return ["f"] if m == 1 else [f"f[{j}]" for j in range(m)]
    per = m // max(n, 1)
    outs = ["f"] if per == 1 else [f"f[{j}]" for j in range(per)]
    return [f"(d {o} / d {nm})" for o in outs for nm in names]


def _show(args: Sequence[Any]) -> str:
    return "[" + ", ".join(repr([float(v) for v in a]) if isinstance(a, (list, tuple))
                           else repr(float(a)) for a in args) + "]"


# ------------------------------------------------------------------ local rules
class RuleMismatch(NamedTuple):
    """A node whose local-derivative rule disagrees with central differences."""

    index: int  # type: ignore[assignment]  # a field named for what it is; hides tuple.index  # position in topological order
    op: str
    label: str
    slot: int  # which input of the operation
    input_label: str
    inputs: List[float]
    analytic: float
    numeric: float

    def __str__(self) -> str:
        node = f"node #{self.index} (operation {self.op!r}" + (
            f", label {self.label!r})" if self.label else ")")
        inp = f"input {self.slot}" + (f" {self.input_label!r}" if self.input_label else "")
        shown = ", ".join(f"{x:.6g}" for x in self.inputs)
        return (f"{node}: its rule gives d/d({inp}) = {self.analytic:.6g} at inputs ({shown}) "
                f"but central differences give {self.numeric:.6g}")


class GraphCheckReport(NamedTuple):
    """The outcome of ``check_graph``: the first bad rule (if any), what was checked."""

    first: Optional[RuleMismatch]
    checked: int  # number of (node, input) derivatives compared
    skipped: List[str]  # derivatives not compared (kinks, domain edges, unknown operations)

    @property
    def ok(self) -> bool:
        """True when no rule disagreed."""
        return self.first is None

    def __bool__(self) -> bool:
        return self.ok


def check_graph(root: Value, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-4,
                raise_exception: bool = True) -> GraphCheckReport:
    """Check every operation's local-derivative rule in the graph under ``root``.

    For each operation node, in topological order, each input in turn is moved by
    ``± eps * max(1, |x|)`` and the operation alone is re-run on the moved inputs; the
    central difference is compared with the node's rule. Points where the operation has
    a kink (one-sided differences disagree, as for ``relu`` at 0) or where a moved input
    leaves its domain are skipped and listed. Nothing in the graph is changed.

    >>> from tinygrad_scalar.ops import custom_op
    >>> x = Value(0.5, label="x")
    >>> sq = custom_op("square", lambda v: v * v, derivative=lambda v: 2 * v + 1)  # wrong
    >>> y = sq(x.tanh() * 2)
    >>> check_graph((y + 1).log())
    Traceback (most recent call last):
    ...
    tinygrad_scalar.derive.gradcheck.GradcheckError: check_graph: node #4 (operation 'square'): ...
    """
    if not isinstance(root, Value):
        raise TypeError(f"check_graph: root must be a Value, got {type(root).__name__}")
    _tolerances("check_graph", eps, atol, rtol)
    checked, skipped = 0, []
    for index, n in enumerate(root.topological_order()):
        if n._fn is None:
            continue
        xs = [p.data for p in n.parents]
        local = n.local_grads()
        for slot, p in enumerate(n.parents):
            h = eps * max(1.0, abs(xs[slot]))
            try:
                hi, mid, lo = (_replay(n, xs, slot, d) for d in (h, 0.0, -h))
            except (ValueError, ArithmeticError) as e:
                skipped.append(f"node #{index} ({n.op!r}), input {slot}: {e}")
                continue
            numeric = (hi - lo) / (2.0 * h)
            if abs((hi - mid) - (mid - lo)) / h > 1e-3 * max(1.0, abs(numeric)) + 1e3 * h:
                skipped.append(f"node #{index} ({n.op!r}), input {slot}: not smooth at "
                               f"{xs[slot]:.6g}")
                continue
            checked += 1
            analytic = float(local[slot])
            if not abs(analytic - numeric) <= atol + rtol * abs(numeric):
                bad = RuleMismatch(index, n.op, n.label, slot, p.label, xs, analytic, numeric)
                report = GraphCheckReport(bad, checked, skipped)
                if raise_exception:
                    raise GradcheckError(f"check_graph: {bad}", report)
                return report
    return GraphCheckReport(None, checked, skipped)


def _replay(n: Value, xs: List[float], slot: int, delta: float) -> float:
    """Re-run the operation of ``n`` alone (its registry entry's forward), on its inputs
    with input ``slot`` moved."""
    moved = list(xs)
    moved[slot] += delta
    p = n.primitive
    assert p is not None  # only operation nodes are replayed
    if p.kind == "nary":
        return p.evaluate([moved])
    if p.kind == "scaled":
        return p.evaluate([moved[0], n._b])
    return p.evaluate(moved)
