"""Old path of ``tinygrad_scalar.derive.gradcheck``: the same module object, kept so existing imports work."""

import sys

from .derive import gradcheck as _module

sys.modules[__name__] = _module
