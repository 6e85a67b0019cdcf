"""Old path of ``tinygrad_scalar.nn.optim``: the same module object, kept so existing imports work."""

import sys

from .nn import optim as _module

sys.modules[__name__] = _module
