"""``fit(..., compiled=True, backend="c")``: the traced sample and the optimizer in C.

The parameters and the optimizer's state live in flat ``array('d')`` buffers while the
epoch runs (``derive.native``); ``sync()`` writes them back to the ``Value``s and to the
optimizer's lists, which ``fit`` does at the end of every epoch (before validation, early
stopping and the checkpoint read them) and whenever a step must be redone interpreted to
get the engine's own error. Mid-epoch, the ``Value``s hold the weights of the last epoch.
Supported: ``SGD`` (momentum, dampening, Nesterov, weight decay), ``RMSProp`` (centered
or not), ``Adam``, ``AdamW``; other optimizers run on the Python backend.
"""

from __future__ import annotations

import sys
from array import array
from typing import Any

from ..derive.native import NativeBatch, NativeError, address
from ..nn.modules import Module
from ..nn.optim import SGD, Adam, AdamW, Optimizer, RMSProp
from .batch import LossFn, StepFn, _compiled_step_function, _step_function, batch_step
from .compiled import Dataset, PythonStep, splits, trace

__all__: list[str] = []

_KINDS = (SGD, RMSProp, Adam, AdamW)
_said: set[str] = set()


def say_once(text: str) -> None:
    """One line on stderr, once per process for each text (the backend's fallbacks)."""
    if text not in _said:
        _said.add(text)
        print(text, file=sys.stderr)


def unsupported(optimizer: Optimizer) -> str:
    """Why the C optimizer cannot stand in for ``optimizer`` ("" when it can)."""
    kind = type(optimizer)
    return "" if kind in _KINDS else f"{kind.__name__} has no C update"


class NativeStep:
    """``fit``'s step in C: ``step(xb, yb) -> (loss, outputs)`` and ``updates()`` (the
    optimizer's step); ``sync()`` writes the buffers back to the objects."""

    def __init__(self, model: Module, loss_fn: LossFn, optimizer: Optimizer, l2: float,
                 data: Dataset) -> None:
        why = unsupported(optimizer)
        if why:
            raise NativeError(why)
        self.model, self.loss_fn, self.opt, self.l2, self.data = model, loss_fn, optimizer, \
            l2, data
        prog = trace(model, loss_fn, data)
        if set(prog.params) != set(optimizer.params) or len(prog.params) != len(
                optimizer.params):
            raise NativeError("the optimizer does not update exactly the parameters the "
                              "loss reads")
        self.kernel = NativeBatch(prog, len(data.X))
        self.modules = model.modules()
        self.mode = tuple([m.training for m in self.modules])
        where = {id(p): i for i, p in enumerate(optimizer.params)}
        self.perm = [where[id(p)] for p in self.kernel.params]  # kernel order -> optimizer's
        self.X = array("d", [v for row in data.X for v in row])
        self.T = array("d", [v for row in data.T for v in row])
        self.state = {k: array("d", [getattr(optimizer, k)[j] for j in self.perm])
                      for k in optimizer._state}
        self.stale = False  # True when the Values hold newer weights than the buffers

    # ---------------------------------------------------------------- one batch
    def __call__(self, xb: list[Any], yb: list[Any]) -> tuple[float, list[Any]]:
        if tuple([m.training for m in self.modules]) != self.mode:
            raise NativeError("the model's training/evaluation modes changed during fit")
        if self.stale:
            self.load()
        data, kernel = self.data, self.kernel
        idx = array("l", data.indices(xb))
        n = len(idx) * data.per_row
        total, sq, gsum = kernel.run(idx, self.X, self.T, 1.0 if n == 1 else 1.0 / n, self.l2)
        value = total if n == 1 else total * (1.0 / n)
        if self.l2:
            value = value + (sq if self.l2 == 1.0 else sq * self.l2)
        if value - value != 0.0 or gsum - gsum != 0.0:  # redo it interpreted: its own error
            self.sync()
            value, outs = batch_step(self.model, self.loss_fn, xb, yb, self.l2)
            kernel.G[:] = array("d", [p.grad for p in kernel.params])
            return value, outs
        k = kernel.k
        flat = kernel.O[:len(idx) * k].tolist()
        if data.single:
            return value, flat[:len(idx)]
        return value, [flat[i:i + k] for i in range(0, len(idx) * k, k)]

    def updates(self) -> None:
        """The optimizer's step on the buffers; a step that would make a number infinite
        or NaN is redone in Python, which raises naming the parameter."""
        opt, kernel, t = self.opt, self.kernel, self.opt.t + 1
        bad = self._update(opt, kernel, t)
        if bad:
            self.sync()
            for p, g in zip(kernel.params, kernel.G):
                p.grad = g
            opt.step()  # raises FloatingPointError naming the parameter
            self.stale = True  # (it did not: Python's step stands, read it back)
            return
        opt.t = t

    def _update(self, opt: Any, kernel: NativeBatch, t: int) -> int:
        lib, n, P, G = kernel.lib, len(kernel.P), address(kernel.P), address(kernel.G)
        s = [address(self.state[k]) for k in opt._state]
        if isinstance(opt, SGD):
            damp = opt.dampening
            return int(lib.ts_sgd(n, P, G, s[0], opt.lr, opt.momentum, opt.weight_decay,
                                  int(opt.nesterov), 1.0 - damp, int(bool(damp)), int(t == 1)))
        if isinstance(opt, RMSProp):
            return int(lib.ts_rmsprop(n, P, G, s[0], s[-1], opt.lr, opt.alpha, 1.0 - opt.alpha,
                                      opt.eps, opt.weight_decay, int(opt.centered)))
        b1, b2 = opt.betas
        return int(lib.ts_adam(n, P, G, s[0], s[1], opt.lr, b1, b2, 1.0 - b1, 1.0 - b2,
                               1.0 - b1 ** t, 1.0 - b2 ** t, opt.eps, opt.weight_decay,
                               int(opt._decoupled)))

    # ---------------------------------------------------------------- buffers and objects
    def sync(self) -> None:
        """Write the weights to the ``Value``s and the state to the optimizer's lists."""
        kernel, opt, perm = self.kernel, self.opt, self.perm
        for p, x in zip(kernel.params, kernel.P):
            p.data = x
        for k, buf in self.state.items():
            lst = list(getattr(opt, k))
            for j, x in zip(perm, buf):
                lst[j] = x
            setattr(opt, k, lst)

    def load(self) -> None:
        """Read the weights and the state back from the objects (after Python changed them)."""
        kernel, opt, perm = self.kernel, self.opt, self.perm
        kernel.P[:] = array("d", [p.data for p in kernel.params])
        for k, buf in self.state.items():
            buf[:] = array("d", [getattr(opt, k)[j] for j in perm])
        self.stale = False

    def close(self) -> None:
        """Drop the buffers (the library stays loaded: a process cannot unload it)."""
        self.X = self.T = array("d")


