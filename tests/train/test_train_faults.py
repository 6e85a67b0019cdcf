"""Injected faults: nothing is lost.

* A checkpoint save that fails at any stage (creating the temporary file, writing half of
  it, flushing, fsync, the rename), by an error or by Ctrl-C, leaves the previous file
  byte for byte, loadable, and no temporary file behind.
* A process killed (SIGKILL) at random moments while it writes big checkpoints leaves a
  file that loads, every time; a training process killed at random moments leaves a
  checkpoint from which ``fit(resume=...)`` ends with the very same weights as a run that
  was never interrupted.
* A fault in the middle of training — a NaN or infinite loss, Ctrl-C in the loss or in the
  optimizer's step, an error in the backward pass, a full disk or Ctrl-C while saving — at
  several chosen batches: the model keeps the weights of the last completed epoch, which
  is the last one the checkpoint holds (an epoch whose save failed is not completed), and
  resuming from it gives the same final weights as an uninterrupted run with the same
  seed, bit for bit.
"""

from __future__ import annotations

import functools
import math
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import campaign
import pytest
from loss_faults import with_value

from tinygrad_scalar import MLP
from tinygrad_scalar.data import make_blobs
from tinygrad_scalar.losses import softmax_cross_entropy
from tinygrad_scalar.ops import custom_op
from tinygrad_scalar.optim import Adam, StepLR
from tinygrad_scalar.train import fit, load_checkpoint, save_checkpoint

pytestmark = pytest.mark.slow  # the reliability campaign: `make test-fast` leaves it out

ROOT = Path(__file__).resolve().parent.parent.parent
X, Y = make_blobs(n=30, k=3, noise=1.0, rng=4)
EPOCHS, BATCH = 6, 8  # 4 batches per epoch


def setup(seed: int = 0):
    model = MLP(2, [8, 3], rng=seed, dropout=0.1)
    opt = Adam(model.parameters(), lr=0.05)
    return model, opt, StepLR(opt, step_size=2, gamma=0.5)


def train(model, opt, sched, epochs: int = EPOCHS, loss: Callable = softmax_cross_entropy,
          **kw: Any):
    return fit(model, loss, opt, X, Y, epochs=epochs, batch_size=BATCH, schedule=sched,
               progress=False, **kw)


@functools.lru_cache(maxsize=None)
def after(epochs: int) -> str:
    """The model and optimizer after ``epochs`` uninterrupted epochs (as comparable text)."""
    model, opt, sched = setup()
    train(model, opt, sched, epochs)
    return repr((model.state_dict(), opt.state_dict()))


def now(model, opt) -> str:
    return repr((model.state_dict(), opt.state_dict()))


def tally(lost: bool) -> None:
    campaign.add("faults")
    campaign.add("lost", int(lost))


# ---------------------------------------------------------------------- a save that fails
class Boom(OSError):
    """The injected failure (a full disk)."""


