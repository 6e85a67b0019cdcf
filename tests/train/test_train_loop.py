"""fit: learning, history, schedules, early stopping, resume, and what happens on failure."""

from __future__ import annotations

import gc
import json
import math
import os
import warnings

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


# ---------------------------------------------------------------- parameters that are not finite
@pytest.mark.parametrize("index, name, bad", [(0, "L0.N0.w0", math.nan), (0, "L0.N0.w0", math.inf),
                                              (50, "L1.N2.b", -math.inf)])
@pytest.mark.silent  # once a wrong result without a word
def test_parameters_that_are_not_finite_are_refused_before_the_first_step(blobs, index, name, bad):
    X, y = blobs
    model, opt = setup()
    model.parameters()[index].data = bad
    before = repr(model.state_dict())
    with pytest.raises(ValueError, match=rf"fit: parameter '{name}' "
                                         rf"\(model.parameters\(\)\[{index}\]\) is {bad}"):
        fit(model, softmax_cross_entropy, opt, X, y, epochs=5, progress=False)
    assert repr(model.state_dict()) == before and opt.t == 0


def test_a_resumed_checkpoint_replaces_parameters_that_are_not_finite(blobs, tmp_path):
    X, y = blobs
    path = tmp_path / "ck.json"
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=2, checkpoint=path, progress=False)
    other, opt2 = setup(seed=1)
    other.parameters()[0].data = math.nan
    h = fit(other, softmax_cross_entropy, opt2, X, y, epochs=3, resume=path, progress=False)
    assert len(h) == 3 and all(math.isfinite(v) for v in other.state_dict().values())


# ---------------------------------------------------------------- the first error is the one raised
def _inf_update(loss):
    """A finite loss whose gradients, times the learning rate, overflow the weights."""
    return loss * 1e10


@pytest.mark.silent  # once a wrong result without a word
def test_an_update_to_infinite_weights_is_caught_at_its_step_and_not_masked(blobs, tmp_path):
    X, y = blobs
    path = tmp_path / "ck.json"
    model = MLP(2, [8, 3], rng=0)
    opt = SGD(model.parameters(), lr=1e300)
    start = model.state_dict()
    with pytest.raises(FloatingPointError, match=r"fit: epoch 1, batch 1: .*the update would make "
                                                 r"parameter 0 \(L0.N0.w0\) -?inf .*no parameter "
                                                 r"was changed; training stopped") as err:
        fit(model, Failing(softmax_cross_entropy, 1, _inf_update), opt, X, y, epochs=3,
            checkpoint=path, progress=False)
    assert err.value.__context__ is None or "load_state_dict" not in str(err.value.__context__)
    assert model.state_dict() == start and not path.exists()


@pytest.mark.silent  # once a wrong result without a word
def test_an_error_while_putting_things_back_never_hides_the_first(blobs, monkeypatch):
    X, y = blobs
    model, opt = setup()

    def broken(state):
        raise RuntimeError("cannot load")

    monkeypatch.setattr(opt, "load_state_dict", broken)
    with pytest.raises(FloatingPointError, match=r"epoch 2, batch 1: the loss is nan; training "
                                                 r"stopped.*the optimizer could not be put back "
                                                 r"\(RuntimeError: cannot load\)"):
        fit(model, Failing(softmax_cross_entropy, 4, to_nan), opt, X, y, epochs=3,
            batch_size=20, progress=False)
    assert model.state_dict() == reference_state(X, y, 1)[0]

    def wrong_label(loss):
        raise TypeError("labels must be ints")

    with pytest.raises(TypeError, match="labels must be ints") as err:
        fit(model, Failing(softmax_cross_entropy, 1, wrong_label), opt, X, y, epochs=1,
            progress=False)
    assert any("optimizer could not be put back" in n for n in getattr(err.value, "__notes__", []))


# ---------------------------------------------------------------- arithmetic errors in a step
def _overflow(loss):
    return (loss * 1e6).exp()


def _divide_by_zero(loss):
    return loss / (loss - loss)


