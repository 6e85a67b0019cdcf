"""save_checkpoint and load_checkpoint: tagged JSON, atomic writes, refusals that change nothing."""

from __future__ import annotations

import json
import os

import pytest
from loss_faults import setup

from tinygrad_scalar import MLP
from tinygrad_scalar.losses import softmax_cross_entropy
from tinygrad_scalar.optim import SGD, StepLR
from tinygrad_scalar.train import CHECKPOINT_FORMAT, fit, load_checkpoint, save_checkpoint


def test_checkpoint_file_is_tagged_json_and_written_atomically(blobs, tmp_path, monkeypatch):
    X, y = blobs
    path = tmp_path / "ck.json"
    model, opt = setup()
    fit(model, softmax_cross_entropy, opt, X, y, epochs=2, checkpoint=path, progress=False)
    data = json.loads(path.read_text())
    assert data["format"] == CHECKPOINT_FORMAT and data["version"] == 1 and data["epoch"] == 2
    assert data["architecture"] == {"type": "MLP", "nin": 2, "nouts": [8, 3],
                                    "activations": ["relu", "linear"]}
    assert data["model"] == model.state_dict() and data["optimizer"]["type"] == "Adam"
    assert os.listdir(tmp_path) == ["ck.json"]

    before = path.read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, model, opt, epoch=3)
    assert path.read_text() == before and os.listdir(tmp_path) == ["ck.json"]


@pytest.mark.parametrize("content, msg", [
    ('{"format": "tinygrad_scalar.checkpoint", "version": 1, "mod', "not valid JSON.*truncated"),
    ("hello", "not valid JSON"),
    ('[1, 2]', "not a checkpoint"),
    ('{"format": "something.else"}', r"not a checkpoint \(format tag 'something.else'"),
    ('{"format": "tinygrad_scalar.checkpoint", "version": 7}', "version 7 is not supported"),
])
def test_bad_files_raise_value_error_and_change_nothing(tmp_path, content, msg):
    path = tmp_path / "bad.json"
    path.write_text(content)
    model, opt = setup()
    before = model.state_dict()
    with pytest.raises(ValueError, match=msg):
        load_checkpoint(path, model, opt)
    assert model.state_dict() == before


def test_truncated_real_checkpoint(tmp_path):
    model, opt = setup()
    path = tmp_path / "c.json"
    save_checkpoint(path, model, opt, epoch=1)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    other, opt2 = setup(seed=5)
    before = other.state_dict()
    with pytest.raises(ValueError, match="truncated"):
        load_checkpoint(path, other, opt2)
    assert other.state_dict() == before


def test_other_architecture_is_refused_with_what_differs(tmp_path):
    path = tmp_path / "c.json"
    save_checkpoint(path, MLP(2, [16, 3], rng=0))
    model = MLP(2, [8, 3], rng=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"another architecture: nouts is \[16, 3\] in the file "
                                         r"but \[8, 3\] in the model"):
        load_checkpoint(path, model)
    tanh = MLP(2, [16, 3], activation="tanh", rng=1)
    with pytest.raises(ValueError, match=r"activations is \['relu', 'linear'\] in the file"):
        load_checkpoint(path, tanh)
    assert model.state_dict() == before


def test_optimizer_mismatch_rolls_back_the_model_too(tmp_path):
    path = tmp_path / "c.json"
    src, sgd = setup(cls=SGD)
    save_checkpoint(path, src, sgd, epoch=1)
    model, adam = setup(seed=3)
    before = model.state_dict()
    with pytest.raises(ValueError, match="state is for optimizer 'SGD', not 'Adam'"):
        load_checkpoint(path, model, adam)
    assert model.state_dict() == before
    with pytest.raises(ValueError, match="no schedule state"):
        load_checkpoint(path, model, sgd, StepLR(sgd, 2))


def test_corrupted_weights_are_refused(tmp_path):
    path = tmp_path / "c.json"
    model, _ = setup()
    save_checkpoint(path, model)
    data = json.loads(path.read_text())
    data["model"]["L0.N0.w0"] = "x"
    path.write_text(json.dumps(data))
    other, _ = setup(seed=2)
    before = other.state_dict()
    with pytest.raises(ValueError, match="parameter 'L0.N0.w0' must be a finite number"):
        load_checkpoint(path, other)
    assert other.state_dict() == before


@pytest.mark.silent  # once a wrong result without a word
def test_extra_may_not_replace_what_the_checkpoint_holds(tmp_path):
    path = tmp_path / "c.json"
    model, opt = setup()
    with pytest.raises(ValueError, match=r"save_checkpoint: extra uses the reserved keys "
                                         r"\['epoch', 'model'\].*nothing was written"):
        save_checkpoint(path, model, extra={"model": {}, "note": 1, "epoch": 3})
    assert not path.exists()
    save_checkpoint(path, model, opt, extra={"note": "kept"})
    assert load_checkpoint(path, model, opt)["note"] == "kept"


def test_the_refusal_is_the_error_even_when_putting_the_model_back_meets_a_nan(tmp_path):
    path = tmp_path / "c.json"
    src, sgd = setup(cls=SGD)
    save_checkpoint(path, src, sgd, epoch=1)
    model, adam = setup(seed=3)
    model.parameters()[0].data = float("nan")
    before = repr(model.state_dict())
    with pytest.raises(ValueError, match="state is for optimizer 'SGD', not 'Adam'"):
        load_checkpoint(path, model, adam)
    assert repr(model.state_dict()) == before


def test_a_folder_as_the_checkpoint_path_is_refused_and_nothing_is_written(tmp_path):
    model = MLP(2, [3, 1], rng=0)
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    with pytest.raises(IsADirectoryError, match=r"save_checkpoint: .* is a folder; give the "
                                                r"checkpoint a file name"):
        save_checkpoint(tmp_path, model)
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before
    assert list(tmp_path.iterdir()) == []
