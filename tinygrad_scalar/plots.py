"""Old path of ``tinygrad_scalar.train.plots``: the same module object, kept so existing imports work."""

import sys

from .train import plots as _module

sys.modules[__name__] = _module
