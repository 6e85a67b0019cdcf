"""tinygrad_scalar: a scalar reverse-mode automatic differentiation engine.

>>> from tinygrad_scalar import Value
>>> x = Value(2.0, label="x")
>>> y = x * x + x
>>> y.backward()
>>> x.grad
5.0
"""

from .core.modes import AnomalyError, detect_anomaly, enable_grad, is_grad_enabled, no_grad
from .core.primitive import DomainError
from .core.value import Value
from .derive.compiled import compile as compile  # tinygrad_scalar.compile(fn): compiled mode
from .derive.compiled import compile_step
from .derive.dual import Dual
from .derive.functional import grad, hessian, jacobian, jvp, value_and_grad, vjp
from .derive.gradcheck import GradcheckError, check_graph, gradcheck, gradgradcheck
from .derive.ops import CustomOp, custom_op
from .derive.program import Program
from .nn import MLP, Layer, Module, Neuron
from .see.adjoint import listing, trace_backward, trace_forward
from .see.alphabeta import compare, explain
from .see.viz import render, render_steps, to_dot, to_html
from .train import evaluate, fit, predict

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP"]
__all__ += ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "AnomalyError",
            "DomainError"]
__all__ += ["Dual", "grad", "value_and_grad", "jacobian", "hessian", "jvp", "vjp"]
__all__ += ["gradcheck", "gradgradcheck", "check_graph", "GradcheckError", "custom_op", "CustomOp"]
__all__ += ["to_dot", "render", "render_steps", "to_html", "trace_backward", "trace_forward",
            "listing", "compare", "explain"]
__all__ += ["Program"]
__all__ += ["fit", "evaluate", "predict"]
__all__ += ["compile_step"]  # not "compile": a star import would hide the builtin
__version__ = "0.1.0"
