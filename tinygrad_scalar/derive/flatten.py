"""Arguments and outputs of the functional API: ``argnums``, flattening arguments into
scalars and back, and checking what ``f`` returns (used by ``functional`` and ``gradcheck``).
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union, cast

from ..core.checks import is_finite
from ..core.value import Value
from .dual import Dual

Scalar = Union[Value, int, float]
Arg = Union[Scalar, Sequence[Scalar]]
ArgNums = Union[int, Sequence[int], None]
Shape = List[Tuple[int, Optional[type], int]]  # (argnum, list/tuple or None, length)


# ------------------------------------------------------------------ arguments and outputs
def _bind(f: Callable[..., Any], kwargs: Dict[str, Any]) -> Callable[..., Any]:
    """``f`` with keyword arguments fixed: they are passed through, never differentiated
    (as in JAX: ``grad(f)(1.0, y=3.0)`` differentiates with respect to the first
    positional argument only)."""
    if not kwargs:
        return f
    return functools.partial(f, **kwargs)


def _check_callable(f: object, where: str) -> None:
    if not callable(f):
        raise TypeError(f"{where}: f must be callable, got {type(f).__name__}")


def _argnums(argnums: object, where: str) -> Tuple[Tuple[int, ...], bool]:
    """``argnums`` as a tuple of ints, and whether a single int was given."""
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        return (argnums,), True
    if isinstance(argnums, (list, tuple)) and argnums and all(
            isinstance(a, int) and not isinstance(a, bool) for a in argnums):
        if len(set(argnums)) != len(argnums):
            raise ValueError(f"{where}: argnums has repeated entries: {argnums!r}")
        return tuple(argnums), False
    raise TypeError(f"{where}: argnums must be an int or a non-empty tuple of ints, "
                    f"got {argnums!r}")


def _check_argnums(nums: Tuple[int, ...], nargs: int, where: str) -> None:
    for a in nums:
        if not 0 <= a < nargs:
            raise ValueError(f"{where}: argnums {a} is out of range for {nargs} argument(s)")


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or (isinstance(x, (int, float)) and not isinstance(x, bool))


def _flatten(args: Sequence[Arg], nums: Tuple[int, ...], where: str) -> Tuple[list[Any], Shape]:
    """The scalars of the arguments ``nums``, in order, and how to put them back."""
    flat: list[Any] = []
    shape: Shape = []
    for a in nums:
        x = args[a]
        if _is_scalar(x):
            flat.append(x)
            shape.append((a, None, 1))
        elif isinstance(x, (list, tuple)) and all(_is_scalar(e) for e in x):
            flat.extend(x)
            shape.append((a, type(x), len(x)))
        else:
            raise TypeError(f"{where}: argument {a} must be a number, a Value or a list of "
                            f"them, got {type(x).__name__} ({x!r:.60})")
        for e in cast(Sequence[Scalar], (x,) if _is_scalar(x) else x):
            if not isinstance(e, Value) and not is_finite(e):
                raise ValueError(f"{where}: argument {a} must be finite, got {e!r:.60}")
    return flat, shape


def _unflatten(args: list[Any], flat: Sequence[Any], shape: Shape) -> list[Any]:
    """``args`` with the arguments in ``shape`` replaced by the scalars of ``flat``."""
    i = 0
    for a, kind, n in shape:
        if kind is None:
            args[a] = flat[i]
        else:
            args[a] = kind(flat[i:i + n])
        i += n
    return args


def _regroup(flat: Sequence[Any], shape: Shape) -> List[Any]:
    """Per-argument results: a scalar for a scalar argument, a list for a sequence."""
    parts: List[Any] = []
    i = 0
    for _, kind, n in shape:
        parts.append(flat[i] if kind is None else list(flat[i:i + n]))
        i += n
    return parts


def _inputs(flat: Sequence[Scalar], where: str) -> List[Value]:
    """The nodes to differentiate with respect to: a fresh leaf for each number, the
    ``Value`` itself otherwise (each through its own ``* 1.0`` node when it appears more
    than once, so that each argument keeps its own partial derivative)."""
    count: Dict[Value, int] = {}
    for x in flat:
        if isinstance(x, Value):
            count[x] = count.get(x, 0) + 1
    return [(x * 1.0 if count[x] > 1 else x) if isinstance(x, Value) else Value(float(x))
            for x in flat]


def _number_of(x: object, where: str) -> float:
    if isinstance(x, Value):
        raise TypeError(f"{where}: forward mode runs on numbers, got a Value ({x!r}); pass "
                        f"x.data, or use reverse mode to differentiate the result again")
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{where}: expected a number, got {type(x).__name__} ({x!r:.60})")
    if not is_finite(x):
        raise ValueError(f"{where}: expected a finite number, got {x!r:.60}")
    return float(x)


def _outputs(out: object, where: str) -> Tuple[list[Any], bool]:
    """``f``'s output as a list of scalars, and whether it was a list."""
    if isinstance(out, (list, tuple)):
        for o in out:
            if not (_is_scalar(o) or isinstance(o, Dual)):
                raise TypeError(f"{where}: f must return a scalar or a list of scalars, "
                                f"got an element of type {type(o).__name__}")
        return list(out), True
    if _is_scalar(out) or isinstance(out, Dual):
        return [out], False
    raise TypeError(f"{where}: f must return a scalar or a list of scalars, "
                    f"got {type(out).__name__}")
