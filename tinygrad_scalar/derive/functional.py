"""Derivatives as functions: ``grad``, ``value_and_grad``, ``jacobian``, ``hessian``,
``jvp``, ``vjp``.

These take a Python function and return a new function, as in JAX or HIPS autograd:

>>> f = lambda x, y: x * x * y + y.exp()
>>> grad(f, argnums=(0, 1))(3.0, 0.0)      # (2 x y, x**2 + e**y)
(0.0, 10.0)

Arguments not in ``argnums`` (default ``0``) are passed to ``f`` unchanged, and so are
keyword arguments (never differentiated):

>>> grad(lambda x, k: x ** k)(2.0, 3)
12.0
>>> grad(lambda x, y: x * y)(1.0, y=3.0)
3.0

A function may take numbers, ``Value``s, or lists of them; ``f`` itself must only use
operations that ``Value`` supports. Nothing here reads or writes any ``.grad``: the
gradients are computed by a private reverse sweep over the graph ``f`` builds.

**Numbers in, numbers out; Values in, Values out.** Given plain numbers, the result is
plain floats. Given ``Value``s, or when called inside another differentiation (as in
``grad(grad(f))``), the result is made of ``Value``s that are graphs themselves (built by
``backward(create_graph=True)``'s machinery), so a derivative can be differentiated
again, to any order:

>>> d3 = grad(grad(grad(lambda x: x ** 4)))      # 24 x
>>> d3(2.0)
48.0

**Forward mode.** ``jvp`` and ``jacobian(..., mode="forward")`` evaluate ``f`` on
``Dual`` numbers: one evaluation per input direction instead of one reverse sweep per
output. For ``f: R^n -> R^m`` reverse mode needs ``m`` sweeps and forward mode ``n``
evaluations (see ``demos/jacobian_modes.py``).
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Callable, Iterator, List, Sequence, Tuple, Union

from ..core import graph, sweep
from ..core.checks import is_finite
from ..core.modes import enable_grad
from ..core.value import Value, _const
from .dual import Dual
from .flatten import (  # noqa: F401
    Arg,
    ArgNums,
    Scalar,
    Shape,
    _argnums,
    _bind,
    _check_argnums,
    _check_callable,
    _flatten,
    _inputs,
    _is_scalar,
    _number_of,
    _outputs,
    _regroup,
    _unflatten,
)

__all__ = ["grad", "value_and_grad", "jacobian", "hessian", "jvp", "vjp"]

MODES = ("reverse", "forward")

#: > 0 while some differentiation is evaluating its function, in this thread or task
_nesting: contextvars.ContextVar[int] = contextvars.ContextVar("tinygrad_scalar_nesting",
                                                               default=0)


# ------------------------------------------------------------------ public API
def grad(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
         has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of a scalar-valued ``f`` with respect to the argument(s) ``argnums``.

    With one ``argnums`` the result has the shape of that argument (a number for a number,
    a list for a list); with a tuple of ``argnums`` it is a tuple of those. With
    ``has_aux=True`` (as in JAX) ``f`` returns a pair ``(output, aux)``: only ``output``
    is differentiated, and the gradient function returns ``(gradient, aux)``.

    >>> g = grad(lambda xs: Value.sum([x * x for x in xs]))
    >>> g([1.0, 2.0, 3.0])
    [2.0, 4.0, 6.0]
    >>> grad(lambda x: (x ** 2, {"half": x / 2}), has_aux=True)(3.0)
    (6.0, {'half': 1.5})
    """
    _check_callable(f, "grad")
    nums, single = _argnums(argnums, "grad")
    aux = _flag(has_aux, "grad", "has_aux")

    def gradient(*args: Arg, **kwargs: Any) -> Any:
        value, g = _value_and_grad(_bind(f, kwargs), nums, single, args, "grad", aux)
        return (g, value[1]) if aux else g

    gradient.__doc__ = f"Gradient of {getattr(f, '__name__', 'f')} (argnums={argnums!r})."
    return gradient


def value_and_grad(f: Callable[..., Any], argnums: Union[int, Sequence[int]] = 0,
                   has_aux: bool = False) -> Callable[..., Tuple[Any, Any]]:
    """Like ``grad`` but returns ``(f(*args), gradient)`` from the same evaluation; with
    ``has_aux=True``, ``((output, aux), gradient)`` (JAX's shape).

    >>> value_and_grad(lambda x: x ** 3)(2.0)
    (8.0, 12.0)
    >>> value_and_grad(lambda x: (x ** 3, "note"), has_aux=True)(2.0)
    ((8.0, 'note'), 12.0)
    """
    _check_callable(f, "value_and_grad")
    nums, single = _argnums(argnums, "value_and_grad")
    aux = _flag(has_aux, "value_and_grad", "has_aux")

    def both(*args: Arg, **kwargs: Any) -> Tuple[Any, Any]:
        return _value_and_grad(_bind(f, kwargs), nums, single, args, "value_and_grad", aux)

    return both


