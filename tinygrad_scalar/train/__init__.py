"""Training: ``fit``, history and early stopping, checkpoints, plots."""

from .loop import *  # noqa: F401,F403
from .loop import __all__ as __all__
