"""Data for training tiny networks: toy generators, bundled real sets, splits.

Everything here is plain Python (standard library only): a data set is a list of
rows ``X`` (each row a list of floats) and a list of targets ``y``.

* Toy generators -- :func:`make_moons`, :func:`make_circles`, :func:`make_blobs`,
  :func:`make_spiral`, :func:`make_xor` -- return ``(X, y)`` with integer labels.
* Bundled real sets -- :func:`load_iris`, :func:`load_wine`, :func:`load_diabetes`,
  :func:`load_dataset` -- return a :class:`Dataset`; :func:`load_csv` reads your own
  file in the same format.
* Utilities -- :func:`train_test_split`, :class:`Standardizer` /
  :func:`standardize`, :func:`batches`, :func:`one_hot`.

Randomness always comes from an ``rng`` argument, with the package's one meaning
(``tinygrad_scalar.core.checks.make_rng``): an ``int`` is a seed, a
:class:`random.Random` is used as is (so its state advances), and ``None`` draws from
Python's global generator, so ``random.seed(1337)`` at the top of a script reproduces
it. Nothing here reseeds the global generator.

>>> X, y = make_moons(n=6, noise=0.0, rng=1)
>>> len(X), len(X[0]), sorted(set(y))
(6, 2, [0, 1])
>>> make_moons(n=6, rng=1) == make_moons(n=6, rng=1)
True
>>> import random
>>> random.seed(1337); first = make_moons(n=6)
>>> random.seed(1337); first == make_moons(n=6)
True
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
import random
from collections.abc import Iterator, Sequence
from importlib import resources
from typing import Any, NamedTuple, overload

from ..core.checks import RngLike, finite, integer, is_real, make_rng, positive, positive_int

__all__ = [
    "Dataset",
    "Standardizer",
    "batches",
    "load_csv",
    "load_dataset",
    "load_diabetes",
    "load_iris",
    "load_wine",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spiral",
    "make_xor",
    "one_hot",
    "standardize",
    "train_test_split",
]

# --------------------------------------------------------------------------------------
# argument checking
# --------------------------------------------------------------------------------------


def _same_length(fn: str, X: Sequence[Any], y: Sequence[Any]) -> int:
    """Check that ``X`` and ``y`` have the same, non-zero length and return it."""
    for name, seq in (("X", X), ("y", y)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence):
            raise TypeError(f"{fn}: {name} must be a sequence, got {type(seq).__name__}")
    if len(X) != len(y):
        raise ValueError(
            f"{fn}: X and y must have the same length, got len(X)={len(X)} "
            f"and len(y)={len(y)}"
        )
    if len(X) == 0:
        raise ValueError(f"{fn}: X and y are empty")
    return len(X)


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


# --------------------------------------------------------------------------------------
# toy generators
# --------------------------------------------------------------------------------------


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


def make_blobs(
    n: int = 100,
    k: int | None = None,
    noise: float = 1.0,
    rng: RngLike = None,
    centers: Sequence[Sequence[float]] | None = None,
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
        centers: optional list of ``k`` points, all of the same length >= 1.

    Returns:
        ``(X, y)``: ``n`` rows and ``n`` labels in ``0..k-1``.

    >>> X, y = make_blobs(n=6, noise=0.0, centers=[[0.0, 0.0], [5.0, 5.0]])
    >>> sorted(zip(y, X))
    [(0, [0.0, 0.0]), (0, [0.0, 0.0]), (0, [0.0, 0.0]), (1, [5.0, 5.0]), (1, [5.0, 5.0]), (1, [5.0, 5.0])]
    """
    fn = "make_blobs"
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


# --------------------------------------------------------------------------------------
# bundled real data sets
# --------------------------------------------------------------------------------------


class Dataset(NamedTuple):
    """A loaded data set: features, targets and what they mean.

    Attributes:
        X: one row of floats per sample.
        y: one target per sample: an int class index for classification sets, a float
            for regression sets.
        feature_names: the name of each column of ``X``.
        target_names: the name of each class (index ``j`` names class ``j``); empty for
            a regression set.
        description: a short text saying what the data are and where they come from.

    Being a named tuple, it unpacks: ``X, y, *_ = load_iris()``.
    """

    X: list[list[float]]
    y: list[Any]
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    description: str