def jacobian(f: Callable[..., Any], argnums: ArgNums = None,
             mode: str = "reverse") -> Callable[..., List[List[Any]]]:
    """The Jacobian of ``f: R^n -> R^m`` as ``m`` rows of ``n`` entries.

    ``f`` returns a scalar (``m = 1``) or a list of scalars; the ``n`` inputs are the
    scalars of the arguments ``argnums`` (all of them by default), flattened in order.
    ``mode="reverse"`` builds the graph once and makes one reverse sweep per output;
    ``mode="forward"`` evaluates ``f`` once per input on ``Dual`` numbers (numbers only).
    Unlike JAX's ``jacobian`` (``argnums=0``), the default is every argument.

    >>> f = lambda x, y: [x * y, x + y.exp()]
    >>> jacobian(f)(2.0, 0.0)
    [[0.0, 2.0], [1.0, 1.0]]
    >>> jacobian(f, mode="forward")(2.0, 0.0)
    [[0.0, 2.0], [1.0, 1.0]]
    """
    _check_callable(f, "jacobian")
    if mode not in MODES:
        raise ValueError(f"jacobian: mode must be 'reverse' or 'forward', got {mode!r}")

    def jac(*args: Arg, **kwargs: Any) -> List[List[Any]]:
        nums = tuple(range(len(args))) if argnums is None else _argnums(argnums, "jacobian")[0]
        if mode == "forward":
            return _jacobian_forward(_bind(f, kwargs), nums, args)
        return _jacobian_reverse(_bind(f, kwargs), nums, args)

    return jac