def native_step(model: Module, loss_fn: LossFn, optimizer: Optimizer, l2: float,
                data: Dataset, backend: str) -> NativeStep | None:
    """A ``NativeStep``, or None (after one line on stderr) where the Python backend must
    run instead; ``backend="c"`` without a working compiler raises ``RuntimeError``."""
    try:
        return NativeStep(model, loss_fn, optimizer, l2, data)
    except NativeError as e:
        if backend == "c" and "compiler" in str(e):
            raise RuntimeError(f"fit: backend='c': {e}") from None
        say_once(f"fit: compiled training runs in Python ({e})")
        return None


def compiled_step(model: Module, loss_fn: LossFn, optimizer: Optimizer, l2: float,
                  rows: list[Any], targets: list[Any], backend: str) -> Any:
    """``fit``'s step for a built-in loss: C where ``backend`` allows it and it works,
    else generated Python."""
    data = Dataset(model, loss_fn, rows, targets)
    if backend != "python":
        step = native_step(model, loss_fn, optimizer, l2, data, backend)
        if step is not None:
            return step
    return PythonStep(model, loss_fn, l2, data)


def backend_of(step: Any, compiled: bool) -> str:
    """What runs ``step``: ``"c"``, ``"python"`` (generated Python) or ``"interpreted"``."""
    if isinstance(step, NativeStep):
        return "c"
    return "python" if compiled else "interpreted"


def make_step(model: Module, loss_fn: LossFn, optimizer: Optimizer, l2: float,
              rows: list[Any], targets: list[Any], n_batches: int, accuracy: bool,
              compiled: bool, backend: str) -> StepFn:
    """The step ``fit`` repeats: interpreted, or compiled (one traced sample; a custom loss
    function, which cannot be split per sample, one trace per batch)."""
    if compiled and splits(loss_fn):
        return compiled_step(model, loss_fn, optimizer, l2, rows, targets, backend)
    if compiled:
        return _compiled_step_function(model, loss_fn, l2, n_batches, accuracy)
    return _step_function(model, loss_fn, l2)
