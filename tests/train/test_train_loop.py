"""fit: learning, history, schedules, early stopping, resume, and what happens on failure."""

from __future__ import annotations

import gc
import json
import math

import pytest
from loss_faults import Failing, interrupt, setup, to_inf, to_nan

from tinygrad_scalar import MLP
from tinygrad_scalar.losses import binary_cross_entropy, hinge, mse, softmax_cross_entropy
from tinygrad_scalar.optim import SGD, Adam, ExponentialLR, StepLR
from tinygrad_scalar.train import EarlyStopping, evaluate, fit, load_checkpoint, predict


def test_fit_learns_blobs_and_records_history(blobs):
    X, y = blobs
    model, opt = setup()
    h = fit(model, softmax_cross_entropy, opt, X, y, epochs=30, batch_size=10, progress=False)
    assert len(h) == 30 and h["epoch"] == list(range(1, 31))
    assert h["loss"][-1] < h["loss"][0] / 3
    assert h["accuracy"][-1] >= 0.95
    assert h.stopped == "completed"
    assert evaluate(model, "softmax_cross_entropy", X, y)["accuracy"] == pytest.approx(
        sum(max(range(3), key=o.__getitem__) == t for o, t in zip(predict(model, X), y)) / len(y))


def test_steps_per_epoch_follow_the_batch_size(blobs):
    X, y = blobs
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=2, batch_size=25, progress=False)
    assert opt.t == 2 * 3  # 60 rows in batches of 25, 25, 10
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=2, progress=False)
    assert opt.t == 2  # batch_size=None: the whole set at once


def test_epoch_loss_is_the_loss_before_the_update_with_full_batch():
    X, y = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, -1.0, 0.5]
    model, opt = setup(sizes=(1,), cls=SGD, lr=0.1)
    before = evaluate(model, mse, X, y)["loss"]
    penalty = 0.01 * sum(p.data ** 2 for p in model.parameters())
    h = fit(model, mse, opt, X, y, epochs=1, progress=False, l2=0.01)
    assert h["loss"][0] == pytest.approx(before + penalty, rel=1e-12)
    assert "accuracy" not in h


@pytest.mark.parametrize("loss, labels", [(binary_cross_entropy, [0, 1]), (hinge, [-1, 1])])
def test_accuracy_for_one_output_scores(loss, labels):
    X = [[-2.0, 0.0], [-1.5, 0.3], [1.8, 0.1], [2.2, -0.4]]
    y = [labels[0], labels[0], labels[1], labels[1]]
    model = MLP(2, [1], rng=0)
    h = fit(model, loss, SGD(model.parameters(), lr=0.5), X, y, epochs=20, progress=False)
    assert h["accuracy"][-1] == 1.0
    assert evaluate(model, loss, X, y)["accuracy"] == 1.0


def test_schedule_is_stepped_after_each_epoch(blobs):
    X, y = blobs
    model, opt = setup(lr=0.1)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    h = fit(model, softmax_cross_entropy, opt, X, y, epochs=5, schedule=sched, progress=False)
    assert h["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert opt.lr == pytest.approx(0.025) and sched.epoch == 5


def test_validation_metrics_and_early_stopping_restore_the_best(blobs):
    X, y = blobs
    model, opt = setup(lr=0.5, cls=SGD)
    es = EarlyStopping(patience=2, monitor="val_loss")
    h = fit(model, softmax_cross_entropy, opt, X[:40], y[:40], epochs=200,
            validation=(X[40:], y[40:]), early_stopping=es, progress=False)
    assert {"val_loss", "val_accuracy"} <= set(h.keys())
    assert h.stopped == "early_stopping" and len(h) < 200
    assert es.best == min(h["val_loss"])
    assert evaluate(model, softmax_cross_entropy, X[40:], y[40:])["loss"] == pytest.approx(es.best)


def test_gc_is_paused_during_training_and_restored(blobs):
    X, y = blobs
    seen = []

    def loss(outs, ys):
        seen.append(gc.isenabled())
        return softmax_cross_entropy(outs, ys)

    for initially in (True, False):
        (gc.enable if initially else gc.disable)()
        try:
            model, opt = setup()
            fit(model, loss, opt, X, y, epochs=1, batch_size=30, progress=False)
            assert gc.isenabled() is initially
            with pytest.raises(FloatingPointError):
                fit(model, Failing(loss, 1, to_inf), opt, X, y, epochs=1,
                    progress=False)
            assert gc.isenabled() is initially
        finally:
            gc.enable()
    assert seen and not any(seen)


# ---------------------------------------------------------------- failures keep the last epoch
def reference_state(X, y, epochs, **kw):
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=epochs, batch_size=20, progress=False, **kw)
    return model.state_dict(), opt.state_dict()


def test_nan_loss_names_epoch_and_batch_and_keeps_last_good_weights(blobs):
    X, y = blobs
    ref_model, ref_opt = reference_state(X, y, 2)
    model, opt = setup()
    bad = Failing(softmax_cross_entropy, at=3 * 2 + 2, fail=to_nan)
    with pytest.raises(FloatingPointError, match=r"epoch 3, batch 2: the loss is nan.*"
                                                 r"last completed epoch \(2\)"):
        fit(model, bad, opt, X, y, epochs=5, batch_size=20, progress=False)
    assert model.state_dict() == ref_model
    assert opt.state_dict() == ref_opt


def test_infinite_loss_in_the_first_batch_changes_nothing(blobs):
    X, y = blobs
    model, opt = setup()
    start = model.state_dict()
    with pytest.raises(FloatingPointError, match=r"epoch 1, batch 1: the loss is inf"):
        fit(model, Failing(softmax_cross_entropy, 1, to_inf), opt, X, y,
            epochs=3, progress=False)
    assert model.state_dict() == start and opt.t == 0


