"""Toy data sets for classification in the plane: moons, circles, blobs, spirals, XOR.

Each generator returns ``(X, y)``: a list of rows (each a list of floats) and a list of
int labels ``0, 1, ...``. The points are laid out by the data set's geometry, then
shuffled (and, for moons, circles and XOR, given Gaussian noise) with ``rng``: an int
seed, a ``random.Random`` (used as is), or ``None`` for Python's global generator.

>>> X, y = make_moons(n=6, noise=0.0, rng=1)
>>> len(X), len(X[0]), sorted(set(y))
(6, 2, [0, 1])
>>> make_moons(n=6, rng=1) == make_moons(n=6, rng=1)
True
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from ..core.checks import RngLike, aliases, finite, integer, is_real, make_rng, positive

__all__ = ["make_moons", "make_circles", "make_blobs", "make_spiral", "make_xor"]


def _linspace(
    start: float, stop: float, num: int, endpoint: bool = True
) -> list[float]:
    """``num`` evenly spaced numbers from ``start`` to ``stop`` (like numpy's)."""
    if num == 1:
        return [start]
    div = num - 1 if endpoint else num
    step = (stop - start) / div
    values = [start + i * step for i in range(num)]
    if endpoint:
        values[-1] = stop
    return values


def _split_evenly(n: int, k: int) -> list[int]:
    """Sizes of ``k`` parts of ``n``: as equal as possible, the first ones larger."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def _shuffled(
    X: list[list[float]], y: list[int], rng: random.Random
) -> tuple[list[list[float]], list[int]]:
    """Return ``X`` and ``y`` permuted by the same random permutation."""
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _shuffled_with_noise(
    X: list[list[float]], y: list[int], rng: random.Random, noise: float
) -> tuple[list[list[float]], list[int]]:
    """Shuffle 2-D points and their labels together, then add Gaussian noise to each point."""
    X, y = _shuffled(X, y, rng)
    for row in X:
        row[0] += rng.gauss(0.0, noise)
        row[1] += rng.gauss(0.0, noise)
    return X, y


@aliases(n_samples="n", random_state="rng")
def make_moons(
    n: int = 100, noise: float = 0.1, rng: RngLike = None
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles in the plane, labels 0 and 1.

    The geometry is scikit-learn's ``make_moons``: ``n // 2`` points of class 0 on the
    upper half of the unit circle, ``(cos t, sin t)`` for ``t`` evenly spaced in
    ``[0, pi]``, and the rest, class 1, on the lower half circle
    ``(1 - cos t, 0.5 - sin t)``. Gaussian noise with standard deviation ``noise`` is
    then added to every coordinate, and the rows are shuffled with ``rng``.

    Args:
        n: number of points, at least 2.
        noise: standard deviation of the Gaussian noise, >= 0.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.

    Returns:
        ``(X, y)``: ``n`` rows ``[x1, x2]`` and ``n`` labels in ``{0, 1}``.

    >>> X, y = make_moons(n=4, noise=0.0)
    >>> sorted((label, round(a, 6) + 0.0, round(b, 6) + 0.0) for (a, b), label in zip(X, y))
    [(0, -1.0, 0.0), (0, 1.0, 0.0), (1, 0.0, 0.5), (1, 2.0, 0.5)]
    """
    fn = "make_moons"
    n = integer(n, fn, "n", minimum=2)
    noise = positive(noise, fn, "noise", allow_zero=True)
    gen = make_rng(rng, fn)
    n_out = n // 2
    n_in = n - n_out
    X: list[list[float]] = []
    y: list[int] = []
    for t in _linspace(0.0, math.pi, n_out):
        X.append([math.cos(t), math.sin(t)])
        y.append(0)
    for t in _linspace(0.0, math.pi, n_in):
        X.append([1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5])
        y.append(1)
    return _shuffled_with_noise(X, y, gen, noise)


@aliases(n_samples="n", random_state="rng")
def make_circles(
    n: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    rng: RngLike = None,
) -> tuple[list[list[float]], list[int]]:
    """A large circle (label 0) around a smaller one (label 1), as scikit-learn's.

    ``n // 2`` points are evenly spaced on the unit circle and the rest on the circle of
    radius ``factor``; Gaussian noise with standard deviation ``noise`` is added to every
    coordinate and the rows are shuffled with ``rng``.

    Args:
        n: number of points, at least 2.
        noise: standard deviation of the Gaussian noise, >= 0.
        factor: radius of the inner circle, ``0 <= factor < 1``.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.

    Returns:
        ``(X, y)``: ``n`` rows ``[x1, x2]`` and ``n`` labels in ``{0, 1}``.

    >>> X, y = make_circles(n=8, noise=0.0, factor=0.5)
    >>> sorted({(label, round(math.hypot(*row), 6)) for row, label in zip(X, y)})
    [(0, 1.0), (1, 0.5)]
    """
    fn = "make_circles"
    n = integer(n, fn, "n", minimum=2)
    noise = positive(noise, fn, "noise", allow_zero=True)
    factor = finite(factor, fn, "factor")
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"{fn}: factor must be in [0, 1), got {factor!r}")
    gen = make_rng(rng, fn)
    n_out = n // 2
    n_in = n - n_out
    X: list[list[float]] = []
    y: list[int] = []
    for t in _linspace(0.0, 2.0 * math.pi, n_out, endpoint=False):
        X.append([math.cos(t), math.sin(t)])
        y.append(0)
    for t in _linspace(0.0, 2.0 * math.pi, n_in, endpoint=False):
        X.append([factor * math.cos(t), factor * math.sin(t)])
        y.append(1)
    return _shuffled_with_noise(X, y, gen, noise)


