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
from .train import evaluate, fit, predict

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP"]
__all__ += ["fit", "evaluate", "predict"]
__version__ = "0.1.0"
