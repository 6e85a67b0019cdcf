"""Old path of ``tinygrad_scalar.nn.losses``: the same module object, kept so existing imports work."""

import sys

from .nn import losses as _module

sys.modules[__name__] = _module
