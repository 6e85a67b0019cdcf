"""Training loops: ``fit``, ``evaluate``, ``predict``, checkpoints and early stopping.

>>> from tinygrad_scalar import MLP
>>> from tinygrad_scalar.losses import softmax_cross_entropy
>>> from tinygrad_scalar.optim import Adam
>>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
>>> y = [0, 1, 1, 0]
>>> model = MLP(2, [8, 2], rng=1)
>>> history = fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.05), X, y,
...               epochs=150, progress=False)
>>> history["accuracy"][-1], history["loss"][-1] < 0.05
(1.0, True)

``fit`` never loses work: each finished epoch can be saved atomically as a JSON
checkpoint (``checkpoint=path``) and picked up again (``resume=path``); a NaN or infinite
loss stops training with an error naming the epoch and batch, and Ctrl-C returns the
history so far. In both cases the model keeps the weights of the last completed epoch.
"""

from __future__ import annotations

import gc
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..core.value import Value
from ..data import batches
from ..nn import losses as _losses
from ..nn.modules import Dropout, Module
from ..nn.optim import Optimizer, Schedule

__all__ = [
    "CHECKPOINT_FORMAT",
    "CHECKPOINT_VERSION",
    "EarlyStopping",
    "History",
    "batch_step",
    "evaluate",
    "fit",
    "load_checkpoint",
    "predict",
    "save_checkpoint",
]

CHECKPOINT_FORMAT = "tinygrad_scalar.checkpoint"
CHECKPOINT_VERSION = 1

LossFn = Callable[[Any, Any], Value]
StepFn = Callable[[list[list[Value]], list[Any]], tuple[float, list[Any]]]

_LOSS_NAMES = {
    "mse": _losses.mse,
    "binary_cross_entropy": _losses.binary_cross_entropy,
    "bce": _losses.binary_cross_entropy,
    "softmax_cross_entropy": _losses.softmax_cross_entropy,
    "cross_entropy": _losses.softmax_cross_entropy,
    "hinge": _losses.hinge,
}


# ==================================================================== history
class History:
    """What happened in each epoch: ``history["loss"]`` is the list of training losses.

    Keys: ``epoch`` (1-based), ``loss``, ``lr``, ``seconds``, and when they apply
    ``accuracy``, ``val_loss``, ``val_accuracy``. ``stopped`` says why training ended:
    ``"completed"``, ``"early_stopping"`` or ``"interrupted"``.

    >>> h = History()
    >>> h.append(epoch=1, loss=0.5)
    >>> h["loss"], len(h), h.last("loss")
    ([0.5], 1, 0.5)
    """

    def __init__(self) -> None:
        self.records: dict[str, list[float]] = {}
        self.stopped = ""

    def append(self, **values: float) -> None:
        """Add one epoch's values."""
        for k, v in values.items():
            self.records.setdefault(k, []).append(v)

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.records:
            raise KeyError(f"History: no {key!r} recorded (have {sorted(self.records)})")
        return self.records[key]

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def __len__(self) -> int:
        return len(self.records.get("epoch", []))

    def keys(self) -> list[str]:
        """The recorded quantities."""
        return list(self.records)

    def last(self, key: str) -> float:
        """The latest value of ``key``."""
        return self[key][-1]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready copy: ``{"records": {...}, "stopped": ...}``."""
        return {"records": {k: list(v) for k, v in self.records.items()}, "stopped": self.stopped}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Rebuild from ``as_dict()`` output; ``ValueError`` if it is malformed."""
        h = cls()
        recs = d.get("records") if isinstance(d, dict) else None
        if not isinstance(recs, dict) or not all(
                isinstance(k, str) and isinstance(v, list) and all(_finite(x) for x in v)
                for k, v in recs.items()):
            raise ValueError("History.from_dict: expected {'records': {name: [finite numbers]}}")
        h.records = {k: list(v) for k, v in recs.items()}
        h.stopped = str(d.get("stopped", ""))
        return h

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.records.items()
                         if v and k not in ("epoch", "seconds"))
        return f"History({len(self)} epochs{', ' if last else ''}{last})"