def _half_write(fdopen: Callable, exc: BaseException) -> Callable:
    """``os.fdopen`` whose files write half of what they are given, then raise ``exc``."""
    def opener(*args: Any, **kw: Any) -> Any:
        f = fdopen(*args, **kw)
        real = f.write

        def write(text: str) -> int:
            real(text[: len(text) // 2])
            f.flush()
            raise exc
        f.write = write
        return f
    return opener


STAGES = {
    "temporary file": lambda mp, exc: mp.setattr(os, "open", _raiser(exc)),
    "half written": lambda mp, exc: mp.setattr(os, "fdopen", _half_write(os.fdopen, exc)),
    "fsync": lambda mp, exc: mp.setattr(os, "fsync", _raiser(exc)),
    "rename": lambda mp, exc: mp.setattr(os, "replace", _raiser(exc)),
}


def _raiser(exc: BaseException) -> Callable:
    def fail(*args: Any, **kw: Any) -> Any:
        raise exc
    return fail


@pytest.mark.parametrize("exc", [Boom(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "Ctrl-C"])
@pytest.mark.parametrize("stage", list(STAGES))
def test_a_failed_save_leaves_the_previous_file(stage: str, exc: BaseException, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ck.json"
    model, opt, sched = setup()
    save_checkpoint(path, model, opt, sched, epoch=1)
    before = path.read_bytes()
    train(model, opt, sched, epochs=1)  # new weights to save
    with monkeypatch.context() as mp:
        STAGES[stage](mp, exc)
        with pytest.raises((Boom, KeyboardInterrupt)):
            save_checkpoint(path, model, opt, sched, epoch=2)
    intact = path.read_bytes() == before and os.listdir(tmp_path) == ["ck.json"]
    fresh, fresh_opt, fresh_sched = setup(seed=7)
    assert load_checkpoint(path, fresh, fresh_opt, fresh_sched)["epoch"] == 1
    tally(not intact)
    assert intact, os.listdir(tmp_path)


# ---------------------------------------------------------------------- killed processes
WRITER = textwrap.dedent("""
    import itertools, sys
    from tinygrad_scalar import MLP
    from tinygrad_scalar.train import save_checkpoint
    model = MLP(2, [160, 160, 1], rng=0)      # about 26,000 weights: a 0.6 MB file
    path = sys.argv[1]
    save_checkpoint(path, model, epoch=0)
    print("ready", flush=True)
    for epoch in itertools.count(1):
        for p in model.parameters()[:50]:
            p.data += 1.0
        save_checkpoint(path, model, epoch=epoch)
        print("saved", epoch, flush=True)
""")


def _child(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_killed_while_writing_checkpoints_the_file_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    rng = random.Random(11)
    kills, mid_write, lost = 6, 0, 0
    epochs_seen = []
    for i in range(kills):
        child = _child(WRITER, str(path))
        try:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
            if i % 2:  # at a random moment after the first new file (however loaded the box)
                assert child.stdout.readline().strip() == "saved 1", child.stderr.read()
                time.sleep(rng.uniform(0.0, 0.5))
            else:  # the moment a temporary file shows up: in the middle of a write
                time.sleep(rng.uniform(0.0, 0.3))
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not any(
                        n.endswith(".tmp") for n in os.listdir(tmp_path)):
                    time.sleep(0.0005)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        mid_write += bool(leftovers)  # a temporary file left: it died while writing one
        for p in leftovers:
            p.unlink()
        model = MLP(2, [160, 160, 1], rng=1)
        try:
            epochs_seen.append(load_checkpoint(path, model)["epoch"])
        except ValueError:
            lost += 1
        campaign.add("faults")
    campaign.add("killed_mid_write", mid_write)
    campaign.add("lost", lost)
    assert lost == 0
    assert mid_write >= 1, "no kill landed during a write; the test proved nothing"
    assert max(epochs_seen) >= 1  # the writer got past its first file


TRAINER = textwrap.dedent("""
    import sys
    sys.path[:0] = [sys.argv[2], sys.argv[2] + "/.."]  # this folder, and tests/ for campaign
    import test_train_faults as t
    model, opt, sched = t.setup()
    print("ready", flush=True)
    t.train(model, opt, sched, epochs=int(sys.argv[3]), checkpoint=sys.argv[1])
""")


def test_training_killed_at_random_moments_resumes_to_the_same_weights(tmp_path: Path) -> None:
    epochs = 60
    want = after(epochs)
    rng = random.Random(5)
    lost = 0
    for k in range(3):
        path = tmp_path / f"run{k}.json"
        child = _child(TRAINER, str(path), str(Path(__file__).parent), str(epochs))
        try:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
            deadline = time.monotonic() + 30
            while not path.exists() and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.25))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        model, opt, sched = setup(seed=42)  # other weights: all must come from the file
        saved = load_checkpoint(path, *setup(seed=43))["epoch"]
        train(model, opt, sched, epochs, checkpoint=path, resume=path)
        lost += now(model, opt) != want
        campaign.add("faults")
        assert 1 <= saved <= epochs
    campaign.add("lost", lost)
    assert lost == 0


# ---------------------------------------------------------------------- faults while training
class Faulty:
    """The loss, which does ``fault`` at its ``at``-th call (counting batches from 1)."""

    def __init__(self, at: int, fault: Callable[[Any], Any]) -> None:
        self.at, self.fault, self.calls = at, fault, 0

    def __call__(self, outs: Any, ys: Any) -> Any:
        self.calls += 1
        loss = softmax_cross_entropy(outs, ys)
        return self.fault(loss) if self.calls == self.at else loss


def _inf(loss):
    return with_value(loss, math.inf)


def _nan(loss):
    return with_value(loss, math.nan)


def _interrupt(loss):
    raise KeyboardInterrupt


_broken = custom_op("broken", lambda v: v, derivative=lambda v: 1 / 0)


def _crash_in_backward(loss):
    return _broken(loss)  # its derivative divides by zero during backward


LOSS_FAULTS: Dict[str, Callable[[Any], Any]] = {
    "NaN loss": _nan, "infinite loss": _inf, "Ctrl-C in the loss": _interrupt,
    "error in backward": _crash_in_backward,
}
POSITIONS = [6, 12, 17]  # epoch 2 batch 2, epoch 3 (last batch), epoch 5 batch 1


def _check_resume(path: Path, completed: int) -> bool:
    """The checkpoint holds ``completed`` epochs, and resuming ends where a clean run ends."""
    if completed == 0:
        return not path.exists()  # nothing was completed, so nothing was saved
    probe = setup(seed=9)
    if load_checkpoint(path, *probe)["epoch"] != completed:
        return False
    model, opt, sched = setup(seed=3)
    train(model, opt, sched, checkpoint=path, resume=path)
    return now(model, opt) == after(EPOCHS)


@pytest.mark.parametrize("at", POSITIONS)
@pytest.mark.parametrize("fault", list(LOSS_FAULTS))
def test_fault_in_a_batch_keeps_the_last_epoch_and_resumes_exactly(fault: str, at: int,
                                                                   tmp_path: Path) -> None:
    path = tmp_path / "ck.json"
    model, opt, sched = setup()
    completed = (at - 1) // 4
    try:
        h = train(model, opt, sched, loss=Faulty(at, LOSS_FAULTS[fault]), checkpoint=path)
        stopped = h.stopped == "interrupted" and len(h) == completed
    except (FloatingPointError, ZeroDivisionError) as e:
        stopped = f"epoch {completed + 1}, batch {(at - 1) % 4 + 1}" in str(e) or isinstance(
            e, ZeroDivisionError)
    kept = now(model, opt) == after(completed)
    resumed = _check_resume(path, completed)
    tally(not (stopped and kept and resumed))
    assert stopped and kept and resumed, (stopped, kept, resumed)


@pytest.mark.parametrize("at", [3, 10])
def test_ctrl_c_in_the_optimizer_step(at: int, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ck.json"
    model, opt, sched = setup()
    calls = [0]
    step = opt.step

    def interrupted_step() -> None:
        calls[0] += 1
        if calls[0] == at:
            raise KeyboardInterrupt
        step()

    monkeypatch.setattr(opt, "step", interrupted_step)
    h = train(model, opt, sched, checkpoint=path)
    monkeypatch.undo()
    completed = (at - 1) // 4
    ok = (h.stopped == "interrupted" and now(model, opt) == after(completed)
          and _check_resume(path, completed))
    tally(not ok)
    assert ok


@pytest.mark.parametrize("exc", [Boom(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "Ctrl-C"])
@pytest.mark.parametrize("save", [2, 4])
def test_a_save_failing_during_training(save: int, exc: BaseException, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ck.json"
    model, opt, sched = setup()
    calls = [0]
    replace = os.replace

    def failing_replace(src: Any, dst: Any) -> None:
        calls[0] += 1
        if calls[0] == save:
            raise exc
        replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    outcome: Optional[str] = None
    try:
        h = train(model, opt, sched, checkpoint=path)
        outcome = h.stopped
    except Boom:
        outcome = "raised"
    monkeypatch.undo()
    # the epoch whose save failed is not completed: the model, like the file, keeps the one before
    kept = now(model, opt) == after(save - 1)
    clean = os.listdir(tmp_path) == ["ck.json"]
    resumed = _check_resume(path, save - 1)
    expected = "interrupted" if isinstance(exc, KeyboardInterrupt) else "raised"
    tally(not (kept and clean and resumed))
    assert outcome == expected and kept and clean and resumed, (outcome, kept, clean, resumed)


def test_every_resume_point_gives_the_same_final_weights(tmp_path: Path) -> None:
    """Stopping after any epoch and resuming ends with the uninterrupted run's weights."""
    want = after(EPOCHS)
    lost = 0
    for k in range(1, EPOCHS):
        path = tmp_path / f"after{k}.json"
        model, opt, sched = setup()
        train(model, opt, sched, epochs=k, checkpoint=path)
        model, opt, sched = setup(seed=k + 10)
        train(model, opt, sched, checkpoint=path, resume=path)
        lost += now(model, opt) != want
        campaign.add("faults")
    campaign.add("lost", lost)
    assert lost == 0


def test_the_state_text_compares_bit_for_bit() -> None:
    model, opt, _ = setup()
    text = now(model, opt)
    p = model.parameters()[0]
    p.data = p.data + p.data * 2 ** -52  # one unit in the last place
    assert now(model, opt) != text

