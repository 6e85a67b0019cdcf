"""Neural networks: modules, losses, optimizers and schedules (imports only ``core``).

* ``module``: the ``Module`` base (attributes registered as in PyTorch);
* ``modules``: ``Neuron``, ``Layer``, ``MLP``, ``Dropout`` (and ``Module`` again, and the
  layers of ``layers`` and ``batchnorm``: ``Sequential``, ``Linear``, ``ReLU``, ``Tanh``,
  ``Sigmoid``, ``BatchNorm1d``);
* ``init``: the names of the initial weights (``zeros``, ``normal``, ``he``, ...);
* ``losses``: ``mse``, ``binary_cross_entropy``, ``softmax_cross_entropy``, ``hinge``, ``l2``;
* ``optimizer``: the ``Optimizer`` base class; ``optim``: ``SGD``, ``RMSProp``, ``Adam``,
  ``AdamW`` (and, for old imports, every schedule);
* ``schedules``: ``StepLR``, ``ExponentialLR``, ``InverseTimeLR``, ``LinearLR``,
  ``CosineLR``, ``WarmupLR``.

Every public name of those modules is also a name of ``tinygrad_scalar.nn``.
"""

from . import init, losses, modules, optim, schedules  # noqa: F401  (init: nn.init)
from .losses import *  # noqa: F401,F403
from .modules import *  # noqa: F401,F403
from .optim import *  # noqa: F401,F403
from .schedules import *  # noqa: F401,F403

__all__ = sorted(set(modules.__all__) | set(losses.__all__) | set(optim.__all__)
                 | set(schedules.__all__))