_DESCRIPTIONS = {
    "iris": (
        "Iris plants (Fisher, 1936): 150 flowers, 50 from each of three species "
        "(setosa, versicolor, virginica), 4 measurements in cm (sepal length and "
        "width, petal length and width). Fisher's values as in R; copy taken from "
        "scikit-learn's bundled data (BSD-3 licenced distribution); the UCI Machine "
        "Learning Repository gives the set under CC BY 4.0."
    ),
    "wine": (
        "Wine recognition (Forina et al., PARVUS; UCI Machine Learning Repository): "
        "chemical analysis of 178 wines from one region of Italy, from three cultivars "
        "(59, 71 and 48 wines), 13 measurements. Copy taken from scikit-learn's bundled "
        "data (BSD-3 licenced distribution); the UCI Machine Learning Repository gives "
        "the set under CC BY 4.0."
    ),
    "diabetes": (
        "Diabetes (Efron, Hastie, Johnstone and Tibshirani, 'Least Angle Regression', "
        "Annals of Statistics, 2004): 442 patients, 10 baseline variables (age, sex, "
        "body mass index, average blood pressure, six blood serum measurements s1..s6) "
        "and, as target, a quantitative measure of disease progression one year after "
        "baseline. Copy taken from scikit-learn's bundled data (BSD-3 licenced "
        "distribution)."
    ),
}

_TARGET_NAMES = {
    "iris": ("setosa", "versicolor", "virginica"),
    "wine": ("class_0", "class_1", "class_2"),
    "diabetes": (),
}


def _parse_csv(
    text: str, source: str, regression: bool
) -> tuple[list[list[float]], list[Any], tuple[str, ...]]:
    """Parse the bundled CSV format; errors name ``source`` and the line number."""
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    X: list[list[float]] = []
    y: list[Any] = []
    for fields in reader:
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if header is None:
            header = [f.strip() for f in fields]
            if len(header) < 2:
                raise ValueError(
                    f"{source}: line {line}: the header must name at least one "
                    f"feature and the target, got {len(header)} column(s)"
                )
            continue
        if len(fields) != len(header):
            raise ValueError(
                f"{source}: line {line}: expected {len(header)} fields, got {len(fields)}"
            )
        row: list[float] = []
        for name, field in zip(header, fields):
            try:
                value = float(field)
            except ValueError:
                raise ValueError(
                    f"{source}: line {line}: column {name!r}: not a number: {field!r}"
                ) from None
            if not math.isfinite(value):
                raise ValueError(
                    f"{source}: line {line}: column {name!r}: not a finite number: "
                    f"{field!r}"
                )
            row.append(value)
        target = row.pop()
        if not regression:
            if target != int(target) or target < 0:
                raise ValueError(
                    f"{source}: line {line}: target must be a class index "
                    f"0, 1, 2, ..., got {fields[-1]!r}"
                )
            target = int(target)
        X.append(row)
        y.append(target)
    if header is None:
        raise ValueError(f"{source}: the file is empty (no header line)")
    if not X:
        raise ValueError(f"{source}: the file has a header but no data rows")
    return X, y, tuple(header[:-1])