def test_diverging_sgd_is_caught():
    X, y = [[1.0, 2.0], [3.0, -1.0], [-2.0, 0.5]], [1e3, -2e3, 5e2]
    model = MLP(2, [4, 1], rng=0)
    with pytest.raises(FloatingPointError, match=r"fit: epoch \d+, batch 1: "):
        fit(model, mse, SGD(model.parameters(), lr=10.0), X, y, epochs=500, progress=False)
    assert all(math.isfinite(v) for v in model.state_dict().values())


def test_keyboard_interrupt_returns_history_and_last_epoch(blobs):
    X, y = blobs
    ref_model, ref_opt = reference_state(X, y, 2)
    model, opt = setup()
    h = fit(model, Failing(softmax_cross_entropy, 3 * 2 + 1, interrupt), opt, X, y, epochs=5,
            batch_size=20, progress=False)
    assert h.stopped == "interrupted" and len(h) == 2
    assert model.state_dict() == ref_model and opt.state_dict() == ref_opt


# ---------------------------------------------------------------- resume
def test_resume_continues_exactly_like_an_uninterrupted_run(blobs, tmp_path):
    X, y = blobs
    path = tmp_path / "ckpt.json"
    model, opt = setup(lr=0.1, cls=SGD)
    sched = ExponentialLR(opt, gamma=0.9)
    full = fit(model, softmax_cross_entropy, opt, X, y, epochs=6, batch_size=16,
               schedule=sched, progress=False)

    m1, o1 = setup(lr=0.1, cls=SGD)
    s1 = ExponentialLR(o1, gamma=0.9)
    # run 3 epochs, interrupted by Ctrl-C in epoch 4, then resume in a fresh process
    fit(m1, Failing(softmax_cross_entropy, 3 * 4 + 2, interrupt), o1, X, y, epochs=6,
        batch_size=16, schedule=s1, checkpoint=path, progress=False)
    m2, o2 = setup(seed=99, lr=0.5, cls=SGD)
    s2 = ExponentialLR(o2, gamma=0.9)
    h2 = fit(m2, softmax_cross_entropy, o2, X, y, epochs=6, batch_size=16, schedule=s2,
             checkpoint=path, resume=path, progress=False)
    assert m2.state_dict() == model.state_dict()
    assert h2["loss"] == full["loss"] and h2["lr"] == full["lr"]
    assert o2.lr == opt.lr


def test_resume_with_dropout_continues_exactly(blobs, tmp_path):
    X, y = blobs
    path = tmp_path / "d.json"

    def make(seed=0):
        model = MLP(2, [16, 3], rng=seed, dropout=0.3)
        return model, Adam(model.parameters(), lr=0.02)

    model, opt = make()
    full = fit(model, softmax_cross_entropy, opt, X, y, epochs=4, batch_size=16, progress=False)
    m1, o1 = make()
    fit(m1, softmax_cross_entropy, o1, X, y, epochs=2, batch_size=16, checkpoint=path,
        progress=False)
    m2, o2 = make(seed=8)
    h2 = fit(m2, softmax_cross_entropy, o2, X, y, epochs=4, batch_size=16, resume=path,
             progress=False)
    assert h2["loss"] == full["loss"]
    assert m2.state_dict() == model.state_dict()
    data = json.loads(path.read_text())
    data["random_states"][0] = [3, [1, 2], None]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="dropout random state is malformed"):
        load_checkpoint(path, m2)


# ---------------------------------------------------------------- progress bar and arguments
def test_progress_bar_only_on_a_terminal(blobs, capsys, monkeypatch):
    X, y = blobs
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=2, progress=True)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    fit(model, softmax_cross_entropy, opt, X, y, epochs=4, progress=True)
    err = capsys.readouterr().err
    assert "4/4" in err and "loss=" in err and "accuracy=" in err
    fit(model, softmax_cross_entropy, opt, X, y, epochs=2, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kwargs, err, msg", [
    ({"y": [0, 1]}, ValueError, r"different lengths \(60 rows, 2 targets\)"),
    ({"epochs": -1}, ValueError, "epochs must be an int >= 0, got -1"),
    ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1, got 0"),
    ({"loss": "mae"}, ValueError, "loss must be a callable or one of"),
    ({"X": [[1.0, "a"]] * 60}, ValueError, r"X\[0\]\[1\] must be a finite number, got 'a'"),
    ({"validation": ([[0.0, 0.0]], [])}, ValueError, r"X_val and y_val have different lengths"),
    ({"metric": "f1"}, ValueError, "metric must be 'auto', 'accuracy' or None"),
    ({"optimizer": "adam"}, TypeError, "optimizer must be an Optimizer, got str"),
])
def test_fit_argument_errors(blobs, kwargs, err, msg):
    X, y = blobs
    model, opt = setup()
    args = {"model": model, "loss": softmax_cross_entropy, "optimizer": opt, "X": X, "y": y,
            "epochs": 1, "progress": False}
    args.update(kwargs)
    with pytest.raises(err, match=msg):
        fit(**args)


def test_early_stopping_monitor_must_exist(blobs):
    X, y = blobs
    model, opt = setup()
    with pytest.raises(ValueError, match="monitors 'val_accuracy', which is not recorded"):
        fit(model, softmax_cross_entropy, opt, X, y, epochs=2, progress=False,
            early_stopping=EarlyStopping(monitor="val_accuracy"))
