"""Old path of ``tinygrad_scalar.see.adjoint``: the same module object, kept so existing imports work."""

import sys

from .see import adjoint as _module

sys.modules[__name__] = _module
