"""The ``tinygrad-scalar`` command and the safe expression parser."""

from .command import *  # noqa: F401,F403
from .command import main as main