def load_csv(
    path: str | os.PathLike[str],
    *,
    regression: bool = False,
    target_names: Sequence[str] | None = None,
    description: str = "",
) -> Dataset:
    """Read a CSV file in the bundled format into a :class:`Dataset`.

    The format: a header row with the feature names and then the target's name (last
    column); then one row per sample, all numbers. Blank lines are skipped. For
    classification (the default) the target must be a class index ``0, 1, 2, ...``;
    with ``regression=True`` it may be any number.

    Args:
        path: the file to read (UTF-8).
        regression: read the target as a float instead of a class index.
        target_names: class names; default ``"0", "1", ...`` up to the largest label
            (empty for regression).
        description: stored as ``Dataset.description``.

    Raises:
        ValueError: the file is malformed; the message names the file and the line.
        OSError: the file cannot be read.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "tiny.csv"
    ...     _ = p.write_text("a,b,target\\n1,2,0\\n3,4,1\\n")
    ...     load_csv(p)
    Dataset(X=[[1.0, 2.0], [3.0, 4.0]], y=[0, 1], feature_names=('a', 'b'), target_names=('0', '1'), description='')
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_csv: path must be a str or a path, got {type(path).__name__}")
    if target_names is not None and (
        isinstance(target_names, (str, bytes)) or not isinstance(target_names, Sequence)
    ):
        raise TypeError(
            f"load_csv: target_names must be a list of names, got {type(target_names).__name__}"
        )
    source = os.fspath(path)
    with open(source, encoding="utf-8", newline="") as f:
        try:
            text = f.read()
        except UnicodeDecodeError as e:
            raise ValueError(f"{source}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    X, y, feature_names = _parse_csv(text, source, regression)
    if target_names is None:
        names: tuple[str, ...] = (
            () if regression else tuple(str(j) for j in range(max(y) + 1))
        )
    else:
        names = tuple(target_names)
        if not regression and max(y) >= len(names):
            raise ValueError(
                f"{source}: label {max(y)} has no name in target_names "
                f"({len(names)} given)"
            )
    return Dataset(X, y, feature_names, names, description)


def _load_bundled(name: str, regression: bool) -> Dataset:
    """Load ``datasets/<name>.csv`` shipped inside the package."""
    package = __package__ or "tinygrad_scalar"
    resource = resources.files(package) / "datasets" / f"{name}.csv"
    text = resource.read_text(encoding="utf-8")
    X, y, feature_names = _parse_csv(text, f"{package}/datasets/{name}.csv", regression)
    return Dataset(X, y, feature_names, _TARGET_NAMES[name], _DESCRIPTIONS[name])


def load_iris() -> Dataset:
    """Fisher's iris data: 150 samples, 4 features, 3 classes of 50.

    Labels: 0 setosa, 1 versicolor, 2 virginica. Features in cm: sepal length, sepal
    width, petal length, petal width. Source and licence: ``datasets/README.md``.

    >>> iris = load_iris()
    >>> len(iris.X), len(iris.X[0]), iris.target_names
    (150, 4, ('setosa', 'versicolor', 'virginica'))
    >>> iris.X[0], iris.y[0]
    ([5.1, 3.5, 1.4, 0.2], 0)
    """
    return _load_bundled("iris", regression=False)


def load_wine() -> Dataset:
    """The UCI wine recognition data: 178 samples, 13 features, 3 classes.

    Class sizes 59, 71 and 48. The features have very different scales (proline is in
    the hundreds, hue around 1): standardise before training. Source and licence:
    ``datasets/README.md``.

    >>> wine = load_wine()
    >>> len(wine.X), len(wine.X[0]), [wine.y.count(j) for j in range(3)]
    (178, 13, [59, 71, 48])
    """
    return _load_bundled("wine", regression=False)


def load_diabetes(scaled: bool = False) -> Dataset:
    """The diabetes regression data of Efron et al. (2004): 442 samples, 10 features.

    The target (a float, 25 to 346) measures disease progression one year after
    baseline. By default the features are the *raw* values as shipped (age in years,
    sex coded 1 or 2, ...). With ``scaled=True`` each column is centred and divided by
    its standard deviation times ``sqrt(442)``, exactly as scikit-learn's
    ``load_diabetes()`` does by default (each column's sum of squares is then 1).
    Source and licence: ``datasets/README.md``.

    Args:
        scaled: return scikit-learn's scaled features instead of the raw ones.

    >>> raw = load_diabetes()
    >>> len(raw.X), len(raw.X[0]), raw.X[0][:3], raw.y[0]
    (442, 10, [59.0, 2.0, 32.1], 151.0)
    >>> round(load_diabetes(scaled=True).X[0][0], 8)
    0.03807591
    """
    if not isinstance(scaled, bool):
        raise TypeError(f"load_diabetes: scaled must be a bool, got {scaled!r}")
    data = _load_bundled("diabetes", regression=True)
    if not scaled:
        return data
    n = len(data.X)
    columns = list(zip(*data.X))
    means = [math.fsum(col) / n for col in columns]
    stds = [
        math.sqrt(math.fsum((v - m) ** 2 for v in col) / n)
        for col, m in zip(columns, means)
    ]
    root_n = math.sqrt(n)
    X = [[(v - m) / s / root_n for v, m, s in zip(row, means, stds)] for row in data.X]
    return data._replace(X=X)


_LOADERS = {"iris": load_iris, "wine": load_wine, "diabetes": load_diabetes}


def load_dataset(name: str) -> Dataset:
    """Load a bundled data set by name: ``"iris"``, ``"wine"`` or ``"diabetes"``.

    The name is matched case-insensitively; ``"diabetes"`` gives the raw features
    (see :func:`load_diabetes`).

    >>> len(load_dataset("Iris").X)
    150
    >>> load_dataset("mnist")
    Traceback (most recent call last):
    ...
    ValueError: load_dataset: unknown data set 'mnist'; valid names: 'diabetes', 'iris', 'wine'
    """
    if not isinstance(name, str):
        raise TypeError(
            f"load_dataset: name must be a str, got {name!r} ({type(name).__name__})"
        )
    loader = _LOADERS.get(name.strip().lower())
    if loader is None:
        valid = ", ".join(repr(k) for k in sorted(_LOADERS))
        raise ValueError(
            f"load_dataset: unknown data set {name!r}; valid names: {valid}"
        )
    return loader()


# --------------------------------------------------------------------------------------
# utilities
# --------------------------------------------------------------------------------------


def train_test_split(
    X: Sequence[Sequence[Any]],
    y: Sequence[Any],
    test_size: float = 0.25,
    rng: RngLike = None,
    stratify: bool = False,
) -> tuple[list[list[Any]], list[list[Any]], list[Any], list[Any]]:
    """Split rows at random into a training and a test part.

    Args:
        X: the rows (each a sequence; copied into new lists).
        y: one target per row.
        test_size: a fraction in ``(0, 1)`` (the test part gets ``ceil(test_size * n)``
            rows, as in scikit-learn) or an int count ``1 <= test_size <= n - 1``.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.
        stratify: keep each class's share of ``y`` (as near as whole rows allow) in both
            parts; every class then needs at least 2 rows.

    Returns:
        ``(X_train, X_test, y_train, y_test)``, each in shuffled order; both parts are
        non-empty.

    Raises:
        ValueError: lengths differ, no rows, ``test_size`` out of range, or a class too
            small to stratify.

    >>> X = [[float(i)] for i in range(8)]
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, rng=0, stratify=True)
    >>> len(X_tr), len(X_te), sorted(y_te)
    (4, 4, [0, 0, 1, 1])
    """
    fn = "train_test_split"
    n = _same_length(fn, X, y)
    if n < 2:
        raise ValueError(
            f"{fn}: need at least 2 rows to make two non-empty parts, got {n}"
        )
    if not is_real(test_size):
        raise TypeError(
            f"{fn}: test_size must be a float in (0, 1) or an int count, "
            f"got {test_size!r} ({type(test_size).__name__})"
        )
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n - 1:
            raise ValueError(
                f"{fn}: test_size={test_size!r} as a count must be between 1 and "
                f"{n - 1} for {n} rows"
            )
    else:
        fraction = float(test_size)
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"{fn}: test_size={test_size!r} must be in (0, 1)")
        n_test = math.ceil(fraction * n)
        if not 1 <= n_test <= n - 1:
            raise ValueError(
                f"{fn}: test_size={test_size!r} leaves an empty part for {n} rows"
            )
    if not isinstance(stratify, bool):
        raise TypeError(f"{fn}: stratify must be a bool, got {stratify!r}")
    gen = make_rng(rng, fn)
    if stratify:
        test_idx, train_idx = _stratified_indices(fn, y, n_test, gen)
    else:
        order = list(range(n))
        gen.shuffle(order)
        test_idx, train_idx = order[:n_test], order[n_test:]
    return (
        [list(X[i]) for i in train_idx],
        [list(X[i]) for i in test_idx],
        [y[i] for i in train_idx],
        [y[i] for i in test_idx],
    )


def _stratified_indices(
    fn: str, y: Sequence[Any], n_test: int, gen: random.Random
) -> tuple[list[int], list[int]]:
    """Pick ``n_test`` test indices keeping class shares (largest remainder rounding)."""
    by_class: dict[Any, list[int]] = {}
    for i, label in enumerate(y):
        by_class.setdefault(label, []).append(i)
    n = len(y)
    for label, members in by_class.items():
        if len(members) < 2:
            raise ValueError(
                f"{fn}: cannot stratify: class {label!r} has only {len(members)} row"
            )
    labels = list(by_class)  # first-appearance order: deterministic
    ideal = {c: n_test * len(by_class[c]) / n for c in labels}
    counts = {c: math.floor(ideal[c]) for c in labels}
    leftover = n_test - sum(counts.values())
    # Give the remaining rows to the classes with the largest fractional parts.
    for c in sorted(labels, key=lambda c: ideal[c] - counts[c], reverse=True)[
        :leftover
    ]:
        counts[c] += 1
    test: list[int] = []
    train: list[int] = []
    for c in labels:
        members = by_class[c][:]
        gen.shuffle(members)
        test.extend(members[: counts[c]])
        train.extend(members[counts[c] :])
    gen.shuffle(test)
    gen.shuffle(train)
    return test, train


def _as_matrix(
    fn: str, name: str, X: Any, width: int | None = None
) -> list[list[float]]:
    """Check that ``X`` is a non-empty list of equal-length rows of real numbers."""
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence):
        raise TypeError(
            f"{fn}: {name} must be a sequence of rows, got {type(X).__name__}"
        )
    if len(X) == 0:
        raise ValueError(f"{fn}: {name} is empty")
    expected = width
    result: list[list[float]] = []
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise TypeError(
                f"{fn}: {name}[{i}] must be a sequence of numbers, got {row!r}"
            )
        if expected is None:
            expected = len(row)
        if len(row) != expected:
            raise ValueError(
                f"{fn}: {name}[{i}] has {len(row)} columns, expected {expected}"
            )
        out: list[float] = []
        for j, v in enumerate(row):
            out.append(finite(v, fn, f"{name}[{i}][{j}]"))
        result.append(out)
    return result


class Standardizer:
    """Rescale each column to mean 0 and standard deviation 1, learnt from training data.

    ``fit`` on the training rows only, then ``transform`` both training and test rows
    with the same means and scales, so no information leaks from the test part. The
    standard deviation is the population one (divide by ``n``). A constant column has
    scale 1: it is centred to 0 instead of being divided by zero.

    Attributes:
        mean: per-column means (``None`` before ``fit``).
        scale: per-column standard deviations, 1.0 for constant columns (``None`` before
            ``fit``).

    >>> s = Standardizer().fit([[1.0, 5.0], [3.0, 5.0]])
    >>> s.mean, s.scale
    ([2.0, 5.0], [1.0, 1.0])
    >>> s.transform([[1.0, 5.0], [5.0, 6.0]])
    [[-1.0, 0.0], [3.0, 1.0]]
    """

    def __init__(self) -> None:
        """Create an unfitted standardizer."""
        self.mean: list[float] | None = None
        self.scale: list[float] | None = None

    def fit(self, X: Sequence[Sequence[float]]) -> Standardizer:
        """Learn each column's mean and standard deviation from ``X``; return ``self``."""
        rows = _as_matrix("Standardizer.fit", "X", X)
        n = len(rows)
        columns = list(zip(*rows))
        mean: list[float] = []
        scale: list[float] = []
        for col in columns:
            if min(col) == max(col):
                # A constant column: its exact value as the mean (a computed mean
                # could be off by rounding), and scale 1 instead of 0.
                mean.append(col[0])
                scale.append(1.0)
                continue
            m = math.fsum(col) / n
            std = math.sqrt(math.fsum((v - m) ** 2 for v in col) / n)
            mean.append(m)
            scale.append(std if std > 0.0 else 1.0)
        self.mean, self.scale = mean, scale
        return self

    def transform(self, X: Sequence[Sequence[float]]) -> list[list[float]]:
        """Return new rows ``(x - mean) / scale``, column by column."""
        if self.mean is None or self.scale is None:
            raise ValueError("Standardizer.transform: call fit() before transform()")
        rows = _as_matrix("Standardizer.transform", "X", X, width=len(self.mean))
        return [
            [(v - m) / s for v, m, s in zip(row, self.mean, self.scale)] for row in rows
        ]

    def fit_transform(self, X: Sequence[Sequence[float]]) -> list[list[float]]:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Sequence[Sequence[float]]) -> list[list[float]]:
        """Undo :meth:`transform`: return new rows ``x * scale + mean``."""
        if self.mean is None or self.scale is None:
            raise ValueError("Standardizer.inverse_transform: call fit() first")
        rows = _as_matrix(
            "Standardizer.inverse_transform", "X", X, width=len(self.mean)
        )
        return [
            [v * s + m for v, m, s in zip(row, self.mean, self.scale)] for row in rows
        ]

    def __repr__(self) -> str:
        """Show whether the standardizer is fitted and on how many columns."""
        if self.mean is None:
            return "Standardizer(unfitted)"
        return f"Standardizer(columns={len(self.mean)})"


