"""Initial weights: one draw per weight, by name, as ``torch.nn.init`` names them.

``init_weight(kind, nin, nout, rng, activation, std)`` draws one weight of a layer with
``nin`` inputs and ``nout`` outputs:

=================  ==========================================================
``zeros``          0 (every neuron of a layer then learns the same thing)
``normal``         ``N(0, std**2)`` (``std`` defaults to 0.01)
``uniform``        ``U(-1, 1)`` (micrograd's choice)
``lecun``          ``N(0, 1 / nin)`` (LeCun normal); ``lecun_uniform``: ``U(-a, a)``,
                   ``a = sqrt(3 / nin)``
``he``             ``N(0, 2 / nin)`` (He / Kaiming normal, for ReLU), also ``he_normal``;
                   ``he_uniform``: ``U(-a, a)``, ``a = sqrt(6 / nin)``
``xavier``         ``U(-a, a)``, ``a = sqrt(6 / (nin + nout))`` (Xavier / Glorot
                   uniform), also ``xavier_uniform``; ``xavier_normal``:
                   ``N(0, 2 / (nin + nout))``
``auto``           ``he`` before a ReLU, ``xavier`` otherwise
=================  ==========================================================

>>> import random
>>> init_weight("zeros", 3, 2, random.Random(0))
0.0
>>> r = random.Random(0)
>>> round(init_weight("normal", 3, 2, r, std=0.5), 6) == round(random.Random(0).gauss(0, 0.5), 6)
True
"""

from __future__ import annotations

import math
import random
from typing import Optional

from ..core.checks import positive

__all__ = ["INITS", "init_weight", "check_init"]

INITS = ("auto", "zeros", "normal", "uniform", "lecun", "lecun_uniform", "he", "he_normal",
         "he_uniform", "xavier", "xavier_uniform", "xavier_normal")


def check_init(init: object, std: object, where: str) -> Optional[float]:
    """Check an ``init`` name and its ``std`` (only ``normal`` takes one); return the std.

    >>> check_init("normal", None, "Linear"), check_init("he", None, "Linear")
    (0.01, None)
    """
    if not isinstance(init, str) or init not in INITS:
        raise ValueError(f"{where}: init must be one of {', '.join(INITS)}; got {init!r:.60}")
    if init != "normal":
        if std is not None:
            raise ValueError(f"{where}: std is for init='normal' only, got std={std!r:.40} "
                             f"with init={init!r}")
        return None
    return 0.01 if std is None else positive(std, where, "std")


def init_weight(kind: str, nin: int, nout: int, rng: random.Random,
                activation: str = "linear", std: Optional[float] = None) -> float:
    """One initial weight of a layer ``nin -> nout`` drawn from ``rng`` (see the table)."""
    if kind == "auto":
        kind = "he" if activation == "relu" else "xavier"
    if kind == "zeros":
        return 0.0
    if kind == "normal":
        return rng.gauss(0.0, 0.01 if std is None else std)
    if kind == "uniform":
        return rng.uniform(-1.0, 1.0)
    if kind == "lecun":
        return rng.gauss(0.0, math.sqrt(1.0 / nin))
    if kind == "lecun_uniform":
        limit = math.sqrt(3.0 / nin)
        return rng.uniform(-limit, limit)
    if kind in ("he", "he_normal"):
        return rng.gauss(0.0, math.sqrt(2.0 / nin))
    if kind == "he_uniform":
        limit = math.sqrt(6.0 / nin)
        return rng.uniform(-limit, limit)
    if kind == "xavier_normal":
        return rng.gauss(0.0, math.sqrt(2.0 / (nin + nout)))
    if kind in ("xavier", "xavier_uniform"):
        limit = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-limit, limit)
    raise ValueError(f"init_weight: kind must be one of {', '.join(INITS)}; got {kind!r:.60}")
