"""fit(..., compiled=True): the same training as the interpreted graph, from replayed code."""

from __future__ import annotations

import pytest

from tinygrad_scalar import MLP
from tinygrad_scalar.data import make_blobs, make_moons
from tinygrad_scalar.derive.native import compiler
from tinygrad_scalar.losses import binary_cross_entropy
from tinygrad_scalar.optim import SGD, Adam
from tinygrad_scalar.train import fit


def _train(compiled, loss, X, y, nouts, backend="python", **kw):
    model = MLP(2, nouts, rng=3)
    opt = Adam(model.parameters(), lr=0.02)
    history = fit(model, loss, opt, X, y, epochs=6, progress=False, compiled=compiled,
                  backend=backend, **kw)
    return model.state_dict(), history


@pytest.mark.parametrize("loss, nouts, labels", [
    ("softmax_cross_entropy", [8, 3], "blobs"),
    ("binary_cross_entropy", [8, 1], "moons"),
    ("hinge", [8, 1], "signs"),
    ("mse", [8, 1], "signs"),
])
@pytest.mark.parametrize("batching", [{}, {"batch_size": 16, "shuffle": False},
                                      {"batch_size": 7}, {"batch_size": 1}])
@pytest.mark.parametrize("backend", ["python", "c"])
def test_compiled_fit_equals_interpreted_fit(loss, nouts, labels, batching, backend):
    if backend == "c" and compiler() is None:
        pytest.skip("no C compiler on this machine: the native backend cannot run")
    if labels == "blobs":
        X, y = make_blobs(n=60, k=3, rng=1)
    else:
        X, y = make_moons(n=60, rng=1)
        if labels == "signs":
            y = [2.0 * t - 1.0 for t in y]
    ref, h_ref = _train(False, loss, X, y, nouts, l2=1e-3, **batching)
    got, h_got = _train(True, loss, X, y, nouts, backend, l2=1e-3, **batching)
    for k in ref:
        assert got[k] == pytest.approx(ref[k], rel=1e-12, abs=1e-12), k
    assert h_got["loss"] == pytest.approx(h_ref["loss"], rel=1e-12)
    if "accuracy" in h_ref:
        assert h_got["accuracy"] == h_ref["accuracy"]


def test_compiled_fit_refuses_changing_batches_with_a_custom_loss_and_dropout():
    X, y = make_moons(n=40, rng=0)
    model = MLP(2, [4, 1], rng=0)
    opt = SGD(model.parameters(), lr=0.1)

    def custom(outs, ys):  # not split per sample: one trace per batch
        return binary_cross_entropy(outs, ys) * 2.0

    with pytest.raises(ValueError, match="same batches every epoch"):
        fit(model, custom, opt, X, y, epochs=1, batch_size=8,
            progress=False, compiled=True)
    dropped = MLP(2, [4, 1], rng=0, dropout=0.5)
    with pytest.raises(ValueError, match="dropout"):
        fit(dropped, "binary_cross_entropy", SGD(dropped.parameters(), lr=0.1), X, y,
            epochs=1, progress=False, compiled=True)


def test_compiled_fit_with_a_custom_loss_traces_each_batch_and_matches():
    X, y = make_moons(n=30, rng=2)

    def custom(outs, ys):
        return binary_cross_entropy(outs, ys) * 2.0

    ref, h_ref = _train(False, custom, X, y, [4, 1], batch_size=10, shuffle=False)
    got, h_got = _train(True, custom, X, y, [4, 1], batch_size=10, shuffle=False)
    for k in ref:
        assert got[k] == pytest.approx(ref[k], rel=1e-12, abs=1e-12), k


def test_compiled_fit_keeps_nothing_behind():
    import gc
    import linecache

    X, y = make_blobs(n=40, k=3, rng=1)
    before = len(linecache.cache)
    _train(True, "cross_entropy", X, y, [4, 3], batch_size=8)
    gc.collect()
    assert len(linecache.cache) == before
    leftovers = [o for o in gc.get_objects() if type(o).__name__ == "PythonBatch"]
    assert leftovers == []


def test_compiled_fit_refuses_a_bad_label_before_training():
    X, y = make_blobs(n=20, k=3, rng=1)
    y[5] = 7
    with pytest.raises(ValueError, match="label 7 of sample 5"):
        _train(True, "cross_entropy", X, y, [4, 3], batch_size=8)
