"""The native backend: C generated from the traced sample gives the interpreted numbers,
its libraries are cached safely, and without a compiler everything runs in Python."""

from __future__ import annotations

import math
import os
import stat

import pytest

from tinygrad_scalar import MLP
from tinygrad_scalar.data import make_blobs, make_moons
from tinygrad_scalar.derive import native
from tinygrad_scalar.ops import custom_op
from tinygrad_scalar.optim import SGD, Adam, AdamW, RMSProp
from tinygrad_scalar.train import EarlyStopping, fit, load_checkpoint
from tinygrad_scalar.train import native as train_native

needs_cc = pytest.mark.skipif(native.compiler() is None,
                              reason="no C compiler on this machine: the native backend "
                                     "cannot run (its fallback is tested below)")

OPTIMIZERS = {
    "sgd": lambda ps: SGD(ps, lr=0.05),
    "sgd momentum wd": lambda ps: SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3),
    "sgd nesterov": lambda ps: SGD(ps, lr=0.05, momentum=0.8, nesterov=True),
    "sgd dampening": lambda ps: SGD(ps, lr=0.05, momentum=0.9, dampening=0.9),
    "rmsprop": lambda ps: RMSProp(ps, lr=0.01, weight_decay=1e-3),
    "rmsprop centered": lambda ps: RMSProp(ps, lr=0.01, centered=True),
    "adam": lambda ps: Adam(ps, lr=0.02),
    "adam wd": lambda ps: Adam(ps, lr=0.02, weight_decay=1e-2),
    "adamw": lambda ps: AdamW(ps, lr=0.02, weight_decay=0.1),
}

LOSSES = {  # loss: (outputs, targets)
    "softmax_cross_entropy": ([6, 3], "blobs"),
    "binary_cross_entropy": ([6, 1], "moons"),
    "hinge": ([6, 1], "signs"),
    "mse": ([6, 2], "pairs"),
}


def _data(kind):
    if kind == "blobs":
        return make_blobs(n=40, k=3, rng=1)
    X, y = make_moons(n=40, rng=1)
    if kind == "signs":
        return X, [2.0 * t - 1.0 for t in y]
    if kind == "pairs":
        return X, [[t, 1.0 - 2.0 * t] for t in y]
    return X, y


def _run(loss, optimizer, compiled, backend="c", epochs=20, **kw):
    nouts, kind = LOSSES[loss]
    X, y = _data(kind)
    model = MLP(2, nouts, rng=3)
    opt = OPTIMIZERS[optimizer](model.parameters())
    h = fit(model, loss, opt, X, y, epochs=epochs, batch_size=8, progress=False, l2=1e-3,
            compiled=compiled, backend=backend, **kw)  # 5 batches an epoch: 100 steps
    return model, opt, h


def _close(got, want):
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-12, abs=1e-12), k


@needs_cc
@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_100_native_steps_equal_the_interpreted_engine(loss, optimizer):
    ref, ref_opt, h_ref = _run(loss, optimizer, False)
    got, got_opt, h_got = _run(loss, optimizer, True)
    _close(got.state_dict(), ref.state_dict())
    assert h_got["loss"] == pytest.approx(h_ref["loss"], rel=1e-12)
    assert got_opt.t == ref_opt.t == 100
    for k, v in ref_opt.state_dict().items():
        if isinstance(v, list):
            assert got_opt.state_dict()[k] == pytest.approx(v, rel=1e-12, abs=1e-15), k
    if "accuracy" in h_ref:
        assert h_got["accuracy"] == h_ref["accuracy"]


@needs_cc
def test_checkpoint_resume_and_early_stopping_as_interpreted(tmp_path):
    path = tmp_path / "ck.json"
    once, _, h_once = _run("softmax_cross_entropy", "adam", True, epochs=6)
    _run("softmax_cross_entropy", "adam", True, epochs=3, checkpoint=path)
    assert load_checkpoint(path, *_run("softmax_cross_entropy", "adam", False, epochs=0)[:2]
                           )["epoch"] == 3
    resumed, _, h = _run("softmax_cross_entropy", "adam", True, epochs=6, resume=path)
    assert resumed.state_dict() == once.state_dict()
    assert h["loss"] == h_once["loss"]
    X, y = make_blobs(n=20, k=3, rng=7)
    kw = {"validation": (X, y), "early_stopping": EarlyStopping(patience=2, min_delta=1.0)}
    ref, _, h_ref = _run("softmax_cross_entropy", "adam", False, **kw)
    kw["early_stopping"] = EarlyStopping(patience=2, min_delta=1.0)
    got, _, h_got = _run("softmax_cross_entropy", "adam", True, **kw)
    assert len(h_got) == len(h_ref) < 20
    _close(got.state_dict(), ref.state_dict())


@needs_cc
def test_a_diverging_step_stops_with_the_engines_error_and_the_last_epoch():
    errors = []
    for compiled in (False, True):
        X, y = make_moons(n=40, rng=1)
        model = MLP(2, [6, 1], rng=3)
        opt = SGD(model.parameters(), lr=1e150)
        before = model.state_dict()
        with pytest.raises(FloatingPointError) as info:
            fit(model, "mse", opt, X, y, epochs=3, batch_size=8, progress=False,
                compiled=compiled, backend="c")
        errors.append(str(info.value).split(";")[0])
        assert model.state_dict() == before  # back at the start: no epoch completed
    assert "epoch 1, batch" in errors[0] and errors[1] == errors[0]


