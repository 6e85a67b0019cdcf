"""Small helpers shared by the data tests: means, column statistics, numbered rows."""

from __future__ import annotations

import math


def mean(values):
    """The arithmetic mean of ``values`` (an iterable), summed exactly."""
    values = list(values)
    return math.fsum(values) / len(values)


def column_stats(X):
    """Per-column means and population standard deviations of the rows ``X``."""
    columns = list(zip(*X))
    means = [mean(c) for c in columns]
    stds = [
        math.sqrt(math.fsum((v - m) ** 2 for v in c) / len(c))
        for c, m in zip(columns, means)
    ]
    return means, stds


def rows(n):
    """``n`` rows ``[i, -i]``: row ``i`` is easy to recognise after a shuffle."""
    return [[float(i), float(-i)] for i in range(n)]