@overload
def standardize(
    X_train: Sequence[Sequence[float]], X_test: None = None
) -> list[list[float]]: ...


@overload
def standardize(
    X_train: Sequence[Sequence[float]], X_test: Sequence[Sequence[float]]
) -> tuple[list[list[float]], list[list[float]]]: ...


def standardize(
    X_train: Sequence[Sequence[float]], X_test: Sequence[Sequence[float]] | None = None
) -> list[list[float]] | tuple[list[list[float]], list[list[float]]]:
    """Standardise columns with statistics of ``X_train`` only (see :class:`Standardizer`).

    Returns the standardised ``X_train``, or the pair ``(X_train, X_test)`` when
    ``X_test`` is given (the test rows use the training means and scales).

    >>> standardize([[0.0], [2.0]])
    [[-1.0], [1.0]]
    >>> standardize([[0.0], [2.0]], [[4.0]])
    ([[-1.0], [1.0]], [[3.0]])
    """
    scaler = Standardizer().fit(X_train)
    train = scaler.transform(X_train)
    if X_test is None:
        return train
    return train, scaler.transform(X_test)


def batches(
    X: Sequence[Any],
    y: Sequence[Any],
    batch_size: int,
    rng: RngLike = None,
    shuffle: bool = True,
) -> Iterator[tuple[list[Any], list[Any]]]:
    """Iterate over ``(X_batch, y_batch)`` mini-batches covering every row once.

    Rows are taken in a random order drawn from ``rng`` (or in order with
    ``shuffle=False``); the last batch holds the remaining rows and may be smaller.
    Arguments are checked at the call, before the first batch is asked for.

    To get a new order every epoch, pass the *same* ``random.Random`` to each call (or
    ``None``, which draws from Python's global generator); an int seed gives the same
    order every time.

    Args:
        X: the rows.
        y: one target per row.
        batch_size: rows per batch, at least 1.
        rng: an int seed, a ``random.Random`` (used as is), or ``None`` for Python's
            global generator.
        shuffle: draw a random order; ``False`` keeps the given order.

    >>> [yb for _, yb in batches([[0], [1], [2], [3], [4]], [0, 1, 2, 3, 4], 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    fn = "batches"
    n = _same_length(fn, X, y)
    batch_size = positive_int(batch_size, fn, "batch_size")
    if not isinstance(shuffle, bool):
        raise TypeError(f"{fn}: shuffle must be a bool, got {shuffle!r}")
    order = list(range(n))
    if shuffle:
        make_rng(rng, fn).shuffle(order)
    else:
        make_rng(rng, fn)  # still check the argument

    def generate() -> Iterator[tuple[list[Any], list[Any]]]:
        for start in range(0, n, batch_size):
            chunk = order[start : start + batch_size]
            yield [X[i] for i in chunk], [y[i] for i in chunk]

    return generate()


def one_hot(y: Sequence[int], k: int | None = None) -> list[list[float]]:
    """Encode class indices as one-hot rows of floats.

    Args:
        y: class indices, each an int in ``0..k-1``.
        k: number of classes; default ``max(y) + 1``.

    >>> one_hot([0, 2, 1])
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    fn = "one_hot"
    if isinstance(y, (str, bytes)) or not isinstance(y, Sequence):
        raise TypeError(f"{fn}: y must be a sequence of class indices, got {type(y).__name__}")
    labels = [integer(label, fn, f"y[{i}]", minimum=0) for i, label in enumerate(y)]
    if k is None:
        if not labels:
            raise ValueError(f"{fn}: y is empty and k is not given")
        k = max(labels) + 1
    k = positive_int(k, fn, "k")
    rows = []
    for i, label in enumerate(labels):
        if label >= k:
            raise ValueError(f"{fn}: y[{i}]={label} is out of range for k={k}")
        row = [0.0] * k
        row[label] = 1.0
        rows.append(row)
    return rows
