"""Checkpoints: model, optimizer, schedule, epoch and history in one JSON file, written atomically.

A checkpoint is tagged (``CHECKPOINT_FORMAT``, ``CHECKPOINT_VERSION``) and describes the
model's architecture, so that a file for another model is refused with what differs. A
file is loaded completely or not at all: on any error nothing changes.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from ..core.checks import integer
from ..core.files import write_atomic
from ..nn.modules import Dropout, Module
from ..nn.optim import Optimizer, Schedule
from .history import History

__all__ = ["CHECKPOINT_FORMAT", "CHECKPOINT_VERSION", "load_checkpoint", "save_checkpoint"]

CHECKPOINT_FORMAT = "tinygrad_scalar.checkpoint"
CHECKPOINT_VERSION = 1

#: the keys a checkpoint holds itself; ``extra`` may add any others
_RESERVED = ("format", "version", "architecture", "epoch", "model", "optimizer", "schedule",
             "history", "random_states")


def save_checkpoint(path: str | os.PathLike[str], model: Module,
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
    epoch = integer(epoch, "save_checkpoint", "epoch", minimum=0)
    if history is not None and not isinstance(history, History):
        raise TypeError(f"save_checkpoint: history must be a History, got {type(history).__name__}")
    if extra is not None and not isinstance(extra, dict):
        raise TypeError(f"save_checkpoint: extra must be a dict, got {type(extra).__name__}")
    reserved = sorted(k for k in extra or () if k in _RESERVED)
    if reserved:
        raise ValueError(f"save_checkpoint: extra uses the reserved keys {reserved}, which hold "
                         f"the checkpoint itself (reserved: {', '.join(_RESERVED)}); "
                         f"nothing was written")
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
    if os.path.isdir(path):
        raise IsADirectoryError(f"save_checkpoint: {os.fspath(path)!r} is a folder; give the "
                                f"checkpoint a file name inside it (nothing was written)")
    write_atomic(path, text.encode("utf-8"), mode=0o600, durable=True)


def _arch_diff(saved: Any, mine: dict[str, Any]) -> str:
    if not isinstance(saved, dict):
        return f"the file has no architecture description (got {saved!r})"
    keys = [k for k in list(mine) + [k for k in saved if k not in mine]
            if saved.get(k) != mine.get(k)]
    return "; ".join(f"{k} is {saved.get(k)!r} in the file but {mine.get(k)!r} in the model"
                     for k in keys)


def load_checkpoint(path: str | os.PathLike[str], model: Module,
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
        problems = _restore(saved, model, optimizer, schedule)
        raise ValueError(f"{where}: {e}" + (f"; {problems}" if problems else "")) from None
    if states is not None:
        for d, st in zip(drops, states):
            d.rng.setstate(st)
    return data


def _dropouts(model: Module) -> list[Any]:
    """Every ``Dropout`` in the module tree, in a fixed order."""
    found, stack = [], [model]
    while stack:
        m = stack.pop()
        if isinstance(m, Dropout):
            found.append(m)
        stack.extend(reversed(m.children()))
    return found


def _rng_state(d: Dropout) -> list[Any]:
    version, internal, gauss = d.rng.getstate()
    return [version, list(internal), gauss]


def _rng_unpack(state: Any) -> tuple[Any, ...]:
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


def _same_file(a: str, b: str | None) -> bool:
    """Whether paths ``a`` and ``b`` name one existing file."""
    try:
        return b is not None and os.path.samefile(a, b)
    except OSError:
        return False


Snapshot = tuple[Any, ...]  # (model state, optimizer state or None, schedule state or None)


def _snapshot(model: Module, optimizer: Optimizer | None,
              schedule: Schedule | None) -> Snapshot:
    return (model.state_dict(), None if optimizer is None else optimizer.state_dict(),
            None if schedule is None else schedule.state_dict())


def _restore(snap: Snapshot, model: Module, optimizer: Optimizer | None,
             schedule: Schedule | None) -> str:
    """Put back a ``_snapshot`` of these same objects; return what could not be put back.

    The parameters are set directly (the values are their own: there is nothing to check
    and nothing can fail); the optimizer and the schedule go through ``load_state_dict``,
    whose errors come back as text, never raised, so that they cannot hide the error that
    made the caller restore.
    """
    for name, p in model.named_parameters():
        p.data = snap[0][name]
    buffers = {k: snap[0][k] for k, _ in model.named_buffers() if k in snap[0]}
    if buffers:  # batch norm's running statistics: the model's own values, they load
        model.load_state_dict(buffers, strict=False)
    return put_back((("optimizer", optimizer, snap[1]), ("schedule", schedule, snap[2])))


def put_back(parts: Any) -> str:
    """Load each ``(name, object, state)`` back; a failure is described, never raised (it
    must not hide the error that made us put things back)."""
    problems = []
    for name, obj, state in parts:
        if obj is not None and state is not None:
            try:
                obj.load_state_dict(state)
            except Exception as e:  # noqa: BLE001 - reported with the first error
                why = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
                problems.append(f"the {name} could not be put back ({why})")
    return "; ".join(problems)
