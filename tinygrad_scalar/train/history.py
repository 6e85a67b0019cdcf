"""What training records: ``History`` (one entry per epoch) and ``EarlyStopping``."""

from __future__ import annotations

from typing import Any

from ..core.checks import is_finite, is_real, positive, positive_int

__all__ = ["EarlyStopping", "History"]


class History:
    """What happened in each epoch: ``history["loss"]`` is the list of training losses.

    Keys: ``epoch`` (1-based), ``loss``, ``lr``, ``seconds``, and when they apply
    ``accuracy``, ``val_loss``, ``val_accuracy``. ``stopped`` says why training ended:
    ``"completed"``, ``"early_stopping"`` or ``"interrupted"``.

    ``backend`` names what ran the steps: ``"interpreted"`` (a graph per batch),
    ``"python"`` (compiled to Python) or ``"c"`` (the native backend); ``fit`` sets it.

    ``batches`` keeps every mini-batch's loss too: ``batches["loss"]``, and in
    ``batches["epoch"]`` where it falls (batch ``b`` of ``n`` in epoch ``e`` at
    ``e - 1 + b / n``, so an epoch's last batch sits at ``e``).

    >>> h = History()
    >>> h.append_batch(0.5, 0.7); h.append_batch(1.0, 0.4)
    >>> h.append(epoch=1, loss=0.55)
    >>> h["loss"], len(h), h.last("loss"), h.batches["loss"]
    ([0.55], 1, 0.55, [0.7, 0.4])
    """

    def __init__(self) -> None:
        self.records: dict[str, list[float]] = {}
        self.batches: dict[str, list[float]] = {"epoch": [], "loss": []}
        self.stopped = ""
        self.backend = "interpreted"

    def append(self, **values: float) -> None:
        """Add one epoch's values."""
        for k, v in values.items():
            self.records.setdefault(k, []).append(v)

    def append_batch(self, epoch: float, loss: float) -> None:
        """Add one mini-batch's loss, at its (fractional) ``epoch``."""
        self.batches["epoch"].append(epoch)
        self.batches["loss"].append(loss)

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
        return {"records": {k: list(v) for k, v in self.records.items()}, "stopped": self.stopped,
                "batches": {k: list(v) for k, v in self.batches.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Rebuild from ``as_dict()`` output; ``ValueError`` if it is malformed."""
        h = cls()
        recs = d.get("records") if isinstance(d, dict) else None
        if not isinstance(recs, dict) or not all(
                isinstance(k, str) and isinstance(v, list) and all(_finite(x) for x in v)
                for k, v in recs.items()):
            raise ValueError("History.from_dict: expected {'records': {name: [finite numbers]}}")
        batches = d.get("batches", {"epoch": [], "loss": []})  # absent in older files
        if not isinstance(batches, dict) or set(batches) != {"epoch", "loss"} or not all(
                isinstance(v, list) and all(_finite(x) for x in v) for v in batches.values()
                ) or len(batches["epoch"]) != len(batches["loss"]):
            raise ValueError("History.from_dict: 'batches' must be {'epoch': [finite numbers], "
                             "'loss': [as many finite numbers]}")
        h.records = {k: list(v) for k, v in recs.items()}
        h.batches = {k: list(v) for k, v in batches.items()}
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
        patience = positive_int(patience, "EarlyStopping", "patience")
        min_delta = positive(min_delta, "EarlyStopping", "min_delta", allow_zero=True)
        if not isinstance(monitor, str):
            raise TypeError(f"EarlyStopping: monitor must be a name such as 'val_loss', "
                            f"got {type(monitor).__name__}")
        self.patience = patience
        self.monitor = monitor
        self.min_delta = min_delta
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


def _finite(x: Any) -> bool:
    """A real number that is a finite float (an int too large for one is not)."""
    return is_real(x) and is_finite(x)