# ==================================================================== early stopping
class EarlyStopping:
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    ``monitor`` defaults to ``val_loss`` when there is validation data, else ``loss``;
    names ending in ``accuracy`` are maximised, others minimised. With
    ``restore_best=True`` the model gets back the weights of its best epoch.

    >>> es = EarlyStopping(patience=2, monitor="loss")
    >>> [es.update(v, epoch, {}) for epoch, v in enumerate([3.0, 2.0, 2.5, 2.1], 1)]
    [False, False, False, True]
    >>> es.best, es.best_epoch
    (2.0, 2)
    """

    def __init__(self, patience: int = 10, monitor: str = "auto", min_delta: float = 0.0,
                 restore_best: bool = True) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be a positive int, got {patience!r:.60}")
        if not _number(min_delta) or not 0 <= min_delta <= 1e300:
            raise ValueError(f"EarlyStopping: min_delta must be a number >= 0, got {min_delta!r:.60}")
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be a name such as 'val_loss', "
                            f"got {type(monitor).__name__}")
        self.patience = patience
        self.monitor = monitor
        self.min_delta = float(min_delta)
        self.restore_best = restore_best
        self.best: float | None = None
        self.best_epoch = 0
        self.best_state: dict[str, float] = {}
        self.wait = 0

    def _maximise(self) -> bool:
        return self.monitor.endswith("accuracy")

    def update(self, value: float, epoch: int, state: dict[str, float]) -> bool:
        """Record one epoch's ``value`` (and the model ``state``); return True to stop."""
        better = self.best is None or (
            value > self.best + self.min_delta if self._maximise()
            else value < self.best - self.min_delta)
        if better:
            self.best, self.best_epoch, self.best_state, self.wait = value, epoch, dict(state), 0
            return False
        self.wait += 1
        return self.wait >= self.patience

    def state_dict(self) -> dict[str, Any]:
        """JSON-ready state, saved in checkpoints."""
        return {"monitor": self.monitor, "best": self.best, "best_epoch": self.best_epoch,
                "best_state": dict(self.best_state), "wait": self.wait}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore ``state_dict()`` output; ``ValueError`` (and no change) if it is malformed."""
        where = "EarlyStopping.load_state_dict"
        if not isinstance(state, dict) or not {"best", "best_epoch", "best_state", "wait"} <= set(state):
            raise ValueError(f"{where}: state is missing fields")
        best, best_state = state["best"], state["best_state"]
        if best is not None and not _finite(best):
            raise ValueError(f"{where}: 'best' must be a finite number or None, got {best!r:.60}")
        for key in ("best_epoch", "wait"):
            v = state[key]
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError(f"{where}: {key!r} must be an int >= 0, got {v!r:.60}")
        if not isinstance(best_state, dict) or not all(
                isinstance(k, str) and _finite(v) for k, v in best_state.items()):
            raise ValueError(f"{where}: 'best_state' must map parameter names to finite numbers")
        if not isinstance(state.get("monitor", self.monitor), str):
            raise ValueError(f"{where}: 'monitor' must be a name, got {state['monitor']!r:.60}")
        self.monitor = state.get("monitor", self.monitor)
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.best_state, self.wait = dict(state["best_state"]), state["wait"]


# ==================================================================== checkpoints
def save_checkpoint(path: str | os.PathLike, model: Module,
                    optimizer: Optimizer | None = None, schedule: Schedule | None = None,
                    epoch: int = 0, history: History | None = None,
                    extra: dict[str, Any] | None = None) -> None:
    """Write model (and optimizer, schedule, epoch, history) to ``path`` as JSON, atomically.

    The file is written to a temporary file in the same folder, flushed to disk, then
    renamed over ``path``: a crash leaves either the old file or the new one, never half.

    >>> import os, tempfile
    >>> from tinygrad_scalar import MLP
    >>> m = MLP(2, [3, 1], rng=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_checkpoint(os.path.join(tmp, "m.json"), m, epoch=5)
    ...     load_checkpoint(os.path.join(tmp, "m.json"), m)["epoch"]
    5
    """
    path = _path(path, "save_checkpoint", "path")
    _check_parts("save_checkpoint", model, optimizer, schedule)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"save_checkpoint: epoch must be an int >= 0, got {epoch!r:.60}")
    if history is not None and not isinstance(history, History):
        raise TypeError(f"save_checkpoint: history must be a History, got {type(history).__name__}")
    if extra is not None and not isinstance(extra, dict):
        raise TypeError(f"save_checkpoint: extra must be a dict, got {type(extra).__name__}")
    data = {
        "format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION,
        "architecture": model.architecture(), "epoch": epoch,
        "model": model.state_dict(),
        "optimizer": None if optimizer is None else optimizer.state_dict(),
        "schedule": None if schedule is None else schedule.state_dict(),
        "history": None if history is None else history.as_dict(),
        "random_states": [_rng_state(d) for d in _dropouts(model)],
    }
    if extra:
        data.update(extra)
    try:
        text = json.dumps(data, allow_nan=False)
    except ValueError:  # allow_nan=False refuses NaN and infinities
        raise ValueError("save_checkpoint: the state holds a NaN or an infinity, which a "
                         "checkpoint cannot store; nothing was written") from None
    except TypeError as e:
        raise TypeError(f"save_checkpoint: the state holds something that is not JSON "
                        f"({e}); nothing was written") from None
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _arch_diff(saved: Any, mine: dict[str, Any]) -> str:
    if not isinstance(saved, dict):
        return f"the file has no architecture description (got {saved!r})"
    keys = [k for k in list(mine) + [k for k in saved if k not in mine]
            if saved.get(k) != mine.get(k)]
    return "; ".join(f"{k} is {saved.get(k)!r} in the file but {mine.get(k)!r} in the model"
                     for k in keys)


def load_checkpoint(path: str | os.PathLike, model: Module,
                    optimizer: Optimizer | None = None,
                    schedule: Schedule | None = None) -> dict[str, Any]:
    """Load a checkpoint into ``model`` (and ``optimizer``, ``schedule``); return its contents.

    A file that is truncated, not JSON, not a checkpoint, or for another architecture raises
    ``ValueError`` saying what did not match, and then nothing is changed. A missing file
    raises ``FileNotFoundError``. The random states of ``Dropout`` layers are restored too
    when the file holds one per layer of the model.
    """
    path = _path(path, "load_checkpoint", "path")
    _check_parts("load_checkpoint", model, optimizer, schedule)
    where = f"load_checkpoint({path!r})"
    with open(path, "rb") as f:
        raw = f.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ValueError(f"{where}: not UTF-8 text ({e.reason} at byte {e.start}); "
                         f"the file is damaged or not a checkpoint") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not valid JSON ({e}); the file may be truncated") from None
    except RecursionError:
        raise ValueError(f"{where}: not a checkpoint (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"{where}: not a checkpoint (format tag {got!r}, "
                         f"expected {CHECKPOINT_FORMAT!r})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not (
            1 <= version <= CHECKPOINT_VERSION):
        raise ValueError(f"{where}: checkpoint version {version!r} is not supported "
                         f"(this version reads 1..{CHECKPOINT_VERSION})")
    diff = _arch_diff(data.get("architecture"), model.architecture())
    if diff:
        raise ValueError(f"{where}: checkpoint is for another architecture: {diff}")
    for key, obj in (("optimizer", optimizer), ("schedule", schedule)):
        if obj is not None and not isinstance(data.get(key), dict):
            raise ValueError(f"{where}: an {key} was given but the file holds no {key} state")
    epoch = data.get("epoch")
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise ValueError(f"{where}: 'epoch' must be an int >= 0, got {epoch!r}")
    drops = _dropouts(model)
    states = data.get("random_states")
    if isinstance(states, list) and len(states) == len(drops) and drops:
        try:
            states = [_rng_unpack(st) for st in states]
        except (TypeError, ValueError, IndexError, OverflowError):
            raise ValueError(f"{where}: a saved dropout random state is malformed") from None
    else:
        states = None
    saved = _snapshot(model, optimizer, schedule)
    try:
        model.load_state_dict(data.get("model"))  # type: ignore[arg-type]
        if optimizer is not None:
            optimizer.load_state_dict(data["optimizer"])
        if schedule is not None:
            schedule.load_state_dict(data["schedule"])
    except (ValueError, ArithmeticError, TypeError) as e:
        _restore(saved, model, optimizer, schedule)
        raise ValueError(f"{where}: {e}") from None
    if states is not None:
        for d, st in zip(drops, states):
            d.rng.setstate(st)
    return data


def _dropouts(model: Module) -> list:
    """Every ``Dropout`` in the module tree, in a fixed order."""
    found, stack = [], [model]
    while stack:
        m = stack.pop()
        if isinstance(m, Dropout):
            found.append(m)
        stack.extend(reversed(m.children()))
    return found


def _rng_state(d: Dropout) -> list:
    version, internal, gauss = d.rng.getstate()
    return [version, list(internal), gauss]


def _rng_unpack(state: Any) -> tuple:
    version, internal, gauss = state
    if gauss is not None and not isinstance(gauss, float):
        raise ValueError("gauss_next must be None or a float")
    st = (int(version), tuple(int(x) for x in internal), gauss)
    random.Random().setstate(st)  # raises on a malformed state
    return st


def _path(path: Any, where: str, name: str) -> str:
    """``path`` as a str; ``TypeError`` naming the argument for anything else."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{where}: {name} must be a str or a path, got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"{where}: {name} must be a str or a path, got {type(text).__name__}")
    return text


def _check_parts(where: str, model: Any, optimizer: Any, schedule: Any) -> None:
    """The model is a Module; the optimizer and the schedule are what they say (or None)."""
    if not isinstance(model, Module):
        raise TypeError(f"{where}: model must be a Module, got {type(model).__name__}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}: optimizer must be an Optimizer or None, "
                        f"got {type(optimizer).__name__}")
    if schedule is not None and not isinstance(schedule, Schedule):
        raise TypeError(f"{where}: schedule must be a Schedule or None, "
                        f"got {type(schedule).__name__}")


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _finite(x: Any) -> bool:
    """An int or float that is a finite float (an int too large for one is not)."""
    return _number(x) and -sys.float_info.max <= x <= sys.float_info.max


Snapshot = tuple  # (model state, optimizer state or None, schedule state or None)


def _snapshot(model: Module, optimizer: Optimizer | None,
              schedule: Schedule | None) -> Snapshot:
    return (model.state_dict(), None if optimizer is None else optimizer.state_dict(),
            None if schedule is None else schedule.state_dict())


def _restore(snap: Snapshot, model: Module, optimizer: Optimizer | None,
             schedule: Schedule | None) -> None:
    model.load_state_dict(snap[0])
    if optimizer is not None and snap[1] is not None:
        optimizer.load_state_dict(snap[1])
    if schedule is not None and snap[2] is not None:
        schedule.load_state_dict(snap[2])


# ==================================================================== one mini-batch
def _data(out: Any) -> Any:
    """Plain numbers from a model output (a ``Value`` or a list of them)."""
    if isinstance(out, Value):
        return out.data
    if isinstance(out, (list, tuple)):
        return [o.data if isinstance(o, Value) else float(o) for o in out]
    return float(out)


def batch_step(model: Module, loss_fn: LossFn, xb: Sequence[Sequence[Any]], yb: Sequence[Any],
               l2: float = 0.0) -> tuple[float, list[Any]]:
    """Forward, loss and backward for one mini-batch; return ``(loss, outputs as numbers)``.

    Gradients of the model's parameters are set (not accumulated) for this batch; when the
    loss is not finite there is no backward pass. This is the unit of work that ``fit``
    repeats, and that a faster variant of the step may replace.

    >>> from tinygrad_scalar import MLP, Value
    >>> m = MLP(1, [1], rng=0)
    >>> loss, outs = batch_step(m, _losses.mse, [[Value(1.0)]], [0.0])
    >>> loss == outs[0] ** 2
    True
    """
    if not isinstance(model, Module):
        raise TypeError(f"batch_step: model must be a Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"batch_step: loss_fn must be callable, got {type(loss_fn).__name__}")
    for name, seq in (("xb", xb), ("yb", yb)):
        if not isinstance(seq, Sequence) or isinstance(seq, (str, bytes)):
            raise TypeError(f"batch_step: {name} must be a list, got {type(seq).__name__}")
    outs = [model(x) for x in xb]
    loss = loss_fn(outs, yb)
    if l2:
        loss = loss + _losses.l2(model.parameters(), l2)
    value = loss.data
    if math.isfinite(value):
        model.zero_grad()
        loss.backward()
    return value, [_data(o) for o in outs]


def _step_function(model: Module, loss_fn: LossFn, l2: float) -> StepFn:
    """The per-batch step ``fit`` calls: ``step(xb, yb) -> (loss, outputs)``."""
    def step(xb: list[list[Value]], yb: list[Any]) -> tuple[float, list[Any]]:
        return batch_step(model, loss_fn, xb, yb, l2)
    return step


def _compiled_step_function(model: Module, loss_fn: LossFn, l2: float, n_batches: int,
                            outputs: bool) -> StepFn:
    """``fit(..., compiled=True)``'s step: each batch's graph is traced once into
    straight-line Python (see ``tinygrad_scalar.trace``) and replayed on later epochs.

    The replay gives the loss and the gradients; when accuracy is wanted, the outputs come
    from one more forward pass that builds no graph.
    """
    from ..core.modes import no_grad
    from ..derive.compiled import compile_step

    def full_loss(outs: list[Any], ys: list[Any]) -> Value:
        loss = loss_fn(outs, ys)
        return loss + _losses.l2(model.parameters(), l2) if l2 else loss

    compiled = compile_step(model, full_loss, static_targets=True, max_traces=n_batches + 1)

    def step(xb: list[list[Value]], yb: list[Any]) -> tuple[float, list[Any]]:
        model.zero_grad()
        value = compiled([[v.data for v in row] for row in xb], yb)
        if not outputs:
            return value, []
        with no_grad():
            return value, [_data(model(x)) for x in xb]
    return step


# ==================================================================== helpers
def _resolve_loss(loss: str | LossFn) -> LossFn:
    if isinstance(loss, str):
        if loss not in _LOSS_NAMES:
            raise ValueError(f"loss must be a callable or one of {', '.join(_LOSS_NAMES)}; "
                             f"got {loss!r}")
        return _LOSS_NAMES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a callable or a name, got {type(loss).__name__}")
    return loss


def _use_accuracy(metric: str | None, loss_fn: LossFn) -> bool:
    if metric == "auto":
        return loss_fn in _losses.CLASSIFICATION_LOSSES
    if metric in (None, "none"):
        return False
    if metric == "accuracy":
        return True
    raise ValueError(f"metric must be 'auto', 'accuracy' or None, got {metric!r}")


def _correct(outs: list[Any], ys: Sequence[Any]) -> int:
    """How many outputs pick the right class (argmax of a list; sign of one score)."""
    n = 0
    for o, t in zip(outs, ys):
        if isinstance(o, list):
            n += max(range(len(o)), key=o.__getitem__) == t
        else:
            n += (o > 0.0) == (t == 1)
    return n


def _rows(X: Sequence[Sequence[Any]], where: str) -> list[list[Value]]:
    """Input rows as ``Value`` leaves, made once (checked: finite numbers, equal lengths)."""
    if isinstance(X, (str, bytes)) or not isinstance(X, Sequence) or not X:
        raise ValueError(f"{where}: X must be a non-empty list of rows")
    width = None
    out = []
    for i, row in enumerate(X):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise TypeError(f"{where}: row {i} of X must be a list of numbers, got {row!r}")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ValueError(f"{where}: row {i} of X has {len(row)} values, row 0 has {width}")
        vals = []
        for j, v in enumerate(row):
            if isinstance(v, Value):
                vals.append(v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                vals.append(Value(v))
            else:
                raise ValueError(f"{where}: X[{i}][{j}] must be a finite number, got {v!r}")
        out.append(vals)
    return out


def _check_xy(X: Sequence[Any], y: Sequence[Any], where: str, name: str = "") -> None:
    if not isinstance(X, Sequence) or isinstance(X, (str, bytes)):
        raise TypeError(f"{where}: X{name} must be a list of rows, got {type(X).__name__}")
    if not isinstance(y, Sequence) or isinstance(y, (str, bytes)):
        raise TypeError(f"{where}: y{name} must be a list of targets, got {type(y).__name__}")
    if len(X) != len(y):
        raise ValueError(f"{where}: X{name} and y{name} have different lengths "
                         f"({len(X)} rows, {len(y)} targets)")


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, **kw: Any) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(show: bool, total: int, initial: int) -> Any:
    if not (show and sys.stderr.isatty()):
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("fit(progress=True) needs tqdm for its progress bar: "
                          "pip install tqdm (or pass progress=False)") from None
    return tqdm(total=total, initial=initial, unit="epoch", file=sys.stderr, dynamic_ncols=True)


# ==================================================================== evaluate / predict
def _check_model(model: Any, where: str) -> None:
    if not isinstance(model, Module):
        raise TypeError(f"{where}: model must be a Module, got {type(model).__name__}")


def _batch_size(n: Any, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{where}: batch_size must be a positive int, got {n!r:.60}")
    return n


def _forward_all(model: Module, rows: list[list[Value]], chunk: int,
                 fn: Callable[[list[Any], int, int], None]) -> None:
    """Run the model over ``rows`` in chunks in evaluation mode, with the collector paused."""
    was_training, gc_on = model.training, gc.isenabled()
    model.eval()
    gc.disable()
    try:
        for lo in range(0, len(rows), chunk):
            fn([model(x) for x in rows[lo:lo + chunk]], lo, min(lo + chunk, len(rows)))
    finally:
        model.train(was_training)
        if gc_on:
            gc.enable()


def evaluate(model: Module, loss: str | LossFn, X: Sequence[Sequence[Any]],
             y: Sequence[Any], batch_size: int = 256, metric: str | None = "auto"
             ) -> dict[str, float]:
    """Mean loss (and accuracy for classification) of ``model`` on ``X, y``, in eval mode.

    >>> from tinygrad_scalar import MLP
    >>> m = MLP(1, [1], rng=0)
    >>> m.layers[0].neurons[0].w[0].data = 2.0
    >>> evaluate(m, "mse", [[1.0], [2.0]], [2.0, 5.0])
    {'loss': 0.5}
    """
    loss_fn = _resolve_loss(loss)
    _check_model(model, "evaluate")
    _check_xy(X, y, "evaluate")
    rows = _rows(X, "evaluate")
    chunk = _batch_size(batch_size, "evaluate")
    acc = _use_accuracy(metric, loss_fn)
    totals = [0.0, 0]

    def add(outs: list[Any], lo: int, hi: int) -> None:
        totals[0] += loss_fn(outs, list(y[lo:hi])).data * (hi - lo)
        if acc:
            totals[1] += _correct([_data(o) for o in outs], y[lo:hi])

    _forward_all(model, rows, chunk, add)
    result = {"loss": totals[0] / len(rows)}
    if acc:
        result["accuracy"] = totals[1] / len(rows)
    return result


def predict(model: Module, X: Sequence[Sequence[Any]], batch_size: int = 1024) -> list[Any]:
    """The model's outputs as plain numbers (a float, or a list per row), in eval mode.

    >>> from tinygrad_scalar import MLP
    >>> m = MLP(2, [1], rng=0)
    >>> m.load_state_dict({"L0.N0.w0": 1.0, "L0.N0.w1": 2.0, "L0.N0.b": 0.5})
    >>> predict(m, [[1.0, 1.0], [0.0, -1.0]])
    [3.5, -1.5]
    """
    _check_model(model, "predict")
    rows = _rows(X, "predict")
    out: list[Any] = []
    _forward_all(model, rows, _batch_size(batch_size, "predict"),
                 lambda outs, lo, hi: out.extend(_data(o) for o in outs))
    return out


# ==================================================================== fit
def fit(model: Module, loss: str | LossFn, optimizer: Optimizer,
        X: Sequence[Sequence[Any]], y: Sequence[Any], epochs: int,
        batch_size: int | None = None,
        validation: tuple[Sequence[Sequence[Any]], Sequence[Any]] | None = None,
        schedule: Schedule | None = None, progress: bool = True,
        checkpoint: str | os.PathLike | None = None,
        early_stopping: EarlyStopping | int | None = None,
        resume: str | os.PathLike | None = None, *,
        metric: str | None = "auto", l2: float = 0.0, shuffle: bool = True,
        seed: int = 0, compiled: bool = False) -> History:
    """Train ``model`` on ``X, y`` for ``epochs`` epochs of mini-batches; return the history.

    Arguments:
        loss: a loss from ``tinygrad_scalar.losses`` (or its name, or any
            ``loss(outputs, targets) -> Value``).
        optimizer: updates the parameters after every batch.
        epochs: the epoch to train up to (a resumed run continues from its saved epoch).
        batch_size: rows per mini-batch; ``None`` for the whole set in one batch.
        validation: ``(X_val, y_val)``, evaluated after every epoch in eval mode.
        schedule: a learning-rate schedule on ``optimizer``, stepped after every epoch.
        progress: show a tqdm bar with loss and accuracy (only if stderr is a terminal).
        checkpoint: a path; after every epoch, model, optimizer, schedule, epoch and history
            are written there (atomically, as JSON).
        early_stopping: an ``EarlyStopping`` or a patience in epochs.
        resume: a checkpoint path to continue from (it must fit this model and optimizer).
        metric: ``"auto"`` (accuracy for classification losses), ``"accuracy"`` or None.
        l2: adds ``l2 * sum(p * p)`` over the parameters to each batch's loss.
        shuffle, seed: each epoch's order of rows is drawn from ``seed`` and the epoch
            number, so a resumed run sees the same batches as an uninterrupted one.
        compiled: trace each batch's graph once into straight-line Python and replay it
            (same numbers, much faster); it needs the same batches every epoch
            (``batch_size=None`` or ``shuffle=False``) and no dropout while training.

    A NaN or infinite loss (or an overflow) raises ``FloatingPointError`` naming the epoch
    and batch; Ctrl-C stops and returns the history. Either way the model, optimizer and
    schedule are put back to the end of the last completed epoch. The cyclic garbage
    collector is paused while training and restored afterwards.
    """
    loss_fn = _resolve_loss(loss)
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be a Module, got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an Optimizer, got {type(optimizer).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be an int >= 0, got {epochs!r}")
    _check_xy(X, y, "fit")
    rows, targets = _rows(X, "fit"), list(y)
    if batch_size is None:
        batch_size = len(rows)
    elif isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    val = None
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("fit: validation must be a pair (X_val, y_val)")
        _check_xy(validation[0], validation[1], "fit", "_val")
        val = validation
    if schedule is not None and (not isinstance(schedule, Schedule)
                                 or schedule.optimizer is not optimizer):
        raise ValueError(f"fit: schedule must be a Schedule on the optimizer given, "
                         f"got {schedule!r:.60}")
    if checkpoint is not None:
        checkpoint = _path(checkpoint, "fit", "checkpoint")
        folder = os.path.dirname(os.path.abspath(checkpoint))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"fit: checkpoint {checkpoint!r}: folder {folder} "
                                    f"does not exist")
    if resume is not None:
        resume = _path(resume, "fit", "resume")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"fit: seed must be an int, got {seed!r:.60}")
    if not _number(l2) or not 0 <= l2 <= 1e300:
        raise ValueError(f"fit: l2 must be a finite number >= 0, got {l2!r:.60}")
    if isinstance(early_stopping, int) and not isinstance(early_stopping, bool):
        early_stopping = EarlyStopping(patience=early_stopping)
    elif early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise TypeError(f"fit: early_stopping must be an EarlyStopping, a patience in epochs "
                        f"or None, got {type(early_stopping).__name__}")
    if early_stopping is not None and early_stopping.monitor == "auto":
        early_stopping.monitor = "val_loss" if val is not None else "loss"
    accuracy = _use_accuracy(metric, loss_fn)
    n_batches = -(-len(rows) // batch_size)
    shuffle = shuffle and n_batches > 1  # one batch: its order changes nothing but rounding
    if compiled:
        if shuffle:
            raise ValueError("fit: compiled=True replays one traced graph per batch, so it needs "
                             "the same batches every epoch: pass batch_size=None or shuffle=False")
        if any(d.p > 0.0 for d in _dropouts(model)):
            raise ValueError("fit: compiled=True cannot replay dropout's random masks; "
                             "train this model with compiled=False")

    history, start = History(), 0
    if resume is not None:
        before = _snapshot(model, optimizer, schedule)
        states = [d.rng.getstate() for d in _dropouts(model)]
        saved = load_checkpoint(resume, model, optimizer, schedule)
        try:  # the rest of the file must be sound too, or nothing changes
            start = saved["epoch"]
            if saved.get("history") is not None:
                history = History.from_dict(saved["history"])
            seed = saved.get("seed", seed)
            if isinstance(seed, bool) or not isinstance(seed, int):
                raise ValueError(f"the saved seed must be an int, got {seed!r:.60}")
            if early_stopping is not None and isinstance(saved.get("early_stopping"), dict):
                early_stopping.load_state_dict(saved["early_stopping"])
        except ValueError as e:
            _restore(before, model, optimizer, schedule)
            for d, st in zip(_dropouts(model), states):
                d.rng.setstate(st)
            raise ValueError(f"fit: resume={resume!r}: {e}") from None

    if compiled:
        step = _compiled_step_function(model, loss_fn, l2, n_batches, accuracy)
    else:
        step = _step_function(model, loss_fn, l2)
    was_training, gc_on = model.training, gc.isenabled()
    gc.disable()
    bar = _progress_bar(progress, epochs, start)
    last_good = _snapshot(model, optimizer, schedule)
    history.stopped = "completed"
    try:
        model.train()
        for epoch in range(start, epochs):
            t0 = time.perf_counter()
            lr = optimizer.lr
            total, correct = 0.0, 0
            order = random.Random(seed * 1_000_003 + epoch)
            for b, (xb, yb) in enumerate(batches(rows, targets, batch_size, rng=order,
                                                 shuffle=shuffle), 1):
                try:
                    value, outs = step(xb, yb)
                    if not math.isfinite(value):
                        raise FloatingPointError(f"the loss is {value}")
                    optimizer.step()
                except ArithmeticError as e:
                    _restore(last_good, model, optimizer, schedule)
                    raise FloatingPointError(
                        f"fit: epoch {epoch + 1}, batch {b}: {e}; training stopped and the "
                        f"model keeps the weights of the last completed epoch ({epoch})") from e
                total += value * len(yb)
                if accuracy:
                    correct += _correct(outs, yb)
            record: dict[str, float] = {"epoch": epoch + 1, "loss": total / len(rows)}
            if accuracy:
                record["accuracy"] = correct / len(rows)
            if val is not None:
                for k, v in evaluate(model, loss_fn, val[0], val[1], metric=metric).items():
                    record["val_" + k] = v
                model.train()
            record["lr"] = lr
            record["seconds"] = time.perf_counter() - t0
            history.append(**record)
            if schedule is not None:
                schedule.step()
            stop = False
            if early_stopping is not None:
                if early_stopping.monitor not in record:
                    raise ValueError(f"fit: early stopping monitors {early_stopping.monitor!r}, "
                                     f"which is not recorded (have {sorted(record)})")
                stop = early_stopping.update(record[early_stopping.monitor], epoch + 1,
                                             model.state_dict())
            last_good = _snapshot(model, optimizer, schedule)
            if checkpoint is not None:
                extra: dict[str, Any] = {"seed": seed}
                if early_stopping is not None:
                    extra["early_stopping"] = early_stopping.state_dict()
                save_checkpoint(checkpoint, model, optimizer, schedule, epoch + 1, history, extra)
            bar.update(1)
            bar.set_postfix(**{k: f"{v:.4g}" for k, v in record.items()
                               if k in ("loss", "accuracy", "val_loss", "val_accuracy")})
            if stop:
                history.stopped = "early_stopping"
                if early_stopping.restore_best and early_stopping.best_state:
                    model.load_state_dict(early_stopping.best_state)
                break
    except KeyboardInterrupt:
        _restore(last_good, model, optimizer, schedule)
        history.stopped = "interrupted"
    except BaseException:
        _restore(last_good, model, optimizer, schedule)
        raise
    finally:
        bar.close()
        model.train(was_training)
        if gc_on:
            gc.enable()
    return history

