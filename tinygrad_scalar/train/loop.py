"""The training loop: ``fit``, in named steps (check the arguments, resume, train one
epoch, close the epoch: history, schedule, early stopping and checkpoint).

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
checkpoint (``checkpoint=path``) and picked up again (``resume=path``); a step that
diverges (a NaN or infinite loss, an overflow...) stops training with an error naming the
epoch and batch, and Ctrl-C returns the history so far. In both cases the model, its
optimizer and the history go back to the last completed epoch, the one the checkpoint
holds (see ``recovery``).
"""

from __future__ import annotations

import gc
import math
import os
import random
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.checks import integer, positive, positive_int
from ..core.value import Value
from ..data import batches
from ..nn.modules import Module
from ..nn.optim import Optimizer, Schedule
from .batch import (
    LossFn,
    StepFn,
    _check_xy,
    _correct,
    _resolve_loss,
    _rows,
    _use_accuracy,
    check_optimizer,
)
from .checkpoint import (
    _dropouts,
    _path,
    _restore,
    _same_file,
    _snapshot,
    load_checkpoint,
    save_checkpoint,
)
from .compiled import check_backend, check_compiled
from .history import EarlyStopping, History
from .inference import evaluate
from .native import backend_of, make_step
from .progress import reporter, verbosity
from .recovery import Diverged, LastGood, diverging, first_bad_parameter, with_note
from .report import TrainingReport, report_for

__all__ = ["fit"]


def fit(model: Module, loss: str | LossFn, optimizer: Optimizer,
        X: Sequence[Sequence[Any]], y: Sequence[Any], epochs: int,
        batch_size: int | None = None,
        validation: tuple[Sequence[Sequence[Any]], Sequence[Any]] | None = None,
        schedule: Schedule | None = None, progress: bool = True,
        checkpoint: str | os.PathLike[str] | None = None,
        early_stopping: EarlyStopping | int | None = None,
        resume: str | os.PathLike[str] | None = None, *,
        metric: str | None = "auto", l2: float = 0.0, shuffle: bool = True,
        seed: int = 0, compiled: bool = False, backend: str = "auto",
        verbose: int | None = None,
        report: str | os.PathLike[str] | TrainingReport | None = None) -> History:
    """Train ``model`` on ``X, y`` for ``epochs`` epochs of mini-batches; return the history.

    Arguments:
        loss: a loss from ``tinygrad_scalar.losses`` (or its name, or any
            ``loss(outputs, targets) -> Value``).
        optimizer: updates the parameters after every batch.
        epochs: the epoch to train up to (a resumed run continues from its saved epoch).
        batch_size: rows per mini-batch; ``None`` for the whole set in one batch.
        validation: ``(X_val, y_val)``, evaluated after every epoch in eval mode.
        schedule: a learning-rate schedule on ``optimizer``, stepped after every epoch.
        progress: show a ``tqdm.auto`` bar with loss and accuracy where it can be seen
            (a terminal or a Jupyter notebook); the same as ``verbose=2`` there and
            ``verbose=0`` elsewhere; ``progress=False`` is ``verbose=0``.
        checkpoint: a path; after every epoch, model, optimizer, schedule, epoch and history
            are written there (atomically, as JSON).
        early_stopping: an ``EarlyStopping`` or a patience in epochs.
        resume: a checkpoint path to continue from (it must fit this model and optimizer).
        metric: ``"auto"`` (accuracy for classification losses), ``"accuracy"`` or None.
        l2: adds ``l2 * sum(p * p)`` over the parameters to each batch's loss.
        shuffle, seed: each epoch's order of rows is drawn from ``seed`` and the epoch
            number, so a resumed run sees the same batches as an uninterrupted one.
        compiled: trace one sample's graph once and replay it over every batch (same
            numbers, much faster; ``train.compiled``); no dropout. A custom loss function
            is traced per batch: the batches must not change (no shuffling).
        backend: with ``compiled``: ``"c"`` (sample and optimizer in C), ``"python"`` or
            ``"auto"`` (C where it can); ``history.backend`` says which ran.
        verbose: 0 silent, 1 one line per epoch on stdout (for logs), 2 the bar always;
            when given it wins over ``progress``.
        report: a path (``"run.html"``) or a ``TrainingReport``: a page with the curves,
            the decision boundary per epoch (2-D inputs) and the confusion matrix,
            rewritten after every epoch (see ``train.report``).

    Parameters that are NaN or infinite are refused before the first step. A step that
    diverges — a NaN or infinite loss or parameter, an ``ArithmeticError`` such as an
    overflow, or a ``ValueError`` of the engine's arithmetic outside its domain — raises
    ``FloatingPointError`` naming the epoch and batch, chained to the error. Ctrl-C stops,
    prints a note and returns the history. Either way, and after any other error, the
    model, optimizer, schedule, early stopping and history are put back to the end of the
    last completed epoch; with ``checkpoint=`` an epoch is completed once it is written, so
    they hold what the file holds. Resuming a checkpoint that holds more than ``epochs``
    epochs trains nothing and warns. The cyclic garbage collector is paused while
    training and restored afterwards.
    """
    run = _checked_run(model, loss, optimizer, X, y, batch_size, validation, schedule,
                       checkpoint, early_stopping, metric, l2, shuffle, seed, compiled)
    backend = check_backend(backend, "fit")
    epochs = integer(epochs, "fit", "epochs", minimum=0)
    run.report = report_for(report, run.rows, run.targets, epochs)
    level = verbosity(verbose, progress)
    resumed = None if resume is None else _path(resume, "fit", "resume")
    if resumed is not None:
        _resume(run, resumed)
    bad = first_bad_parameter(list(run.model.named_parameters()))
    if bad:
        raise ValueError(f"fit: {bad}; training needs finite parameters (set it, or load a "
                         f"state_dict, before calling fit)")
    if run.start > epochs and resumed is not None:
        _nothing_to_train(resumed, run.start, epochs)
    step = make_step(run.model, run.loss_fn, run.optimizer, run.l2, run.rows, run.targets,
                     run.n_batches, run.accuracy, compiled, backend)
    run.history.backend = backend_of(step, compiled)
    on_disk = run.start if resumed is not None and _same_file(resumed, run.checkpoint) else None
    try:
        return _train(run, step, epochs, level, on_disk)
    finally:
        close = getattr(step, "close", None)
        if close is not None:
            close()


