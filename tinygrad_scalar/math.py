"""Differentiable math: ``sin``, ``cos``, ``exp``, ... on numbers, ``Value``s and ``Dual``s.

``math.sin(v)`` on a ``Value`` is refused (it would cut the graph and give a wrong
gradient); these functions are the drop-in replacements. Each is an entry of the rule
registry, so it works in every mode: on a float it returns a float, on a ``Value`` a new
node, on a ``Dual`` a ``Dual``.

>>> from tinygrad_scalar import Value, grad
>>> from tinygrad_scalar import math as tmath
>>> grad(lambda x: tmath.sin(x) * x)(1.0)        # cos(1) + sin(1)
1.3817732906760363
>>> tmath.sqrt(4.0)
2.0
"""

from __future__ import annotations

from .core.calculus import ATAN as atan
from .core.calculus import COS as cos
from .core.calculus import EXP as exp
from .core.calculus import LOG as log
from .core.calculus import LOG1P as log1p
from .core.calculus import LOGSUMEXP as logsumexp
from .core.calculus import RELU as relu
from .core.calculus import SIGMOID as sigmoid
from .core.calculus import SIN as sin
from .core.calculus import SOFTPLUS as softplus
from .core.calculus import SQRT as sqrt
from .core.calculus import TAN as tan
from .core.calculus import TANH as tanh

__all__ = ["sin", "cos", "tan", "atan", "sqrt", "exp", "log", "log1p", "tanh", "sigmoid",
           "relu", "softplus", "logsumexp"]
