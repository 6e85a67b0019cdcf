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