# ==================================================================== checking the arguments
@dataclass
class _Run:
    """What one call of ``fit`` trains with, checked, and what it has recorded so far."""

    model: Module
    loss_fn: LossFn
    optimizer: Optimizer
    schedule: Schedule | None
    rows: list[list[Value]]
    targets: list[Any]
    batch_size: int
    validation: tuple[Sequence[Sequence[Any]], Sequence[Any]] | None
    metric: str | None
    accuracy: bool
    l2: float
    shuffle: bool
    seed: int
    checkpoint: str | None
    early_stopping: EarlyStopping | None
    history: History = field(default_factory=History)
    start: int = 0
    report: TrainingReport | None = None

    @property
    def n_batches(self) -> int:
        return -(-len(self.rows) // self.batch_size)


def _checked_run(model: Any, loss: Any, optimizer: Any, X: Any, y: Any, batch_size: Any,
                 validation: Any, schedule: Any, checkpoint: Any, early_stopping: Any,
                 metric: Any, l2: Any, shuffle: bool, seed: Any, compiled: bool) -> _Run:
    """``fit``'s arguments checked (errors name ``fit`` and the argument), as a ``_Run``."""
    loss_fn = _resolve_loss(loss)
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be a Module, got {type(model).__name__}")
    check_optimizer(model, optimizer, shuffle)
    X, y = _check_xy(X, y, "fit")
    rows = _rows(X, "fit")
    batch_size = len(rows) if batch_size is None else positive_int(batch_size, "fit",
                                                                     "batch_size")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("fit: validation must be a pair (X_val, y_val)")
        validation = _check_xy(validation[0], validation[1], "fit", "_val")
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
    run = _Run(model, loss_fn, optimizer, schedule, rows, list(y), batch_size,
               None if validation is None else tuple(validation), metric,
               _use_accuracy(metric, loss_fn), positive(l2, "fit", "l2", allow_zero=True),
               bool(shuffle), integer(seed, "fit", "seed"), checkpoint,
               _early_stopping(early_stopping, validation is not None))
    run.shuffle = run.shuffle and run.n_batches > 1  # one batch: its order changes nothing
    if compiled:
        check_compiled(model, loss_fn, run.shuffle)
    return run


def _early_stopping(early_stopping: Any, validation: bool) -> EarlyStopping | None:
    """``fit``'s ``early_stopping`` argument as an ``EarlyStopping`` (or None)."""
    if isinstance(early_stopping, int) and not isinstance(early_stopping, bool):
        early_stopping = EarlyStopping(patience=early_stopping)
    elif early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise TypeError(f"fit: early_stopping must be an EarlyStopping, a patience in epochs "
                        f"or None, got {type(early_stopping).__name__}")
    if early_stopping is not None and early_stopping.monitor == "auto":
        early_stopping.monitor = "val_loss" if validation else "loss"
    return early_stopping


# ==================================================================== resuming
def _resume(run: _Run, path: str) -> None:
    """Load the checkpoint at ``path`` into the run; on any error nothing changes."""
    model, optimizer, schedule = run.model, run.optimizer, run.schedule
    before = _snapshot(model, optimizer, schedule)
    states = [d.rng.getstate() for d in _dropouts(model)]
    saved = load_checkpoint(path, model, optimizer, schedule)
    try:  # the rest of the file must be sound too, or nothing changes
        history = run.history
        if saved.get("history") is not None:
            history = History.from_dict(saved["history"])
        seed = saved.get("seed", run.seed)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"the saved seed must be an int, got {seed!r:.60}")
        if run.early_stopping is not None and isinstance(saved.get("early_stopping"), dict):
            run.early_stopping.load_state_dict(saved["early_stopping"])
    except ValueError as e:
        problems = _restore(before, model, optimizer, schedule)
        for d, st in zip(_dropouts(model), states):
            d.rng.setstate(st)
        raise ValueError(f"fit: resume={path!r}: {e}" + (f"; {problems}" if problems else "")
                         ) from None
    run.start, run.history, run.seed = saved["epoch"], history, seed


