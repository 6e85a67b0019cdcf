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

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP"]
__version__ = "0.1.0"

from .adjoint import listing, trace_backward
from .alphabeta import compare, explain
from .viz import render, render_steps, to_dot

__all__ += ["to_dot", "render", "render_steps", "trace_backward", "listing", "compare", "explain"]