@aliases(n_samples="n", random_state="rng", cluster_std="noise")
def make_blobs(
    n: int = 100,
    k: int | None = None,
    noise: float = 1.0,
    rng: RngLike = None,
    centers: Sequence[Sequence[float]] | int | None = None,
) -> tuple[list[list[float]], list[int]]:
    """Isotropic Gaussian blobs, one per class, labels ``0..k-1``.

    Class ``j`` gets ``n // k`` points (the first ``n % k`` classes one more), drawn
    around ``centers[j]`` with standard deviation ``noise`` in every coordinate. Without
    ``centers``, ``k`` centres (default ``k = 3``) are drawn uniformly from the square
    ``[-10, 10] x [-10, 10]`` with ``rng``. With ``centers``, their number is the number
    of classes (``k`` may be omitted, or must agree) and their length the dimension.

    Args:
        n: number of points, at least ``k``.
        k: number of classes, at least 2; default 3 or ``len(centers)``.
        noise: standard deviation of each blob, >= 0.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.
        centers: optional list of ``k`` points, all of the same length >= 1, or (as in
            scikit-learn) an int: the number of classes ``k``.

    Returns:
        ``(X, y)``: ``n`` rows and ``n`` labels in ``0..k-1``.

    >>> X, y = make_blobs(n=6, noise=0.0, centers=[[0.0, 0.0], [5.0, 5.0]])
    >>> sorted(zip(y, X))
    [(0, [0.0, 0.0]), (0, [0.0, 0.0]), (0, [0.0, 0.0]), (1, [5.0, 5.0]), (1, [5.0, 5.0]), (1, [5.0, 5.0])]
    """
    fn = "make_blobs"
    if is_real(centers):
        if k is not None:
            raise TypeError(f"{fn}: give k or centers as a count, not both")
        k, centers = integer(centers, fn, "centers", minimum=2), None
    if centers is None:
        k = 3 if k is None else integer(k, fn, "k", minimum=2)
    else:
        centers = _check_centers(fn, centers)
        if k is None:
            k = len(centers)
        elif integer(k, fn, "k", minimum=2) != len(centers):
            raise ValueError(
                f"{fn}: k={k!r} does not match the {len(centers)} centers given"
            )
    n = integer(n, fn, "n", minimum=k)
    noise = positive(noise, fn, "noise", allow_zero=True)
    gen = make_rng(rng, fn)
    if centers is None:
        centers = [
            [gen.uniform(-10.0, 10.0), gen.uniform(-10.0, 10.0)] for _ in range(k)
        ]
    X: list[list[float]] = []
    y: list[int] = []
    for label, count in enumerate(_split_evenly(n, k)):
        center = centers[label]
        for _ in range(count):
            X.append([c + gen.gauss(0.0, noise) for c in center])
            y.append(label)
    return _shuffled(X, y, gen)