def _log_of_negative(loss):
    return (loss - loss - 1.0).log()


def _floating_point_error(loss):
    raise FloatingPointError("underflow")


@pytest.mark.parametrize("fault, what", [
    (_overflow, "OverflowError: exp: overflow"),
    (_divide_by_zero, "ZeroDivisionError: /: division by zero"),
    (_log_of_negative, r"DomainError: log: undefined for x = -1.0"),
    (_floating_point_error, "FloatingPointError: underflow"),
    (to_nan, "the loss is nan"),
], ids=["overflow", "zero division", "math domain", "floating point", "nan"])
def test_an_arithmetic_error_in_a_step_stops_with_where_and_what(blobs, fault, what):
    X, y = blobs
    ref_model, ref_opt = reference_state(X, y, 2)
    model, opt = setup()
    with pytest.raises(FloatingPointError, match=rf"fit: epoch 3, batch 2: {what}.*training "
                                                 rf"stopped.*last completed epoch \(2\)") as err:
        fit(model, Failing(softmax_cross_entropy, 3 * 2 + 2, fault), opt, X, y, epochs=5,
            batch_size=20, progress=False)
    assert model.state_dict() == ref_model and opt.state_dict() == ref_opt
    if fault is not to_nan:
        assert err.value.__cause__ is not None  # the error itself, chained


def test_an_error_in_the_optimizer_step_stops_with_where_and_what(blobs, monkeypatch):
    X, y = blobs
    model, opt = setup()
    before = model.state_dict()
    step = opt.step

    def overflowing_step():
        step()
        if opt.t == 2:
            raise OverflowError("math range error")

    monkeypatch.setattr(opt, "step", overflowing_step)
    with pytest.raises(FloatingPointError, match=r"epoch 1, batch 2: OverflowError: math range"):
        fit(model, softmax_cross_entropy, opt, X, y, epochs=2, batch_size=30, progress=False)
    assert model.state_dict() == before


def test_an_overflow_while_validating_names_the_epoch(blobs):
    X, y = blobs
    model, opt = setup()
    m1, o1 = setup()
    fit(m1, softmax_cross_entropy, o1, X[:40], y[:40], epochs=1, progress=False,
        validation=(X[40:], y[40:]))
    # calls of the loss: epoch 1 trains (1) and validates (2); epoch 2 trains (3), validates (4)
    with pytest.raises(FloatingPointError, match=r"fit: epoch 2, validation: OverflowError.*"
                                                 r"last completed epoch \(1\)"):
        fit(model, Failing(softmax_cross_entropy, 4, _overflow), opt, X[:40], y[:40], epochs=3,
            validation=(X[40:], y[40:]), progress=False)
    assert model.state_dict() == m1.state_dict()


@pytest.mark.parametrize("compiled", [False, True], ids=["interpreted", "compiled"])
def test_a_logarithm_driven_below_zero_keeps_the_weights_before_the_failing_step(compiled,
                                                                                 monkeypatch):
    def log_loss(outs, ys):
        return (outs[0] + 2.0).log()  # minimised by driving the output towards -2, and past it

    model = MLP(1, [1], rng=0)
    opt = SGD(model.parameters(), lr=1.5)
    after_each_step = [model.state_dict()]
    step = opt.step

    def recording_step():
        step()
        after_each_step.append(model.state_dict())

    monkeypatch.setattr(opt, "step", recording_step)
    with pytest.raises(FloatingPointError, match=r"fit: epoch \d+, batch 1: DomainError: ") as err:
        fit(model, log_loss, opt, [[1.0]], [0.0], epochs=50, progress=False, compiled=compiled,
            metric=None)
    assert f"epoch {len(after_each_step)}, batch 1" in str(err.value)  # one step per epoch
    assert model.state_dict() == after_each_step[-1]  # the weights before the failing step


def test_a_label_the_loss_refuses_is_not_called_divergence(blobs):
    X, y = blobs
    model, opt = setup()
    with pytest.raises(ValueError, match="softmax_cross_entropy") as err:
        fit(model, softmax_cross_entropy, opt, X, [7] * len(y), epochs=1, progress=False)
    assert not isinstance(err.value, FloatingPointError)


