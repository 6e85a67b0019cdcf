"""Which rows go where: a random train/test split and mini-batches.

Both draw their order from ``rng``: an int seed, a ``random.Random`` (used as is, so a
shared generator gives a new order on each call), or ``None`` for Python's global
generator.

>>> X, y = [[float(i)] for i in range(6)], [0, 1, 0, 1, 0, 1]
>>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=2, rng=0)
>>> len(X_train), len(X_test)
(4, 2)
>>> [len(yb) for _, yb in batches(X_train, y_train, 3, rng=0)]
[3, 1]
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterator, Sequence
from typing import Any

from ..core.checks import RngLike, aliases, as_list, is_real, make_rng, positive_int

__all__ = ["train_test_split", "batches"]


def _lists(fn: str, X: Any, y: Any) -> tuple[Any, Any]:
    """``X`` and ``y`` as lists: NumPy arrays, pandas objects and iterables are read."""
    out = []
    for name, seq in (("X", X), ("y", y)):
        if type(seq) is not list and type(seq) is not tuple and not isinstance(seq, str):
            try:
                seq = as_list(seq, fn, name)
            except TypeError:
                pass  # _same_length names the problem
        out.append(seq)
    return out[0], out[1]


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


@aliases(random_state="rng")
def train_test_split(
    X: Sequence[Sequence[Any]],
    y: Sequence[Any],
    test_size: float = 0.25,
    rng: RngLike = None,
    stratify: bool | Sequence[Any] = False,
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
            parts; every class then needs at least 2 rows. As in scikit-learn it may
            also be a sequence of labels (one per row) whose shares are kept.

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
    X, y = _lists(fn, X, y)
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
    groups = _strata(fn, stratify, y, n)
    gen = make_rng(rng, fn)
    if groups is not None:
        test_idx, train_idx = _stratified_indices(fn, groups, n_test, gen)
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


def _strata(fn: str, stratify: Any, y: Sequence[Any], n: int) -> Sequence[Any] | None:
    """The labels to stratify by: ``y`` for ``True``, none for ``False``, or the given ones."""
    if isinstance(stratify, bool):
        return y if stratify else None
    if stratify is None:
        return None
    try:
        groups = as_list(stratify, fn, "stratify")
    except TypeError:
        raise TypeError(f"{fn}: stratify must be a bool or a sequence of labels, "
                        f"got {stratify!r:.60}") from None
    if len(groups) != n:
        raise ValueError(f"{fn}: stratify has {len(groups)} labels for {n} rows")
    return groups


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
    X, y = _lists(fn, X, y)
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
