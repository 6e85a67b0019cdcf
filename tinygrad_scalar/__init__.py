"""tinygrad_scalar: a scalar reverse-mode automatic differentiation engine.

>>> from tinygrad_scalar import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + x
>>> y.backward()
>>> x.grad
5.0
"""

from .engine import Value
from .nn import MLP, Layer, Module, Neuron
from .trace import compile as compile  # tinygrad_scalar.compile(fn): compiled mode
from .trace import compile_step

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP"]
__all__ += ["compile_step"]  # not "compile": a star import would hide the builtin
__version__ = "0.1.0"
