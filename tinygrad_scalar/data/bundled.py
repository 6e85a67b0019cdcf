"""Real data sets shipped with the package (iris, wine, diabetes, digits) and CSV files like them.

A loader returns a :class:`Dataset`: rows ``X``, targets ``y`` and what they mean. The
files live in ``datasets/`` next to this module and are read through
``importlib.resources``, so they load from a zipped install too; ``datasets/README.md``
gives their sources and licences. :func:`load_csv` reads your own file in the same
format: a header naming the features and then the target, one row of numbers per sample.

>>> iris = load_dataset("iris")
>>> len(iris.X), iris.feature_names[0], iris.target_names[iris.y[0]]
(150, 'sepal length (cm)', 'setosa')
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
from collections.abc import Sequence
from importlib import resources
from typing import Any, NamedTuple

__all__ = [
    "Dataset", "load_csv", "load_iris", "load_wine", "load_diabetes", "load_digits",
    "load_dataset",
]


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

    def __repr__(self) -> str:
        """A one-line summary (the rows themselves are in ``X`` and ``y``).

        >>> Dataset([[1.0, 2.0], [3.0, 4.0]], [0, 1], ("a", "b"), ("no", "yes"), "Toy.")
        Dataset(2 samples x 2 features (a, b), 2 classes (no, yes): Toy.)
        """
        def names(xs: tuple[str, ...]) -> str:
            return ", ".join(xs[:5]) + (f", ... ({len(xs)} in all)" if len(xs) > 5 else "")
        n = len(self.X)
        width = len(self.X[0]) if n else 0
        target = (f"{len(self.target_names)} classes ({names(self.target_names)})"
                  if self.target_names else "a numeric target")
        about = self.description if len(self.description) <= 60 else self.description[:57] + "..."
        return (f"Dataset({n} samples x {width} features ({names(self.feature_names)}), "
                f"{target}: {about})")


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
    "digits": (
        "Optical recognition of handwritten digits (Alpaydin and Kaynak, 1998; UCI "
        "Machine Learning Repository): 1,797 images of 8x8 pixels, each pixel the count "
        "of set pixels (0..16) in a 4x4 block of a 32x32 bitmap, 10 classes (the digits "
        "0 to 9). The test set of the UCI data; copy taken from scikit-learn's bundled "
        "data (BSD-3 licenced distribution); the UCI Machine Learning Repository gives "
        "the set under CC BY 4.0."
    ),
}

_TARGET_NAMES = {
    "iris": ("setosa", "versicolor", "virginica"),
    "wine": ("class_0", "class_1", "class_2"),
    "diabetes": (),
    "digits": tuple(str(d) for d in range(10)),
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
    ...     ds = load_csv(p)
    >>> ds.X, ds.y
    ([[1.0, 2.0], [3.0, 4.0]], [0, 1])
    >>> ds.feature_names, ds.target_names, ds.description
    (('a', 'b'), ('0', '1'), '')
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


_COMPRESSED = {"digits"}


def _load_bundled(name: str, regression: bool) -> Dataset:
    """Load ``datasets/<name>.csv`` shipped inside the package."""
    package = __package__ or "tinygrad_scalar"
    folder = resources.files(package) / "datasets"
    if name in _COMPRESSED:
        text = gzip.decompress((folder / f"{name}.csv.gz").read_bytes()).decode("utf-8")
    else:
        text = (folder / f"{name}.csv").read_text(encoding="utf-8")
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


def load_digits(scaled: bool = False) -> Dataset:
    """The 8x8 handwritten digits: 1,797 images, 64 pixels each, 10 classes.

    Each row holds the 64 pixels of one image, row by row (``pixel_r_c``), as counts
    0..16, like scikit-learn's ``load_digits()``; with ``scaled=True`` they are divided
    by 16, into [0, 1], as an image loader gives them. The label is the digit (0..9;
    ``target_names`` are ``"0"`` to ``"9"``). Source and licence: ``datasets/README.md``.

    Args:
        scaled: pixels in [0, 1] instead of counts 0..16.

    >>> digits = load_digits()
    >>> len(digits.X), len(digits.X[0]), digits.y[:5], max(digits.X[0])
    (1797, 64, [0, 1, 2, 3, 4], 15.0)
    >>> [digits.y.count(d) for d in range(10)]
    [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    >>> max(max(row) for row in load_digits(scaled=True).X)
    1.0
    """
    if not isinstance(scaled, bool):
        raise TypeError(f"load_digits: scaled must be a bool, got {scaled!r}")
    data = _load_bundled("digits", regression=False)
    if not scaled:
        return data
    return data._replace(X=[[v / 16.0 for v in row] for row in data.X])


_LOADERS = {"iris": load_iris, "wine": load_wine, "diabetes": load_diabetes,
            "digits": load_digits}


def load_dataset(name: str) -> Dataset:
    """Load a bundled data set by name: ``"iris"``, ``"wine"``, ``"diabetes"`` or ``"digits"``.

    The name is matched case-insensitively; ``"diabetes"`` gives the raw features
    (see :func:`load_diabetes`).

    >>> len(load_dataset("Iris").X)
    150
    >>> load_dataset("mnist")
    Traceback (most recent call last):
    ...
    ValueError: load_dataset: unknown data set 'mnist'; valid names: 'diabetes', 'digits', 'iris', 'wine'
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
