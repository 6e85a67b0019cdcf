"""Old path of ``tinygrad_scalar.derive.functional``: the same module object, kept so existing imports work."""

import sys

from .derive import functional as _module

sys.modules[__name__] = _module