def _check_centers(fn: str, centers: Any) -> list[list[float]]:
    """Validate ``centers`` for :func:`make_blobs`: >= 2 equal-length numeric points."""
    if hasattr(centers, "tolist") and not isinstance(centers, (list, tuple)):
        centers = centers.tolist()
    if isinstance(centers, (str, bytes)) or not isinstance(centers, Sequence):
        raise TypeError(
            f"{fn}: centers must be a sequence of points, got {type(centers).__name__}"
        )
    if len(centers) < 2:
        raise ValueError(
            f"{fn}: centers must hold at least 2 points, got {len(centers)}"
        )
    result: list[list[float]] = []
    for j, point in enumerate(centers):
        if isinstance(point, (str, bytes)) or not isinstance(point, Sequence):
            raise TypeError(
                f"{fn}: centers[{j}] must be a sequence of numbers, got {point!r}"
            )
        if len(point) == 0 or len(point) != len(centers[0]):
            raise ValueError(
                f"{fn}: centers[{j}] has length {len(point)}, expected "
                f"{len(centers[0]) or 'at least 1'}"
            )
        result.append([finite(c, fn, f"centers[{j}][{i}]") for i, c in enumerate(point)])
    return result


@aliases(n_samples="n", random_state="rng")
def make_spiral(
    n: int = 100,
    k: int = 3,
    noise: float = 0.2,
    rng: RngLike = None,
) -> tuple[list[list[float]], list[int]]:
    """``k`` interleaved spiral arms, labels ``0..k-1`` (the classic cs231n spiral).

    Arm ``j`` gets ``n // k`` points (the first ``n % k`` arms one more). Its ``i``-th of
    ``m`` points has radius ``r = i / (m - 1)`` and angle ``t = 4 j + 4 r`` plus
    Gaussian noise of standard deviation ``noise`` (the noise is on the angle), and sits
    at ``(r sin t, r cos t)``. Rows are shuffled with ``rng``.

    Args:
        n: number of points, at least ``k``.
        k: number of arms (classes), at least 2.
        noise: standard deviation of the angular noise, in radians, >= 0.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.

    Returns:
        ``(X, y)``: ``n`` rows ``[x1, x2]`` inside the unit disc (up to noise-free
        radius 1) and ``n`` labels in ``0..k-1``.

    >>> X, y = make_spiral(n=30, k=3)
    >>> len(X), [y.count(j) for j in range(3)], max(math.hypot(*row) for row in X) <= 1.0
    (30, [10, 10, 10], True)
    """
    fn = "make_spiral"
    k = integer(k, fn, "k", minimum=2)
    n = integer(n, fn, "n", minimum=k)
    noise = positive(noise, fn, "noise", allow_zero=True)
    gen = make_rng(rng, fn)
    X: list[list[float]] = []
    y: list[int] = []
    for label, count in enumerate(_split_evenly(n, k)):
        for r in _linspace(0.0, 1.0, count):
            t = 4.0 * label + 4.0 * r + gen.gauss(0.0, noise)
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(label)
    return _shuffled(X, y, gen)


@aliases(n_samples="n", random_state="rng")
def make_xor(
    n: int = 100, noise: float = 0.1, rng: RngLike = None
) -> tuple[list[list[float]], list[int]]:
    """The XOR problem: label 1 where exactly one coordinate is negative.

    The ``n`` points are spread evenly over the four quadrants of the square
    ``[-1, 1] x [-1, 1]`` (uniformly inside each quadrant): label 0 for the quadrants
    where both coordinates have the same sign, 1 for the other two. Gaussian noise with
    standard deviation ``noise`` is added to each coordinate *after* labelling, so with
    ``noise > 0`` a few points cross the axes. Rows are shuffled with ``rng``.

    Args:
        n: number of points, at least 2.
        noise: standard deviation of the Gaussian noise, >= 0.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.

    Returns:
        ``(X, y)``: ``n`` rows ``[x1, x2]`` and ``n`` labels in ``{0, 1}``.

    >>> X, y = make_xor(n=40, noise=0.0)
    >>> all(label == int((a < 0) != (b < 0)) for (a, b), label in zip(X, y))
    True
    """
    fn = "make_xor"
    n = integer(n, fn, "n", minimum=2)
    noise = positive(noise, fn, "noise", allow_zero=True)
    gen = make_rng(rng, fn)
    quadrants = [(1.0, 1.0, 0), (1.0, -1.0, 1), (-1.0, -1.0, 0), (-1.0, 1.0, 1)]
    X: list[list[float]] = []
    y: list[int] = []
    for (sx, sy, label), count in zip(quadrants, _split_evenly(n, 4)):
        for _ in range(count):
            # 1 - random() lies in (0, 1]: a point is never exactly on an axis.
            X.append([sx * (1.0 - gen.random()), sy * (1.0 - gen.random())])
            y.append(label)
    return _shuffled_with_noise(X, y, gen, noise)
