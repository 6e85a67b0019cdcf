"""Preparing values for a network: standardised features and one-hot targets.

:class:`Standardizer` learns each column's mean and standard deviation from the training
rows and applies them to any rows; :func:`standardize` does both in one call.
:func:`one_hot` turns class indices into rows of 0.0 and 1.0.

>>> standardize([[1.0, 10.0], [3.0, 10.0]])
[[-1.0, 0.0], [1.0, 0.0]]
>>> one_hot([1, 0])
[[0.0, 1.0], [1.0, 0.0]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, overload

from ..core.checks import finite, integer, positive_int

__all__ = ["Standardizer", "standardize", "one_hot"]


def _as_matrix(
    fn: str, name: str, X: Any, width: int | None = None
) -> list[list[float]]:
    """Check that ``X`` is a non-empty list of equal-length rows of real numbers."""
    if hasattr(X, "tolist") and not isinstance(X, (list, tuple)):
        X = X.tolist()  # a NumPy array or a pandas object
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
        result.append([finite(v, fn, f"{name}[{i}][{j}]") for j, v in enumerate(row)])
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


def one_hot(y: Sequence[int], k: int | None = None) -> list[list[float]]:
    """Encode class indices as one-hot rows of floats.

    Args:
        y: class indices, each an int in ``0..k-1``.
        k: number of classes; default ``max(y) + 1``.

    >>> one_hot([0, 2, 1])
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    fn = "one_hot"
    if hasattr(y, "tolist") and not isinstance(y, (list, tuple)):
        y = y.tolist()  # a NumPy array or a pandas object
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
