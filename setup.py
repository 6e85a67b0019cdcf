"""Build script. Everything is declared in setup.cfg except one thing setup.cfg cannot say:
the demos and benchmarks travel inside the package, so that ``tinygrad-scalar demo`` and
``tinygrad-scalar bench`` work from an installed wheel as from a checkout.

They stay in ``demos/`` and ``benchmarks/`` in the source tree (``python demos/moons.py``
runs as before) and are mapped to ``tinygrad_scalar/_scripts/demos`` and
``tinygrad_scalar/_scripts/benchmarks`` in the wheel: one copy of each script, no build
step. ``cli/scripts.py`` looks there first, then beside the package in a checkout.
"""

from setuptools import find_namespace_packages, setup

SCRIPTS = {"tinygrad_scalar._scripts.demos": "demos",
           "tinygrad_scalar._scripts.benchmarks": "benchmarks"}

setup(packages=find_namespace_packages(include=["tinygrad_scalar", "tinygrad_scalar.*"])
      + list(SCRIPTS), package_dir=SCRIPTS)
