"""Layers as modules, with PyTorch's names: ``Sequential``, ``Linear``, ``ReLU``, ``Tanh``,
``Sigmoid`` (``Dropout`` lives in ``modules``, ``BatchNorm1d`` in ``batchnorm``).

**A row or a batch.** A *row* is a sequence of numbers or ``Value``s (one sample); a
*batch* is a sequence of rows. ``is_batch`` tells them apart by the first item: a
sequence (a list, a tuple, a NumPy row) makes a batch, anything else (a number, a
``Value``, a ``Dual``) a row. A 2-D NumPy array is a batch, a 1-D one a row.

**Per-sample and batch modules.** ``Linear`` and the activations work on one row (and on a
batch row by row: same numbers, same graph). ``BatchNorm1d`` needs the whole batch (its
statistics are over the rows), so it declares ``takes_batches = True``. ``Sequential``
called on a batch runs each stretch of per-sample modules row by row and hands each batch
module the whole batch; called on one row it runs every module on that row (a batch
module in training mode then refuses a batch of one, as PyTorch does). ``fit`` calls a
model that ``takes_batches`` once per mini-batch, any other model once per row.

>>> model = Sequential(Linear(2, 3, rng=0), ReLU(), Linear(3, 1, rng=1))
>>> model
Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): ReLU()
  (2): Linear(in_features=3, out_features=1, bias=True)
)
>>> [name for name, _ in model.named_parameters()][:3], len(model.parameters())
(['0.weight.0.0', '0.weight.0.1', '0.weight.1.0'], 13)
>>> len(model([1.0, 2.0])), len(model([[1.0, 2.0], [3.0, 4.0]]))
(1, 2)
"""

from __future__ import annotations

from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

from ..core.checks import RngLike, as_list, is_finite, is_real, make_rng, positive_int
from ..core.value import Value
from .init import check_init, init_weight
from .module import Module

__all__ = ["Sequential", "Linear", "ReLU", "Tanh", "Sigmoid", "is_batch"]

Row = Sequence[Union[Value, float, int]]


def is_batch(x: Any) -> bool:
    """True if ``x`` is a batch (a sequence of rows), False if it is one row (its first
    item is not a sequence).

    >>> is_batch([1.0, 2.0]), is_batch([[1.0, 2.0]]), is_batch([Value(1.0)])
    (False, True, False)
    """
    if type(x) is not list and type(x) is not tuple:
        x = as_list(x, "is_batch", "x (a row of numbers or a batch of rows)")
    if not x:
        raise ValueError("is_batch: x is empty (expected a row of numbers or a batch of rows)")
    first = x[0]
    if type(first) is list or type(first) is tuple:
        return True
    return (hasattr(first, "__len__") and not isinstance(first, (str, bytes))
            and getattr(first, "ndim", 1) != 0)


def _row(x: Any, where: str) -> List[Value]:
    """One row as a list of ``Value``s (numbers become constants), checked."""
    if type(x) is not list and type(x) is not tuple:
        x = as_list(x, where, "x (a row of numbers or a batch of rows)")
    out = []
    for v in x:
        if isinstance(v, Value):
            out.append(v)
        elif is_real(v) and is_finite(v):
            out.append(Value(float(v)))
        else:
            raise TypeError(f"{where}: a row must hold Values or finite numbers, got {v!r:.60}")
    return out