def hessian(f: Callable[..., Any], argnums: ArgNums = None) -> Callable[..., List[List[Any]]]:
    """The matrix of second derivatives of a scalar-valued ``f`` (reverse over reverse).

    Rows and columns follow the flattened scalars of the arguments ``argnums`` (all by
    default; unlike JAX's ``hessian``, whose default is ``argnums=0``): one symbolic
    gradient, then one reverse sweep per input.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)     # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    _check_callable(f, "hessian")

    def hess(*args: Arg, **kwargs: Any) -> List[List[Any]]:
        f_kw = _bind(f, kwargs)
        nums = tuple(range(len(args))) if argnums is None else _argnums(argnums, "hessian")[0]
        _check_argnums(nums, len(args), "hessian")
        _flatten(args, nums, "hessian")  # checked here, so that errors name hessian

        def flat_grad(*xs: Arg) -> List[Any]:
            g = _value_and_grad(f_kw, nums, False, xs, "hessian")[1]
            return [s for part in g for s in (part if isinstance(part, list) else [part])]

        return _jacobian_reverse(flat_grad, nums, args)

    return hess


def jvp(f: Callable[..., Any], primals: Sequence[Arg],
        tangents: Sequence[Arg]) -> Tuple[Any, Any]:
    """Forward mode: ``(f(*primals), J @ tangents)`` from one evaluation on ``Dual`` numbers.

    ``primals`` and ``tangents`` are sequences of the same shape (one entry per argument
    of ``f``, each a number or a list of numbers). The result has the shape of ``f``'s
    output: a number, or a list.

    >>> jvp(lambda x, y: x * y + x, (2.0, 5.0), (1.0, 0.0))   # d/dx at (2, 5): y + 1
    (12.0, 6.0)
    """
    _check_callable(f, "jvp")
    if not isinstance(primals, (list, tuple)) or not isinstance(tangents, (list, tuple)):
        raise TypeError("jvp: primals and tangents must be tuples (one entry per argument), "
                        f"got {type(primals).__name__} and {type(tangents).__name__}")
    nums = tuple(range(len(primals)))
    flat, shape = _flatten(primals, nums, "jvp")
    flat_t, shape_t = _flatten(tangents, tuple(range(len(tangents))), "jvp tangents")
    if [(s[1], s[2]) for s in shape] != [(s[1], s[2]) for s in shape_t]:
        raise ValueError("jvp: tangents must have the same shape as primals")
    xs = [_number_of(x, "jvp") for x in flat]
    ts = [_number_of(t, "jvp tangents") for t in flat_t]
    duals = [Dual(x, t) for x, t in zip(xs, ts)]
    out = f(*_unflatten(list(primals), duals, shape))
    outs, is_list = _outputs(out, "jvp")
    values = [o.primal if isinstance(o, Dual) else float(o) for o in outs]
    derivs = [o.tangent if isinstance(o, Dual) else 0.0 for o in outs]
    return (values, derivs) if is_list else (values[0], derivs[0])


def vjp(f: Callable[..., Any], *primals: Arg) -> Tuple[Any, Callable[..., Tuple[Any, ...]]]:
    """Reverse mode as in JAX: ``(f(*primals), vjp_fn)``, where ``vjp_fn(cotangent)``
    returns the cotangents of the primals, ``cotangent @ J``, as a tuple with one entry per
    primal (a number for a number, a list for a list).

    ``f`` returns a scalar (the cotangent is then a number) or a list of scalars (a list of
    as many numbers). ``f`` is evaluated once; each call of ``vjp_fn`` is one reverse sweep.

    >>> out, vjp_fn = vjp(lambda x, y: [x * y, x + y], 2.0, 3.0)
    >>> out
    [6.0, 5.0]
    >>> vjp_fn([1.0, 0.0]), vjp_fn([0.0, 2.0])
    ((3.0, 2.0), (2.0, 2.0))
    """
    _check_callable(f, "vjp")
    nums = tuple(range(len(primals)))
    flat, shape = _flatten(primals, nums, "vjp")
    symbolic = _nesting.get() > 0 or any(isinstance(x, Value) for x in flat)
    with enable_grad(), _nested():
        wrt = _inputs(flat, "vjp")
        outs, is_list = _outputs(f(*_unflatten(list(primals), wrt, shape)), "vjp")
    if any(isinstance(o, Dual) for o in outs):
        raise TypeError("vjp: f returned a Dual; vjp needs Values or numbers")

    def vjp_fn(cotangent: Any) -> Tuple[Any, ...]:
        cts = _cotangents(cotangent, len(outs), is_list)
        sym = symbolic or any(isinstance(c, Value) for c in cts)
        with enable_grad(), _nested():
            terms = [c * o for c, o in zip(cts, outs) if isinstance(o, Value)]
            if not terms:
                grads: List[Any] = [0.0] * len(wrt)
            else:
                total = terms[0] if len(terms) == 1 else Value.sum(terms)
                grads = sweep.grad_values(total, wrt) if sym else _grad_floats(total, wrt)
        if sym:
            grads = [g if isinstance(g, Value) else _const(float(g)) for g in grads]
        return tuple(_regroup(grads, shape))

    values = [o if symbolic and isinstance(o, Value) else
              (o.data if isinstance(o, Value) else float(o)) for o in outs]
    return (values if is_list else values[0]), vjp_fn


# ------------------------------------------------------------------ the machinery
def _cotangents(cotangent: Any, n: int, is_list: bool) -> List[Any]:
    """``vjp_fn``'s argument checked against the output's shape, as a list of scalars."""
    cts = cotangent if is_list else [cotangent]
    if is_list and not isinstance(cotangent, (list, tuple)):
        raise TypeError(f"vjp: f returned a list of {n}, so the cotangent must be a list of "
                        f"{n} numbers, got {type(cotangent).__name__}")
    if len(cts) != n:
        raise ValueError(f"vjp: the cotangent has {len(cts)} entries but f returned {n}")
    for c in cts:
        if not _is_scalar(c):
            raise TypeError(f"vjp: the cotangent must be made of numbers, got "
                            f"{type(c).__name__} ({c!r:.60})")
        if not isinstance(c, Value) and not is_finite(c):
            raise ValueError(f"vjp: the cotangent must be finite, got {c!r:.60}")
    return list(cts)


def _flag(x: object, where: str, name: str) -> bool:
    if not isinstance(x, bool):
        raise TypeError(f"{where}: {name} must be True or False, got {x!r:.60}")
    return x


def _split_aux(out: Any, where: str) -> Tuple[Any, Any]:
    """``has_aux=True``: ``f`` returned ``(output, aux)``."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{where}: with has_aux=True f must return a pair (output, aux), "
                        f"got {type(out).__name__}")
    return out[0], out[1]


def _plain(x: Any, depth: int = 0) -> Any:
    """``aux`` with its ``Value``s read as numbers (lists, tuples and dicts walked)."""
    if isinstance(x, Value):
        return x.data
    if depth < 20 and isinstance(x, (list, tuple)) and not hasattr(x, "_fields"):
        return type(x)(_plain(v, depth + 1) for v in x)
    if depth < 20 and isinstance(x, dict):
        return {k: _plain(v, depth + 1) for k, v in x.items()}
    return x