# ==================================================================== training
def _nothing_to_train(path: str, start: int, epochs: int) -> None:
    """Warn that resuming ``path``, which holds ``start > epochs`` epochs, trains nothing."""
    warnings.warn(f"fit: the checkpoint {path!r} already holds {start} epochs, more than "
                  f"epochs={epochs}; nothing was trained (epochs counts from the first epoch, "
                  f"not from the checkpoint: for {epochs} more, pass epochs={start + epochs})",
                  UserWarning, stacklevel=3)


def _train(run: _Run, step: StepFn, epochs: int, level: int, on_disk: int | None) -> History:
    """Epochs ``run.start + 1 .. epochs``; after a failure or Ctrl-C, the last good state.

    ``on_disk``: the epoch the checkpoint file holds when training starts (None when this
    run did not read it).
    """
    model, history = run.model, run.history
    was_training, gc_on = model.training, gc.isenabled()
    gc.disable()
    bar = reporter(level, epochs, run.start)
    good = LastGood(model, run.optimizer, run.schedule, run.early_stopping, history,
                    run.checkpoint, run.start, on_disk)
    history.stopped = "completed"
    try:
        model.train()
        for epoch in range(run.start, epochs):
            record = _one_epoch(run, step, epoch, good)
            stop = _close_epoch(run, epoch, record, good)
            bar.epoch(record)
            if stop:
                _stop_early(run)
                break
    except KeyboardInterrupt:
        problems = good.roll_back()
        history.stopped = "interrupted"
        print(f"fit: interrupted (Ctrl-C) {good.position}; the model, its optimizer and the "
              f"history are back at {good.kept()}" + (f"; {problems}" if problems else ""),
              file=sys.stderr)
    except Diverged as e:
        problems = good.roll_back()
        raise FloatingPointError(f"{e}; training stopped and the model keeps the weights of "
                                 f"{good.kept()}" + (f"; {problems}" if problems else "")
                                 ) from e.__cause__
    except BaseException as e:
        with_note(e, good.roll_back())
        raise
    finally:
        bar.close()
        model.train(was_training)
        if gc_on:
            gc.enable()
    return history