class _Elementwise(Module):
    """A per-sample module applying one function to every value of a row."""

    def _apply(self, v: Value) -> Value:
        raise NotImplementedError

    def __call__(self, x: Any) -> Any:
        name = type(self).__name__
        if is_batch(x):
            return [[self._apply(v) for v in _row(r, name)] for r in x]
        return [self._apply(v) for v in _row(x, name)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class ReLU(_Elementwise):
    """``max(0, x)`` on every value of a row (or of every row of a batch).

    >>> [v.data for v in ReLU()([-1.0, 2.0])]
    [0.0, 2.0]
    """

    def _apply(self, v: Value) -> Value:
        return v.relu()


class Tanh(_Elementwise):
    """``tanh(x)`` on every value of a row (or of every row of a batch).

    >>> [v.data for v in Tanh()([0.0])]
    [0.0]
    """

    def _apply(self, v: Value) -> Value:
        return v.tanh()


class Sigmoid(_Elementwise):
    """``1 / (1 + exp(-x))`` on every value of a row (or of every row of a batch).

    >>> [v.data for v in Sigmoid()([0.0])]
    [0.5]
    """

    def _apply(self, v: Value) -> Value:
        return v.sigmoid()


class Linear(Module):
    """``y = W x + b``: ``weight`` is ``out_features`` rows of ``in_features`` ``Value``s,
    ``bias`` a list of ``out_features`` ``Value``s (or ``None`` with ``bias=False``).

    ``init`` names how the weights are drawn (see ``nn.init``: ``zeros``, ``normal`` with
    ``std``, ``uniform``, ``lecun``, ``he``, ``he_uniform``, ``xavier``, ``xavier_normal``
    ...; ``auto`` and the default ``he`` suit a ReLU after the layer); biases start at 0.
    Each output is one fused weighted-sum node (``Value.dot``). Parameters are named
    ``weight.j.k`` (row ``j``, column ``k``) and ``bias.j``.

    >>> lin = Linear(2, 1, init="zeros")
    >>> lin.weight[0][0].data, lin.weight[0][1].data = 2.0, -1.0
    >>> [v.data for v in lin([3.0, 4.0])]
    [2.0]
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str = "he", std: Optional[float] = None, rng: RngLike = None) -> None:
        self.in_features = positive_int(in_features, "Linear", "in_features")
        self.out_features = positive_int(out_features, "Linear", "out_features")
        if not isinstance(bias, bool):
            raise TypeError(f"Linear: bias must be True or False, got {bias!r:.40}")
        std = check_init(init, std, "Linear")
        r = make_rng(rng, "Linear")
        self.init = init
        self.weight = [[Value(init_weight(init, in_features, out_features, r, "relu", std),
                              label=f"weight.{j}.{k}") for k in range(in_features)]
                       for j in range(out_features)]
        self.bias: Optional[List[Value]] = (
            [Value(0.0, label=f"bias.{j}") for j in range(out_features)] if bias else None)

    @classmethod
    def from_values(cls, weight: Sequence[Sequence[Value]],
                    bias: Optional[Sequence[Value]] = None) -> Linear:
        """A ``Linear`` holding the given ``Value``s themselves (shared, not copied): ``weight``
        one row per output, ``bias`` one per output or None.

        >>> w, b = [[Value(2.0), Value(-1.0)]], [Value(0.5)]
        >>> lin = Linear.from_values(w, b)
        >>> lin.weight[0][0] is w[0][0], [v.data for v in lin([3.0, 4.0])]
        (True, [2.5])
        """
        rows: List[Any] = [list(r) if isinstance(r, (list, tuple)) else r for r in
                           (weight if isinstance(weight, (list, tuple)) else [weight])]
        if not rows or not all(isinstance(r, list) and r and len(r) == len(rows[0]) and
                               all(isinstance(v, Value) for v in r) for r in rows):
            raise TypeError(f"Linear.from_values: weight must be rows of Values of one length, "
                            f"got {weight!r:.60}")
        if bias is not None and (not isinstance(bias, (list, tuple)) or len(bias) != len(rows)
                                 or not all(isinstance(v, Value) for v in bias)):
            raise TypeError(f"Linear.from_values: bias must be {len(rows)} Values or None, "
                            f"got {bias!r:.60}")
        lin = cls.__new__(cls)
        lin.in_features, lin.out_features, lin.init = len(rows[0]), len(rows), "given"
        lin.weight = rows
        lin.bias = None if bias is None else list(bias)
        return lin

    def _forward(self, x: Any) -> List[Value]:
        if type(x) is not list and type(x) is not tuple:
            x = as_list(x, "Linear", "x (a row or a batch of rows)")
        if len(x) != self.in_features:
            raise ValueError(f"Linear expects {self.in_features} inputs, got {len(x)}")
        if self.bias is None:
            return [Value.dot(w, x) for w in self.weight]
        return [Value.dot(w, x, b) for w, b in zip(self.weight, self.bias)]

    def __call__(self, x: Any) -> Any:
        if is_batch(x):
            return [self._forward(r) for r in x]
        return self._forward(x)

    def named_parameters(self) -> Iterator[Tuple[str, Value]]:
        for j, row in enumerate(self.weight):
            for k, w in enumerate(row):
                yield f"weight.{j}.{k}", w
        for j, b in enumerate(self.bias or ()):
            yield f"bias.{j}", b

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None})")


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(Linear(4, 8), ReLU(), ...)``.

    Called on one row it returns what the last module returns for that row; called on a
    batch it returns one output per row (see the module's note on batch modules). Children
    are named ``0``, ``1``, ... as in PyTorch; ``len``, indexing and iteration work.
    """

    takes_batches = True

    def __init__(self, *modules: Module) -> None:
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential: item {i} must be a Module, got {type(m).__name__}")
        self._items: List[Any] = list(modules)  # Modules (Any: each is called)

    def _registered(self) -> Iterator[Tuple[str, Any]]:
        for i, m in enumerate(self._items):
            yield str(i), m

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> Any:
        return self._items[i]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __call__(self, x: Any) -> Any:
        if not is_batch(x):
            for m in self._items:
                x = m(x)
            return x
        return self._batch(list(x))

    def _batch(self, rows: List[Any]) -> List[Any]:
        """Each stretch of per-sample modules row by row; each batch module on the batch."""
        items, i = self._items, 0
        while i < len(items):
            if items[i].takes_batches:
                rows = items[i](rows)
                i += 1
                continue
            j = i
            while j < len(items) and not items[j].takes_batches:
                j += 1
            stretch, out = items[i:j], []
            for r in rows:
                for m in stretch:
                    r = m(r)
                out.append(r)
            rows, i = out, j
        return rows

    def __repr__(self) -> str:
        lines = "".join(f"  ({i}): " + repr(m).replace("\n", "\n  ") + "\n"
                        for i, m in enumerate(self._items))
        return f"Sequential(\n{lines})"

