"""Data for training tiny networks: toy generators, bundled real sets, preparation.

Everything here is plain Python (standard library only; of the package, only the
argument checks of ``core/checks.py``): a data set is a list of rows ``X`` (each row a
list of floats) and a list of targets ``y``.

* ``toy`` -- :func:`make_moons`, :func:`make_circles`, :func:`make_blobs`,
  :func:`make_spiral`, :func:`make_xor` return ``(X, y)`` with int labels.
* ``bundled`` -- :func:`load_iris`, :func:`load_wine`, :func:`load_diabetes`,
  :func:`load_digits`, :func:`load_dataset` return a :class:`Dataset`; :func:`load_csv` reads your own file
  in the same format.
* ``images`` -- :func:`make_shapes` (circles against squares, generated) and
  :func:`load_image_folder` (your own images through Pillow, imported only there).
* ``text`` -- :func:`load_names`, 5,163 first names for character-level models.
* ``split`` -- :func:`train_test_split` and :func:`batches` decide which rows go where.
* ``prep`` -- :class:`Standardizer` / :func:`standardize` and :func:`one_hot` prepare
  values for a network.

Randomness always comes from an ``rng`` argument, with the meaning it has everywhere in
the package (``tinygrad_scalar.core.checks.make_rng``): an ``int`` is a seed, a
:class:`random.Random` is used as is (so its state advances), and ``None`` draws from
Python's global generator, so ``random.seed(1337)`` at the top of a script reproduces
it. Nothing here reseeds the global generator.

>>> import random
>>> make_moons(n=6, rng=1) == make_moons(n=6, rng=random.Random(1))
True
>>> random.seed(1337); first = make_moons(n=6)
>>> random.seed(1337); first == make_moons(n=6)
True
"""

from .bundled import (
    Dataset,
    load_csv,
    load_dataset,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from .images import load_image_folder, make_shapes
from .prep import Standardizer, one_hot, standardize
from .split import batches, train_test_split
from .text import load_names
from .toy import make_blobs, make_circles, make_moons, make_spiral, make_xor

__all__ = [
    "Dataset",
    "Standardizer",
    "batches",
    "load_csv",
    "load_dataset",
    "load_diabetes",
    "load_digits",
    "load_image_folder",
    "load_iris",
    "load_names",
    "load_wine",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_shapes",
    "make_spiral",
    "make_xor",
    "one_hot",
    "standardize",
    "train_test_split",
]
