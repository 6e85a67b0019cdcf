"""How ``fit`` reports its epochs: nothing, one line per epoch, or a progress bar.

``verbose=0`` is silent; ``verbose=1`` prints one line per epoch to stdout (epoch, loss,
accuracy, validation metrics, learning rate, seconds), the form for logs and CI;
``verbose=2`` shows a ``tqdm.auto`` bar (a widget in Jupyter, a text bar in a terminal).
``fit``'s older flag ``progress`` maps onto it: ``progress=True`` (the default) is the bar
where someone can see it (a terminal or a notebook) and silence elsewhere;
``progress=False`` is ``verbose=0``. ``verbose``, when given, wins over ``progress``.

>>> line({"epoch": 3, "loss": 0.12345, "accuracy": 0.9, "lr": 0.01, "seconds": 0.0421}, 20)
'epoch 3/20  loss 0.1235  accuracy 0.9  lr 0.01  0.04s'
"""

from __future__ import annotations

import sys
from typing import Any, Dict, Optional

__all__ = ["line", "reporter", "in_notebook"]

#: the numbers a bar shows beside itself (a line shows every number of the record)
BAR_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


def in_notebook() -> bool:
    """True inside a Jupyter kernel (an IPython shell speaking to a notebook front end)."""
    ipython = sys.modules.get("IPython")
    if ipython is None or "ipykernel" not in sys.modules:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 (an odd IPython: then not a notebook)
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def line(record: Dict[str, float], epochs: int) -> str:
    """One epoch's record as one line of text (``verbose=1``)."""
    parts = [f"epoch {int(record['epoch'])}/{epochs}"]
    for key, value in record.items():
        if key not in ("epoch", "seconds"):
            parts.append(f"{key} {value:.4g}")
    if "seconds" in record:
        parts.append(f"{record['seconds']:.2f}s")
    return "  ".join(parts)


class _Silent:
    def epoch(self, record: Dict[str, float]) -> None:
        pass

    def close(self) -> None:
        pass


class _Lines(_Silent):
    def __init__(self, total: int) -> None:
        self.total = total

    def epoch(self, record: Dict[str, float]) -> None:
        print(line(record, self.total), file=sys.stdout, flush=True)


class _Bar(_Silent):
    def __init__(self, total: int, initial: int) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError("fit's progress bar needs tqdm: pip install tqdm (or pass "
                              "verbose=1 for lines, verbose=0 for silence)") from None
        self.bar = tqdm(total=total, initial=initial, unit="epoch", file=sys.stderr,
                        dynamic_ncols=True)

    def epoch(self, record: Dict[str, float]) -> None:
        self.bar.update(1)
        self.bar.set_postfix(**{k: f"{v:.4g}" for k, v in record.items() if k in BAR_KEYS})

    def close(self) -> None:
        self.bar.close()


def verbosity(verbose: Optional[int], progress: bool) -> int:
    """``fit``'s ``verbose`` (checked) or, when it is None, what ``progress`` stands for."""
    if verbose is None:
        return 2 if progress and (sys.stderr.isatty() or in_notebook()) else 0
    if isinstance(verbose, bool) or not isinstance(verbose, int) or verbose not in (0, 1, 2):
        raise ValueError(f"fit: verbose must be 0 (silent), 1 (a line per epoch) or 2 "
                         f"(a progress bar), got {verbose!r:.60}")
    return verbose


def reporter(level: int, total: int, initial: int) -> Any:
    """What reports each epoch at ``level`` (0, 1 or 2): ``epoch(record)``, ``close()``."""
    if level == 2:
        return _Bar(total, initial)
    return _Lines(total) if level == 1 else _Silent()
