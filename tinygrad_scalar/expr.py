"""Old path of ``tinygrad_scalar.cli.expr``: the same module object, kept so existing imports work."""

import sys

from .cli import expr as _module

sys.modules[__name__] = _module