@needs_cc
def test_ctrl_c_keeps_the_last_completed_epoch(monkeypatch):
    done, _, _ = _run("softmax_cross_entropy", "adam", True, epochs=2)
    calls = [0]
    real = train_native.NativeStep.updates

    def interrupted(self):
        calls[0] += 1
        if calls[0] == 13:  # epoch 3, batch 3
            raise KeyboardInterrupt
        real(self)

    monkeypatch.setattr(train_native.NativeStep, "updates", interrupted)
    got, opt, h = _run("softmax_cross_entropy", "adam", True, epochs=5)
    assert h.stopped == "interrupted" and len(h) == 2 and opt.t == 10
    assert got.state_dict() == done.state_dict()


def test_without_a_compiler_auto_says_so_once_and_trains_in_python(monkeypatch, capsys):
    monkeypatch.setenv(native.ENV, "")
    monkeypatch.setattr(train_native, "_said", set())
    assert native.compiler() is None
    ref, _, _ = _run("hinge", "adam", False, epochs=2)
    got, _, _ = _run("hinge", "adam", True, "auto", epochs=2)
    _run("hinge", "adam", True, "auto", epochs=1)
    _close(got.state_dict(), ref.state_dict())
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "runs in Python" in lines[0] and "compiler" in lines[0]
    with pytest.raises(RuntimeError, match="backend='c'.*no C compiler"):
        _run("hinge", "adam", True, "c", epochs=1)


def test_fit_refuses_an_unknown_backend():
    with pytest.raises(ValueError, match="backend must be one of"):
        _run("hinge", "adam", True, "cuda", epochs=1)


@needs_cc
def test_unsupported_settings_run_in_python_with_a_note(capsys, monkeypatch):
    monkeypatch.setattr(train_native, "_said", set())

    class Mine(SGD):
        pass

    X, y = make_moons(n=20, rng=1)
    model = MLP(2, [4, 1], rng=0)
    fit(model, "bce", Mine(model.parameters(), lr=0.1), X, y, epochs=1, progress=False,
        compiled=True, backend="c")
    assert "Mine has no C update" in capsys.readouterr().err
    square = custom_op("myerf", math.erf,
                       derivative=lambda v: 2.0 / math.sqrt(math.pi) * math.exp(-v * v))

    class Squared(MLP):
        def __call__(self, x):
            return square(super().__call__(x))

    model = Squared(2, [4, 1], rng=0)
    fit(model, "mse", SGD(model.parameters(), lr=0.1), X, y, epochs=1, progress=False,
        compiled=True, backend="c")
    assert "'myerf' has no C expression" in capsys.readouterr().err


@needs_cc
def test_the_cache_folder_is_private_and_holds_only_whole_libraries(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    source = "int ts_answer(void) { return 42; }\n"
    path = native.build(source)
    folder = tmp_path / "tinygrad_scalar"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert native.build(source) == path  # the second time from the cache
    assert os.listdir(folder) == [os.path.basename(path)]  # no temporary file left
    with pytest.raises(native.NativeError, match="failed"):
        native.build("this is not C")
    assert os.listdir(folder) == [os.path.basename(path)]


@needs_cc
def test_no_label_reaches_the_c_source():
    from tinygrad_scalar.derive.cgen import c_source
    from tinygrad_scalar.nn import losses
    from tinygrad_scalar.train.batch import _rows
    from tinygrad_scalar.train.compiled import Dataset, trace

    model = MLP(2, [3, 2], rng=0)
    for i, p in enumerate(model.parameters()):
        p.label = f"*/ evil(); /* {i}\n#include"
    data = Dataset(model, losses.mse, _rows([[0.5, 1.0]], "t"), [[1.0, 0.0]])
    source = c_source(trace(model, losses.mse, data))
    assert "evil" not in source and "#include <math.h>" in source
    assert source.count("#include") == 1


@needs_cc
def test_compile_step_runs_its_trace_in_c():
    from tinygrad_scalar.derive.compiled import compile_step
    from tinygrad_scalar.losses import softmax_cross_entropy

    X, y = make_blobs(n=12, k=3, rng=2)
    results = []
    for backend in ("python", "c"):
        model = MLP(2, [5, 3], rng=1)
        step = compile_step(model, softmax_cross_entropy, backend=backend)
        losses = [step(X[:6], y[:6]), step(X[6:], y[6:])]
        results.append((losses, [p.grad for p in model.parameters()]))
    assert results[1][0] == pytest.approx(results[0][0], rel=1e-13)
    assert results[1][1] == pytest.approx(results[0][1], rel=1e-12, abs=1e-15)
    with pytest.raises(ValueError, match="backend must be one of"):
        compile_step(MLP(2, [2], rng=0), softmax_cross_entropy, backend="gpu")
