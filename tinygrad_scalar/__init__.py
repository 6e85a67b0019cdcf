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
from .modes import no_grad, enable_grad, is_grad_enabled, detect_anomaly, AnomalyError
from .dual import Dual
from .functional import grad, value_and_grad, jacobian, hessian, jvp
from .checks import gradcheck, gradgradcheck, check_graph, GradcheckError
from .ops import custom_op, CustomOp

__all__ = ["Value", "Module", "Neuron", "Layer", "MLP"]
__all__ += ["no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "AnomalyError"]
__all__ += ["Dual", "grad", "value_and_grad", "jacobian", "hessian", "jvp"]
__all__ += ["gradcheck", "gradgradcheck", "check_graph", "GradcheckError", "custom_op", "CustomOp"]
__version__ = "0.1.0"
