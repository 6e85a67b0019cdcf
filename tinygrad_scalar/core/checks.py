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

import math
import numbers
import random
from typing import Any, Optional, Union

__all__ = ["real", "finite", "positive", "integer", "positive_int", "probability", "make_rng",
           "RngLike", "is_real", "is_finite", "TooLarge"]

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
    float."""
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
        return random._inst  # type: ignore[attr-defined]  # the generator behind random.random()
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