def _value_and_grad(f: Callable[..., Any], nums: Tuple[int, ...], single: bool,
                    args: Sequence[Arg], where: str, has_aux: bool = False) -> Tuple[Any, Any]:
    _check_argnums(nums, len(args), where)
    flat, shape = _flatten(args, nums, where)
    symbolic = _nesting.get() > 0 or any(isinstance(x, Value) for x in flat)
    aux: Any = None
    with enable_grad(), _nested():
        wrt = _inputs(flat, where)
        out = f(*_unflatten(list(args), wrt, shape))
        if has_aux:
            out, aux = _split_aux(out, where)
        if isinstance(out, Value):
            grads: List[Any] = (sweep.grad_values(out, wrt) if symbolic else _grad_floats(out, wrt))
        elif isinstance(out, (int, float)) and not isinstance(out, bool):
            grads = [0.0] * len(wrt)  # f does not depend on its inputs
        else:
            raise TypeError(f"{where}: f must return a scalar (a Value or a number), got "
                            f"{type(out).__name__}; use jacobian for vector outputs")
    if symbolic:
        grads = [g if isinstance(g, Value) else _const(float(g)) for g in grads]
        value: Any = out if isinstance(out, Value) else _const(float(out))
    else:
        value = out.data if isinstance(out, Value) else float(out)
    parts = _regroup(grads, shape)
    if has_aux:
        value = (value, aux if symbolic else _plain(aux))
    return value, (parts[0] if single else tuple(parts))


def _grad_floats(root: Value, wrt: Sequence[Value]) -> List[float]:
    """d root / d w for each ``w`` in ``wrt`` as floats, leaving every ``.grad`` as it was.

    It runs Alpha's own sweep (fast: gradients live in the ``.grad`` slots) after saving
    the ``.grad`` of every node it touches, and puts them back before returning.
    """
    topo = graph.topological(root)
    saved = [n.grad for n in topo]
    saved_wrt = [w.grad for w in wrt]
    try:
        for n in topo:
            n.grad = 0.0
        for w in wrt:
            w.grad = 0.0
        root.grad = 1.0
        sweep.run(topo)
        sweep.check(topo)
        return [w.grad for w in wrt]
    finally:
        for w, g in zip(wrt, saved_wrt):
            w.grad = g
        for n, g in zip(topo, saved):
            n.grad = g


def _jacobian_reverse(f: Callable[..., Any], nums: Tuple[int, ...],
                      args: Sequence[Arg]) -> List[List[Any]]:
    _check_argnums(nums, len(args), "jacobian")
    flat, shape = _flatten(args, nums, "jacobian")
    symbolic = _nesting.get() > 0 or any(isinstance(x, Value) for x in flat)
    rows: List[List[Any]] = []
    with enable_grad(), _nested():
        wrt = _inputs(flat, "jacobian")
        outs, _ = _outputs(f(*_unflatten(list(args), wrt, shape)), "jacobian")
        for o in outs:
            if isinstance(o, Value):
                row: List[Any] = sweep.grad_values(o, wrt) if symbolic else _grad_floats(o, wrt)
            elif isinstance(o, (int, float)) and not isinstance(o, bool):
                row = [0.0] * len(wrt)
            else:
                raise TypeError(f"jacobian: f must return Values or numbers, got "
                                f"{type(o).__name__}")
            if symbolic:
                row = [g if isinstance(g, Value) else _const(float(g)) for g in row]
            rows.append(row)
    return rows


def _jacobian_forward(f: Callable[..., Any], nums: Tuple[int, ...],
                      args: Sequence[Arg]) -> List[List[float]]:
    _check_argnums(nums, len(args), "jacobian")
    flat, shape = _flatten(args, nums, "jacobian")
    xs = [_number_of(x, "jacobian (mode='forward')") for x in flat]
    columns: List[List[float]] = []
    for i in range(len(xs)):
        duals = [Dual(x, 1.0 if k == i else 0.0) for k, x in enumerate(xs)]
        outs, _ = _outputs(f(*_unflatten(list(args), duals, shape)), "jacobian")
        columns.append([o.tangent if isinstance(o, Dual) else 0.0 for o in outs])
    if not columns:
        return []
    return [list(row) for row in zip(*columns)]


@contextlib.contextmanager
def _nested() -> Iterator[None]:
    """Mark that a differentiation is running: derivatives taken inside must stay Values."""
    token = _nesting.set(_nesting.get() + 1)
    try:
        yield
    finally:
        _nesting.reset(token)
