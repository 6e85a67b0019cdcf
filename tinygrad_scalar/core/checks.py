"""Argument checks shared by the whole package: one contract each, one message style.

Every check takes ``where`` (the function or operation being called, as the user wrote
it) and ``name`` (the argument), returns the value in its canonical type, and raises
``TypeError`` for a value of the wrong type or ``ValueError`` for one out of range, with a
message that names both and shows the value.

>>> finite(3, "SGD", "lr")
3.0
>>> positive_int(0, "fit", "epochs")
Traceback (most recent call last):
...
ValueError: fit: epochs must be an int >= 1, got 0

``rng`` arguments mean the same everywhere: ``None`` draws from Python's global ``random``
(so ``random.seed(1337)`` before a script reproduces it), an int is a seed for a new
generator, and a ``random.Random`` is used as it is. Library code never reseeds the global
generator.

This module imports only the standard library, so every wing may use it (``data/``
included).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import random
from typing import Any, Callable, Optional, TypeVar, Union

__all__ = ["real", "finite", "positive", "integer", "positive_int", "probability", "make_rng",
           "RngLike", "is_real", "is_finite", "TooLarge", "as_list",
           "aliases"]

RngLike = Union[random.Random, int, None]


class TooLarge(OverflowError, ValueError):
    """An int too large for a float: an overflow, and a value out of range, so that code
    expecting either error sees it."""


def is_real(x: object) -> bool:
    """True for a real number (an int or a float, NumPy scalars included), never a bool."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _show(x: object) -> str:
    return f"{x!r:.80}" + ("" if is_real(x) else f" ({type(x).__name__})")


def real(x: Any, where: str, name: str) -> float:
    """``x`` as a float: any real number, NaN and infinities included (they are numbers).

    ``TooLarge`` (an ``OverflowError`` and a ``ValueError``) for an int too large for a
    float. A 0-d array (``numpy.array(2.0)``) stands for the number it holds."""
    if not is_real(x) and getattr(x, "shape", None) == () and hasattr(x, "item"):
        x = x.item()
    if not is_real(x):
        raise TypeError(f"{where}: {name} must be a number, got {_show(x)}")
    try:
        return float(x)
    except OverflowError:
        raise TooLarge(f"{where}: {name} is an int of {int(x).bit_length()} bits, "
                       f"too large for a float") from None


def finite(x: Any, where: str, name: str) -> float:
    """``x`` as a finite float; NaN and infinities are refused (they would spread silently)."""
    f = real(x, where, name)
    if f - f != 0.0:  # NaN or an infinity
        raise ValueError(f"{where}: {name} must be finite, got {f}")
    return f


def positive(x: Any, where: str, name: str, allow_zero: bool = False) -> float:
    """A finite float ``> 0`` (``>= 0`` with ``allow_zero``)."""
    f = finite(x, where, name)
    if f < 0.0 or (f == 0.0 and not allow_zero):
        raise ValueError(f"{where}: {name} must be {'>= 0' if allow_zero else '> 0'}, got {f}")
    return f


def integer(x: Any, where: str, name: str, minimum: Optional[int] = None) -> int:
    """An int (a NumPy integer too; never a bool or a float), ``>= minimum`` if given."""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{where}: {name} must be an int, got {_show(x)}")
    i = int(x)
    if minimum is not None and i < minimum:
        raise ValueError(f"{where}: {name} must be an int >= {minimum}, got {i}")
    return i


def positive_int(x: Any, where: str, name: str) -> int:
    """An int ``>= 1``."""
    return integer(x, where, name, minimum=1)


def probability(x: Any, where: str, name: str, allow_one: bool = True) -> float:
    """A float in ``[0, 1]`` (``[0, 1)`` without ``allow_one``)."""
    f = finite(x, where, name)
    if f < 0.0 or f > 1.0 or (f == 1.0 and not allow_one):
        bound = "1]" if allow_one else "1)"
        raise ValueError(f"{where}: {name} must be in [0, {bound}, got {f}")
    return f


def make_rng(rng: RngLike, where: str, name: str = "rng") -> random.Random:
    """The generator an ``rng`` argument stands for (see the module's documentation).

    >>> make_rng(7, "demo").random() == make_rng(7, "demo").random()
    True
    >>> make_rng(None, "demo") is make_rng(None, "demo")   # Python's global generator
    True
    """
    if rng is None:
        return random._inst  # the generator behind random.random()
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return random.Random(int(rng))
    raise TypeError(f"{where}: {name} must be None, an int seed or a random.Random, "
                    f"got {_show(rng)}")


def is_finite(x: float) -> bool:
    """``math.isfinite`` that also answers for ints too large for a float (not finite)."""
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def as_list(x: Any, where: str, name: str) -> Any:
    """``x`` as a list (or the tuple or list it already is): array-likes welcome.

    A NumPy array or a pandas-like object gives ``x.tolist()`` (nested lists of plain
    Python numbers for a 2-D array); any other iterable (a generator, a ``range``) is read
    into a list. A string, a number or a 0-d array is refused with a ``TypeError``.

    >>> as_list((1, 2), "demo", "x")
    (1, 2)
    >>> as_list(range(3), "demo", "x")
    [0, 1, 2]
    """
    if type(x) is list or type(x) is tuple:
        return x
    if not isinstance(x, (str, bytes)):
        tolist = getattr(x, "tolist", None)
        if callable(tolist) and not isinstance(x, numbers.Number):
            out = tolist()
            if isinstance(out, (list, tuple)):
                return out
        elif hasattr(x, "__iter__") and not isinstance(x, (dict, set, frozenset)):
            return list(x)
    raise TypeError(f"{where}: {name} must be a sequence (a list, a tuple or an array), "
                    f"got {_show(x)}")


R = TypeVar("R")


def aliases(**names: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Accept other keyword names for some arguments (``alias="original"``).

    Used for scikit-learn's names where they mean the same thing (``n_samples`` for
    ``n``, ``random_state`` for ``rng``). Giving both the alias and the original is a
    ``TypeError`` naming both.

    >>> @aliases(n_samples="n")
    ... def f(n=1):
    ...     return n
    >>> f(n_samples=3)
    3
    >>> f(2, n_samples=3)
    Traceback (most recent call last):
    ...
    TypeError: f: give n or its alias n_samples, not both
    """
    def wrap(fn: Callable[..., R]) -> Callable[..., R]:
        params = list(inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            for alias, original in names.items():
                if alias in kwargs:
                    given = original in kwargs or params.index(original) < len(args)
                    if given:
                        raise TypeError(f"{fn.__name__}: give {original} or its alias "
                                        f"{alias}, not both")
                    kwargs[original] = kwargs.pop(alias)
            return fn(*args, **kwargs)
        call.__doc__ = (fn.__doc__ or "") + "\n    Aliases (as in scikit-learn): " + ", ".join(
            f"``{a}`` for ``{o}``" for a, o in names.items()) + ".\n"
        return call  # the signature shown to a type checker is (*args, **kwargs): aliases too
    return wrap
