"""History and EarlyStopping."""

from __future__ import annotations

import json

import pytest

from tinygrad_scalar.train import EarlyStopping, History


def test_history_round_trip_and_errors():
    h = History()
    h.append(epoch=1, loss=2.0)
    h.append(epoch=2, loss=1.0)
    h.stopped = "completed"
    again = History.from_dict(json.loads(json.dumps(h.as_dict())))
    assert again["loss"] == [2.0, 1.0] and again.stopped == "completed" and len(again) == 2
    assert "loss=1" in repr(h)
    with pytest.raises(KeyError, match=r"no 'val_loss' recorded \(have \['epoch', 'loss'\]\)"):
        h["val_loss"]
    with pytest.raises(ValueError, match="expected"):
        History.from_dict({"records": [1]})


def test_early_stopping_patience_must_be_positive():
    with pytest.raises(ValueError, match="EarlyStopping: patience must be an int >= 1, got 0"):
        EarlyStopping(patience=0)


def test_fit_records_every_batch_loss_and_a_checkpoint_keeps_them(tmp_path):
    from tinygrad_scalar import MLP, fit
    from tinygrad_scalar.optim import SGD
    from tinygrad_scalar.train import load_checkpoint
    X = [[0.0], [1.0], [2.0], [3.0], [4.0]]
    y = [0.0, 1.0, 2.0, 3.0, 4.0]
    model = MLP(1, [1], rng=0)
    h = fit(model, "mse", SGD(model.parameters(), lr=0.01), X, y, epochs=3, batch_size=2,
            progress=False, checkpoint=tmp_path / "c.json")
    assert h.batches["epoch"] == pytest.approx([1 / 3, 2 / 3, 1.0, 4 / 3, 5 / 3, 2.0,
                                                7 / 3, 8 / 3, 3.0])
    losses = h.batches["loss"]
    # an epoch's loss is the mean over rows: batches of 2, 2 and 1 rows
    assert h["loss"][0] == pytest.approx((2 * losses[0] + 2 * losses[1] + losses[2]) / 5)
    saved = load_checkpoint(tmp_path / "c.json", MLP(1, [1], rng=0))
    assert History.from_dict(saved["history"]).batches == h.batches
    assert History.from_dict({"records": {"loss": [1.0]}}).batches == {"epoch": [], "loss": []}
    with pytest.raises(ValueError, match="batches"):
        History.from_dict({"records": {}, "batches": {"epoch": [1.0], "loss": []}})


def test_plot_history_draws_the_batches(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is not installed")
    from tinygrad_scalar.train.plots import plot_history
    h = History()
    for e in (1, 2):
        h.append_batch(e - 0.5, 1.0 / e)
        h.append_batch(float(e), 0.8 / e)
        h.append(epoch=e, loss=0.9 / e)
    assert plot_history(h, tmp_path / "h.png", per_batch=True).stat().st_size > 1000
    with pytest.raises(TypeError, match="per_batch"):
        plot_history(h, tmp_path / "h.png", per_batch="yes")
