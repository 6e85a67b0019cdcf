"""Data: toy generators, bundled sets and preparation (imports nothing of the package)."""

from .sets import *  # noqa: F401,F403
from .sets import __all__ as __all__