def _one_epoch(run: _Run, step: StepFn, epoch: int, good: LastGood) -> dict[str, float]:
    """Train on every mini-batch once; return the epoch's record (loss, accuracy, ...)."""
    t0 = time.perf_counter()
    lr = run.optimizer.lr
    total, correct = 0.0, 0
    updates = getattr(step, "updates", None)  # a native step runs the optimizer itself
    named = list(run.model.named_parameters()) if updates is None else []
    order = random.Random(run.seed * 1_000_003 + epoch)
    for b, (xb, yb) in enumerate(batches(run.rows, run.targets, run.batch_size, rng=order,
                                         shuffle=run.shuffle), 1):
        where = f"epoch {epoch + 1}, batch {b}"
        good.position = "in " + where
        with diverging(where):
            value, outs = step(xb, yb)
            if not math.isfinite(value):
                raise Diverged(f"fit: {where}: the loss is {value}")
            if updates is not None:
                updates()
            else:
                run.optimizer.step()
                bad = first_bad_parameter(named)
                if bad:
                    raise Diverged(f"fit: {where}: after the optimizer's step, {bad}")
        total += value * len(yb)
        run.history.append_batch(epoch + b / run.n_batches, value)
        if run.accuracy:
            correct += _correct(outs, yb)
    sync = getattr(step, "sync", None)
    if sync is not None:  # the weights and the optimizer's state back in their objects
        sync()
    record: dict[str, float] = {"epoch": epoch + 1, "loss": total / len(run.rows)}
    if run.accuracy:
        record["accuracy"] = correct / len(run.rows)
    if run.validation is not None:
        good.position = f"while evaluating epoch {epoch + 1} on the validation data"
        _validate(run, epoch, record)
    record["lr"] = lr
    record["seconds"] = time.perf_counter() - t0
    return record


def _validate(run: _Run, epoch: int, record: dict[str, float]) -> None:
    """Add the validation loss (and accuracy) to ``record``, in evaluation mode."""
    X_val, y_val = run.validation  # type: ignore[misc]
    with diverging(f"epoch {epoch + 1}, validation"):
        result = evaluate(run.model, run.loss_fn, X_val, y_val, metric=run.metric)
        if not math.isfinite(result["loss"]):
            raise Diverged(f"fit: epoch {epoch + 1}, validation: the loss is {result['loss']}")
    run.model.train()
    for k, v in result.items():
        record["val_" + k] = v


def _close_epoch(run: _Run, epoch: int, record: dict[str, float], good: LastGood) -> bool:
    """Record the epoch, step the schedule, ask early stopping, write the checkpoint, and
    remember the state as the last good one; return True to stop early."""
    run.history.append(**record)
    if run.schedule is not None:
        run.schedule.step()
    es, stop = run.early_stopping, False
    if es is not None:
        if es.monitor not in record:
            raise ValueError(f"fit: early stopping monitors {es.monitor!r}, "
                             f"which is not recorded (have {sorted(record)})")
        stop = es.update(record[es.monitor], epoch + 1, run.model.state_dict())
    if run.checkpoint is not None:
        good.position = f"while saving epoch {epoch + 1} to {run.checkpoint!r}"
        _save(run, epoch)
        good.on_disk = epoch + 1
    good.commit(epoch + 1)
    if run.report is not None:
        run.report.update(run.history, run.model)
    return stop


def _save(run: _Run, epoch: int) -> None:
    """Write the checkpoint for the end of ``epoch`` (0-based)."""
    extra: dict[str, Any] = {"seed": run.seed}
    if run.early_stopping is not None:
        extra["early_stopping"] = run.early_stopping.state_dict()
    save_checkpoint(run.checkpoint, run.model, run.optimizer, run.schedule,  # type: ignore[arg-type]
                    epoch + 1, run.history, extra)


def _stop_early(run: _Run) -> None:
    """Early stopping said stop: note it, and go back to the best epoch if asked to."""
    es = run.early_stopping
    run.history.stopped = "early_stopping"
    if es is not None and es.restore_best and es.best_state:
        run.model.load_state_dict(es.best_state)