# ---------------------------------------------------------------- what is on disk, and saying so
@pytest.mark.parametrize("fault", [KeyboardInterrupt(), OSError(28, "No space left on device")],
                         ids=["Ctrl-C", "disk full"])
@pytest.mark.silent  # once a wrong result without a word
def test_a_failed_save_leaves_model_history_and_file_at_the_same_epoch(blobs, tmp_path, fault,
                                                                        monkeypatch, capsys):
    X, y = blobs
    path = tmp_path / "ck.json"
    ref_model, ref_opt = reference_state(X, y, 2)
    model, opt = setup()
    calls = [0]
    replace = os.replace

    def failing_replace(src, dst):
        calls[0] += 1
        if calls[0] == 3:  # saving epoch 3
            raise fault
        replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    history = None
    try:
        history = fit(model, softmax_cross_entropy, opt, X, y, epochs=5, batch_size=20,
                      checkpoint=path, progress=False)
    except OSError as e:
        assert e is fault
    monkeypatch.undo()
    assert json.loads(path.read_text())["epoch"] == 2
    assert model.state_dict() == ref_model and opt.state_dict() == ref_opt
    if isinstance(fault, KeyboardInterrupt):
        assert history.stopped == "interrupted" and history["epoch"] == [1, 2]
        assert len(history["loss"]) == len(history["lr"]) == 2
        note = capsys.readouterr().err
        assert note.startswith("fit: interrupted (Ctrl-C) while saving epoch 3 to ")
        assert "back at the last completed epoch (2), which the checkpoint" in note


@pytest.mark.silent  # once a wrong result without a word
def test_ctrl_c_in_a_batch_says_where_and_what_the_file_holds(blobs, tmp_path, capsys):
    X, y = blobs
    model, opt = setup()
    h = fit(model, Failing(softmax_cross_entropy, 3 * 2 + 1, interrupt), opt, X, y, epochs=5,
            batch_size=20, checkpoint=tmp_path / "ck.json", progress=False)
    assert len(h) == 2
    note = capsys.readouterr().err
    assert note.startswith("fit: interrupted (Ctrl-C) in epoch 3, batch 1; the model, its "
                           "optimizer and the history are back at the last completed epoch (2), "
                           "which the checkpoint")
    h = fit(model, Failing(softmax_cross_entropy, 1, interrupt), opt, X, y, epochs=5,
            checkpoint=tmp_path / "other.json", progress=False)
    assert "nothing was saved to" in capsys.readouterr().err


@pytest.mark.silent  # once a wrong result without a word
def test_resuming_a_checkpoint_past_epochs_warns_that_nothing_was_trained(blobs, tmp_path):
    X, y = blobs
    path = tmp_path / "ck.json"
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=5, checkpoint=path, progress=False)
    other, opt2 = setup(seed=3)
    with pytest.warns(UserWarning, match=r"fit: the checkpoint .* already holds 5 epochs, more "
                                         r"than epochs=3; nothing was trained .*epochs=8"):
        h = fit(other, softmax_cross_entropy, opt2, X, y, epochs=3, resume=path, progress=False)
    assert len(h) == 5 and other.state_dict() == model.state_dict() and opt2.t == opt.t == 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as many epochs as asked for: done, nothing to say
        assert len(fit(other, softmax_cross_entropy, opt2, X, y, epochs=5, resume=path,
                       progress=False)) == 5


@pytest.mark.silent  # once a wrong result without a word
def test_an_optimizer_of_another_model_is_refused(blobs):
    X, y = blobs
    model, other = MLP(2, [4, 3], rng=0), MLP(2, [4, 3], rng=1)
    with pytest.raises(ValueError, match=r"fit: the optimizer updates none of the model's 27 "
                                         r"parameters .*model.parameters\(\)"):
        fit(model, softmax_cross_entropy, SGD(other.parameters(), lr=0.1), X, y, epochs=1,
            progress=False)
