"""How ``fit`` comes back from a failure: the last good state, and what counts as divergence.

After every completed epoch (with a checkpoint: once that epoch is on disk) ``fit`` takes a
``LastGood`` snapshot: the parameters, the optimizer, the schedule, the random states of
dropout, the early-stopping state and the length of each history record. A failure or
Ctrl-C puts every one of them back, so the model, the history returned and the checkpoint
file tell the same story. Putting back never raises: the error that stopped training is
the one the caller sees.

A step *diverged* when its loss is NaN or infinite, when the update left a parameter NaN
or infinite, or when it raised an arithmetic error: an ``ArithmeticError``
(``OverflowError``, ``ZeroDivisionError``, ``FloatingPointError``) or a ``ValueError``
raised by the engine's arithmetic outside its domain (the logarithm of a negative number,
say). Other errors, such as a loss refusing a label, are the caller's and pass unchanged.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Sequence

from ..core.primitive import DomainError
from ..core.value import Value
from ..nn.modules import Module
from ..nn.optim import Optimizer, Schedule
from .checkpoint import _dropouts, put_back
from .history import EarlyStopping, History

__all__: list[str] = []



class Diverged(Exception):
    """Raised inside ``fit``'s loop when a step diverged (chained to the error, if any);
    ``fit`` puts the last good state back, then raises ``FloatingPointError``."""


def diverged(e: BaseException) -> bool:
    """True for an error that means the numbers went wrong, not the arguments: an
    arithmetic error, an operation undefined at its operands (``DomainError``), or the
    math module's own domain error (from a custom operation or an optimizer)."""
    if isinstance(e, (ArithmeticError, DomainError)):
        return True
    return isinstance(e, ValueError) and "math domain error" in str(e)


@contextlib.contextmanager
def diverging(where: str) -> Iterator[None]:
    """Turn an error that means the numbers diverged into ``Diverged`` naming ``where``."""
    try:
        yield
    except (ArithmeticError, ValueError) as e:
        if not diverged(e):
            raise
        raise Diverged(f"fit: {where}: {what_happened(e)}") from e


def what_happened(e: BaseException) -> str:
    """An error as a phrase for a message: its kind and its text."""
    return f"{type(e).__name__}: {e}" if str(e) else type(e).__name__


def first_bad_parameter(named: Sequence[tuple[str, Value]]) -> str:
    """``"parameter 'L0.N0.w0' (model.parameters()[0]) is nan"`` for the first parameter
    that is not finite, or ``""`` when they all are."""
    total = sum(p.data for _, p in named)  # NaN or infinite if any one is (or if it overflows)
    if total - total == 0.0:
        return ""
    for i, (name, p) in enumerate(named):
        if not math.isfinite(p.data):
            return f"parameter {name!r} (model.parameters()[{i}]) is {p.data}"
    return ""


class LastGood:
    """The state at the end of the last completed epoch, to put back after a failure.

    ``epoch`` is that epoch (1-based; 0 before the first), ``on_disk`` the epoch the
    checkpoint file holds (None when this run has not written one), and ``position`` where
    training is now, for messages.
    """

    def __init__(self, model: Module, optimizer: Optimizer, schedule: Schedule | None,
                 early_stopping: EarlyStopping | None, history: History,
                 checkpoint: str | None, epoch: int, on_disk: int | None) -> None:
        self.model, self.optimizer, self.schedule = model, optimizer, schedule
        self.early_stopping, self.history, self.checkpoint = early_stopping, history, checkpoint
        self.on_disk = on_disk
        self.position = f"epoch {epoch + 1}"
        self.commit(epoch)

    def commit(self, epoch: int) -> None:
        """Remember the state now as the end of ``epoch``."""
        self.epoch = epoch
        self.params = [p.data for _, p in self.model.named_parameters()]
        self.optimizer_state = self.optimizer.state_dict()
        self.schedule_state = None if self.schedule is None else self.schedule.state_dict()
        self.stopping = None if self.early_stopping is None else self.early_stopping.state_dict()
        self.random_states = [d.rng.getstate() for d in _dropouts(self.model)]
        self.lengths = {k: len(v) for k, v in self.history.records.items()}
        self.batch_count = len(self.history.batches["loss"])
        self.buffers = dict(self.model.named_buffers())  # running statistics of batch norm

    def roll_back(self) -> str:
        """Put the state back; return what could not be put back (``""`` when all was).

        The parameters, the random states and the history go back without fail; the
        optimizer, the schedule and early stopping through their ``load_state_dict``,
        whose errors are reported, never raised.
        """
        for (_, p), v in zip(self.model.named_parameters(), self.params):
            p.data = v
        for d, st in zip(_dropouts(self.model), self.random_states):
            d.rng.setstate(st)
        if self.buffers:
            self.model.load_state_dict(self.buffers, strict=False)
        for values in self.history.batches.values():
            del values[self.batch_count:]
        records = self.history.records
        for k in list(records):
            if k in self.lengths:
                del records[k][self.lengths[k]:]
            else:
                del records[k]
        return put_back((("optimizer", self.optimizer, self.optimizer_state),
                         ("schedule", self.schedule, self.schedule_state),
                         ("early stopping", self.early_stopping, self.stopping)))

    def kept(self) -> str:
        """What the model holds after ``roll_back``, and what the checkpoint file holds."""
        text = f"the last completed epoch ({self.epoch})"
        if self.checkpoint is None:
            return text
        if self.on_disk is None:
            return f"{text}; nothing was saved to {self.checkpoint!r} by this run"
        if self.on_disk == self.epoch:
            return f"{text}, which the checkpoint {self.checkpoint!r} holds"
        return f"{text}; the checkpoint {self.checkpoint!r} holds epoch {self.on_disk}"


def with_note(e: BaseException, note: str) -> None:
    """Attach ``note`` to ``e`` where Python can (3.11+), without changing its message."""
    if note and hasattr(e, "add_note"):
        e.add_note(f"fit: while stopping, {note}")
